#pragma once
// The aggregates of `yieldpipe stats` and the group-by table that feeds them.
//
//   auto specs = parse_aggregates("count,mean:value,p90:value");
//   group_by table(header, {"category"}, specs, /*max_memory=*/0);
//   for (const io::csv_row& row : rows) table.add(row);
//   table.for_each_sorted([&](std::span<const io::field> record) { writer.write_row(record); });
//
// Every state is a plain struct with `add`, `merge` and `result`: a state that saw rows 1..k merged with
// one that saw rows k+1..n gives the result of one state that saw rows 1..n (up to rounding), so that
// per-thread states can be merged. `merge(later)` takes the state of the later rows (first/last care).
// `add` returns the bytes the state grew by (0 for the constant-size states), for --max-memory.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/writers.hpp>

namespace yieldpipe::cli {

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
/// values) and var_pop, std_pop (divided by n; null for no value). Welford's update on the values minus
/// the first one (the shift keeps the accuracy when the mean is large against the spread: 1e9 ± 2), and
/// Chan et al.'s formula to merge.
struct variance_state {
  std::uint64_t n = 0;
  double shift = 0;  // the first value: the others are taken relative to it
  double mean = 0;   // of x - shift
  double m2 = 0;     // sum of squared deviations from the mean

  void add(double x) noexcept {
    if (n == 0) shift = x;
    const double y = x - shift;
    ++n;
    const double d = y - mean;
    mean += d / static_cast<double>(n);
    m2 += d * (y - mean);
  }
  void merge(const variance_state& other) noexcept;
  [[nodiscard]] std::optional<double> variance(bool sample) const noexcept;
  [[nodiscard]] std::optional<double> deviation(bool sample) const noexcept;
};

/// first or last: the first (last) non-empty text of the column, as written in the input.
template <bool Last>
struct text_pick_state {
  std::string text;
  bool seen = false;
  /// Returns the bytes the kept text grew by.
  std::size_t add(std::string_view value) {
    if (seen && !Last) return 0;
    const std::size_t before = heap_bytes();
    text.assign(value);
    seen = true;
    return heap_bytes() - before;
  }
  void merge(const text_pick_state& later) {
    if (later.seen && (Last || !seen)) add(later.text);
  }
  [[nodiscard]] std::optional<std::string_view> result() const noexcept {
    return seen ? std::optional<std::string_view>(text) : std::nullopt;
  }
  /// What the text holds outside the struct (nothing while it fits the small-string buffer).
  [[nodiscard]] std::size_t heap_bytes() const noexcept {
    return text.capacity() > 15 ? text.capacity() + 1 : 0;  // libstdc++ keeps 15 bytes inline
  }
};
using first_state = text_pick_state<false>;
using last_state = text_pick_state<true>;

/// count_distinct: the distinct non-empty texts of the column, exactly, in a hash set. Memory per distinct
/// value: its node (about 72 bytes) plus the text when longer than 15 bytes.
struct distinct_state {
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, hash, std::equal_to<>> values;

  /// The estimated bytes of one value in the set.
  static std::size_t value_bytes(std::string_view value) noexcept {
    return 72 + (value.size() > 15 ? value.size() + 1 : 0);
  }
  /// Returns the bytes the set grew by (0 for a value already there: no allocation).
  std::size_t add(std::string_view value) {
    if (values.find(value) != values.end()) return 0;
    values.emplace(value);
    return value_bytes(value);
  }
  /// Returns the bytes the set grew by.
  std::size_t merge(const distinct_state& other);
  [[nodiscard]] std::uint64_t result() const noexcept { return values.size(); }
};

/// pN (p50, p90, p99, p99.9, any N from 0 to 100): exact percentiles of the stored values, with linear
/// interpolation between the two nearest ranks (numpy's and pandas' default: rank q/100 × (n - 1)).
/// Memory: 8 bytes per value (the vector's capacity is what is counted). `result` reorders the values
/// (nth_element, O(n)); several percentiles can be read from one state.
struct quantile_state {
  std::vector<double> values;

  /// Returns the bytes the vector's capacity grew by.
  std::size_t add(double x);
  /// Returns the bytes the vector's capacity grew by.
  std::size_t merge(const quantile_state& other);
  /// The percentile `q` (0..100) of the values; null when there are none.
  [[nodiscard]] std::optional<double> result(double q);
};

/// What an aggregate computes.
enum class aggregate_kind {
  count,
  sum,
  mean,
  min,
  max,
  var,
  std,
  var_pop,
  std_pop,
  first,
  last,
  count_distinct,
  percentile,
};

/// One item of --agg: `count`, `count:COLUMN`, `sum:COLUMN`, `p90:COLUMN`...
struct aggregate_spec {
  aggregate_kind kind = aggregate_kind::count;
  std::string column;     ///< empty only for `count` (rows)
  double percentile = 0;  ///< for pN: N
  std::string function;   ///< the name as written: "mean", "p90", "count_distinct"

