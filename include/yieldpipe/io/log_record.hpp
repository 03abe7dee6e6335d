#pragma once
// Log lines: `2024-03-01 12:00:07 ERROR db.pool: connection refused` parsed into a record of views.
//
//   const io::log_format format;  // the default: "%Y-%m-%d %H:%M:%S %L %C: %*"
//   for (std::string_view line : lines)
//     if (auto r = format.parse(line); r && r->level >= io::log_level::error) ++per_hour[io::hour_bucket(*r)];
//
//   auto records = lines | try_map(io::log_line_parser(format, path), on_error::skip());
//
//   const auto access = io::log_format::preset("combined");  // also "syslog", "json"
//
// The level is a field of the line, never a substring of it: an INFO line whose message says
// "ERROR" is an INFO line (the guide's `'ERROR' in line` filter gets that wrong).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "yieldpipe/io/error.hpp"

namespace yieldpipe::io {

/// The severity of a log line, ordered: `debug < info < warning < error < critical`.
enum class log_level : std::uint8_t { debug, info, warning, error, critical };

/// The canonical name: "DEBUG", "INFO", "WARNING", "ERROR" or "CRITICAL".
[[nodiscard]] std::string_view to_string(log_level level) noexcept;

/// The level named by `text`, ASCII case-insensitive: DEBUG, INFO, WARNING or WARN, ERROR,
/// CRITICAL or FATAL. Anything else (including TRACE, or a name with surrounding spaces) is nullopt.
[[nodiscard]] std::optional<log_level> parse_log_level(std::string_view text) noexcept;

/// The fields of a web server's access log line (`log_format::preset("combined")`), views into the
/// line like the record's.
struct log_access_fields {
  /// The client address (`%h`) and the authenticated user (`%u`, empty for `-`).
  std::string_view client, user;
  /// The request line's method, path and protocol (`GET`, `/index.html`, `HTTP/1.1`): a request that
  /// is not `METHOD PATH [HTTP/x]` is all path; `-` is all empty.
  std::string_view method, path, protocol;
  /// The referrer and the user agent, empty for `-`; quoted strings as written (escapes kept).
  std::string_view referrer, agent;
  /// The HTTP status (100-999).
  std::uint16_t status = 0;
  /// The response's size in bytes (`-`, which servers write for none, is 0).
  std::uint64_t bytes = 0;
};

/// One parsed log line. Every `std::string_view` points into the line it was parsed from (for the
/// `json` preset, a string with escapes points into storage of the calling thread, valid until its
/// next `json` parse): the record is valid only as long as that line's characters are (for a line
/// reader's view, until the next line). Copy what must outlive it.
///
/// Which fields a format fills: every format the time and level; patterns and `json` the component
/// and message; `syslog` the host, component (app name or tag) and message; `combined` `access`
/// (its message is the request line, its component empty). A field a format does not fill is empty,
/// and `access` is engaged for `combined` records only.
struct log_record {
  /// The time of the line in UTC. A time written with a zone (`Z`, `+02:00`, `-0700`) is converted to
  /// UTC; one without is taken as written (no zone is applied). A fraction of a second is dropped
  /// (floored). A leap second (`:60`, accepted only as the 60th second of minute 59) is folded onto
  /// `:59`, so it stays in its own minute, hour and day; `timestamp_text` keeps the ":60".
  std::chrono::sys_seconds timestamp{};
  /// The timestamp as written: from the first to the last time field of the format, fraction and zone
  /// included (`2024-03-01 12:00:07`, `2024-03-01T12:00:07.123+02:00`, `10/Oct/2000:13:55:36 -0700`).
  std::string_view timestamp_text;
  log_level level = log_level::info;
  /// The level as written (`WARN`, `warning`, `Fatal`, ...); for `syslog` the PRI's digits, for
  /// `combined` the status; empty when the line has none (or `json` gives a number).
  std::string_view level_text;
  /// The component (logger name), empty when the format has no `%C`.
  std::string_view component;
  /// The message as written, empty when the format has no `%*` or the line ends after the separator.
  std::string_view message;
  /// `syslog`: the HOSTNAME field.
  std::string_view host;
  /// `combined`: the access log's fields, engaged for its records only.
  std::optional<log_access_fields> access;
};

/// Why a line is not a log line: the column (1-based byte in the line) where parsing stopped and a
/// short reason (`"month out of range (01-12)"`, `"expected ':'"`). `reason` points to static
/// storage: it never dangles.
struct log_parse_error {
  std::size_t column = 0;
  std::string_view reason;
};

/// Either a `log_record` or a `log_parse_error` (a small `std::expected`: C++20 has none).
/// Trivially copyable; no allocation.
class log_parse_result {
 public:
  log_parse_result(const log_record& record) noexcept : record_(record) {}
  log_parse_result(const log_parse_error& error) noexcept : error_(error), ok_(false) {}

  [[nodiscard]] bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }

