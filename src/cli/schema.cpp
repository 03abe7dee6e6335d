// `yieldpipe schema FILE`: what a user runs first on an unknown CSV file: how it is read (dialect,
// encoding, header) and, per column, the type that reads every value, the share of empty values and an
// example (query/column_profile.hpp), from the first rows or, with --full, from the whole file.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/printable.hpp>
#include <yieldpipe/query/column_profile.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "csv_input.hpp"
#include "stop_signals.hpp"

namespace yieldpipe::cli {
namespace {

struct schema_settings {
  std::string input = "-";
  std::uint64_t rows = 10000;
  bool full = false;
  common_options common;
  dialect_flags dialect;
};

// The profiles of a run of rows: one per column of the header. Merges in file order.
class schema_piece {
 public:
  explicit schema_piece(std::size_t columns) : columns_(columns) {}

  void add(const io::csv_row& row) {
    if (stop_signal) [[unlikely]]
      throw interrupted(stop_signal);
    for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i].add(row[i]);
    ++rows_;
    end_ = row.offset() + row.text().size();
  }
  void merge(schema_piece& later) {
    for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i].merge(later.columns_[i]);
    rows_ += later.rows_;
    if (on_merge_) on_merge_(later.rows_, later.end_);
  }
  void on_merge(std::function<void(std::uint64_t, std::uint64_t)> hook) { on_merge_ = std::move(hook); }

  const std::vector<query::column_profile>& columns() const noexcept { return columns_; }
  std::uint64_t rows() const noexcept { return rows_; }

 private:
  std::vector<query::column_profile> columns_;
  std::uint64_t rows_ = 0;
  std::uint64_t end_ = 0;
  std::function<void(std::uint64_t, std::uint64_t)> on_merge_;
};

std::string percent(std::uint64_t part, std::uint64_t whole) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%",
                whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return text;
}

void run_schema(const schema_settings& settings, common_options common, bool format_given) {
  if (!format_given) common.format = "table";
  rejects bad(common.on_error);
  csv_input input(settings.input, settings.dialect, "schema");
  io::csv_options options = input.options();
  options.on_reject = bad.handler();

  // What was found, written once the rows are read: how the input was read on stderr, the columns on
  // the output.
  const auto report = [&](const std::vector<std::string>& names, const schema_piece& found, bool whole,
                          command_progress& meter) {
    meter.finish();
    std::cerr << "yieldpipe schema: " << io::printable(settings.input == "-" ? "<stdin>" : settings.input) << ": "
              << input.description() << "; " << found.rows() << (found.rows() == 1 ? " row" : " rows")
              << (whole ? " (the whole input)" : " (the first ones: --full reads them all)") << '\n';
    result_output out(common, {"column", "type", "empty", "example"});
    for (std::size_t i = 0; i < names.size(); ++i) {
      const query::column_profile& p = found.columns()[i];
      out.write_row({io::printable(names[i], 64), query::to_string(p.type()), percent(p.empty(), p.values()),
                     io::printable(p.example())});
    }
    finish_command("schema", meter, bad, out);
  };

  if (settings.full) {
    pieces_progress progress(common, "schema", settings.input);
    std::vector<std::string> names;
    first_call is_result;
    const schema_piece found = input.reduce(
        options,
        [&](const io::csv_header& header) {
          schema_piece piece(header.size());
          if (is_result()) {
            names = header.names();
            piece.on_merge([&](std::uint64_t rows, std::uint64_t end) { progress.merged(rows, end); });
          }
          return piece;
        },
        [](schema_piece& piece, const io::csv_row& row) { piece.add(row); },
        progress.pieces(static_cast<unsigned>(common.threads), std::uint64_t{64} << 20));
    report(names, found, true, progress.meter());
    return;
  }
  io::csv_reader reader = input.reader(options);
  command_progress progress(common, "schema", reader.input());
  const std::vector<std::string> names =
      reader.header() != nullptr ? reader.header()->names() : std::vector<std::string>{};
  schema_piece found(names.size());
  while (found.rows() < settings.rows) {
    const io::csv_row* row = reader.next();
    if (row == nullptr) break;
    progress.tick();
    found.add(*row);
  }
  report(names, found, found.rows() < settings.rows, progress);  // no row is read past the sample's
}

}  // namespace

void add_schema_command(CLI::App& app) {
  auto settings = std::make_shared<schema_settings>();
  auto* cmd = app.add_subcommand(
      "schema", "What an unknown CSV file holds: how it is read, and each column's type, empty share and an example");
  cmd->add_option("file", settings->input, "The CSV file (- is standard input; .gz and .zst are read as they are)")
      ->capture_default_str();
  cmd->add_option("--rows", settings->rows, "Look at the first N rows (default 10000)")
      ->type_name("N")
      ->check(whole_number(1));
  cmd->add_flag("--full", settings->full, "Look at every row (constant memory, on --threads threads)");
  add_common_options(*cmd, settings->common);
  add_threads_option(*cmd, settings->common);
  add_dialect_options(*cmd, settings->dialect);
  cmd->get_option("--format")->description("Output format: table (the default here), csv, tsv or jsonl");
  cmd->footer(
      "Examples:\n"
      "  yieldpipe schema export.csv\n"
      "  yieldpipe schema big.csv.gz --full --format csv\n"
      "  yieldpipe schema report.txt --delimiter ';' --decimal-comma --skip-rows 2\n"
      "\n"
      "Output: one record per column: column, type, empty (the share of empty values), example (its first\n"
      "non-empty value). Types: integer, real, boolean (true/false), date (YYYY-MM-DD), timestamp (a date and\n"
      "a time, ISO 8601), text; none when every value is empty. A number with a leading zero (007) is text:\n"
      "it is an identifier. How the file is read goes to stderr.");
  cmd->callback([settings, cmd] {
    run_command("schema", settings->common,
                [&] { run_schema(*settings, settings->common, cmd->count("--format") > 0); });
  });
}

YIELDPIPE_COMMAND(35, add_schema_command);

}  // namespace yieldpipe::cli
