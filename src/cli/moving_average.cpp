// `yieldpipe moving-average`: the guide's moving_average_generator over a CSV column, one window per key.
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/iter/rolling_stats.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "rolling_by_key.hpp"

namespace yieldpipe::cli {
namespace {

void run_moving_average(const rolling_options& s, const common_options& common) {
  rejects rejected(common.on_error);
  io::csv_options options;
  options.on_reject = rejected.handler();
  io::csv_reader reader(s.file, options);
  command_progress progress(common, "moving-average", reader.input());
  const std::size_t value = query::column_index(reader.header(), s.column, "--column");
  // npos without --key (not std::optional: GCC 12's -Wmaybe-uninitialized misfires on it in the loop).
  constexpr std::size_t none = std::string::npos;
  const std::size_t key = s.key.empty() ? none : query::column_index(reader.header(), s.key, "--key");

  query::keyed_windows windows(
      s.window, max_memory_of(common),
      "moving-average (" + (s.key.empty() ? std::string("the window") : "the windows per " + s.key) + ")",
      reader.input().path());
  rolling_window_stats* only = key != none ? nullptr : &windows[""];

  std::vector<std::string> columns;
  if (key != none) columns.push_back(s.key);
  columns.push_back(s.column);
  columns.emplace_back("moving_average");
  columns.emplace_back("count");
  result_output out(common, std::move(columns));

  const io::reject_handler& on_reject = options.on_reject;
  bool bad = false;
  while (const io::csv_row* row = reader.next()) {
    progress.tick();
    const std::optional<double> x = number_or_reject(*row, value, on_reject, bad);
    if (!x) continue;
    rolling_window_stats& window = key != none ? windows[(*row)[key]] : *only;
    window.push(*x);
    // The value as written in the file (no reformatting), the mean of the window, its size so far.
    if (key != none)
      out.write_row({(*row)[key], (*row)[value], window.mean(), window.count()});
    else
      out.write_row({(*row)[value], window.mean(), window.count()});
  }
  finish_command("moving-average", progress, rejected, out);
}

}  // namespace

void add_moving_average_command(CLI::App& app) {
  auto settings = std::make_shared<rolling_options>();
  auto common = std::make_shared<common_options>();
  auto* cmd = app.add_subcommand("moving-average",
                                 "The guide's moving average: each row's value and the mean of its key's last values");
  settings->window = 10;
  add_rolling_options(*cmd, *settings);
  add_common_options(*cmd, *common);
  cmd->footer(
      "Examples:\n"
      "  yieldpipe moving-average sensors.csv --key sensor --column value --window 10\n"
      "  yieldpipe moving-average prices.csv --column close --window 5 --format table\n"
      "\n"
      "Output, one row per input row with a value: [KEY,]COLUMN,moving_average,count: the value as written,\n"
      "the mean of the key's last --window values (the row's included; fewer at the start: count says how\n"
      "many), as the guide's moving_average_generator computes sum(window) / len(window).\n"
      "An empty value is skipped; a value that is not a finite number goes to --on-error.\n"
      "Memory: --window x 8 bytes + about 190 bytes per key (counted against --max-memory).");
  cmd->callback(
      [settings, common] { run_command("moving-average", *common, [&] { run_moving_average(*settings, *common); }); });
}

YIELDPIPE_COMMAND(65, add_moving_average_command);

}  // namespace yieldpipe::cli