  /// The record. Precondition: `has_value()`.
  [[nodiscard]] const log_record& operator*() const noexcept { return record_; }
  [[nodiscard]] const log_record* operator->() const noexcept { return &record_; }
  /// The record, or `std::logic_error` naming the parse error if there is none.
  [[nodiscard]] const log_record& value() const;
  /// The error. Precondition: `!has_value()`.
  [[nodiscard]] const log_parse_error& error() const noexcept { return error_; }

 private:
  friend class log_format;  // builds its result in place
  log_parse_result() noexcept = default;

  log_record record_{};
  log_parse_error error_{};
  bool ok_ = true;
};

namespace detail {
// One step of a compiled log format.
struct log_format_op {
  enum class kind : std::uint8_t { year, month, day, hour, minute, second, level, component, message, literal, space };
  kind what;
  // for `literal`; for level/component/message: the literal that ends the field (0: none); for a
  // space between %d and %H: 'T' (an ISO-8601 `T` may stand for it); for %S before a space or the
  // end: 'z' (a fraction and a zone may follow).
  char literal = 0;
};
}  // namespace detail

/// What `log_format` parses: a pattern, or one of the presets for formats that patterns cannot
/// describe (quoted fields, optional parts, JSON).
enum class log_format_kind : std::uint8_t {
  pattern,   ///< a `%Y-%m-%d ...` pattern (the default format is one)
  combined,  ///< web server access logs, combined or common (`preset("combined")`)
  syslog,    ///< RFC 3164 and RFC 5424 syslog lines (`preset("syslog")`)
  json,      ///< one JSON object per line (`preset("json")`)
};

/// The options of the presets that have some.
struct log_format_options {
  /// `json`: the member holding the time; empty: the first present of `time`, `timestamp`, `ts`,
  /// `@timestamp`.
  std::string time_field{};
  /// `json`: the member holding the level; empty: the first present of `level`, `severity`, `lvl`.
  std::string level_field{};
  /// `syslog`: the year of RFC 3164 lines, which have none (1-9999); 0: the year of `now`, or the
  /// year before for a date more than a day after `now` (December's lines read in January).
  int year = 0;
  /// `syslog`: when the lines are read, for the rule above; unset: the clock when the format is made.
  std::optional<std::chrono::sys_seconds> now{};
};

/// A log line format, compiled once from a small pattern (or chosen among the presets) and then
/// applied to every line.
///
/// Fields: `%Y` year (4 digits), `%m` month, `%d` day, `%H` hour, `%M` minute, `%S` second (2 digits
/// each, as in strftime), `%L` level, `%C` component, `%*` message, `%%` a literal `%`. Since `%M`
/// is strftime's minute, the message is `%*` ("the rest"). Any other character is a literal that
/// must appear as is, except a space, which matches one or more spaces or tabs (so aligned columns
/// parse), or nothing at the end of the line (so an empty message parses).
///
/// ISO 8601: a space between `%d` and `%H` also matches one `T` (`2024-03-01T12:00:07`), and `%S`
/// followed by a space or the end of the pattern may be followed in the line by a fraction (`.123`,
/// `,123456`, dropped) and a zone (`Z`, `+02:00`, `+0200`, `-07`). A time with a zone is converted to
/// UTC (see `log_record::timestamp`); without one it is taken as written. The default format
/// therefore reads `2024-03-01 12:00:07`, `2024-03-01T12:00:07.123Z` and `2024-03-01T14:00:07+02:00`
/// (the last two the same instant).
///
/// Field extents: `%L` and `%C` are a run of non-blank characters up to the literal that follows
/// them in the format (`%C:` stops at the first ':'); `%*` is the rest of the line when it ends the
/// format, otherwise the text up to the first occurrence of the literal that follows it. The
/// default `"%Y-%m-%d %H:%M:%S %L %C: %*"` therefore rejects a line whose component is not followed
/// by ':' (`... INFO db connection up`), names the column, and never looks into the message.
///
/// Validation: month 01-12, day valid for the month and year (29 February only in leap years),
/// hour < 24, minute < 60, second < 60 or a leap second `:60` in minute 59 (see `log_record`).
///
/// Rules for the pattern (violations throw `std::invalid_argument` naming the position):
/// `%Y %m %d %H %M %L` are required, `%S %C %*` optional; each field at most once; a field of
/// variable width (`%L %C %*`) must be followed by a literal (a space counts) or end the pattern.
/// Text left after the last field of a pattern that does not end in `%*` is an error.
///
/// The presets (`preset(name)`; docs/cli.md shows a line of each):
/// - `combined` (alias `common`): `client ident user [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0"
///   200 2326 "referrer" "agent"`, the referrer and agent optional (the common log format ends after
///   the bytes), text after the agent ignored (fields some servers append). The time's zone is
///   applied. Level from the status class: 5xx ERROR, 4xx WARNING, others INFO.
/// - `syslog`: RFC 5424 (`<165>1 2003-10-11T22:14:15.003Z host app procid msgid [sd] msg`), RFC 3164
///   (`<34>Oct 11 22:14:15 host tag[pid]: msg`, also without the `<PRI>` as in /var/log) and the
///   RFC 3339 stamp rsyslog writes in files (`2024-03-01T12:00:07.123456+01:00 host tag: msg`),
///   told apart per line. Level from the PRI's severity: 0-2 CRITICAL, 3 ERROR, 4 WARNING, 5-6 INFO,
///   7 DEBUG; INFO without a PRI. Component: APP-NAME or TAG (without `[pid]`); `-` is empty. The
///   year of RFC 3164 lines: see `log_format_options::year`.
/// - `json`: an object per line (simdjson); the time a string as the default format reads it (`T` or
///   a space, fraction, zone) or a number of seconds since 1970 (milliseconds from 10^11 on,
///   microseconds from 10^14, nanoseconds from 10^17); the level a name (`parse_log_level`, and
///   `trace` as DEBUG, `notice` as INFO, `panic` as CRITICAL) or a number as pino and bunyan write
///   it (below 30 DEBUG, 30s INFO, 40s WARNING, 50s ERROR, 60 and up CRITICAL), INFO when absent or
///   null; the message from `msg` or `message`, the component from `logger`, `component` or `name`
///   (strings; absent: empty). A line without its time is an error.
///
/// Cost: compiling allocates once; `parse` is a single pass over the line that never allocates
/// (except the `json` preset's per-thread buffer, which grows to the longest line) and never reads a
/// final `%*` message. Measured on 70-byte lines (g++ 12 -O3, one core, bench/log_bench.cpp): see
/// docs/io.md. A `log_format` is immutable after construction: concurrent `parse` calls are safe.
class log_format {
 public:
  /// The default format: `"%Y-%m-%d %H:%M:%S %L %C: %*"`.
  log_format();
  /// Compiles `pattern`; `std::invalid_argument` if it breaks the rules above.
  explicit log_format(std::string_view pattern);

