#include "yieldpipe/query/reproducible_sum.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <yieldpipe/query/detail/byte_codec.hpp>

namespace yieldpipe::query {

namespace {

// The sum as one two's complement integer: `size` little-endian words, bit 0 weighing 2^(64 first - 1074)
// (reproducible_sum::to_words). A bin holds less than 2^63 pieces of less than 2^64 each (|bin| < 2^127):
// the top field's bin (at most field 32) and the carries of the 33 below reach bit 64 × 34 + 6 with a sign,
// so 35 words always suffice; 36 are kept.
struct number {
  std::array<std::uint64_t, 36> words;
  std::size_t size;
  std::int32_t first;

  [[nodiscard]] bool negative() const noexcept { return (words[size - 1] >> 63) != 0; }

  void negate() noexcept {
    unsigned carry = 1;
    for (std::size_t i = 0; i < size; ++i) {
      words[i] = ~words[i] + carry;
      carry = (carry != 0 && words[i] == 0) ? 1u : 0u;
    }
  }

  [[nodiscard]] bool is_zero() const noexcept {
    for (std::size_t i = 0; i < size; ++i)
      if (words[i] != 0) return false;
    return true;
  }

  // The index of the highest set bit of a nonzero magnitude.
  [[nodiscard]] int leading_bit() const noexcept {
    for (std::size_t i = size; i-- > 0;)
      if (words[i] != 0) return static_cast<int>(i * 64) + 63 - std::countl_zero(words[i]);
    return -1;
  }

  // The 64 bits starting at bit `from` (0 beyond the top).
  [[nodiscard]] std::uint64_t bits_at(int from) const noexcept {
    const auto word = static_cast<std::size_t>(from / 64);
    const int offset = from % 64;
    std::uint64_t out = word < size ? words[word] >> offset : 0;
    if (offset != 0 && word + 1 < size) out |= words[word + 1] << (64 - offset);
    return out;
  }

  // Whether any bit below bit `below` is set.
  [[nodiscard]] bool any_below(int below) const noexcept {
    const auto word = static_cast<std::size_t>(below / 64);
    for (std::size_t i = 0; i < word; ++i)
      if (words[i] != 0) return true;
    const int offset = below % 64;
    return offset != 0 && (words[word] & ((std::uint64_t{1} << offset) - 1)) != 0;
  }

