// The `json` preset: one JSON object per line (simdjson's DOM parser), its time, level, message and
// component found by member name.
#include <simdjson.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log_time.hpp"
#include "yieldpipe/io/log_record.hpp"

namespace yieldpipe::io::detail {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Per thread: the parser (its strings, which records view, live until its next parse) and a copy of
// the line with the padding simdjson reads past its end.
struct json_line_state {
  simdjson::dom::parser parser;
  std::vector<char> padded;
};

json_line_state& state() {
  thread_local json_line_state s;
  return s;
}

// "invalid JSON: <simdjson's message>" for every error code, built once, so that reasons are static.
std::string_view invalid_json(simdjson::error_code code) {
  static const std::array<std::string, simdjson::NUM_ERROR_CODES> reasons = [] {
    std::array<std::string, simdjson::NUM_ERROR_CODES> r;
    for (int i = 0; i < simdjson::NUM_ERROR_CODES; ++i)
      r[static_cast<std::size_t>(i)] =
          std::string("invalid JSON: ") + simdjson::error_message(static_cast<simdjson::error_code>(i));
    return r;
  }();
  const auto i = static_cast<std::size_t>(code);
  return i < reasons.size() ? std::string_view(reasons[i]) : std::string_view("invalid JSON");
}

constexpr std::array<std::string_view, 4> time_names = {"time", "timestamp", "ts", "@timestamp"};
constexpr std::array<std::string_view, 3> level_names = {"level", "severity", "lvl"};
constexpr std::array<std::string_view, 2> message_names = {"msg", "message"};
constexpr std::array<std::string_view, 3> component_names = {"logger", "component", "name"};

// The member of `names` found with the smallest index (`names.size()`: none yet).
struct candidate {
  std::size_t rank = SIZE_MAX;
  element value{};
  std::string_view key;
};

template <std::size_t N>
void offer(candidate& c, const std::array<std::string_view, N>& names, std::string_view key, element value) noexcept {
  for (std::size_t i = 0; i < N && i < c.rank; ++i)
    if (names[i] == key) {
      c = {i, value, key};
      return;
    }
}

void offer_named(candidate& c, std::string_view name, std::string_view key, element value) noexcept {
  if (key == name) c = {0, value, key};
}

// Where the value of member `key` begins in `line` (0-based), found by its text `"key"` followed by
// blanks, ':' and blanks; npos if the key is not written plainly (escapes) or not found.
std::size_t value_position(std::string_view line, std::string_view key) noexcept {
  for (std::size_t at = line.find(key); at != std::string_view::npos; at = line.find(key, at + 1)) {
    if (at == 0 || line[at - 1] != '"' || at + key.size() >= line.size() || line[at + key.size()] != '"') continue;
    std::size_t p = at + key.size() + 1;
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    if (p == line.size() || line[p] != ':') continue;
    ++p;
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    return p < line.size() ? p : std::string_view::npos;
  }
  return std::string_view::npos;
}

log_parse_error error_at_value(std::string_view line, std::string_view key, std::string_view reason,
                               std::size_t inside = 0) noexcept {
  const std::size_t at = value_position(line, key);
  return fail_at(at == std::string_view::npos ? 0 : at + inside, reason);
}

// A level name: parse_log_level's, and the names other loggers use for the same severities.
std::optional<log_level> json_level(std::string_view text) noexcept {
  if (const auto level = parse_log_level(text)) return level;
  auto is = [text](std::string_view lower) noexcept {
    if (text.size() != lower.size()) return false;
    for (std::size_t i = 0; i < lower.size(); ++i)
      if ((text[i] | 0x20) != lower[i]) return false;
    return true;
  };
  if (is("trace")) return log_level::debug;
  if (is("notice")) return log_level::info;
  if (is("panic")) return log_level::critical;
  return std::nullopt;
}

// pino's and bunyan's numbers: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
log_level numeric_level(double v) noexcept {
  if (v < 30) return log_level::debug;
  if (v < 40) return log_level::info;
  if (v < 50) return log_level::warning;
  if (v < 60) return log_level::error;
  return log_level::critical;
}

bool set_time(log_record& r, std::string_view line, const candidate& c, log_parse_error& error) noexcept {
  const element v = c.value;
  switch (v.type()) {
    case element_type::STRING: {
      const std::string_view text = v.get_string().value_unsafe();
      std::size_t pos = 0;
      const iso_time_result t = parse_iso_time(text, pos, true);
      if (!t.ok) {
        error = error_at_value(line, c.key, t.error.reason, t.error.column);  // + 1 for the quote, - 1 for 1-based
        return false;
      }
      if (pos != text.size()) {
        error = error_at_value(line, c.key, "unexpected text after the time", pos + 1);
        return false;
      }
      r.timestamp = t.time;
      r.timestamp_text = text;
      return true;
    }
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: {
      // Seconds since 1970, or milliseconds, microseconds, nanoseconds by magnitude.
      std::int64_t seconds = 0;
      bool in_range = true;
      if (v.type() == element_type::DOUBLE) {
        double x = v.get_double().value_unsafe();
        const double magnitude = std::fabs(x);
        x = magnitude >= 1e17 ? x / 1e9 : magnitude >= 1e14 ? x / 1e6 : magnitude >= 1e11 ? x / 1e3 : x;
        x = std::floor(x);
        in_range = x >= static_cast<double>(first_log_second) && x < static_cast<double>(end_log_second);
        if (in_range) seconds = static_cast<std::int64_t>(x);
      } else if (v.type() == element_type::UINT64) {
        in_range = false;  // above INT64_MAX: beyond year 9999 in any unit
      } else {
        const std::int64_t x = v.get_int64().value_unsafe();
        const std::int64_t magnitude = x < 0 ? -(x + 1) : x;  // no overflow at INT64_MIN
        const std::int64_t unit = magnitude >= 100'000'000'000'000'000 ? 1'000'000'000
                                  : magnitude >= 100'000'000'000'000   ? 1'000'000
                                  : magnitude >= 100'000'000'000       ? 1'000
                                                                       : 1;
        seconds = x / unit - (x % unit < 0 ? 1 : 0);  // floored
        in_range = seconds >= first_log_second && seconds < end_log_second;
      }
      if (!in_range) {
        error = error_at_value(line, c.key, "time out of range (years 0000-9999)");
        return false;
      }
      r.timestamp = std::chrono::sys_seconds(std::chrono::seconds(seconds));
      const std::size_t at = value_position(line, c.key);
      if (at != std::string_view::npos) {
        std::size_t end = at;
        while (end < line.size() && (is_digit(line[end]) || line[end] == '-' || line[end] == '+' || line[end] == '.' ||
                                     line[end] == 'e' || line[end] == 'E'))
          ++end;
        r.timestamp_text = line.substr(at, end - at);
      }
      return true;
    }
    default: error = error_at_value(line, c.key, "the time is neither a string nor a number"); return false;
  }
}

bool set_level(log_record& r, std::string_view line, const candidate& c, log_parse_error& error) noexcept {
  const element v = c.value;
  switch (v.type()) {
    case element_type::STRING: {
      const std::string_view text = v.get_string().value_unsafe();
      const auto level = json_level(text);
      if (!level) {
        error = error_at_value(line, c.key, "unknown level (expected DEBUG, INFO, WARNING, ERROR or CRITICAL)");
        return false;
      }
      r.level = *level;
      r.level_text = text;
      return true;
    }
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: r.level = numeric_level(v.get_double().value_unsafe()); return true;
    case element_type::NULL_VALUE: return true;
    default: error = error_at_value(line, c.key, "the level is neither a string nor a number"); return false;
  }
}

bool set_text(std::string_view& out, std::string_view line, const candidate& c, std::string_view not_string,
              log_parse_error& error) noexcept {
  if (c.rank == SIZE_MAX || c.value.type() == element_type::NULL_VALUE) return true;
  if (c.value.type() != element_type::STRING) {
    error = error_at_value(line, c.key, not_string);
    return false;
  }
  out = c.value.get_string().value_unsafe();
  return true;
}

}  // namespace

