#include "yieldpipe/query/reproducible_sum.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace yieldpipe::query {

namespace {

// The sum as one two's complement integer in units of 2^-1074, little-endian words: field j's bin at word
// j. A bin holds less than 2^63 pieces of less than 2^64 each (|bin| < 2^127), so the highest field (32)
// reaches bit 64 × 32 + 127 = 2175 and a sign: 35 words, and one of headroom.
using number = std::array<std::uint64_t, 36>;  // reproducible_sum::number_words

void add_words(number& n, std::size_t at, std::uint64_t low, std::uint64_t high) noexcept {
  const std::uint64_t extension = static_cast<std::uint64_t>(static_cast<std::int64_t>(high) >> 63);
  unsigned carry = 0;
  for (std::size_t i = at; i < n.size(); ++i) {
    const std::uint64_t word = i == at ? low : i == at + 1 ? high : extension;
    const std::uint64_t sum = n[i] + word;
    const unsigned carry_out = (sum < word ? 1u : 0u);
    n[i] = sum + carry;
    carry = carry_out | (n[i] < sum ? 1u : 0u);
  }
}

bool negative(const number& n) noexcept { return (n.back() >> 63) != 0; }

void negate(number& n) noexcept {
  unsigned carry = 1;
  for (std::uint64_t& word : n) {
    word = ~word + carry;
    carry = (carry != 0 && word == 0) ? 1u : 0u;
  }
}

bool is_zero(const number& n) noexcept {
  for (std::uint64_t word : n)
    if (word != 0) return false;
  return true;
}

// The index of the highest set bit of a nonzero magnitude.
int leading_bit(const number& n) noexcept {
  for (std::size_t i = n.size(); i-- > 0;)
    if (n[i] != 0) return static_cast<int>(i * 64) + 63 - std::countl_zero(n[i]);
  return -1;
}

// The 64 bits of n starting at bit `from` (0 beyond the top).
std::uint64_t bits_at(const number& n, int from) noexcept {
  const auto word = static_cast<std::size_t>(from / 64);
  const int offset = from % 64;
  std::uint64_t out = word < n.size() ? n[word] >> offset : 0;
  if (offset != 0 && word + 1 < n.size()) out |= n[word + 1] << (64 - offset);
  return out;
}

// Whether any bit of n below bit `below` is set.
bool any_below(const number& n, int below) noexcept {
  const auto word = static_cast<std::size_t>(below / 64);
  for (std::size_t i = 0; i < word; ++i)
    if (n[i] != 0) return true;
  const int offset = below % 64;
  return offset != 0 && (n[word] & ((std::uint64_t{1} << offset) - 1)) != 0;
}

}  // namespace

void reproducible_sum::add_special(std::uint64_t bits) noexcept {
  if ((bits & ((std::uint64_t{1} << 52) - 1)) != 0)
    flags_ |= saw_nan;
  else
    flags_ |= (bits >> 63) != 0 ? saw_minus_inf : saw_plus_inf;
}

reproducible_sum::reproducible_sum(const reproducible_sum& other)
    : top_(other.top_),
      flags_(other.flags_),
      spill_(other.spill_ ? std::make_unique<spill_bins>(*other.spill_) : nullptr) {
  for (std::size_t i = 0; i < 3; ++i) bins_[i] = other.bins_[i];
}

reproducible_sum& reproducible_sum::operator=(const reproducible_sum& other) {
  if (this != &other) *this = reproducible_sum(other);
  return *this;
}

void reproducible_sum::add_field(std::int32_t field, wide value) {
  if (value == 0) return;
  if (field >= top_ - 2) {
    add_to(bins_[top_ - field], value);
    return;
  }
  if (!spill_) spill_ = std::make_unique<spill_bins>();
  add_to(spill_->field[field], value);
}

void reproducible_sum::raise_top(std::int32_t top) {
  const std::int32_t by = top - top_;
  bin kept[3] = {};
  bin dropped[3] = {};
  for (std::int32_t i = 0; i < 3; ++i) (i + by < 3 ? kept[i + by] : dropped[i]) = bins_[i];
  const std::int32_t old_top = top_;
  for (std::size_t i = 0; i < 3; ++i) bins_[i] = kept[i];
  top_ = top;
  // What the window left behind goes to the spill (a field below 0 is never written: it stays 0).
  for (std::int32_t i = 0; i < 3; ++i)
    if (old_top - i >= 0) add_field(old_top - i, (wide{dropped[i].high} << 64) | dropped[i].low);
}

