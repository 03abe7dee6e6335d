#include "yieldpipe/io/log_record.hpp"

#include <array>
#include <stdexcept>
#include <string>
#include <utility>

#include "log_time.hpp"

namespace yieldpipe::io {

namespace {

using op = detail::log_format_op;
using kind = op::kind;

constexpr std::string_view default_pattern = "%Y-%m-%d %H:%M:%S %L %C: %*";

// "expected 'c'" for every byte, built at compile time so that a parse error's reason is static.
struct expected_table {
  std::array<std::array<char, 24>, 256> text{};
  std::array<std::uint8_t, 256> size{};
};

constexpr expected_table make_expected_table() {
  expected_table t;
  constexpr char hex[] = "0123456789abcdef";
  for (int c = 0; c < 256; ++c) {
    auto& out = t.text[static_cast<std::size_t>(c)];
    std::size_t n = 0;
    auto put = [&](std::string_view s) {
      for (char ch : s) out[n++] = ch;
    };
    if (c == '\t') {
      put("expected a tab");
    } else if (c >= 0x21 && c < 0x7f) {
      put("expected '");
      out[n++] = static_cast<char>(c);
      put("'");
    } else {
      put("expected byte 0x");
      out[n++] = hex[c >> 4];
      out[n++] = hex[c & 15];
    }
    t.size[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(n);
  }
  return t;
}

constexpr expected_table expected_reasons = make_expected_table();

std::string_view expected(char c) noexcept {
  const auto i = static_cast<unsigned char>(c);
  return {expected_reasons.text[i].data(), expected_reasons.size[i]};
}

using detail::days_in_month;
using detail::is_blank;
using detail::is_digit;
using detail::to_sys_seconds;
using detail::two_digits;

// Per time field: its digit count and the reason when those digits are missing.
struct time_field_info {
  int width;
  std::string_view missing;
};

constexpr time_field_info time_info(kind k) noexcept {
  switch (k) {
    case kind::year: return {4, "expected a 4-digit year"};
    case kind::month: return {2, "expected a 2-digit month"};
    case kind::day: return {2, "expected a 2-digit day"};
    case kind::hour: return {2, "expected a 2-digit hour"};
    case kind::minute: return {2, "expected a 2-digit minute"};
    default: return {2, "expected 2-digit seconds"};
  }
}

constexpr bool is_variable_field(kind k) noexcept {
  return k == kind::level || k == kind::component || k == kind::message;
}

[[noreturn]] void bad_pattern(std::string_view pattern, std::size_t position, std::string_view why) {
  throw std::invalid_argument("log format \"" + std::string(pattern) + "\", position " + std::to_string(position + 1) +
                              ": " + std::string(why));
}

std::vector<op> compile(std::string_view pattern) {
  std::vector<op> ops;
  std::array<bool, 9> seen{};
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == ' ') {
      if (ops.empty() || ops.back().what != kind::space) ops.push_back({kind::space});
      continue;
    }
    if (c != '%') {
      ops.push_back({kind::literal, c});
      continue;
    }
    if (i + 1 == pattern.size()) bad_pattern(pattern, i, "'%' at the end (write %% for a literal '%')");
    kind k{};
    switch (pattern[++i]) {
      case 'Y': k = kind::year; break;
      case 'm': k = kind::month; break;
      case 'd': k = kind::day; break;
      case 'H': k = kind::hour; break;
      case 'M': k = kind::minute; break;
      case 'S': k = kind::second; break;
      case 'L': k = kind::level; break;
      case 'C': k = kind::component; break;
      case '*': k = kind::message; break;
      case '%': ops.push_back({kind::literal, '%'}); continue;
      default:
        bad_pattern(pattern, i - 1,
                    "unknown field %" + std::string(1, pattern[i]) + " (known: %Y %m %d %H %M %S %L %C %* %%)");
    }
    auto& once = seen[static_cast<std::size_t>(k)];
    if (once) bad_pattern(pattern, i - 1, "field %" + std::string(1, pattern[i]) + " appears twice");
    once = true;
    if (!ops.empty() && is_variable_field(ops.back().what))
      bad_pattern(pattern, i - 1, "a field right after %L, %C or %* (put a literal between them)");
    ops.push_back({k});
  }
  constexpr std::array<std::pair<kind, std::string_view>, 6> required{{{kind::year, "%Y"},
                                                                       {kind::month, "%m"},
                                                                       {kind::day, "%d"},
                                                                       {kind::hour, "%H"},
                                                                       {kind::minute, "%M"},
                                                                       {kind::level, "%L"}}};
  for (const auto& [k, name] : required)
    if (!seen[static_cast<std::size_t>(k)])
      bad_pattern(pattern, pattern.size(), "missing " + std::string(name) + " (required: %Y %m %d %H %M %L)");
  // A variable field ends at the literal that follows it.
  for (std::size_t i = 0; i + 1 < ops.size(); ++i) {
    if (!is_variable_field(ops[i].what)) continue;
    const op& next = ops[i + 1];
    ops[i].literal = next.what == kind::space ? ' ' : next.literal;
  }
  // ISO 8601: a `T` may stand for the space between the day and the hour; a fraction and a zone may
  // follow seconds that end the pattern or a space follows.
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].what == kind::space && i > 0 && i + 1 < ops.size() && ops[i - 1].what == kind::day &&
        ops[i + 1].what == kind::hour)
      ops[i].literal = 'T';
    if (ops[i].what == kind::second && (i + 1 == ops.size() || ops[i + 1].what == kind::space)) ops[i].literal = 'z';
  }
  return ops;
}

