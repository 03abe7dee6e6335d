#pragma once
// The constant-size aggregate states of a group-by: count, sum and mean, min and max, variance.
//
// Every state is a plain struct with `add`, `merge` and a result: a state that saw rows 1..k merged
// with one that saw rows k+1..n gives the result of one state that saw rows 1..n (up to rounding), so
// that per-thread states can be merged. Null results (no value seen) are empty optionals.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <yieldpipe/iter/running_stats.hpp>

namespace yieldpipe::query {

/// A sum of doubles with Neumaier's compensation (Kahan's, also correct when an addend is larger
/// than the running sum): the error stays at a few units in the last place of the result instead of
/// growing with the number of addends. 16 bytes.
struct compensated_sum {
  double sum = 0;
  double compensation = 0;  // the low-order bits lost so far

  void add(double x) noexcept {
    const double t = sum + x;
    if (std::abs(sum) >= std::abs(x))
      compensation += (sum - t) + x;
    else
      compensation += (x - t) + sum;
    sum = t;
  }
  void merge(const compensated_sum& other) noexcept {
    add(other.sum);
    add(other.compensation);
  }
  [[nodiscard]] double result() const noexcept { return sum + compensation; }
};

/// count (rows) or count:COLUMN (non-empty values).
struct count_state {
  std::uint64_t n = 0;
  void add() noexcept { ++n; }
  void merge(const count_state& other) noexcept { n += other.n; }
  [[nodiscard]] std::uint64_t result() const noexcept { return n; }
};

/// sum and mean: a compensated sum and a count. The sum of no values is null (SQL's SUM), as is their mean.
struct sum_state {
  compensated_sum sum;
  std::uint64_t n = 0;
  void add(double x) noexcept {
    sum.add(x);
    ++n;
  }
  void merge(const sum_state& other) noexcept {
    sum.merge(other.sum);
    n += other.n;
  }
  [[nodiscard]] std::optional<double> total() const noexcept { return n ? std::optional(sum.result()) : std::nullopt; }
  [[nodiscard]] std::optional<double> mean() const noexcept {
    return n ? std::optional(sum.result() / static_cast<double>(n)) : std::nullopt;
  }
};

/// min or max: the extreme value seen, null when none was.
template <bool Max>
struct extreme_state {
  double value = 0;
  bool seen = false;
  void add(double x) noexcept {
    if (!seen || (Max ? x > value : x < value)) value = x;
    seen = true;
  }
  void merge(const extreme_state& other) noexcept {
    if (other.seen) add(other.value);
  }
  [[nodiscard]] std::optional<double> result() const noexcept { return seen ? std::optional(value) : std::nullopt; }
};
using min_state = extreme_state<false>;
using max_state = extreme_state<true>;

/// var, std (sample: divided by n - 1, as pandas' default and SQL's var_samp/stddev_samp; null below 2
/// values) and var_pop, std_pop (divided by n; null for no value). The moments are iter's
/// `running_stats` (Welford on values taken relative to the first, Chan et al. to merge): one
/// implementation of the numerics for the rolling windows and the group-by.
struct variance_state {
  running_stats moments;

  void add(double x) noexcept { moments.push(x); }
  void merge(const variance_state& other) noexcept { moments.merge(other.moments); }
  [[nodiscard]] std::optional<double> variance(bool sample) const noexcept {
    const std::size_t n = moments.count();
    if (n == 0 || (sample && n < 2)) return std::nullopt;
    return sample ? moments.sample_variance() : moments.variance();
  }
  [[nodiscard]] std::optional<double> deviation(bool sample) const noexcept {
    if (auto v = variance(sample)) return std::sqrt(*v);
    return std::nullopt;
  }
};

}  // namespace yieldpipe::query
