// `yieldpipe anomalies`: the guide's real_time_anomaly_detector over a CSV column, one window per key.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/iter/zscore_anomalies.hpp>

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

struct by_counts {
  std::uint64_t rows = 0;
  std::uint64_t anomalies = 0;
};

struct text_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

void run_anomalies(const anomalies_settings& s, const common_options& common) {
  if (s.rolling.window < zscore_min_history)
    throw usage_error("--window: at least " + std::to_string(zscore_min_history) +
                      " (a z-score is reported once more than 10 values are known), got " +
                      std::to_string(s.rolling.window));
  if (std::isnan(s.threshold)) throw usage_error("--threshold: not a number");

  rejects rejected(common.on_error);
  io::csv_options options;
  options.on_reject = rejected.handler();
  io::csv_reader reader(s.rolling.file, options);
  command_progress progress(common, "anomalies", reader.input());
  const std::size_t value = query::column_index(reader.header(), s.rolling.column, "--column");
  // Column positions; npos when not asked for (not std::optional: GCC 12's -Wmaybe-uninitialized
  // misfires on optional<size_t> read in the loop).
  constexpr std::size_t none = std::string::npos;
  const std::size_t key = s.rolling.key.empty() ? none : query::column_index(reader.header(), s.rolling.key, "--key");
  const std::size_t by = s.by.empty() ? none : query::column_index(reader.header(), s.by, "--by");
  const std::optional<std::uint64_t> max_memory = max_memory_of(common);

  query::keyed_windows windows(
      s.rolling.window, max_memory,
      "anomalies (" + (s.rolling.key.empty() ? std::string("the window") : "the windows per " + s.rolling.key) + ")",
      reader.input().path());
  rolling_window_stats* only = key != none ? nullptr : &windows[""];

  // --by: the rows and anomalies per value of the column (one entry per distinct value).
  std::unordered_map<std::string, by_counts, text_hash, std::equal_to<>> counts;
  std::uint64_t counts_bytes = 0;

  std::optional<result_output> out;
  std::vector<io::field> fields;
  if (by == none) {
    std::vector<std::string> columns = reader.header()->names();
    for (const char* extra : {"z_score", "mean", "std_dev"}) columns.emplace_back(extra);
    out.emplace(common, std::move(columns));
  }

  const io::reject_handler& on_reject = options.on_reject;
  bool bad = false;
  while (const io::csv_row* row = reader.next()) {
    progress.tick();
    const std::optional<double> x = number_or_reject(*row, value, on_reject, bad);
    if (!x) continue;
    rolling_window_stats& window = key != none ? windows[(*row)[key]] : *only;
    window.push(*x);
    // The guide's test: more than 10 values known, a standard deviation above 0, z above the threshold.
    const std::optional<double> z = zscore_of_newest(window, *x);
    const bool anomaly = z && *z > s.threshold;
    if (by != none) {
      const std::string_view group = (*row)[by];
      auto it = counts.find(group);
      if (it == counts.end()) {
        const std::uint64_t extra = sizeof(by_counts) + sizeof(std::string) + 4 * sizeof(void*) + group.size();
        if (max_memory && windows.bytes() + counts_bytes + extra > *max_memory)
          throw io::io_error(reader.input().path(),
                             "--max-memory " + std::to_string(*max_memory) + " bytes exceeded by anomalies --by " +
                                 s.by + ": " + std::to_string(counts.size() + 1) + " groups need " +
                                 std::to_string(windows.bytes() + counts_bytes + extra) + " bytes with the windows");
        counts_bytes += extra;
        it = counts.emplace(std::string(group), by_counts{}).first;
      }
      ++it->second.rows;
      it->second.anomalies += anomaly ? 1 : 0;
    } else if (anomaly) {
      fields.assign(row->fields().begin(), row->fields().end());
      fields.emplace_back(*z);
      fields.emplace_back(window.mean());
      fields.emplace_back(window.stddev());
      out->write_row(fields);
    }
  }

  progress.finish();
  if (by != none) {
    std::vector<std::pair<std::string_view, by_counts>> sorted(counts.begin(), counts.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out.emplace(common, std::vector<std::string>{s.by, "rows", "anomalies"});
    for (const auto& [group, n] : sorted) out->write_row({group, n.rows, n.anomalies});
  }
  finish_command("anomalies", progress, rejected, *out);
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