log_parse_error fail(std::size_t position, std::string_view reason) noexcept { return {position + 1, reason}; }

// The default layout without the interpreter's dispatch per field (which costs more than the
// fields). Succeeds only where the interpreter would, with the same record; on any doubt it returns
// false and the interpreter runs, so error columns and reasons have one source.
[[gnu::always_inline]] inline bool parse_default_layout(std::string_view line, log_record& record) noexcept {
  const char* const p = line.data();
  const std::size_t n = line.size();
  if (n < 19) return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
    if (!is_digit(p[i])) return false;
  if (p[4] != '-' || p[7] != '-' || (p[10] != ' ' && p[10] != 'T') || p[13] != ':' || p[16] != ':') return false;
  const int year = two_digits(p) * 100 + two_digits(p + 2), month = two_digits(p + 5), day = two_digits(p + 8);
  const int hour = two_digits(p + 11), minute = two_digits(p + 14), second = two_digits(p + 17);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60 || (second == 60 && minute != 59))
    return false;

  std::size_t pos = 19;
  int offset = 0;
  if (pos < n && !is_blank(p[pos])) [[unlikely]] {  // an ISO-8601 fraction or zone
    const detail::fraction_and_zone z = detail::parse_fraction_and_zone(p, n, pos);
    if (!z.ok) return false;
    pos = z.pos;
    offset = z.offset;
  }
  const std::size_t time_end = pos;
  if (pos == n || !is_blank(p[pos])) return false;
  while (pos < n && is_blank(p[pos])) ++pos;
  const std::size_t level_begin = pos;
  while (pos < n && !is_blank(p[pos])) ++pos;
  const std::string_view level_text(p + level_begin, pos - level_begin);
  const auto level = parse_log_level(level_text);
  if (!level || pos == n) return false;
  while (pos < n && is_blank(p[pos])) ++pos;
  const std::size_t component_begin = pos;
  while (pos < n && !is_blank(p[pos]) && p[pos] != ':') ++pos;
  if (pos == component_begin || pos == n || p[pos] != ':') return false;
  const std::string_view component(p + component_begin, pos - component_begin);
  ++pos;
  if (pos < n) {
    if (!is_blank(p[pos])) return false;
    while (pos < n && is_blank(p[pos])) ++pos;
  }
  record.timestamp = to_sys_seconds(year, month, day, hour, minute, second, offset);
  record.timestamp_text = std::string_view(p, time_end);
  record.level = *level;
  record.level_text = level_text;
  record.component = component;
  record.message = std::string_view(p + pos, n - pos);
  return true;
}

}  // namespace

std::string_view to_string(log_level level) noexcept {
  switch (level) {
    case log_level::debug: return "DEBUG";
    case log_level::info: return "INFO";
    case log_level::warning: return "WARNING";
    case log_level::error: return "ERROR";
    case log_level::critical: return "CRITICAL";
  }
  return "UNKNOWN";
}

