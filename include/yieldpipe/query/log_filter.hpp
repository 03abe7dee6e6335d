#pragma once
// Which parsed log records pass: a set of levels and a half-open time range, as `yieldpipe logs
// --level ERROR --since 2024-03-01 --until '2024-03-02 06:00'` selects them.

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>
#include <yieldpipe/io/log_record.hpp>

namespace yieldpipe::query {

/// The levels named by `text`, indexed by `io::log_level`: one name is that level and above
/// (`"ERROR"`: ERROR and CRITICAL); a comma-separated list is exactly those (`"WARNING,ERROR"`); an
/// empty text is every level. Names as `io::parse_log_level` reads them (WARN, FATAL, any case).
/// Throws `query_error` naming a word that is not a level.
[[nodiscard]] std::array<bool, 5> parse_log_levels(std::string_view text);

/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` (a `T` instead of the space), as UTC,
/// or with a zone after the time (`Z`, `+02:00`, `+0200`, `-07`) converted to UTC, as log records'
/// timestamps are; nothing for any other text or an invalid date or time (30 February, 25:00).
[[nodiscard]] std::optional<std::chrono::sys_seconds> parse_log_time(std::string_view text) noexcept;

/// Writes the first `length` (at most 19) characters of `t` as `YYYY-MM-DD HH:MM:SS` to `out`: 19 for
/// the time, 16 for its hour (`2024-03-01 12:00`), 10 for its day. Years 0 to 9999.
void format_log_time(std::chrono::sys_seconds t, char* out, std::size_t length = 19) noexcept;

/// A filter over parsed log records: its level is one of `levels` and its timestamp in
/// [`since`, `until`) (an absent bound does not limit). The default passes every record.
///
///   query::log_filter filter{.levels = query::parse_log_levels("ERROR"),
///                            .since = query::parse_log_time("2024-03-01")};
///   for (std::string_view line : lines)
///     if (auto r = format.parse(line); r && filter.passes(*r)) ...
///
/// Cost: an array lookup and two comparisons per record; immutable, so threads may share one.
struct log_filter {
  std::array<bool, 5> levels{true, true, true, true, true};  ///< indexed by `io::log_level`
  std::optional<std::chrono::sys_seconds> since{};           ///< the first time that passes
  std::optional<std::chrono::sys_seconds> until{};           ///< the first time that does not

  [[nodiscard]] bool passes(const io::log_record& r) const noexcept {
    if (!levels[static_cast<std::size_t>(r.level)]) return false;
    return !(since && r.timestamp < *since) && !(until && r.timestamp >= *until);
  }
};

}  // namespace yieldpipe::query
