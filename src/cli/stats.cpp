// `yieldpipe stats FILE --by COLS --agg LIST`: a group-by over a CSV file in one pass (query/group_by.hpp).
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <yieldpipe/exec/csv_pieces.hpp>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/query/column_index.hpp>
#include <yieldpipe/query/expression.hpp>
#include <yieldpipe/query/group_by.hpp>
#include <yieldpipe/query/query_error.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace yieldpipe::cli {
namespace {

struct stats_settings {
  std::string input = "-";
  std::string where;
  std::vector<std::string> by;
  std::vector<std::string> agg;
  common_options common;
};

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

void run_stats(const stats_settings& settings) {
  std::vector<query::aggregate_spec> specs;
  try {
    specs = query::parse_aggregates(settings.agg.empty() ? "count" : joined(settings.agg));
  } catch (const query::query_error& e) {
    throw usage_error(std::string("--agg: ") + e.what());
  }
  std::uint64_t max_memory = 0;
  if (!settings.common.max_memory.empty()) max_memory = parse_size(settings.common.max_memory).value_or(0);

  rejects bad(settings.common.on_error);
  const io::reject_handler handler = bad.handler();
  io::csv_options options;
  options.on_reject = handler;
  io::csv_reader reader(settings.input, options);

  std::vector<std::size_t> key_columns;
  for (const std::string& name : settings.by) key_columns.push_back(query::column_index(reader.header(), name, "--by"));
  std::vector<std::size_t> spec_columns;
  for (const query::aggregate_spec& spec : specs)
    spec_columns.push_back(
        spec.column.empty() ? 0 : query::column_index(reader.header(), spec.column, "--agg " + spec.text()));

  std::optional<query::expression> where;
  if (!settings.where.empty()) {
    if (!reader.header()) throw usage_error("--where: the input has no header");
    try {
      where = query::expression::compile_condition(settings.where, *reader.header());
    } catch (const query::query_error& e) {
      throw usage_error(std::string("--where: ") + e.what());  // as `filter` says which option is wrong
    }
  }

  const auto threads = static_cast<unsigned>(settings.common.threads);
  const auto fresh_table = [&](std::uint64_t budget) {
    return query::group_by(settings.by, key_columns, specs, spec_columns, budget, settings.common.max_memory);
  };
  // One row into a table, or to --on-error when a field does not fit --where or is not a number for
  // an aggregate: the row goes whole (group_by::add changes nothing before it has read every number).
  const auto add_row = [](const io::csv_row& row, query::group_by& table,
                          const std::optional<query::expression>& condition, const io::reject_handler& on_reject) {
    try {
      if (condition && !condition->matches(row)) return;
      table.add(row);
    } catch (const query::memory_limit_error&) {
      throw;
    } catch (const io::io_error& e) {
      const io::rejected_record record{row.path(), row.line(), row.offset(), row.text()};
      if (!on_reject || !on_reject(record, "type error", e.what())) throw;  // the reason `filter` gives too
    }
  };

  // With --threads, the file in pieces, a table each (a share of --max-memory each), merged in file
  // order; when it cannot be read so (see csv_pieces.hpp), on this thread. Progress counts the pieces'
  // bytes and rows while they are read; rows it counted already are not counted again if the pieces
  // give up and this thread reads the file.
  const std::uint64_t data_start = reader.position().offset;
  std::optional<std::uint64_t> pieces_bytes;
  command_progress progress(
      settings.common, "stats", [&] { return pieces_bytes ? data_start + *pieces_bytes : reader.input().bytes_read(); },
      reader.input().total_bytes().value_or(0));
  std::uint64_t shown_rows = 0;
  std::vector<std::optional<query::group_by>> pieces(threads);
  const bool in_pieces = exec::read_csv_in_pieces(
      reader, options, threads, handler,
      [&](std::size_t k, exec::piece_rows& rows) {
        query::group_by& table = pieces[k].emplace(fresh_table(max_memory / threads));
        const std::optional<query::expression> condition = where;  // its own scratch buffers
        while (const io::csv_row* row = rows.next()) add_row(*row, table, condition, rows.handler());
      },
      exec::default_min_piece_bytes,
      [&](std::uint64_t bytes, std::uint64_t rows) {
        pieces_bytes = bytes;
        for (; shown_rows < rows; ++shown_rows) progress.tick();
      });
  if (!in_pieces) pieces_bytes.reset();
  query::group_by table = fresh_table(max_memory);
  if (in_pieces) {
    for (std::optional<query::group_by>& piece : pieces)
      if (piece) table.merge(*piece);
  } else {
    for (std::uint64_t rows = 0; const io::csv_row* row = reader.next();) {
      if (++rows > shown_rows) progress.tick();
      add_row(*row, table, where, handler);
    }
  }
  progress.finish();

  // Nothing is written before the input is read whole: a failed run leaves no partial result.
  result_output out(settings.common, table.columns());
  table.for_each_sorted([&](std::span<const io::field> record) { out.write_row(record); });
  finish_command("stats", progress, bad, out);
}

}  // namespace

void add_stats_command(CLI::App& app) {
  auto settings = std::make_shared<stats_settings>();
  auto* cmd = app.add_subcommand("stats", "Group a CSV file by columns and aggregate others, in one pass: --by, --agg");
  cmd->add_option("file", settings->input, "The CSV file (- is standard input; .gz and .zst are read as they are)")
      ->capture_default_str();
  cmd->add_option("--where", settings->where,
                  "Only the rows where this is true: status == \"active\" and -50 <= temperature <= 100 (see "
                  "docs/cli.md)");
  cmd->add_option("--by", settings->by, "Columns to group by, comma-separated (none: one group, the whole input)")
      ->delimiter(',');
  cmd->add_option(
      "--agg", settings->agg,
      "Aggregates, comma-separated: count, FUNCTION:COLUMN with FUNCTION one of count, sum, mean, min, max, "
      "var, std, var_pop, std_pop, first, last, count_distinct, pN (p50, p90, p99.9); default count");
  add_common_options(*cmd, settings->common);
  add_threads_option(*cmd, settings->common);
  cmd->footer(
      "Examples:\n"
      "  yieldpipe stats sensors.csv --by category --agg count,mean:value,min:value,max:value\n"
      "  yieldpipe stats big.csv --where 'status == \"active\" and quality_score >= 0.8' --by category --agg "
      "count,mean:value\n"
      "  yieldpipe stats sensors.csv --by category,status --agg count,p50:temperature,p99:temperature --format table\n"
      "  yieldpipe stats sensors.csv --agg count_distinct:sensor,std:value --format jsonl\n"
      "  gzip -dc big.csv.gz | yieldpipe stats - --by sensor --agg mean:value --max-memory 512MB\n"
      "\n"
      "Output: the --by columns, then one column per aggregate named FUNCTION_COLUMN (mean_value, p90_value;\n"
      "count alone is 'count'); one record per group, sorted by the key texts in byte order.\n"
      "Empty fields (and nan) are missing and skipped, as SQL skips null; a field that is not a number goes to\n"
      "--on-error. var and std are the sample's (n - 1), var_pop and std_pop the population's.\n"
      "Percentiles and count_distinct are exact: they keep every value (8 bytes per number, about 72 bytes plus\n"
      "the text per distinct value), counted against --max-memory.");
  cmd->callback([settings] { run_command("stats", settings->common, [&] { run_stats(*settings); }); });
}

YIELDPIPE_COMMAND(30, add_stats_command);

}  // namespace yieldpipe::cli