std::optional<log_level> parse_log_level(std::string_view text) noexcept {
  // Folding with 0x20 maps exactly the two cases of a letter onto the lowercase letter.
  auto is = [text](std::string_view lower) noexcept {
    for (std::size_t i = 0; i < lower.size(); ++i)
      if ((text[i] | 0x20) != lower[i]) return false;
    return true;
  };
  switch (text.size()) {
    case 4:
      if (is("info")) return log_level::info;
      if (is("warn")) return log_level::warning;
      break;
    case 5:
      if (is("error")) return log_level::error;
      if (is("debug")) return log_level::debug;
      if (is("fatal")) return log_level::critical;
      break;
    case 7:
      if (is("warning")) return log_level::warning;
      break;
    case 8:
      if (is("critical")) return log_level::critical;
      break;
    default: break;
  }
  return std::nullopt;
}

const log_record& log_parse_result::value() const {
  if (!ok_)
    throw std::logic_error("log_parse_result::value(): the line did not parse (column " +
                           std::to_string(error_.column) + ": " + std::string(error_.reason) + ")");
  return record_;
}

log_format::log_format() : log_format(default_pattern) {}

log_format::log_format(std::string_view pattern)
    : pattern_(pattern), ops_(compile(pattern)), default_layout_(pattern == default_pattern) {}

log_format::log_format(log_format_kind kind, std::string name, log_format_options options)
    : pattern_(std::move(name)),
      kind_(kind),
      year_(options.year),
      now_(options.now ? *options.now : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())),
      time_field_(std::move(options.time_field)),
      level_field_(std::move(options.level_field)) {
  if (year_ < 0 || year_ > 9999) throw std::invalid_argument("log format: year out of range (1-9999)");
}

bool log_format::is_preset(std::string_view name) noexcept {
  return name == "combined" || name == "common" || name == "syslog" || name == "json" || name == "default";
}

log_format log_format::preset(std::string_view name, log_format_options options) {
  if (name == "default") return log_format();
  if (name == "combined" || name == "common") return {log_format_kind::combined, std::string(name), std::move(options)};
  if (name == "syslog") return {log_format_kind::syslog, std::string(name), std::move(options)};
  if (name == "json") return {log_format_kind::json, std::string(name), std::move(options)};
  throw std::invalid_argument("unknown log format '" + std::string(name) +
                              "' (presets: default, combined, common, syslog, json; a pattern has % fields)");
}

namespace {
log_parse_error interpret(const std::vector<op>& ops, std::string_view line, log_record& record) noexcept;
}  // namespace

log_parse_result log_format::parse(std::string_view line) const noexcept {
  // Built in place and returned by name on every path (NRVO): a log_record is about 230 bytes, and
  // a copy into the result made the default format's lines 20% slower (bench/log_bench.cpp).
  log_parse_result result;
  if (default_layout_ && parse_default_layout(line, result.record_)) return result;
  log_parse_error e;
  switch (kind_) {
    case log_format_kind::pattern: e = interpret(ops_, line, result.record_); break;
    case log_format_kind::combined: e = detail::parse_access_line(line, result.record_); break;
    case log_format_kind::syslog: e = detail::parse_syslog_line(line, year_, now_, result.record_); break;
    case log_format_kind::json: e = detail::parse_json_line(line, time_field_, level_field_, result.record_); break;
  }
  if (e.column != 0) {
    result.error_ = e;
    result.ok_ = false;
  }
  return result;
}

