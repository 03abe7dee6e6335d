#pragma once
// What `anomalies` and `moving-average` share: a CSV read row by row, a number taken from one column
// (a bad number goes to --on-error), and one rolling window (iter's rolling_window_stats) per value of
// a key column, counted against --max-memory.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/iter/rolling_stats.hpp>

#include "common.hpp"

namespace yieldpipe::cli {

/// The options of both window commands.
struct rolling_options {
  std::string file = "-";
  std::string column = "value";
  std::string key{};  ///< empty: one window over all rows
  std::size_t window = 100;
};

/// Adds FILE, --column, --key and --window to `cmd`.
inline void add_rolling_options(CLI::App& cmd, rolling_options& o) {
  cmd.add_option("file", o.file, "The CSV file (- is standard input; gzip and zstd are recognised)")
      ->capture_default_str();
  cmd.add_option("--column", o.column, "The numeric column")->capture_default_str();
  cmd.add_option("--key", o.key, "One window per value of this column (without it: one window over all rows)");
  cmd.add_option("--window", o.window, "The values in a window, the new one included")
      ->check(whole_number(1))
      ->capture_default_str();
}

/// The position of column `name`, asked for by `option` (--column, --key, --by). A column the input
/// does not have is bad usage (exit 2, as for `stats --by`), named with the option and the columns
/// there are.
inline std::size_t rolling_column(const io::csv_reader& reader, const std::string& name, std::string_view option) {
  const io::csv_header* header = reader.header();
  if (header)
    if (const auto at = header->find(name)) return *at;
  std::string message = std::string(option) + ": no column named '" + name + "'";
  if (!header || header->size() == 0) throw usage_error(message + " (the input has no header: it is empty)");
  message += " (columns: ";
  for (std::size_t i = 0; i < header->size(); ++i) message += (i ? ", " : "") + header->names()[i];
  throw usage_error(message + ")");
}

/// One `rolling_window_stats` per key text, created when a key is first seen (the only allocation
/// per key; a known key costs one hash lookup). Memory per key: `window` × 8 bytes for the values,
/// plus `overhead_bytes` for the window object, the hash node and the key (its text counted when
/// longer than the string's inline buffer); checked against --max-memory on each new key.
class keyed_windows {
 public:
  static constexpr std::size_t overhead_bytes =
      sizeof(rolling_window_stats) + sizeof(std::string) + 4 * sizeof(void*);  // node links, hash, bucket

  keyed_windows(std::size_t window, std::optional<std::uint64_t> max_memory, std::string operator_name,
                std::string path)
      : window_(window), max_memory_(max_memory), operator_(std::move(operator_name)), path_(std::move(path)) {}

  /// The window of `key`, created empty on first use. Throws io_error when the new key would take the
  /// windows past --max-memory.
  rolling_window_stats& operator[](std::string_view key) {
    if (auto it = map_.find(key); it != map_.end()) return it->second;
    const std::uint64_t extra = window_ * sizeof(double) + overhead_bytes + (key.size() > 15 ? key.size() + 1 : 0);
    if (max_memory_ && bytes_ + extra > *max_memory_)
      throw io::io_error(path_, "--max-memory " + std::to_string(*max_memory_) + " bytes exceeded by " + operator_ +
                                    ": " + std::to_string(map_.size() + 1) + " windows of " + std::to_string(window_) +
                                    " values need " + std::to_string(bytes_ + extra) + " bytes");
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

/// The number in field `column` of `row`: nullopt for an empty field (a missing value, skipped as the
/// guide skips None); a field that is not a number goes to `on_reject` with reason "bad number" (and
/// nullopt when the policy sets it aside); so does nan or inf or, with no policy, throws the reader's io_error.
inline std::optional<double> number_or_reject(const io::csv_row& row, std::size_t column,
                                              const io::reject_handler& on_reject, bool& rejected) {
  rejected = false;
  std::optional<double> x;
  try {
    x = row.get_optional<double>(column);
    if (!x || std::isfinite(*x)) return x;
  } catch (const io::io_error& e) {
    const io::rejected_record record{row.path(), row.line(), row.offset(), row.text()};
    if (!on_reject || !on_reject(record, "bad number", e.what())) throw;
    rejected = true;
    return std::nullopt;
  }
  // nan and inf parse (as Python's float() reads them) but would poison a window: bad numbers too.
  const auto [line, col] = row.position(column);
  const io::io_error error(std::string(row.path()),
                           "column '" + std::string(row.header() ? row.header()->names()[column] : "") +
                               "': not a finite number: \"" + std::string(row[column]) + "\"",
                           io::error_location{.offset = {}, .line = line, .column = col});
  const io::rejected_record record{row.path(), row.line(), row.offset(), row.text()};
  if (!on_reject || !on_reject(record, "bad number", error.what())) throw error;
  rejected = true;
  return std::nullopt;
}

/// The --max-memory figure, if given (the option's validator checked it).
inline std::optional<std::uint64_t> max_memory_of(const common_options& common) {
  if (common.max_memory.empty()) return std::nullopt;
  return parse_size(common.max_memory);
}

}  // namespace yieldpipe::cli
