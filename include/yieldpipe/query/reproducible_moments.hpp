#pragma once
// Count, sum, mean and variance of doubles whose results do not depend on the order of the values nor on
// how they were split into states that were merged: the moments behind `stats`' sum, mean, var, std,
// var_pop and std_pop, the same digits for every --threads.
//
//   query::reproducible_moments m;
//   for (double x : values) m.add(x);
//   std::optional<double> v = m.variance(/*sample=*/true);   // null below two values

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <yieldpipe/query/reproducible_sum.hpp>

namespace yieldpipe::query {

/// The count, Σx and Σx² of the values, the sums exact (two `reproducible_sum`s; each x² is added
/// exactly, as the 106-bit integer it is: `reproducible_sum::add_square`), so that every result is a
/// function of the multiset of values only: bit for bit the same for any order and any split into states
/// merged in any order.
///
/// Results, computed when asked from the exact sums:
/// - `total()`: Σx correctly rounded (see reproducible_sum); `mean()`: Σx / n from Σx as a double-double,
///   within an ulp (usually correctly rounded), also when Σx itself is beyond the double range.
/// - `variance(sample)`: (nΣx² − (Σx)²) / (n(n − 1)) (sample) or / n² (population), the numerator
///   summed exactly from the error-free products of three-double expansions of Σx and Σx² (no shift is
///   needed: nothing cancels before the exact sum), then divided in double-double. The numerator is exact
///   while Σx and Σx² fit three doubles (~159 bits: roughly log2(n) + 2 log2(max|x| / min|x|) <= 50, so
///   1e9 ± 2 over 10^7 rows, or any constant column, which gives exactly 0); the variance is then within
///   an ulp (usually correctly rounded). Beyond, the relative error grows to about 2^-156 × (1 +
///   mean²/variance), which only matters when the mean is huge against the spread, that is on data that
///   spans little. `deviation(sample)` is the correctly rounded square root of that variance.
/// - Sample results need 2 values, population ones 1, sums and means 1: below, null (SQL's var_samp,
///   var_pop, sum, avg).
/// - Special values: a NaN or an infinity gives NaN variances; total and mean follow reproducible_sum (a
///   NaN or +inf and -inf: NaN; +inf alone: +inf). x² is beyond the double range for |x| >= 2^512
///   (1.34e154): the variances are then NaN (out of this method's range). For |x| < 2^-485 (1e-146) the
///   square may lose its bits below 2^-1074.
///
/// Cost: `add` is inline, a `reproducible_sum::add` and an `add_square`: 6 to 9 ns per value where
/// shifted Welford takes 2 to 6 (docs/query.md has the measured figures); `merge` O(1), ~50 ns; `mean()`
/// ~0.1 µs and `variance()` ~0.4 µs (exact arithmetic on a few hundred words: once per group, at the end).
/// Memory: 136 bytes (`sizeof`: the count and two 64-byte sums), no allocation unless the values span
/// more than ~2^64 in magnitude (see reproducible_sum's spill). Counts up to 2^53 keep every result as
/// described (n is exact as a double).
class reproducible_moments {
 public:
  /// Adds one value. Throws `std::bad_alloc` only when a sum's spill cannot be allocated.
  void add(double x) {
    ++n_;
    sum_.add(x);
    squares_.add_square(x);
  }

  /// Adds the values `other` has seen, as if they had been added here. Exact.
  void merge(const reproducible_moments& other) {
    n_ += other.n_;
    sum_.merge(other.sum_);
    squares_.merge(other.squares_);
  }

  [[nodiscard]] std::uint64_t count() const noexcept { return n_; }

  /// The state's exact bytes, as reproducible_sum's.
  void save(std::string& out) const;
  void load(std::string_view& in);
  /// Σx, correctly rounded; null for no value.
  [[nodiscard]] std::optional<double> total() const noexcept;
  /// Σx / n; null for no value.
  [[nodiscard]] std::optional<double> mean() const noexcept;
  /// The sample (n − 1) or population (n) variance; null below 2 (1) values. Sums its numerator in a
  /// temporary reproducible_sum, whose spill may be allocated (528 bytes, freed on return): throws
  /// `std::bad_alloc` only when it cannot be.
  [[nodiscard]] std::optional<double> variance(bool sample) const;
  /// The square root of `variance(sample)`.
  [[nodiscard]] std::optional<double> deviation(bool sample) const;

 private:
  std::uint64_t n_ = 0;
  reproducible_sum sum_;      // Σx
  reproducible_sum squares_;  // Σx², both halves of each square
};

}  // namespace yieldpipe::query
