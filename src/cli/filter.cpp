// `yieldpipe filter FILE|- [--where EXPR] [--select COLS|name=EXPR,...] [--head N]`: filtering and
// projection of a CSV file as a stream, in constant memory.
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/query/expression.hpp>
#include <yieldpipe/query/query_error.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace yieldpipe::cli {
namespace {

struct filter_settings {
  std::string input;
  std::string where;
  std::string select;
  std::optional<std::uint64_t> head;
  common_options common;
};

// One output column: a column of the input copied as text, or a computed expression.
struct output_column {
  std::string name;
  std::size_t column = 0;
  std::optional<query::expression> computed;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The items of --select, split at the commas outside strings, `names`, (...) and [...].
std::vector<std::string_view> split_select(std::string_view text) {
  std::vector<std::string_view> items;
  int depth = 0;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == '\\' && quote != '`')
        ++i;
      else if (c == quote)
        quote = 0;
    } else if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      --depth;
    } else if (c == ',' && depth <= 0) {
      items.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  items.push_back(text.substr(start));
  return items;
}

// `name=expr` (a plain name, then one '=' that is not part of '==', '<=', '>=' or '!='): its parts.
std::optional<std::pair<std::string_view, std::string_view>> split_assignment(std::string_view item) {
  const std::size_t eq = item.find('=');
  if (eq == std::string_view::npos || (eq + 1 < item.size() && item[eq + 1] == '=')) return std::nullopt;
  std::string_view name = trim(item.substr(0, eq));
  if (name.size() >= 2 && name.front() == '`' && name.back() == '`') {
    name = name.substr(1, name.size() - 2);
  } else {
    if (name.empty()) return std::nullopt;
    for (const char c : name)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
            static_cast<unsigned char>(c) >= 0x80))
        return std::nullopt;
  }
  return std::pair{name, item.substr(eq + 1)};
}

std::vector<output_column> plan_columns(const std::string& select, const io::csv_header& header) {
  std::vector<output_column> columns;
  if (select.empty()) {
    for (std::size_t i = 0; i < header.size(); ++i) columns.push_back({header.names()[i], i, std::nullopt});
    return columns;
  }
  for (const std::string_view raw : split_select(select)) {
    const std::string_view item = trim(raw);
    if (item.empty()) throw usage_error("--select: an empty column name in '" + select + "'");
    if (const auto at = header.find(item)) {
      columns.push_back({std::string(item), *at, std::nullopt});
      continue;
    }
    std::string_view name = item, text = item;
    if (const auto assignment = split_assignment(item)) std::tie(name, text) = *assignment;
    try {
      columns.push_back({std::string(name), 0, query::expression::compile(trim(text), header)});
    } catch (const query::query_error& e) {
      throw usage_error(std::string("--select: ") + e.what());
    }
  }
  return columns;
}

// A computed value as an output field: whole numbers as integers (`len(name)` is 5, not 5.0).
io::field to_field(const query::value& v) {
  switch (v.type) {
    case query::value::kind::number:
      if (std::abs(v.number) < 9007199254740992.0 && v.number == std::trunc(v.number) &&
          !(v.number == 0 && std::signbit(v.number)))
        return static_cast<std::int64_t>(v.number);
      return v.number;
    case query::value::kind::string: return v.string;
    case query::value::kind::boolean: return v.boolean;
    case query::value::kind::null: break;
  }
  return {};
}

void run_filter(const filter_settings& settings) {
  rejects bad(settings.common.on_error);
  io::csv_options options;
  options.on_reject = bad.handler();
  io::csv_range rows = io::read_csv(settings.input, options);
  command_progress progress(settings.common, "filter", rows.reader().input());
  const io::csv_header& header = *rows.header();

  std::optional<query::expression> where;
  if (!settings.where.empty()) {
    try {
      where = query::expression::compile_condition(settings.where, header);
    } catch (const query::query_error& e) {
      throw usage_error(std::string("--where: ") + e.what());
    }
  }
  const std::vector<output_column> columns = plan_columns(settings.select, header);
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const auto& c : columns) names.push_back(c.name);

  result_output out(settings.common, std::move(names));
  const io::reject_handler on_bad_value = bad.handler();
  std::vector<io::field> fields(columns.size());
  std::uint64_t written = 0;
  const std::uint64_t head = settings.head.value_or(UINT64_MAX);
  if (head > 0) {
    for (const io::csv_row& row : rows) {
      progress.tick();
      try {
        if (where && !where->matches(row)) continue;
        for (std::size_t i = 0; i < columns.size(); ++i)
          fields[i] =
              columns[i].computed ? to_field(columns[i].computed->evaluate(row)) : io::field(row[columns[i].column]);
      } catch (const io::io_error& e) {
        // A value that does not fit the type the expression needs: the error policy decides.
        const io::rejected_record record{row.path(), row.line(), row.offset(), row.text()};
        if (!on_bad_value || !on_bad_value(record, "type error", e.what())) throw;
        continue;
      }
      out.write_row(fields);
      if (++written == head) break;  // the input closes when `rows` goes out of scope
    }
  }
  finish_command("filter", progress, bad, out);
}

}  // namespace

void add_filter_command(CLI::App& app) {
  auto settings = std::make_shared<filter_settings>();
  auto* cmd = app.add_subcommand("filter", "Keep the rows of a CSV file that match a condition, with chosen columns");
  cmd->add_option("file", settings->input, "The CSV file (gzip and zstd are read as they are); - is standard input")
      ->required();
  cmd->add_option("--where", settings->where,
                  "Keep the rows where EXPR is true: status == \"active\" and -50 <= temperature <= 100")
      ->type_name("EXPR");
  cmd->add_option("--select", settings->select,
                  "The columns to write, in order: names, or name=EXPR for a computed column "
                  "(id,temp_f=temperature*1.8+32)")
      ->type_name("COLS");
  cmd->add_option("--head", settings->head, "Stop after N rows written (the input is closed then)")
      ->type_name("N")
      ->check(whole_number(0));
  add_common_options(*cmd, settings->common);
  cmd->footer(
      "Examples:\n"
      "  yieldpipe filter sensors.csv --where 'status == \"active\" and quality_score >= 0.8'\n"
      "  yieldpipe filter sensors.csv.gz --where '-50 <= temperature <= 100 and humidity is not null' -o clean.csv\n"
      "  yieldpipe filter sensors.csv --select 'id,sensor,temp_f=temperature*1.8+32' --head 10 --format table\n"
      "  yieldpipe filter sensors.csv --where 'category in [\"a\", \"b\"] and not contains(lower(location), \"lab\")'\n"
      "  yieldpipe filter sensors.csv --format jsonl --on-error dead-letter=bad.csv > sensors.jsonl\n"
      "  zcat big.csv.gz | yieldpipe filter - --where 'value > 100' | head\n"
      "\n"
      "Expressions: == != < <= > >= (chains: a <= x <= b), and or not, + - * / %, in [...], is [not] null,\n"
      "lower upper len contains starts_with ends_with abs; 'text' or \"text\"; `column name` for odd names.\n"
      "An empty field is null (SQL rules: a comparison with null is null, and --where keeps only true).\n"
      "A value that does not fit its type (\"n/a\" compared with a number) goes to --on-error. See docs/cli.md.");
  cmd->callback([settings] { run_command("filter", settings->common, [&] { run_filter(*settings); }); });
}

YIELDPIPE_COMMAND(40, add_filter_command);

}  // namespace yieldpipe::cli
