#include "yieldpipe/db/column_type.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace yieldpipe::db {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// The end of a run of digits from `p`.
const char* digits(const char* p, const char* end) noexcept {
  while (p != end && is_digit(*p)) ++p;
  return p;
}

}  // namespace

column_type value_type(std::string_view value) noexcept {
  // The JSON number grammar (RFC 8259 §6): -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  const char* p = value.data();
  const char* const end = p + value.size();
  if (p != end && *p == '-') ++p;
  if (p == end || !is_digit(*p)) return column_type::text;
  const char* const int_end = (*p == '0') ? p + 1 : digits(p, end);
  p = int_end;
  bool real = false;
  if (p != end && *p == '.') {
    const char* const frac = p + 1;
    p = digits(frac, end);
    if (p == frac) return column_type::text;
    real = true;
  }
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p != end && (*p == '+' || *p == '-')) ++p;
    const char* const exp = p;
    p = digits(exp, end);
    if (p == exp) return column_type::text;
    real = true;
  }
  if (p != end) return column_type::text;
  if (real) {
    // 1e400 is a JSON number but no double: as text it stays what it was.
    double d = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), end, d);
    return ec == std::errc() && ptr == end ? column_type::real : column_type::text;
  }
  std::int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), end, n);
  return ec == std::errc() && ptr == end ? column_type::integer : column_type::text;
}

std::string_view to_string(column_type type) noexcept {
  switch (type) {
    case column_type::integer: return "integer";
    case column_type::real: return "real";
    case column_type::text: break;
  }
  return "text";
}

std::optional<column_type> parse_column_type(std::string_view name) noexcept {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  struct alias {
    std::string_view name;
    column_type type;
  };
  static constexpr std::array aliases{
      alias{"integer", column_type::integer}, alias{"int", column_type::integer}, alias{"bigint", column_type::integer},
      alias{"real", column_type::real},       alias{"float", column_type::real},  alias{"double", column_type::real},
      alias{"text", column_type::text},       alias{"string", column_type::text},
  };
  for (const alias& a : aliases)
    if (a.name == lower) return a.type;
  return std::nullopt;
}

}  // namespace yieldpipe::db