  /// The output column: `count`, or FUNCTION_COLUMN (`mean_value`, `p99.9_latency`).
  [[nodiscard]] std::string output_name() const { return column.empty() ? function : function + "_" + column; }
  /// As written in --agg: `mean:value`.
  [[nodiscard]] std::string text() const { return column.empty() ? function : function + ":" + column; }
};

/// Parses --agg: comma-separated `FUNCTION` or `FUNCTION:COLUMN` (the column is everything after the first
/// colon). Functions: count, sum, mean, min, max, var, std, var_pop, std_pop, first, last, count_distinct,
/// pN (0 ≤ N ≤ 100). Throws `usage_error` for an unknown function, a missing column, an empty item or the
/// same aggregate twice.
std::vector<aggregate_spec> parse_aggregates(std::string_view list);

/// Thrown when the state of an operator would pass --max-memory: an `io_error` (exit 1), never handed to
/// an error policy.
class memory_limit_error : public io::io_error {
 public:
  using io::io_error::io_error;
};

/// Rows grouped by the text of some columns, with the aggregates of each group.
///
/// Memory (what --max-memory counts, estimated from the containers' layouts): about 150 bytes per group,
/// plus its key when longer than 15 bytes, plus 64 bytes per state (aggregates of one kind over one
/// column share one: mean and sum, var and std, p50 and p99); count_distinct adds about 72 bytes per
/// distinct value (plus the text when longer than 15 bytes), pN 8 bytes per value. Everything else is
/// constant per group. Per row: no allocation once the
/// group exists (the key is looked up as a view).
class group_by {
 public:
  /// `key_columns` and each spec's column are positions in the rows; `max_memory` 0 is no limit,
  /// `max_memory_text` how the user wrote it (for the message). `path` names the input in errors.
  group_by(std::vector<std::string> key_names, std::vector<std::size_t> key_columns, std::vector<aggregate_spec> specs,
           std::vector<std::size_t> spec_columns, std::uint64_t max_memory = 0, std::string max_memory_text = {});

  /// Adds one row. A numeric aggregate's field that is not a number throws `io_error` before any state
  /// changes (the row counts wholly or not at all); an empty field (or nan) is skipped, as SQL skips null.
  /// Throws `memory_limit_error` when the state would pass the budget.
  void add(const io::csv_row& row);
  /// Adds the groups of `later` (a table with the same columns that saw later rows).
  void merge(group_by& later);

  /// The output columns: the key columns, then each aggregate's `output_name()`.
  [[nodiscard]] std::vector<std::string> columns() const;
  [[nodiscard]] std::size_t groups() const noexcept { return groups_.size(); }
  /// The state's estimated size in bytes.
  [[nodiscard]] std::uint64_t memory() const noexcept { return memory_; }

  /// Calls `emit` with each group's record (key texts, then results), in the byte order of the key
  /// texts (column by column). Finalises percentiles (reorders their values): call once.
  void for_each_sorted(const std::function<void(std::span<const io::field>)>& emit);

 private:
  enum class slot_kind { rows, values, sum, min, max, variance, first, last, distinct, quantile };
  struct slot {
    slot_kind kind;
    std::size_t column;  // position in the row (unused for `rows`)
    std::size_t number;  // for numeric slots: index into numbers_
    std::string name;    // the operator, for --max-memory's message
  };
  using state = std::variant<count_state, sum_state, min_state, max_state, variance_state, first_state, last_state,
                             distinct_state, quantile_state>;
  struct group {
    const std::string* key;  // in index_ (stable: a node-based map)
    std::vector<state> states;
  };
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  std::string_view key_of(const io::csv_row& row);
  group& find_or_add(std::string_view key, const io::csv_row* row);
  void charge(std::size_t bytes, const slot* by, const io::csv_row* row);
  std::vector<std::string_view> split_key(std::string_view key) const;

  std::vector<std::string> key_names_;
  std::vector<std::size_t> key_columns_;
  std::vector<aggregate_spec> specs_;
  std::vector<std::size_t> spec_slot_;  // spec i reads slot spec_slot_[i]
  std::vector<slot> slots_;
  std::vector<state> fresh_states_;          // a new group's states: copied
  std::vector<std::size_t> number_columns_;  // the columns read as numbers, once per row
  std::vector<double> numbers_;              // this row's values of those columns (NaN: missing)
  std::unordered_map<std::string, std::size_t, hash, std::equal_to<>> index_;
  std::vector<group> groups_;
  std::string key_buffer_;
  std::uint64_t max_memory_;
  std::string max_memory_text_;
  std::uint64_t memory_ = 0;
};

}  // namespace yieldpipe::cli
