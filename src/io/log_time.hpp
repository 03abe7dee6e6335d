#pragma once
// Dates, times and ISO-8601 timestamps as the log parsers read them (private to src/io).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "yieldpipe/io/log_record.hpp"

namespace yieldpipe::io::detail {

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(int y, int m) noexcept {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Days since 1970-01-01 of a valid civil date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(int y, int m, int d) noexcept {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}
static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);

constexpr int two_digits(const char* p) noexcept { return (p[0] - '0') * 10 + (p[1] - '0'); }

// The month of the 3-letter English abbreviation at p (case-insensitive: access logs' and syslog's
// "Oct"), 1-12, or 0. Reads 3 bytes.
inline int month_of(const char* p) noexcept {
  constexpr std::string_view names = "JanFebMarAprMayJunJulAugSepOctNovDec";
  for (int m = 0; m < 12; ++m) {
    const char* name = names.data() + 3 * m;
    if ((p[0] | 0x20) == (name[0] | 0x20) && (p[1] | 0x20) == name[1] && (p[2] | 0x20) == name[2]) return m + 1;
  }
  return 0;
}

// The clock time of valid fields (month, day, hour, minute checked by the caller; second may be a
// leap second, folded onto :59), minus a zone's offset east of UTC in seconds.
inline std::chrono::sys_seconds to_sys_seconds(int year, int month, int day, int hour, int minute, int second,
                                               int offset = 0) noexcept {
  if (second == 60) second = 59;
  return std::chrono::sys_seconds(
      std::chrono::seconds(days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset));
}

// The first and the last second the record's writers can show (years 0000 to 9999).
inline constexpr std::int64_t first_log_second = days_from_civil(0, 1, 1) * 86400;
inline constexpr std::int64_t end_log_second = days_from_civil(10000, 1, 1) * 86400;

inline log_parse_error fail_at(std::size_t position, std::string_view reason) noexcept {
  return {position + 1, reason};
}

// What follows the seconds of an ISO-8601 time at `pos` of `p[0, n)`: an optional fraction (`.` or
// `,` and one or more digits, dropped) and an optional zone (`Z`, `+HH`, `+HHMM`, `+HH:MM`, or with
// `-`). On success `pos` is after them and `offset` the zone's seconds east of UTC (0 without a zone);
// on failure `pos` is where the error is and `reason` says why. Never reads past `n`.
//
// Returned by value and not inlined: the default format's fast path rarely needs it, and inlined, or
// with its position passed by reference (which kept the fast path's position in memory), it made
// every line of the default format 20-40% slower (g++ 12 -O3, bench/log_bench.cpp).
struct fraction_and_zone {
  std::size_t pos;
  int offset = 0;
  bool ok = true;
  std::string_view reason{};
};

[[gnu::noinline]] inline fraction_and_zone parse_fraction_and_zone(const char* p, std::size_t n,
                                                                   std::size_t pos) noexcept {
  const auto failed = [](std::size_t at, std::string_view why) { return fraction_and_zone{at, 0, false, why}; };
  if (pos < n && (p[pos] == '.' || p[pos] == ',')) {
    ++pos;
    if (pos == n || !is_digit(p[pos])) return failed(pos, "expected digits after the decimal mark of the seconds");
    while (pos < n && is_digit(p[pos])) ++pos;
  }
  if (pos == n) return {pos};
  if (p[pos] == 'Z' || p[pos] == 'z') return {pos + 1};
  if (p[pos] != '+' && p[pos] != '-') return {pos};
  const int sign = p[pos] == '-' ? -1 : 1;
  const std::size_t hours_at = pos + 1;
  if (hours_at + 2 > n || !is_digit(p[hours_at]) || !is_digit(p[hours_at + 1]))
    return failed(hours_at, "expected a 2-digit zone hour (Z, +HH, +HHMM or +HH:MM)");
  const int hours = two_digits(p + hours_at);
  if (hours > 23) return failed(hours_at, "zone hour out of range (00-23)");
  pos = hours_at + 2;
  int minutes = 0;
  const bool colon = pos < n && p[pos] == ':';
  const std::size_t minutes_at = colon ? pos + 1 : pos;
  if (colon || (minutes_at < n && is_digit(p[minutes_at]))) {
    if (minutes_at + 2 > n || !is_digit(p[minutes_at]) || !is_digit(p[minutes_at + 1]))
      return failed(minutes_at, "expected 2-digit zone minutes");
    minutes = two_digits(p + minutes_at);
    if (minutes > 59) return failed(minutes_at, "zone minutes out of range (00-59)");
    pos = minutes_at + 2;
  }
  return {pos, sign * (hours * 3600 + minutes * 60)};
}

// An ISO-8601 date and time at `pos` of `text`: `YYYY-MM-DDTHH:MM:SS` (with a space for the `T` if
// `space_for_t`), then an optional fraction and zone (as `parse_fraction_and_zone`). On success `pos`
// is after it and `time` the UTC time (the clock time as written without a zone); otherwise the error.
struct iso_time_result {
  bool ok = false;
  std::chrono::sys_seconds time{};
  log_parse_error error{};
};

inline iso_time_result parse_iso_time(std::string_view text, std::size_t& pos, bool space_for_t) noexcept {
  const char* const p = text.data();
  const std::size_t n = text.size();
  iso_time_result r;
  constexpr std::string_view layout = "dddd-dd-ddTdd:dd:dd";
  for (std::size_t i = 0; i < layout.size(); ++i) {
    const std::size_t at = pos + i;
    const char want = layout[i];
    if (want == 'd') {
      if (at < n && is_digit(p[at])) continue;
      r.error = fail_at(at, i < 4    ? std::string_view("expected a 4-digit year")
                            : i < 7  ? std::string_view("expected a 2-digit month")
                            : i < 10 ? std::string_view("expected a 2-digit day")
                            : i < 13 ? std::string_view("expected a 2-digit hour")
                            : i < 16 ? std::string_view("expected a 2-digit minute")
                                     : std::string_view("expected 2-digit seconds"));
      return r;
    }
    if (at < n && (p[at] == want || (want == 'T' && (p[at] == 't' || (space_for_t && p[at] == ' '))))) continue;
    r.error = fail_at(at, want == '-'   ? std::string_view("expected '-'")
                          : want == ':' ? std::string_view("expected ':'")
                          : space_for_t ? std::string_view("expected 'T' or a space between the date and the time")
                                        : std::string_view("expected 'T' between the date and the time"));
    return r;
  }
  const char* const s = p + pos;
  const int year = two_digits(s) * 100 + two_digits(s + 2), month = two_digits(s + 5), day = two_digits(s + 8);
  const int hour = two_digits(s + 11), minute = two_digits(s + 14), second = two_digits(s + 17);
  if (month < 1 || month > 12) {
    r.error = fail_at(pos + 5, "month out of range (01-12)");
    return r;
  }
  if (day < 1 || day > days_in_month(year, month)) {
    r.error = fail_at(pos + 8, "day out of range for the month");
    return r;
  }
  if (hour > 23) {
    r.error = fail_at(pos + 11, "hour out of range (00-23)");
    return r;
  }
  if (minute > 59) {
    r.error = fail_at(pos + 14, "minute out of range (00-59)");
    return r;
  }
  if (second > 60 || (second == 60 && minute != 59)) {
    r.error = fail_at(pos + 17, "second out of range (00-59, or 60 for a leap second at minute 59)");
    return r;
  }
  const fraction_and_zone z = parse_fraction_and_zone(p, n, pos + layout.size());
  if (!z.ok) {
    r.error = fail_at(z.pos, z.reason);
    return r;
  }
  pos = z.pos;
  r.time = to_sys_seconds(year, month, day, hour, minute, second, z.offset);
  r.ok = true;
  return r;
}

// The log level of a syslog severity (0-7): 0-2 CRITICAL, 3 ERROR, 4 WARNING, 5-6 INFO, 7 DEBUG.
constexpr log_level syslog_level(int severity) noexcept {
  if (severity <= 2) return log_level::critical;
  if (severity == 3) return log_level::error;
  if (severity == 4) return log_level::warning;
  if (severity <= 6) return log_level::info;
  return log_level::debug;
}

// The parsers of the presets (log_access.cpp, log_syslog.cpp, log_json.cpp): each fills `r` (a
// default record) or returns where and why the line does not parse (column 0: it parses).
log_parse_error parse_access_line(std::string_view line, log_record& r) noexcept;
log_parse_error parse_syslog_line(std::string_view line, int fixed_year, std::chrono::sys_seconds now,
                                  log_record& r) noexcept;
log_parse_error parse_json_line(std::string_view line, std::string_view time_field, std::string_view level_field,
                                log_record& r) noexcept;

}  // namespace yieldpipe::io::detail
