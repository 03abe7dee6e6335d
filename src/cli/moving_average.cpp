// `yieldpipe moving-average`: the guide's moving_average_generator over a CSV column, one window per key.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/iter/rolling_stats.hpp>
#include <yieldpipe/query/column_index.hpp>
#include <yieldpipe/query/finite_number.hpp>
#include <yieldpipe/query/keyed_rows.hpp>
#include <yieldpipe/query/keyed_windows.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "rolling_by_key.hpp"

namespace yieldpipe::cli {
namespace {

// The rows, in file order, through query::keyed_windows: each value written with its key's mean.
class moving_average_stage {
 public:
  moving_average_stage(const rolling_options& s, const common_options& common, const io::csv_header& header)
      : value_(query::column_index(&header, s.column, "--column")),
        key_(s.key.empty() ? none : query::column_index(&header, s.key, "--key")),
        windows_(s.window, max_memory_of(common),
                 "moving-average (" + (s.key.empty() ? std::string("the window") : "the windows per " + s.key) + ")",
                 input_name(s.file)) {
    if (key_ == none) only_ = &windows_[""];
    std::vector<std::string> columns;
    if (key_ != none) columns.push_back(s.key);
    columns.push_back(s.column);
    columns.emplace_back("moving_average");
    columns.emplace_back("count");
    out.emplace(common, std::move(columns));
  }

  query::keyed_rows::columns columns() const {
    return {.value = value_, .key = key_ == none ? query::keyed_rows::none : key_, .keep = query::kept_fields::value};
  }

  void row(const io::csv_row& row, const io::reject_handler& on_reject) {
    const std::optional<double> x = query::finite_number(row, value_, on_reject);
    if (!x) return;
    if (key_ != none)
      write(row[key_], windows_[row[key_]], *x, row[value_]);
    else
      write({}, *only_, *x, row[value_]);
  }

  void rows(const query::keyed_rows& rows) {
    windows_of_keys_.assign(rows.keys().size(), nullptr);  // each key looked up at its first row
    const auto all = rows.rows();
    for (std::size_t i = 0; i < all.size(); ++i) {
      const query::keyed_rows::row& r = all[i];
      rolling_window_stats*& window = windows_of_keys_[r.key];
      if (window == nullptr) window = key_ != none ? &windows_[rows.keys()[r.key]] : only_;
      write(rows.keys()[r.key], *window, r.value, rows.kept(i, 0));
    }
  }

  std::optional<result_output> out;

 private:
  static constexpr std::size_t none = std::string::npos;  // no --key

  // The value as written in the file (no reformatting), the mean of the window, its size so far.
  void write(std::string_view key, rolling_window_stats& window, double x, std::string_view text) {
    window.push(x);
    if (key_ != none)
      out->write_row({key, text, window.mean(), window.count()});
    else
      out->write_row({text, window.mean(), window.count()});
  }

  std::size_t value_;
  std::size_t key_;
  query::keyed_windows windows_;
  rolling_window_stats* only_ = nullptr;
  std::vector<rolling_window_stats*> windows_of_keys_;
};

void run_moving_average(const rolling_options& s, const common_options& common) {
  rejects rejected(common.on_error);
  pieces_progress progress(common, "moving-average", s.file);
  std::optional<moving_average_stage> stage;
  csv_input input(s.file, s.dialect, "moving-average");
  run_rolling_stage(
      stage, input, common, rejected, progress,
      [&](std::optional<moving_average_stage>& st, const io::csv_header& header) { st.emplace(s, common, header); });
  finish_command("moving-average", progress.meter(), rejected, *stage->out);
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
  add_threads_option(*cmd, *common);
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
