#pragma once
// Counting parsed log records per group of keys (hour, day, level, component, file): the table of
// `yieldpipe logs --by hour,level`.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <yieldpipe/io/log_record.hpp>
#include <yieldpipe/io/writers.hpp>

namespace yieldpipe::query {

/// What a log record can be counted by.
enum class log_key : std::uint8_t {
  hour,       ///< the hour of its timestamp, written `2024-03-01 12:00`
  day,        ///< the day of its timestamp, written `2024-03-01`
  level,      ///< its level, written by its canonical name (`WARNING`)
  component,  ///< its component, as written
  file,       ///< the number of the file it came from, written by the name the caller gives it
  host,       ///< its host (`syslog`), as written
  client,     ///< its client address (`combined`), as written
  method,     ///< its request method (`combined`), as written
  path,       ///< its request path (`combined`), as written
  status,     ///< its HTTP status (`combined`), written as a number
};

/// The name of a key: "hour", "day", "level", "component", "file", "host", "client", "method",
/// "path" or "status".
[[nodiscard]] std::string_view to_string(log_key key) noexcept;

/// The keys of a comma-separated list of key names (`"hour,level"`), in its order. Throws
/// `query_error` for an unknown name or one given twice.
[[nodiscard]] std::vector<log_key> parse_log_keys(std::string_view text);

/// Whether the records of a format of `kind` have `key`: hour, day, level and file always;
/// component for patterns, `json` and `syslog`; host for `syslog`; client, method, path and status
/// for `combined`. Counting by a key a format lacks would put every record in one empty group.
[[nodiscard]] bool has_log_key(io::log_format_kind kind, log_key key) noexcept;

/// Counts of log records per group of `keys`:
///
///   query::log_counts counts(query::parse_log_keys("hour,level"));
///   for (std::string_view line : lines)
///     if (auto r = format.parse(line)) counts.add(*r);
///   counts.for_each_sorted({}, [&](std::span<const io::field> record) { writer.write_row(record); });
///
/// Groups are ordered by the keys, in their order: hour and day by time, level by severity,
/// status by number, file by its number, the others (component, host, client, method, path) by
/// bytes. A table with no keys has one group, the total.
///
/// Tables merge: a table per thread over consecutive parts of the input, merged in input order
/// (`merge(later)`), gives the one-table answer (counts add; the order does not depend on it).
///
/// Memory: about 250 bytes per group, plus each text key (component, host, ...) longer than 15
/// bytes; constant per record. Cost per record: the group of the record before is tried first (log
/// lines come in runs of one hour, one level...), else a lookup in an ordered map; no allocation once
/// the group exists. Not thread-safe: one table per thread.
class log_counts {
 public:
  explicit log_counts(std::vector<log_key> keys = {});
  log_counts(log_counts&&) noexcept;
  log_counts& operator=(log_counts&&) noexcept;
  log_counts(const log_counts&) = delete;
  log_counts& operator=(const log_counts&) = delete;
  ~log_counts();

  /// Counts `r`, which came from file number `file` (used by the key `file`). The record is not kept:
  /// its views may die after the call.
  void add(const io::log_record& r, std::size_t file = 0);
  /// Adds the counts of `later` (a table with the same keys); `later` is left empty.
  void merge(log_counts& later);

  [[nodiscard]] const std::vector<log_key>& keys() const noexcept { return *keys_; }
  /// The output columns: the key names, then "count".
  [[nodiscard]] std::vector<std::string> columns() const;
  /// The number of groups.
  [[nodiscard]] std::size_t groups() const noexcept { return counts_.size(); }
  /// Whether a group was counted (or merged) since the last `for_each_sorted` or `for_each_changed`.
  [[nodiscard]] bool any_changed() const noexcept { return any_changed_; }

  /// Calls `emit` with each group's record (the key texts, then the count as an unsigned integer), in
  /// group order. The key `file` is written as `file_names[number]` (the number when it has no name).
  /// The fields are valid during the call. Afterwards no group counts as changed.
  void for_each_sorted(std::span<const std::string> file_names,
                       const std::function<void(std::span<const io::field>)>& emit);
  /// The same for the groups counted since the last call of either (a live view, as `--follow`
  /// writes it: each changed group again, with its new count).
  void for_each_changed(std::span<const std::string> file_names,
                        const std::function<void(std::span<const io::field>)>& emit);

 private:
  // A group: only the fields named by the keys are set, the others keep their defaults.
  struct group_key {
    std::int64_t hour = 0;
    std::int64_t day = 0;
    std::uint8_t level = 0;
    std::uint16_t status = 0;
    std::size_t file = 0;
    std::array<std::string, 5> text;  // component, host, client, method, path (text_slot)
  };
  struct key_order {
    const std::vector<log_key>* keys;
    bool operator()(const group_key& a, const group_key& b) const noexcept;
  };
  struct entry {
    std::uint64_t count = 0;
    bool changed = false;
  };
  using table = std::map<group_key, entry, key_order>;

  void emit_groups(std::span<const std::string> file_names, bool changed_only,
                   const std::function<void(std::span<const io::field>)>& emit);

  // On the heap: the map's order points to it, and must go on pointing to it after a move.
  std::unique_ptr<const std::vector<log_key>> keys_;
  table counts_;
  table::iterator last_;  // the group of the record before (counts_.end(): none)
  group_key scratch_;
  bool any_changed_ = false;
};

}  // namespace yieldpipe::query
