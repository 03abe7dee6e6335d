#pragma once
// Text to numbers, exactly and fast: what typed access to CSV fields and JSON values is built on.

#include <bit>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>

namespace yieldpipe::io {

namespace detail {

inline constexpr double exact_powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

constexpr bool is_space(char c) noexcept { return c == ' ' || (c >= '\t' && c <= '\r'); }

constexpr std::string_view trim_spaces(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The power of ten of the first significant digit of a decimal number (`123e5` → 7, `0.01` → -2),
// which tells an overflow from an underflow.
constexpr long decimal_magnitude(std::string_view s) noexcept {
  std::size_t i = s.empty() || (s[0] != '-' && s[0] != '+') ? 0 : 1;
  long power = 0;
  bool seen_point = false, seen_digit = false;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') {
      seen_point = true;
    } else if (!seen_digit && s[i] == '0') {
      if (seen_point) --power;
    } else if (!seen_digit) {
      seen_digit = true;
      if (seen_point) --power;
    } else if (!seen_point) {
      ++power;
    }
  }
  long exponent = 0;
  bool negative = false;
  if (i < s.size()) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
    for (; i < s.size() && exponent < 1000000; ++i) exponent = exponent * 10 + (s[i] - '0');
  }
  return power + (negative ? -exponent : exponent);
}

// The general case: whatever std::from_chars reads (libstdc++ 12 rounds correctly), after an
// optional '+' that from_chars does not accept.
template <std::floating_point T>
std::optional<T> parse_floating_slow(std::string_view s) noexcept {
  s = trim_spaces(s);
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) return std::nullopt;
  }
  if (s.empty()) return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  // Out of range (1e999) is Python's inf, not an error; from_chars reports it as result_out_of_range.
  if (ec == std::errc::result_out_of_range && end == s.data() + s.size()) {
    const bool negative = s.front() == '-';
    // A tiny number underflows to zero, a huge one overflows to infinity: decide by the exponent sign.
    const T magnitude = decimal_magnitude(s) < 0 ? T(0) : std::numeric_limits<T>::infinity();
    return negative ? -magnitude : magnitude;
  }
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace detail

namespace detail {

// The up to eight decimal digits at p as a number, and how many there are (the digit run ends at
// the first other byte or after eight). Reads the 8 bytes at p, which must be readable.
struct digit_run {
  std::uint64_t value;
  int length;
};
inline digit_run read_digits8(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  // A byte's top bit is set here iff it is not '0'..'9'; bytes after the first non-digit may be
  // wrong (borrows), which does not matter since only the first one is used.
  const std::uint64_t non_digit = ((v + 0x4646464646464646) | (v - 0x3030303030303030)) & 0x8080808080808080;
  const int length = non_digit == 0 ? 8 : std::countr_zero(non_digit) / 8;
  if (length == 0) return {0, 0};
  // Keep the digits, most significant first in the high bytes, zeros below.
  v = (v - 0x3030303030303030) << (8 * (8 - length));
  v = v * 10 + (v >> 8);
  v = (((v & 0x000000FF000000FF) * (100 + (1000000ULL << 32))) +
       (((v >> 16) & 0x000000FF000000FF) * (1 + (10000ULL << 32)))) >>
      32;
  return {v, length};
}

inline constexpr std::uint64_t integer_powers_of_ten[] = {1,      10,      100,      1000,     10000,
                                                          100000, 1000000, 10000000, 100000000};

}  // namespace detail

/// Reads all of `text` as a number of type `T`; nullopt when `text` is not one. What is accepted is
/// what Python's `float()` and `int()` accept, but for underscores between digits:
/// - floating point: an optional sign, decimal digits with an optional fraction and exponent
///   (`1`, `-2.5`, `.5`, `3.`, `1e-3`), `inf`, `infinity` and `nan` in any case; correctly rounded.
///   A value beyond the type's range is infinity (`1e999`), a tiny one zero or a subnormal.
/// - integers: an optional sign and decimal digits, within the type's range (`1.0` is not an
///   integer; `300` is not a `std::int8_t`).
/// Spaces around the number are allowed (`" 12 "`); an empty text is not a number.
///
/// Cost: a number with at most 19 significant digits and a decimal exponent within ±22 (almost
/// every measurement) is read in one pass and one multiplication or division, which is exact
/// (Clinger's fast path); anything else goes through `std::from_chars`.
template <class T>
  requires(std::floating_point<T> || (std::integral<T> && !std::same_as<T, bool>))