log_parse_error parse_json_line(std::string_view line, std::string_view time_field, std::string_view level_field,
                                log_record& r) noexcept {
  json_line_state* s = nullptr;
  element root;
  std::string_view json = line;
  if (json.starts_with("\xEF\xBB\xBF")) json.remove_prefix(3);  // a file's byte order mark, on its first line
  try {
    s = &state();
    if (s->padded.size() < json.size() + simdjson::SIMDJSON_PADDING)
      s->padded.resize(json.size() + simdjson::SIMDJSON_PADDING);
    if (!json.empty()) std::memcpy(s->padded.data(), json.data(), json.size());
    const simdjson::error_code code = s->parser.parse(s->padded.data(), json.size(), false).get(root);
    if (code == simdjson::MEMALLOC) return fail_at(0, "out of memory for this line");
    if (code != simdjson::SUCCESS) return fail_at(0, invalid_json(code));
  } catch (const std::bad_alloc&) {
    return fail_at(0, "out of memory for this line");
  }
  if (root.type() != element_type::OBJECT) return fail_at(0, "expected a JSON object");

  candidate time, level, message, component;
  const simdjson::dom::object object = root.get_object().value_unsafe();  // a copy: the result is a temporary
  for (const auto member : object) {
    const std::string_view key = member.key;
    if (time_field.empty())
      offer(time, time_names, key, member.value);
    else
      offer_named(time, time_field, key, member.value);
    if (level_field.empty())
      offer(level, level_names, key, member.value);
    else
      offer_named(level, level_field, key, member.value);
    offer(message, message_names, key, member.value);
    offer(component, component_names, key, member.value);
  }

  log_parse_error error;
  if (time.rank == SIZE_MAX)
    return fail_at(0, time_field.empty() ? "no time member (time, timestamp, ts or @timestamp)"
                                         : "no time member (the one the time field option names)");
  if (!set_time(r, line, time, error)) return error;
  if (level.rank != SIZE_MAX && !set_level(r, line, level, error)) return error;
  if (!set_text(r.message, line, message, "the message is not a string", error)) return error;
  if (!set_text(r.component, line, component, "the component is not a string", error)) return error;
  return {};
}

}  // namespace yieldpipe::io::detail
