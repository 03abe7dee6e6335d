#include <charconv>
#include <utility>
#include <yieldpipe/query/aggregate_spec.hpp>
#include <yieldpipe/query/query_error.hpp>

#include "trim.hpp"

namespace yieldpipe::query {

namespace {

using detail::trim;

struct function_name {
  std::string_view name;
  aggregate_kind kind;
};
constexpr function_name function_names[] = {
    {"count", aggregate_kind::count},     {"sum", aggregate_kind::sum},
    {"mean", aggregate_kind::mean},       {"min", aggregate_kind::min},
    {"max", aggregate_kind::max},         {"var", aggregate_kind::var},
    {"std", aggregate_kind::std},         {"var_pop", aggregate_kind::var_pop},
    {"std_pop", aggregate_kind::std_pop}, {"first", aggregate_kind::first},
    {"last", aggregate_kind::last},       {"count_distinct", aggregate_kind::count_distinct},
};

constexpr std::string_view known_functions =
    "count, sum, mean, min, max, var, std, var_pop, std_pop, first, last, count_distinct, pN (p50, p90, p99.9)";

}  // namespace

std::vector<aggregate_spec> parse_aggregates(std::string_view list) {
  std::vector<aggregate_spec> specs;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    const std::string_view item = trim(list.substr(start, comma - start));
    if (item.empty()) throw query_error("an empty item in '" + std::string(list) + "'");
    const std::size_t colon = item.find(':');
    aggregate_spec spec;
    spec.function = std::string(trim(item.substr(0, colon)));
    if (colon != std::string_view::npos) spec.column = std::string(trim(item.substr(colon + 1)));
    bool known = false;
    for (const auto& f : function_names)
      if (f.name == spec.function) {
        spec.kind = f.kind;
        known = true;
      }
    if (!known && spec.function.size() > 1 && spec.function[0] == 'p') {
      const char* first = spec.function.data() + 1;
      const char* last = spec.function.data() + spec.function.size();
      double q = -1;
      const auto parsed = std::from_chars(first, last, q, std::chars_format::fixed);
      if (parsed.ec == std::errc() && parsed.ptr == last && q >= 0 && q <= 100) {
        spec.kind = aggregate_kind::percentile;
        spec.percentile = q;
        known = true;
      }
    }
    if (!known)
      throw query_error("unknown function '" + spec.function + "' in '" + std::string(item) +
                        "' (functions: " + std::string(known_functions) + ")");
    if (colon != std::string_view::npos && spec.column.empty())
      throw query_error("'" + std::string(item) + "' names no column");
    if (spec.column.empty() && spec.kind != aggregate_kind::count)
      throw query_error("" + spec.function + " needs a column: " + spec.function + ":COLUMN");
    for (const aggregate_spec& other : specs)
      if (other.output_name() == spec.output_name()) throw query_error("'" + spec.text() + "' is given twice");
    specs.push_back(std::move(spec));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return specs;
}

}  // namespace yieldpipe::query