void reproducible_sum::to_words(std::uint64_t* out) const noexcept {
  number n{};
  for (std::int32_t i = 0; i < 3; ++i)
    if (top_ - i >= 0) add_words(n, static_cast<std::size_t>(top_ - i), bins_[i].low, bins_[i].high);
  if (spill_)
    for (std::size_t j = 0; j < fields; ++j) add_words(n, j, spill_->field[j].low, spill_->field[j].high);
  std::copy(n.begin(), n.end(), out);
}

void reproducible_sum::add_outside(std::uint64_t high, std::uint64_t low, std::int32_t field) {
  if (field > top_) raise_top(field);  // a new largest magnitude: the window moves up, its lowest bins spill
  add_field(field, static_cast<wide>(static_cast<std::int64_t>(high)));  // in the window, or the spill
  add_field(field - 1, low);
}

void reproducible_sum::add_square_outside(double x) {
  if (std::isnan(x)) {
    flags_ |= saw_nan;
    return;
  }
  const double square = x * x;  // +inf for an infinity, and beyond 2^512
  add(square);
  if (std::isfinite(square)) add(std::fma(x, x, -square));  // (not inf - inf)
}

void reproducible_sum::add_square_outside(std::uint64_t high, wide low, std::int32_t field) {
  if (field > top_) raise_top(field);
  add_field(field, high);
  add_field(field - 1, static_cast<std::uint64_t>(low >> 64));
  add_field(field - 2, static_cast<std::uint64_t>(low));
}

void reproducible_sum::merge(const reproducible_sum& other) {
  flags_ |= other.flags_;
  if (other.top_ == 0) return;
  if (other.top_ > top_) raise_top(other.top_);
  for (std::int32_t i = 0; i < 3; ++i)
    if (other.top_ - i >= 0) add_field(other.top_ - i, (wide{other.bins_[i].high} << 64) | other.bins_[i].low);
  if (other.spill_)
    for (std::int32_t j = 0; j < fields; ++j)
      add_field(j, (wide{other.spill_->field[j].high} << 64) | other.spill_->field[j].low);
}

void reproducible_sum::expansion(std::span<double> parts, int scale) const noexcept {
  if (parts.empty()) return;
  for (double& part : parts) part = 0;
  if (flags_ != 0) {
    parts[0] = result();
    return;
  }
  number n;
  to_words(n.data());
  const int base = -1074 + scale;  // the weight of bit 0 of n is 2^base
  for (double& part : parts) {
    if (is_zero(n)) return;
    const bool minus = negative(n);
    number magnitude = n;
    if (minus) negate(magnitude);
    const int lead = leading_bit(magnitude);
    // Round the magnitude to 53 bits, to nearest with ties to even: m × 2^shift.
    const int shift = lead > 52 ? lead - 52 : 0;
    std::uint64_t m = bits_at(magnitude, shift) & ((std::uint64_t{1} << 53) - 1);
    if (shift > 0 && ((bits_at(magnitude, shift - 1) & 1) != 0) && (any_below(magnitude, shift - 1) || (m & 1) != 0))
      ++m;
    // Exact: m has at most 54 bits; subnormal results of a sum of doubles are exact (every bit weighs at
    // least 2^-1074), so only a scaled expansion can round twice here.
    part = std::ldexp(minus ? -static_cast<double>(m) : static_cast<double>(m), base + shift);
    if (!std::isfinite(part)) return;
    // n -= ±m × 2^shift: what is left for the next part.
    const auto word = static_cast<std::size_t>(shift / 64);
    const int offset = shift % 64;
    const std::uint64_t low = m << offset;
    const std::uint64_t high = offset == 0 ? 0 : m >> (64 - offset);
    number rounded{};
    add_words(rounded, word, low, high);  // high < 2^63: no sign extension
    if (!minus) negate(rounded);
    unsigned carry = 0;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::uint64_t sum = n[i] + rounded[i];
      const unsigned carry_out = sum < rounded[i] ? 1u : 0u;
      n[i] = sum + carry;
      carry = carry_out | (n[i] < sum ? 1u : 0u);
    }
  }
}

double reproducible_sum::result() const noexcept {
  if (flags_ != 0) {
    if ((flags_ & saw_nan) != 0 || flags_ == (saw_plus_inf | saw_minus_inf))
      return std::numeric_limits<double>::quiet_NaN();
    return (flags_ & saw_plus_inf) != 0 ? std::numeric_limits<double>::infinity()
                                        : -std::numeric_limits<double>::infinity();
  }
  double out = 0;
  expansion({&out, 1});
  return out;
}

int reproducible_sum::exponent() const noexcept {
  number n;
  to_words(n.data());
  if (is_zero(n)) return std::numeric_limits<int>::min();
  if (negative(n)) negate(n);
  return leading_bit(n) - 1074;
}

}  // namespace yieldpipe::query
