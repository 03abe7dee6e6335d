#pragma once
// keyed_anomalies: the guide's real_time_anomaly_detector per key, with the rows and anomalies
// counted per group: what `yieldpipe anomalies` computes.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>
#include <yieldpipe/iter/rolling_stats.hpp>
#include <yieldpipe/iter/zscore_anomalies.hpp>
#include <yieldpipe/query/keyed_windows.hpp>

namespace yieldpipe::query {

/// Per key, a window of the last `window` values (the new one included, `keyed_windows`); a value is
/// an anomaly when the window knows more than 10 values, its population standard deviation is above
/// 0 and |value - mean| / std_dev is above `threshold` (`zscore_of_newest`). The values of one key
/// must come in their order (the file's): each push rounds, so the figures depend on that order
/// and on nothing else.
///
///   query::keyed_anomalies detector(100, 2.5, std::nullopt, "anomalies", "sensors.csv");
///   const auto v = detector.push(detector.window(row["sensor"]), value);
///   if (v.anomaly) report(*v.z, v.window->mean(), v.window->stddev());
///
/// With group counts (`count_by`), `count(group, anomaly)` tallies the rows and anomalies per group
/// text. Memory: the windows' (see keyed_windows), plus about 60 bytes and the text per group, all
/// checked against `max_memory` (a `memory_limit_error` naming the operator and the figures).
class keyed_anomalies {
 public:
  /// What push() found for one value.
  struct verdict {
    std::optional<double> z;                       ///< the z-score, when the guide computes one
    bool anomaly = false;                          ///< z above the threshold
    const rolling_window_stats* window = nullptr;  ///< the key's window after the push
  };
  /// The counts of one group.
  struct counts {
    std::uint64_t rows = 0;
    std::uint64_t anomalies = 0;
  };

  /// `windows_name` names the windows in a memory error ("anomalies (the windows per sensor)"), `path`
  /// the input; `window` must be at least `zscore_min_history` and `threshold` not NaN (the caller
  /// checks: they are its options).
  keyed_anomalies(std::size_t window, double threshold, std::optional<std::uint64_t> max_memory,
                  std::string windows_name, std::string path)
      : threshold_(threshold),
        max_memory_(max_memory),
        path_(path),
        windows_(window, max_memory, std::move(windows_name), std::move(path)) {}

  /// Counts per group as well; `groups_name` names them in a memory error ("anomalies --by category").
  void count_by(std::string groups_name) { groups_name_ = std::move(groups_name); }

  /// The window of `key`, created on first use (a memory_limit_error past the budget). The reference
  /// stays valid while this object lives: look a key up once and keep it.
  rolling_window_stats& window(std::string_view key) { return windows_[key]; }

  /// Pushes `x` into `w` (one of window()'s) and judges it. O(1).
  verdict push(rolling_window_stats& w, double x) noexcept {
    w.push(x);
    const std::optional<double> z = zscore_of_newest(w, x);
    return {z, z && *z > threshold_, &w};
  }

  /// The counts of `group`, created on first use; a memory_limit_error when the new group would take
  /// the windows and the groups past the budget. The reference stays valid while this object lives.
  counts& group(std::string_view group);
  /// One row of `c` (one of group()'s), anomalous or not.
  static void count(counts& c, bool anomaly) noexcept {
    ++c.rows;
    c.anomalies += anomaly ? 1 : 0;
  }
  /// The groups sorted by their text (byte order), for writing out.
  std::vector<std::pair<std::string_view, counts>> sorted_groups() const;

  const keyed_windows& windows() const noexcept { return windows_; }

 private:
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  double threshold_;
  std::optional<std::uint64_t> max_memory_;
  std::string path_;
  keyed_windows windows_;
  std::string groups_name_;
  std::unordered_map<std::string, counts, text_hash, std::equal_to<>> groups_;
  std::uint64_t groups_bytes_ = 0;
};

}  // namespace yieldpipe::query