  // Adds ±m × 2^shift (m < 2^54).
  void add_shifted(std::uint64_t m, int shift, bool minus) noexcept {
    const auto word = static_cast<std::size_t>(shift / 64);
    const int offset = shift % 64;
    const std::uint64_t low = m << offset;
    const std::uint64_t high = offset == 0 ? 0 : m >> (64 - offset);
    const std::uint64_t fill = minus ? ~std::uint64_t{0} : 0;
    // The words of ±m × 2^shift: 0 below `word`; for a negative, the two's complement (~x + 1, where the +1
    // lands on the lowest word of m × 2^shift, all zero words below it staying zero).
    unsigned carry = 0;
    unsigned plus_one = minus ? 1u : 0u;
    for (std::size_t i = word; i < size; ++i) {
      std::uint64_t x = i == word ? low : i == word + 1 ? high : 0;
      x ^= fill;
      const std::uint64_t y = x + plus_one;
      plus_one = (plus_one != 0 && y == 0) ? 1u : 0u;
      const std::uint64_t sum = words[i] + y;
      const unsigned carry_out = sum < y ? 1u : 0u;
      words[i] = sum + carry;
      carry = carry_out | (words[i] < sum ? 1u : 0u);
    }
  }
};

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

std::int32_t reproducible_sum::to_words(std::uint64_t* out, std::size_t& size) const noexcept {
  // Every field's bin (spill and window together: they never share a field), then one carrying pass: word
  // w is field first + w's low word + the high word (signed) of the field below + the carry.
  const std::int32_t first = spill_ ? 0 : std::max(top_ - 2, 0);
  size = static_cast<std::size_t>(top_ + 3 - first);
  bin all[fields] = {};
  if (spill_)
    for (std::size_t j = 0; j < fields; ++j) all[j] = spill_->field[j];
  for (std::int32_t i = 0; i < 3; ++i)
    if (top_ - i >= 0) {
      bin& b = all[top_ - i];
      const wide sum = ((wide{b.high} << 64) | b.low) + ((wide{bins_[i].high} << 64) | bins_[i].low);
      b = {static_cast<std::uint64_t>(sum), static_cast<std::uint64_t>(sum >> 64)};
    }
  __extension__ typedef __int128 signed_wide;
  signed_wide carry = 0;
  for (std::size_t w = 0; w < size; ++w) {
    const std::size_t field = static_cast<std::size_t>(first) + w;
    signed_wide t = carry;
    if (field < fields) t += all[field].low;
    if (w >= 1 && field - 1 < fields) t += static_cast<std::int64_t>(all[field - 1].high);
    out[w] = static_cast<std::uint64_t>(t);
    carry = t >> 64;  // arithmetic: GCC and Clang
  }
  return first;
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

void reproducible_sum::add_square_outside(std::uint64_t high, std::uint64_t middle, std::uint64_t low,
                                          std::int32_t first) {
  const std::int32_t top = first + (high != 0 ? 2 : 1);  // as add_square: the highest field with a word
  if (top > top_) raise_top(top);
  add_field(first + 2, high);  // nothing when 0 (then first + 2 may be above the window)
  add_field(first + 1, middle);
  add_field(first, low);
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
  n.first = to_words(n.words.data(), n.size);
  const int base = 64 * n.first - 1074 + scale;  // the weight of bit 0 of n is 2^base
  for (double& part : parts) {
    if (n.is_zero()) return;
    const bool minus = n.negative();
    number magnitude = n;
    if (minus) magnitude.negate();
    const int lead = magnitude.leading_bit();
    // Round the magnitude to 53 bits, to nearest with ties to even: m × 2^shift.
    const int shift = lead > 52 ? lead - 52 : 0;
    std::uint64_t m = magnitude.bits_at(shift) & ((std::uint64_t{1} << 53) - 1);
    if (shift > 0 && (magnitude.bits_at(shift - 1) & 1) != 0 && (magnitude.any_below(shift - 1) || (m & 1) != 0)) ++m;
    // Exact: m has at most 54 bits; subnormal results of a sum of doubles are exact (every bit weighs at
    // least 2^-1074), so only a scaled expansion can round twice here.
    part = std::ldexp(minus ? -static_cast<double>(m) : static_cast<double>(m), base + shift);
    if (!std::isfinite(part)) return;
    n.add_shifted(m, shift, !minus);  // n -= ±m × 2^shift: what is left for the next part
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
  n.first = to_words(n.words.data(), n.size);
  if (n.is_zero()) return std::numeric_limits<int>::min();
  if (n.negative()) n.negate();
  return n.leading_bit() + 64 * n.first - 1074;
}

void reproducible_sum::save(std::string& out) const {
  for (const bin& b : bins_) detail::put_bytes(out, b);
  detail::put_bytes(out, top_);
  detail::put_bytes(out, flags_);
  detail::put_bytes(out, static_cast<std::uint8_t>(spill_ ? 1 : 0));
  if (spill_) detail::put_bytes(out, *spill_);
}

void reproducible_sum::load(std::string_view& in) {
  for (bin& b : bins_) detail::get_bytes(in, b);
  detail::get_bytes(in, top_);
  detail::get_bytes(in, flags_);
  std::uint8_t spilled = 0;
  detail::get_bytes(in, spilled);
  if (spilled == 0) {
    spill_.reset();
    return;
  }
  if (!spill_) spill_ = std::make_unique<spill_bins>();
  detail::get_bytes(in, *spill_);
}

}  // namespace yieldpipe::query