  /// A preset by name: `combined` (or `common`), `syslog`, `json`, or `default` (the default
  /// pattern). `std::invalid_argument` for another name. `options` apply to the presets that have
  /// them (others ignore them).
  [[nodiscard]] static log_format preset(std::string_view name, log_format_options options = {});
  /// Whether `name` is one of the names `preset` takes (a pattern has a `%`, a preset none).
  [[nodiscard]] static bool is_preset(std::string_view name) noexcept;

  /// The pattern this format was compiled from, or the preset's name.
  [[nodiscard]] const std::string& pattern() const noexcept { return pattern_; }
  [[nodiscard]] log_format_kind kind() const noexcept { return kind_; }

  /// Parses `line` (without its line terminator: a line reader strips `\n` and `\r\n`). The record
  /// views into `line` (see `log_record` for the `json` preset). Never throws.
  [[nodiscard]] log_parse_result parse(std::string_view line) const noexcept;

  /// Parses `line` or throws `io_error` with `path`, `line_number` (if nonzero), the column and the
  /// reason, followed by the start of the line for context. For `try_map`, see `log_line_parser`.
  [[nodiscard]] log_record parse_or_throw(std::string_view line, std::string_view path = "<input>",
                                          std::uint64_t line_number = 0) const;

 private:
  log_format(log_format_kind kind, std::string name, log_format_options options);

  std::string pattern_;
  std::vector<detail::log_format_op> ops_;
  log_format_kind kind_ = log_format_kind::pattern;
  bool default_layout_ = false;  // the default pattern: parse takes a hand-written fast path first
  int year_ = 0;                 // syslog: the fixed year, or 0
  std::chrono::sys_seconds now_{};
  std::string time_field_, level_field_;  // json
};

/// Parses `line` with the default format (see `log_format`). No allocation, never throws.
[[nodiscard]] log_parse_result parse_log_line(std::string_view line) noexcept;

/// A function object for `try_map`: parses each line it is called with, numbering lines by call
/// (the first call is line `first_line`), and throws `io_error` (path, line, column, reason) for a
/// line that does not parse, so the error policy counts, skips, logs or dead-letters it:
///
///   auto policy = on_error::dead_letter(sink);
///   for (const io::log_record& r : lines | try_map(io::log_line_parser(format, path), policy)) ...
///
/// Line numbers are right when every line of the file reaches it (filter blank lines after, not
/// before, or number them yourself with `log_format::parse_or_throw`). The returned record views
/// into the line it was called with: under `try_map`, valid until the view advances. Copies share
/// nothing: each counts from its own state.
class log_line_parser {
 public:
  explicit log_line_parser(log_format format = {}, std::string path = "<input>", std::uint64_t first_line = 1)
      : format_(std::move(format)), path_(std::move(path)), next_line_(first_line) {}

  log_record operator()(std::string_view line) { return format_.parse_or_throw(line, path_, next_line_++); }

  /// The number the next line will get.
  [[nodiscard]] std::uint64_t next_line() const noexcept { return next_line_; }

 private:
  log_format format_;
  std::string path_;
  std::uint64_t next_line_;
};

/// The record's timestamp floored to its hour (12:59:59 → 12:00:00): the key for counts per hour
/// and level. Converts implicitly to `std::chrono::sys_seconds`.
[[nodiscard]] inline std::chrono::sys_time<std::chrono::hours> hour_bucket(const log_record& record) noexcept {
  return std::chrono::floor<std::chrono::hours>(record.timestamp);
}

}  // namespace yieldpipe::io