namespace {

// The general pattern interpreter: fills `record`, or returns where and why the line does not parse
// (column 0: it parses).
log_parse_error interpret(const std::vector<op>& ops, std::string_view line, log_record& record) noexcept {
  const char* const data = line.data();
  const std::size_t n = line.size();
  std::size_t pos = 0;
  // Time fields and where each began, for the range checks at the end (the day needs the month and
  // year, which a format may put after it).
  int value[6] = {1970, 1, 1, 0, 0, 0};
  std::size_t column[6] = {};
  std::size_t time_begin = n, time_end = 0;
  int offset = 0;  // a zone's seconds east of UTC

  for (const op& o : ops) {
    switch (o.what) {
      case kind::year:
      case kind::month:
      case kind::day:
      case kind::hour:
      case kind::minute:
      case kind::second: {
        const auto [width, missing] = time_info(o.what);
        int v = 0;
        for (int i = 0; i < width; ++i, ++pos) {
          if (pos == n || !is_digit(data[pos])) return fail(pos, missing);
          v = v * 10 + (data[pos] - '0');
        }
        const auto f = static_cast<std::size_t>(o.what);
        value[f] = v;
        column[f] = pos - static_cast<std::size_t>(width);
        if (column[f] < time_begin) time_begin = column[f];
        if (o.literal == 'z' && pos < n && !is_blank(data[pos])) {  // an ISO-8601 fraction or zone
          const detail::fraction_and_zone z = detail::parse_fraction_and_zone(data, n, pos);
          if (!z.ok) return fail(z.pos, z.reason);
          pos = z.pos;
          offset = z.offset;
        }
        if (pos > time_end) time_end = pos;
        break;
      }
      case kind::literal:
        if (pos == n || data[pos] != o.literal) return fail(pos, expected(o.literal));
        ++pos;
        break;
      case kind::space:
        if (pos == n) break;                         // an empty rest of line (e.g. no message) is fine
        if (o.literal == 'T' && data[pos] == 'T') {  // ISO 8601's date-time separator
          ++pos;
          break;
        }
        if (!is_blank(data[pos])) return fail(pos, "expected a space");
        do ++pos;
        while (pos < n && is_blank(data[pos]));
        break;
      case kind::level:
      case kind::component: {
        const std::size_t begin = pos;
        while (pos < n && !is_blank(data[pos]) && data[pos] != o.literal) ++pos;
        const std::string_view token(data + begin, pos - begin);
        if (o.what == kind::component) {
          if (token.empty()) return fail(begin, "expected a component");
          record.component = token;
          break;
        }
        if (token.empty()) return fail(begin, "expected a level");
        const auto level = parse_log_level(token);
        if (!level) return fail(begin, "unknown level (expected DEBUG, INFO, WARNING, ERROR or CRITICAL)");
        record.level = *level;
        record.level_text = token;
        break;
      }
      case kind::message: {
        std::size_t end = n;
        if (o.literal != 0) {
          end = line.find(o.literal, pos);
          if (end == std::string_view::npos) return fail(n, expected(o.literal));
        }
        record.message = std::string_view(data + pos, end - pos);
        pos = end;
        break;
      }
    }
  }
  if (pos != n) return fail(pos, "unexpected text after the last field");

  const int year = value[0], month = value[1], day = value[2], hour = value[3], minute = value[4], second = value[5];
  if (month < 1 || month > 12) return fail(column[1], "month out of range (01-12)");
  if (day < 1 || day > days_in_month(year, month)) return fail(column[2], "day out of range for the month");
  if (hour > 23) return fail(column[3], "hour out of range (00-23)");
  if (minute > 59) return fail(column[4], "minute out of range (00-59)");
  // 60 is a leap second (see log_record::timestamp), which only the last second of a minute can be.
  if (second > 60 || (second == 60 && minute != 59))
    return fail(column[5], "second out of range (00-59, or 60 for a leap second at minute 59)");

  record.timestamp = to_sys_seconds(year, month, day, hour, minute, second, offset);
  record.timestamp_text = std::string_view(data + time_begin, time_end - time_begin);
  return {};
}

}  // namespace

log_record log_format::parse_or_throw(std::string_view line, std::string_view path, std::uint64_t line_number) const {
  const log_parse_result result = parse(line);
  if (result) return *result;
  const log_parse_error& e = result.error();
  // The start of the line, printable, for a message that shows what was read.
  constexpr std::size_t shown = 80;
  std::string reason(e.reason);
  if (line_number == 0) reason = "column " + std::to_string(e.column) + ": " + reason;
  reason += " in \"";
  for (char c : line.substr(0, shown)) reason += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  reason += line.size() > shown ? "...\"" : "\"";
  error_location where;
  if (line_number != 0) {
    where.line = line_number;
    where.column = e.column;
  }
  throw io_error(std::string(path), std::move(reason), where);
}

log_parse_result parse_log_line(std::string_view line) noexcept {
  static const log_format default_format;
  return default_format.parse(line);
}

}  // namespace yieldpipe::io
