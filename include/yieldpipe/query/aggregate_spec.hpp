#pragma once
// What `stats --agg` asks for: the aggregate functions, parsed from `count,mean:value,p90:value`.
#include <string>
#include <string_view>
#include <vector>

namespace yieldpipe::query {

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
/// pN (0 ≤ N ≤ 100). Throws `query_error` for an unknown function, a missing column, an empty item or the
/// same aggregate twice.
std::vector<aggregate_spec> parse_aggregates(std::string_view list);

}  // namespace yieldpipe::query
