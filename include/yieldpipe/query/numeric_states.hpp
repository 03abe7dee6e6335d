#pragma once
// The constant-size aggregate states of a group-by: count, sum and mean, min and max, variance.
//
// Every state is a plain struct with `add`, `merge` and a result: a state that saw rows 1..k merged
// with one that saw rows k+1..n gives the result of one state that saw rows 1..n, so that per-thread
// states can be merged; the sums and variances bit for bit (their sums are exact). Null results (no
// value seen) are empty optionals.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <yieldpipe/query/compact_sum.hpp>
#include <yieldpipe/query/reproducible_moments.hpp>
#include <yieldpipe/query/reproducible_sum.hpp>

namespace yieldpipe::query {

/// count (rows) or count:COLUMN (non-empty values).
struct count_state {
  std::uint64_t n = 0;
  void add() noexcept { ++n; }
  void merge(const count_state& other) noexcept { n += other.n; }
  [[nodiscard]] std::uint64_t result() const noexcept { return n; }
};

/// sum and mean: the exact sum of the values (`compact_sum`: the results of `reproducible_sum` in half
/// its size) and their count. The sum is the correctly rounded exact sum and the mean that sum divided
/// by the count, whatever the order of the values and however they were split into states and merged:
/// `stats` prints the same digits for any --threads. The sum of no values is null (SQL's SUM), as is
/// their mean. 40 bytes (plus 64 on the heap for values spanning more than about 2^120).
struct sum_state {
  compact_sum sum;
  std::uint64_t n = 0;
  void add(double x) {
    sum.add(x);
    ++n;
  }
  void merge(const sum_state& other) {
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
/// values) and var_pop, std_pop (divided by n; null for no value), from the exact Σx and Σx² of
/// `reproducible_moments`: within an ulp of the exact variance (also for 1e9 ± 2), and the same bits for
/// any order and split of the values. 136 bytes.
struct variance_state {
  reproducible_moments moments;

  void add(double x) { moments.add(x); }
  void merge(const variance_state& other) { moments.merge(other.moments); }
  [[nodiscard]] std::optional<double> variance(bool sample) const { return moments.variance(sample); }
  [[nodiscard]] std::optional<double> deviation(bool sample) const { return moments.deviation(sample); }
};

}  // namespace yieldpipe::query
