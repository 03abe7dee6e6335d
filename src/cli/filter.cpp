// `yieldpipe filter FILE|- [--where EXPR] [--select COLS|name=EXPR,...] [--head N]`: filtering and
// projection of a CSV file as a stream, in constant memory.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <yieldpipe/exec/parallel_reduce.hpp>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/output.hpp>
#include <yieldpipe/io/writers.hpp>
#include <yieldpipe/query/expression.hpp>
#include <yieldpipe/query/projection.hpp>
#include <yieldpipe/query/query_error.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "csv_input.hpp"
#include "stop_signals.hpp"

namespace yieldpipe::cli {
namespace {

struct filter_settings {
  std::string input;
  std::string where;
  std::string select;
  std::optional<std::uint64_t> head;
  common_options common;
  dialect_flags dialect;
};

// A bad expression is bad usage, named after its option.
template <class Compile>
auto compiled(const std::string& option, Compile compile) {
  try {
    return compile();
  } catch (const query::query_error& e) {
    throw usage_error(option + e.what());
  }
}

// --where and --select, compiled against the header, applied to one row at a time.
class row_filter {
 public:
  // --where first: its error is the one given when both are bad.
  row_filter(const filter_settings& settings, const io::csv_header& header)
      : where_(settings.where.empty()
                   ? std::nullopt
                   : std::optional(compiled(
                         "--where: ", [&] { return query::expression::compile_condition(settings.where, header); }))),
        select_(compiled("--select: ", [&] { return query::projection(settings.select, header); })) {}

  const std::vector<std::string>& names() const noexcept { return select_.names(); }

  // The row's output fields; null when --where drops the row, or when a value does not fit the type
  // its expression needs and the error policy sets the row aside (else the error is thrown).
  const std::vector<io::field>* apply(const io::csv_row& row, const io::reject_handler& on_reject) {
    try {
      if (where_ && !where_->matches(row)) return nullptr;
      select_.evaluate(row, fields_);
      return &fields_;
    } catch (const io::io_error& e) {
      const io::rejected_record record{row.path(), row.line(), row.offset(), row.text()};
      if (!on_reject || !on_reject(record, "type error", e.what())) throw;
      return nullptr;
    }
  }

 private:
  std::optional<query::expression> where_;
  query::projection select_;
  std::vector<io::field> fields_;
};

// What one piece of the input (or the whole input, when parallel_reduce reads it on one thread)
// writes: its rows formatted in the output's format, in memory, for the merge to write in file order.
class filter_piece {
 public:
  filter_piece(const filter_settings& settings, const io::csv_header& header)
      : filter_(settings, header), part_(part_writer::make(settings.common, filter_.names())) {}

  const std::vector<std::string>& names() const noexcept { return filter_.names(); }

  // Runs on a worker thread: a signal stops it within a row.
  void add(const io::csv_row& row, const io::reject_handler& on_reject) {
    if (stop_signal) [[unlikely]]
      throw interrupted(stop_signal);
    ++rows_;
    end_ = row.offset() + row.text().size();
    if (const std::vector<io::field>* fields = filter_.apply(row, on_reject)) part_->write_row(*fields);
  }

  // The piece after this one, in file order (on the calling thread).
  void merge(filter_piece& later) {
    if (result_) result_(*later.part_, later.rows_, later.end_);
  }
  // The rows this piece formatted itself: those of the whole input when it was read on one thread.
  void write_own() {
    if (result_) result_(*part_, 0, end_);
  }

  using result_fn = std::function<void(part_writer& rows, std::uint64_t count, std::uint64_t end)>;
  void on_merge(result_fn result) { result_ = std::move(result); }

 private:
  row_filter filter_;
  std::unique_ptr<part_writer> part_;  // not null: --format table runs on one thread
  std::uint64_t rows_ = 0;
  std::uint64_t end_ = 0;
  result_fn result_;
};

// On one thread: --head (stops reading once it has its rows), --flush-each (each row out as soon as
// it is read), --format table (its widths need every row), --threads 1.
void filter_serially(const filter_settings& settings, csv_input& input, rejects& bad) {
  io::csv_options options = input.options();
  options.on_reject = bad.handler();
  io::csv_range rows(input.reader(options));
  command_progress progress(settings.common, "filter", rows.reader().input());
  row_filter filter(settings, *rows.header());
  result_output out(settings.common, filter.names());
  std::uint64_t written = 0;
  const std::uint64_t head = settings.head.value_or(UINT64_MAX);
  if (head > 0) {
    for (const io::csv_row& row : rows) {
      progress.tick();
      const std::vector<io::field>* fields = filter.apply(row, options.on_reject);
      if (!fields) continue;
      out.write_row(*fields);
      if (++written == head) break;  // the input closes when `rows` goes out of scope
    }
  }
  finish_command("filter", progress, bad, out);
}

void run_filter(const filter_settings& settings) {
  rejects bad(settings.common.on_error);
  const auto format = io::parse_format(settings.common.format);
  const auto threads = static_cast<unsigned>(settings.common.threads);
  csv_input input(settings.input, settings.dialect, "filter");
  if (threads <= 1 || settings.head || settings.common.flush_each || format == io::format::table || !format)
    return filter_serially(settings, input, bad);

  // On threads: each piece formats its rows; the merges write them to the result in file order.
  io::csv_options csv = input.options();
  csv.on_reject = bad.handler();
  pieces_progress progress(settings.common, "filter", settings.input);
  std::optional<result_output> out;
  first_call is_result;
  const filter_piece::result_fn write = [&](part_writer& rows, std::uint64_t count, std::uint64_t end) {
    rows.write_to(*out);
    progress.merged(count, end);
  };
  filter_piece result = input.reduce(
      csv,
      [&](const io::csv_header& header) {
        filter_piece piece(settings, header);
        if (is_result()) {
          // The first state made is the result (on this thread, before any other): the output opens,
          // with its header row, once the columns are known.
          out.emplace(settings.common, piece.names());
          piece.on_merge(write);
        }
        return piece;
      },
      [](filter_piece& piece, const io::csv_row& row, const io::reject_handler& on_reject) {
        piece.add(row, on_reject);
      },
      // Pieces of at most 8 MiB: each holds its formatted rows until its turn (up to 2 x threads of
      // them); 64 MiB pieces took 120 MB on T5 at 2 threads, 8 MiB ones 46 MB in the same time.
      progress.pieces(threads, std::uint64_t{8} << 20));
  result.write_own();
  progress.meter().finish();
  finish_command("filter", progress.meter(), bad, *out);
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
  add_threads_option(*cmd, settings->common);
  add_dialect_options(*cmd, settings->dialect);
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
