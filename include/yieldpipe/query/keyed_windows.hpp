#pragma once
// Rolling statistics per key: a window of the last N values for each distinct key text.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <yieldpipe/iter/rolling_stats.hpp>
#include <yieldpipe/query/memory_limit_error.hpp>

namespace yieldpipe::query {

/// The per-key rolling windows of `anomalies` and `moving-average`: one `rolling_window_stats` (iter)
/// per key text, created when a key is first seen (the only allocation
/// per key; a known key costs one hash lookup). Memory per key: `window` × 8 bytes for the values,
/// plus `overhead_bytes` for the window object, the hash node and the key (its text counted when
/// longer than the string's inline buffer); checked against `max_memory` on each new key.
///
///   query::keyed_windows windows(100, std::nullopt, "moving-average", path);
///   rolling_window_stats& w = windows[row["sensor"]];
///   w.push(value);
class keyed_windows {
 public:
  static constexpr std::size_t overhead_bytes =
      sizeof(rolling_window_stats) + sizeof(std::string) + 4 * sizeof(void*);  // node links, hash, bucket

  /// Windows of `window` values; `operator_name` and `path` name the operator and the input in the
  /// memory error.
  keyed_windows(std::size_t window, std::optional<std::uint64_t> max_memory, std::string operator_name,
                std::string path)
      : window_(window), max_memory_(max_memory), operator_(std::move(operator_name)), path_(std::move(path)) {}

  /// The window of `key`, created empty on first use. Throws memory_limit_error when the new key would
  /// take the windows past `max_memory`.
  rolling_window_stats& operator[](std::string_view key) {
    if (auto it = map_.find(key); it != map_.end()) return it->second;
    const std::uint64_t extra = window_ * sizeof(double) + overhead_bytes + (key.size() > 15 ? key.size() + 1 : 0);
    if (max_memory_ && bytes_ + extra > *max_memory_)
      throw memory_limit_error(path_, "--max-memory " + std::to_string(*max_memory_) + " bytes exceeded by " +
                                          operator_ + ": " + std::to_string(map_.size() + 1) + " windows of " +
                                          std::to_string(window_) + " values need " + std::to_string(bytes_ + extra) +
                                          " bytes");
    bytes_ += extra;
    return map_.emplace(std::string(key), rolling_window_stats(window_)).first->second;
  }

  std::size_t keys() const noexcept { return map_.size(); }
  std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::size_t window_;
  std::optional<std::uint64_t> max_memory_;
  std::string operator_;
  std::string path_;
  std::uint64_t bytes_ = 0;
  std::unordered_map<std::string, rolling_window_stats, hash, std::equal_to<>> map_;
};

}  // namespace yieldpipe::query
