#include "yieldpipe/query/column_profile.hpp"

#include <cstddef>
#include <yieldpipe/io/parse_number.hpp>

namespace yieldpipe::query {
namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n) noexcept {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int number_at(std::string_view s, std::size_t at, std::size_t n) noexcept {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// YYYY-MM-DD at the start of `s`, a valid day of the Gregorian calendar.
bool date_at_start(std::string_view s) noexcept {
  if (!digits(s, 0, 4) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2))
    return false;
  const int year = number_at(s, 0, 4), month = number_at(s, 5, 2), day = number_at(s, 8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= days[month - 1] + (month == 2 && leap ? 1 : 0);
}

// HH:MM[:SS[.fraction]] then an optional zone (Z, ±HH, ±HHMM, ±HH:MM), all of `s` from `at`.
bool time_from(std::string_view s, std::size_t at) noexcept {
  if (!digits(s, at, 2) || at + 5 > s.size() || s[at + 2] != ':' || !digits(s, at + 3, 2)) return false;
  if (number_at(s, at, 2) > 23 || number_at(s, at + 3, 2) > 59) return false;
  at += 5;
  if (at < s.size() && s[at] == ':') {
    if (!digits(s, at + 1, 2) || number_at(s, at + 1, 2) > 60) return false;  // 60: a leap second
    at += 3;
    if (at < s.size() && (s[at] == '.' || s[at] == ',')) {
      const std::size_t first = ++at;
      while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
      if (at == first) return false;
    }
  }
  if (at == s.size()) return true;
  if (s[at] == 'Z') return at + 1 == s.size();
  if (s[at] != '+' && s[at] != '-') return false;
  const std::string_view zone = s.substr(at + 1);
  return (zone.size() == 2 && digits(zone, 0, 2)) || (zone.size() == 4 && digits(zone, 0, 4)) ||
         (zone.size() == 5 && digits(zone, 0, 2) && zone[2] == ':' && digits(zone, 3, 2));
}

bool equals_ignoring_case(std::string_view s, std::string_view word) noexcept {
  if (s.size() != word.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if ((s[i] | 0x20) != word[i]) return false;
  return true;
}

}  // namespace

std::string_view to_string(value_type type) noexcept {
  switch (type) {
    case value_type::none: return "none";
    case value_type::boolean: return "boolean";
    case value_type::integer: return "integer";
    case value_type::real: return "real";
    case value_type::date: return "date";
    case value_type::timestamp: return "timestamp";
    case value_type::text: return "text";
  }
  return "text";
}

value_type type_of(std::string_view v) noexcept {
  if (v.empty()) return value_type::none;
  if (v.back() == ' ' || v.back() == '\t') return value_type::text;  // parse_number allows them; a load would not
  if (equals_ignoring_case(v, "true") || equals_ignoring_case(v, "false")) return value_type::boolean;
  const char first = v[0];
  if ((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.' || first == 'i' || first == 'I' ||
      first == 'n' || first == 'N') {
    // A leading zero before a digit: an identifier, kept as written ("007", "-01").
    const std::size_t digit = first == '-' || first == '+' ? 1 : 0;
    const bool leading_zero = v.size() > digit + 1 && v[digit] == '0' && v[digit + 1] >= '0' && v[digit + 1] <= '9';
    if (!leading_zero) {
      if (io::parse_number<std::int64_t>(v)) return value_type::integer;
      if (io::parse_number<double>(v)) return value_type::real;
    }
    if (date_at_start(v)) {
      if (v.size() == 10) return value_type::date;
      if ((v[10] == 'T' || v[10] == ' ') && time_from(v, 11)) return value_type::timestamp;
    }
  }
  return value_type::text;
}

value_type widen(value_type a, value_type b) noexcept {
  if (a == b || b == value_type::none) return a;
  if (a == value_type::none) return b;
  const auto pair = [&](value_type x, value_type y) { return (a == x && b == y) || (a == y && b == x); };
  if (pair(value_type::integer, value_type::real)) return value_type::real;
  if (pair(value_type::date, value_type::timestamp)) return value_type::timestamp;
  return value_type::text;
}

void column_profile::add(std::string_view value) {
  ++values_;
  if (value.empty()) {
    ++empty_;
    return;
  }
  if (type_ != value_type::text) type_ = widen(type_, type_of(value));
  if (example_.empty()) example_.assign(value.substr(0, 64));
}

void column_profile::merge(const column_profile& later) {
  type_ = widen(type_, later.type_);
  values_ += later.values_;
  empty_ += later.empty_;
  if (example_.empty()) example_ = later.example_;
}

}  // namespace yieldpipe::query
