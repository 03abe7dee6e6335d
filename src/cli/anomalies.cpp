// `yieldpipe anomalies`: the guide's real_time_anomaly_detector over a CSV column, one window per key.
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/iter/zscore_anomalies.hpp>
#include <yieldpipe/query/column_index.hpp>
#include <yieldpipe/query/finite_number.hpp>
#include <yieldpipe/query/keyed_anomalies.hpp>
#include <yieldpipe/query/keyed_rows.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "rolling_by_key.hpp"

namespace yieldpipe::cli {
namespace {

struct anomalies_settings {
  rolling_options rolling;
  double threshold = 2.5;
  std::string by{};
};

// The rows, in file order, through query::keyed_anomalies; the anomalous rows written as they come
// (or, with --by, the counts per group at the end).
class anomalies_stage {
 public:
  anomalies_stage(const anomalies_settings& s, const common_options& common, const io::csv_header& header)
      : value_(query::column_index(&header, s.rolling.column, "--column")),
        key_(s.rolling.key.empty() ? none : query::column_index(&header, s.rolling.key, "--key")),
        by_(s.by.empty() ? none : query::column_index(&header, s.by, "--by")),
        detector_(s.rolling.window, s.threshold, max_memory_of(common),
                  "anomalies (" +
                      (s.rolling.key.empty() ? std::string("the window") : "the windows per " + s.rolling.key) + ")",
                  input_name(s.rolling.file)) {
    if (key_ == none) only_ = &detector_.window("");
    if (by_ != none) {
      detector_.count_by("anomalies --by " + s.by);
      return;
    }
    std::vector<std::string> columns = header.names();
    for (const char* extra : {"z_score", "mean", "std_dev"}) columns.emplace_back(extra);
    out.emplace(common, std::move(columns));
  }

  query::keyed_rows::columns columns() const {
    return {.value = value_,
            .key = key_ == none ? query::keyed_rows::none : key_,
            .group = by_ == none ? query::keyed_rows::none : by_,
            .keep = by_ == none ? query::kept_fields::all : query::kept_fields::none};
  }

  void row(const io::csv_row& row, const io::reject_handler& on_reject) {
    const std::optional<double> x = query::finite_number(row, value_, on_reject);
    if (!x) return;
    const auto verdict = detector_.push(key_ != none ? detector_.window(row[key_]) : *only_, *x);
    if (by_ != none) {
      query::keyed_anomalies::count(detector_.group(row[by_]), verdict.anomaly);
    } else if (verdict.anomaly) {
      fields_.assign(row.fields().begin(), row.fields().end());
      write(verdict);
    }
  }

  void rows(const query::keyed_rows& rows) {
    // Each key and group of the piece is looked up once, when its first row comes (so a memory
    // error comes at the row it would on one thread).
    windows_.assign(rows.keys().size(), nullptr);
    groups_.assign(rows.groups().size(), nullptr);
    const auto all = rows.rows();
    for (std::size_t i = 0; i < all.size(); ++i) {
      const query::keyed_rows::row& r = all[i];
      rolling_window_stats*& window = windows_[r.key];
      if (window == nullptr) window = key_ != none ? &detector_.window(rows.keys()[r.key]) : only_;
      const auto verdict = detector_.push(*window, r.value);
      if (by_ != none) {
        query::keyed_anomalies::counts*& group = groups_[r.group];
        if (group == nullptr) group = &detector_.group(rows.groups()[r.group]);
        query::keyed_anomalies::count(*group, verdict.anomaly);
      } else if (verdict.anomaly) {
        fields_.clear();
        for (std::size_t j = 0, n = rows.kept_count(i); j < n; ++j) fields_.emplace_back(rows.kept(i, j));
        write(verdict);
      }
    }
  }

  // With --by: the counts, sorted by group.
  void write_groups(const common_options& common, const std::string& by) {
    out.emplace(common, std::vector<std::string>{by, "rows", "anomalies"});
    for (const auto& [group, n] : detector_.sorted_groups()) out->write_row({group, n.rows, n.anomalies});
  }

  std::optional<result_output> out;

 private:
  // Column positions; npos when not asked for.
  static constexpr std::size_t none = std::string::npos;

  void write(const query::keyed_anomalies::verdict& v) {
    fields_.emplace_back(*v.z);
    fields_.emplace_back(v.window->mean());
    fields_.emplace_back(v.window->stddev());
    out->write_row(fields_);
  }

  std::size_t value_;
  std::size_t key_;
  std::size_t by_;
  query::keyed_anomalies detector_;
  rolling_window_stats* only_ = nullptr;
  std::vector<io::field> fields_;
  std::vector<rolling_window_stats*> windows_;           // a piece's keys
  std::vector<query::keyed_anomalies::counts*> groups_;  // a piece's groups
};

void run_anomalies(const anomalies_settings& s, const common_options& common) {
  if (s.rolling.window < zscore_min_history)
    throw usage_error("--window: at least " + std::to_string(zscore_min_history) +
                      " (a z-score is reported once more than 10 values are known), got " +
                      std::to_string(s.rolling.window));
  if (std::isnan(s.threshold)) throw usage_error("--threshold: not a number");

  rejects rejected(common.on_error);
  pieces_progress progress(common, "anomalies", s.rolling.file);
  std::optional<anomalies_stage> stage;
  csv_input input(s.rolling.file, s.rolling.dialect, "anomalies");
  run_rolling_stage(
      stage, input, common, rejected, progress,
      [&](std::optional<anomalies_stage>& st, const io::csv_header& header) { st.emplace(s, common, header); });
  progress.meter().finish();
  if (!s.by.empty()) stage->write_groups(common, s.by);
  finish_command("anomalies", progress.meter(), rejected, *stage->out);
}

}  // namespace

void add_anomalies_command(CLI::App& app) {
  auto settings = std::make_shared<anomalies_settings>();
  auto common = std::make_shared<common_options>();
  auto* cmd = app.add_subcommand(
      "anomalies", "The guide's real-time anomaly detector: rows whose value is far from its key's rolling window");
  add_rolling_options(*cmd, settings->rolling);
  cmd->add_option("--threshold", settings->threshold, "An anomaly: z-score |x - mean| / std_dev above this")
      ->capture_default_str();
  cmd->add_option("--by", settings->by, "Instead of the rows: the rows and anomalies per value of this column");
  add_common_options(*cmd, *common);
  add_threads_option(*cmd, *common);
  cmd->footer(
      "Examples:\n"
      "  yieldpipe anomalies sensors.csv --key sensor --column value --window 100 --threshold 2.5\n"
      "  yieldpipe anomalies sensors.csv --key sensor --by category --format table\n"
      "\n"
      "Per key, the window holds the last --window values, the new one included. A value is an anomaly\n"
      "when more than 10 values are known, the window's population standard deviation is above 0 and\n"
      "|value - mean| / std_dev is above --threshold (the guide's real_time_anomaly_detector).\n"
      "Output: the anomalous rows, all their columns, then z_score, mean, std_dev; with --by: COLUMN,rows,anomalies.\n"
      "An empty value is skipped; a value that is not a finite number goes to --on-error.\n"
      "Memory: --window x 8 bytes + about 190 bytes per key (counted against --max-memory).");
  cmd->callback([settings, common] { run_command("anomalies", *common, [&] { run_anomalies(*settings, *common); }); });
}

YIELDPIPE_COMMAND(60, add_anomalies_command);

}  // namespace yieldpipe::cli
