// `yieldpipe stats FILE --by COLS --agg LIST`: a group-by over a CSV file in one pass (query/group_by.hpp).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <yieldpipe/exec/parallel_reduce.hpp>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/query/column_index.hpp>
#include <yieldpipe/query/expression.hpp>
#include <yieldpipe/query/group_by.hpp>
#include <yieldpipe/query/query_error.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "csv_input.hpp"
#include "stop_signals.hpp"

namespace yieldpipe::cli {
namespace {

struct stats_settings {
  std::string input = "-";
  std::string where;
  std::vector<std::string> by;
  std::vector<std::string> agg;
  common_options common;
  dialect_flags dialect;
  bool no_spill = false;
  std::string temp_dir;
};

// Where groups spill: --temp-dir, else $TMPDIR, else /tmp.
std::string temp_directory(const stats_settings& settings) {
  if (!settings.temp_dir.empty()) return settings.temp_dir;
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// What one piece of the input (or the whole input, on one thread) adds up: its groups, and how far
// it read, for progress.
class stats_piece {
 public:
  stats_piece(const stats_settings& settings, const std::vector<query::aggregate_spec>& specs,
              const io::csv_header& header, std::uint64_t max_memory, const std::string& max_memory_text)
      : table_(settings.by, columns_of(header, settings.by), specs, spec_columns_of(header, specs), max_memory,
               max_memory_text) {
    if (!settings.no_spill && max_memory != 0) table_.spill_to(temp_directory(settings));
    if (settings.where.empty()) return;
    try {
      where_ = query::expression::compile_condition(settings.where, header);
    } catch (const query::query_error& e) {
      throw usage_error(std::string("--where: ") + e.what());  // as `filter` says which option is wrong
    }
  }

  // One row into the table, or to --on-error when a field does not fit --where or is not a number
  // for an aggregate: the row goes whole (group_by::add changes nothing before it has read every
  // number). Runs on a worker thread: a signal stops it within a row.
  void add(const io::csv_row& row, const io::reject_handler& on_reject) {
    if (stop_signal) [[unlikely]]
      throw interrupted(stop_signal);
    ++rows_;
    end_ = row.offset() + row.text().size();
    if (progress_when_ == when::added) progress_(1, end_);
    try {
      if (where_ && !where_->matches(row)) return;
      table_.add(row);
    } catch (const query::memory_limit_error&) {
      throw;
    } catch (const io::io_error& e) {
      const io::rejected_record record{row.path(), row.line(), row.offset(), row.text()};
      if (!on_reject || !on_reject(record, "type error", e.what())) throw;  // the reason `filter` gives too
    }
  }

  // This piece read whole, on its worker (exec::parallel_reduce): a table of many groups sorts itself
  // there.
  void piece_done() { table_.seal(); }

  // The piece after this one, in file order (on the calling thread).
  void merge(stats_piece& later) {
    table_.merge(later.table_);
    if (progress_when_ == when::merged) progress_(later.rows_, later.end_);
  }

  /// Reports rows read and the offset reached to `hook`, on the thread that adds (one thread) or
  /// that merges (pieces).
  enum class when : std::uint8_t { never, added, merged };
  void on_progress(when w, std::function<void(std::uint64_t rows, std::uint64_t end)> hook) {
    progress_when_ = w;
    progress_ = std::move(hook);
  }
  query::group_by& table() noexcept { return table_; }

 private:
  // Positions named after the option that gave them, for the message of a column that is not there.
  static std::vector<std::size_t> columns_of(const io::csv_header& header, const std::vector<std::string>& names) {
    std::vector<std::size_t> columns;
    for (const std::string& name : names) columns.push_back(query::column_index(&header, name, "--by"));
    return columns;
  }
  static std::vector<std::size_t> spec_columns_of(const io::csv_header& header,
                                                  const std::vector<query::aggregate_spec>& specs) {
    std::vector<std::size_t> columns;
    for (const query::aggregate_spec& spec : specs)
      columns.push_back(spec.column.empty() ? 0 : query::column_index(&header, spec.column, "--agg " + spec.text()));
    return columns;
  }

  query::group_by table_;
  std::optional<query::expression> where_;
  std::uint64_t rows_ = 0;
  std::uint64_t end_ = 0;
  when progress_when_ = when::never;
  std::function<void(std::uint64_t, std::uint64_t)> progress_;
};

void run_stats(const stats_settings& settings) {
  std::vector<query::aggregate_spec> specs;
  try {
    specs = query::parse_aggregates(settings.agg.empty() ? "count" : joined(settings.agg));
  } catch (const query::query_error& e) {
    throw usage_error(std::string("--agg: ") + e.what());
  }
  // Without --max-memory: half of the machine's memory (or of the cgroup's limit), spilling past it.
  std::uint64_t max_memory = default_memory_budget();
  std::string max_memory_text = "(the default, half of the memory)";
  if (!settings.common.max_memory.empty()) {
    max_memory = parse_size(settings.common.max_memory).value_or(0);
    max_memory_text = settings.common.max_memory;
  }
  if (!settings.temp_dir.empty() && ::access(settings.temp_dir.c_str(), W_OK | X_OK) != 0)
    throw usage_error("--temp-dir " + settings.temp_dir + ": not a folder this process can write to");

  rejects bad(settings.common.on_error);
  csv_input input(settings.input, settings.dialect, "stats");
  io::csv_options csv = input.options();
  csv.on_reject = bad.handler();
  const auto threads = static_cast<unsigned>(settings.common.threads);

  // Progress follows the pieces as they are merged, in file order, on this thread; on one thread,
  // the rows as they are added.
  pieces_progress progress(settings.common, "stats", settings.input);
  const auto advance = [&](std::uint64_t rows, std::uint64_t end) { progress.merged(rows, end); };

  // The first table made is the result (made on this thread before any piece's). Spilling, the
  // result and the pieces being read each get a share of --max-memory (threads + 1 shares: the
  // budget is a ceiling for them all); with --no-spill, the result gets the whole, each piece a
  // share of it, as they stop rather than spill.
  const bool spilling = !settings.no_spill && max_memory != 0;
  const std::uint64_t shares = threads <= 1 ? 1 : spilling ? threads + 1 : threads;
  first_call is_result;
  stats_piece groups = input.reduce(
      csv,
      [&](const io::csv_header& header) {
        const bool first = is_result();
        const bool whole = shares == 1 || (first && !spilling);
        stats_piece piece(settings, specs, header, whole ? max_memory : max_memory / shares,
                          whole
                              ? max_memory_text
                              : max_memory_text + " / " + std::to_string(shares) + (spilling ? " shares" : " threads"));
        if (first) piece.on_progress(threads <= 1 ? stats_piece::when::added : stats_piece::when::merged, advance);
        return piece;
      },
      [](stats_piece& piece, const io::csv_row& row, const io::reject_handler& on_reject) {
        piece.add(row, on_reject);
      },
      // A piece's groups are small: pieces up to 64 MiB (fewer opens and merges on a big file).
      progress.pieces(threads, std::uint64_t{64} << 20));
  progress.meter().finish();

  // Nothing is written before the input is read whole: a failed run leaves no partial result.
  query::group_by& table = groups.table();
  if (settings.dialect.verbose && table.spilled_runs() > 0)
    std::cerr << "stats: the groups passed --max-memory " << max_memory_text << ": " << table.spilled_runs()
              << " sorted runs spilled to " << temp_directory(settings) << ", merged now\n";
  result_output out(settings.common, table.columns());
  // Runs (millions of groups) are merged in parts on every thread, each part formatted there; the
  // table format measures all its rows, on this thread.
  if (threads > 1 && table.runs() > 0 && part_writer::make(settings.common, table.columns())) {
    std::vector<std::unique_ptr<part_writer>> parts;
    table.for_each_sorted_in_parts(
        threads,
        [&](std::size_t n) {
          for (std::size_t p = 0; p < n; ++p) parts.push_back(part_writer::make(settings.common, table.columns()));
        },
        [&](std::size_t p, std::span<const io::field> record) { parts[p]->write_row(record); },
        [&](std::size_t p) {
          parts[p]->write_to(out);
          parts[p].reset();
        });
  } else {
    table.for_each_sorted([&](std::span<const io::field> record) { out.write_row(record); });
  }
  finish_command("stats", progress.meter(), bad, out);
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
  add_dialect_options(*cmd, settings->dialect);
  cmd->add_flag("--no-spill", settings->no_spill,
                "Stop with a message when the groups would pass --max-memory, instead of spilling them to "
                "temporary files");
  cmd->add_option("--temp-dir", settings->temp_dir,
                  "Where groups spill past --max-memory (default: $TMPDIR, else /tmp); the files have no name "
                  "and vanish with the process");
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
      "the text per distinct value), counted against --max-memory.\n"
      "Memory: --max-memory (default: half of the machine's memory, or of its cgroup limit; 0: no limit) bounds\n"
      "the groups; past it they spill to temporary files as sorted runs, merged at the end into the same\n"
      "answer (--no-spill: stop with a message instead).");
  cmd->callback([settings] { run_command("stats", settings->common, [&] { run_stats(*settings); }); });
}

YIELDPIPE_COMMAND(30, add_stats_command);

}  // namespace yieldpipe::cli