std::optional<T> parse_number(std::string_view text) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  if (p == end) return std::nullopt;
  const bool negative = *p == '-';
  p += negative || *p == '+';
  const auto is_digit = [](char c) { return static_cast<unsigned char>(c - '0') < 10; };
  // Up to 19 digits cannot overflow a 64-bit accumulator; longer numbers are rare enough to be
  // checked digit by digit (integers) or left to from_chars (floating point).
  std::uint64_t mantissa = 0;
  const char* const digits = p;
  for (; p != end && is_digit(*p); ++p) mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
  if constexpr (std::floating_point<T>) {
    const std::ptrdiff_t integer_digits = p - digits;
    std::ptrdiff_t fraction_digits = 0;
    if (p != end && *p == '.') {
      const char* const fraction = ++p;
      for (; p != end && is_digit(*p); ++p) mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
      fraction_digits = p - fraction;
    }
    const std::ptrdiff_t all_digits = integer_digits + fraction_digits;
    long exponent = -static_cast<long>(fraction_digits);
    if (p != end && (*p == 'e' || *p == 'E') && all_digits > 0) {
      ++p;
      const bool negative_exponent = p != end && *p == '-';
      p += p != end && (*p == '-' || *p == '+');
      const char* const exponent_digits = p;
      long e = 0;
      for (; p != end && is_digit(*p) && e < 100000; ++p) e = e * 10 + (*p - '0');
      if (p == exponent_digits) return std::nullopt;
      exponent += negative_exponent ? -e : e;
    }
    // Clinger's fast path: an exact mantissa and an exact power of ten make one correctly rounded
    // multiplication or division. For float, rounding twice (to double, then to float) can be wrong,
    // so float takes it only when no scaling is needed.
    if (p != end || all_digits <= 0 || all_digits > 19 || mantissa > (std::uint64_t{1} << 53) || exponent < -22 ||
        exponent > 22 || (std::same_as<T, float> && (exponent != 0 || mantissa > (std::uint64_t{1} << 24))))
      return detail::parse_floating_slow<T>(text);
    double value = static_cast<double>(mantissa);
    value =
        exponent < 0 ? value / detail::exact_powers_of_ten[-exponent] : value * detail::exact_powers_of_ten[exponent];
    return static_cast<T>(negative ? -value : value);
  } else {
    if (p != end || p == digits || p - digits > 19) {
      if (p == end && p - digits == 20) {
        // 20 digits: fits only below 2^64.
        std::uint64_t m = 0;
        for (const char* d = digits; d != end; ++d)
          if (__builtin_mul_overflow(m, 10u, &m) || __builtin_add_overflow(m, static_cast<unsigned>(*d - '0'), &m))
            return std::nullopt;
        mantissa = m;
      } else {
        const std::string_view trimmed = detail::trim_spaces(text);
        if (trimmed.size() != text.size() && !trimmed.empty()) return parse_number<T>(trimmed);
        return std::nullopt;
      }
    }
    if constexpr (std::signed_integral<T>) {
      const auto limit = static_cast<std::uint64_t>(std::numeric_limits<T>::max()) + (negative ? 1 : 0);
      if (mantissa > limit) return std::nullopt;
      return negative ? static_cast<T>(0 - mantissa) : static_cast<T>(mantissa);
    } else {
      if (negative && mantissa != 0) return std::nullopt;
      if (mantissa > std::numeric_limits<T>::max()) return std::nullopt;
      return static_cast<T>(mantissa);
    }
  }
}

namespace detail {

// parse_number<double> for text followed by at least 8 readable bytes (a CSV field in the
// reader's buffers): digits eight at a time. Falls back to the general parser for anything but
// [-]digits[.digits] with at most 8 digits on each side.
inline std::optional<double> parse_double_padded(const char* p, const char* end) noexcept {
  const char* const begin = p;
  const bool negative = p != end && *p == '-';
  p += negative;
  const digit_run integer = read_digits8(p);
  const char* q = p + integer.length;
  std::uint64_t mantissa = integer.value;
  int fraction_length = 0;
  if (integer.length < 8 && q < end && *q == '.') {
    const digit_run fraction = read_digits8(q + 1);
    if (fraction.length < 8) {
      mantissa = mantissa * integer_powers_of_ten[fraction.length] + fraction.value;
      fraction_length = fraction.length;
      q += 1 + fraction.length;
    }
  }
  if (q != end || integer.length + fraction_length == 0 || integer.length == 8)
    return parse_number<double>(std::string_view(begin, static_cast<std::size_t>(end - begin)));
  // At most 15 digits: exact in a double, and so is 10^fraction_length (Clinger's fast path).
  const double value = static_cast<double>(mantissa) / exact_powers_of_ten[fraction_length];
  return negative ? -value : value;
}

}  // namespace detail

}  // namespace yieldpipe::io
