#include <cmath>
#include <yieldpipe/query/compact_sum.hpp>
#include <yieldpipe/query/detail/byte_codec.hpp>

namespace yieldpipe::query {

compact_sum::compact_sum(const compact_sum& other)
    : low_(other.low_),
      high_(other.high_),
      wide_(other.wide_ ? std::make_unique<reproducible_sum>(*other.wide_) : nullptr),
      exponent_(other.exponent_) {}

compact_sum& compact_sum::operator=(const compact_sum& other) {
  if (this != &other) *this = compact_sum(other);
  return *this;
}

std::size_t compact_sum::heap_bytes() const noexcept { return wide_ ? sizeof(reproducible_sum) : 0; }

void compact_sum::add_grid_to(reproducible_sum& into) const {
  const wide_int s = sum();
  if (s == 0) return;
  const bool minus = (s >> 127) != 0;
  const wide_int magnitude = minus ? 0 - s : s;
  // Three pieces of at most 53 bits, each a double exactly: e >= -1074 (the finest double's grid) and
  // e + 128 <= max_exponent + 128 keeps them all in range.
  constexpr wide_int mask = (wide_int{1} << 53) - 1;
  for (int k = 0; k < 3; ++k) {
    const auto piece = static_cast<double>(static_cast<std::uint64_t>((magnitude >> (53 * k)) & mask));
    if (piece != 0) into.add(std::ldexp(minus ? -piece : piece, exponent_ + 53 * k));
  }
}

void compact_sum::widen() {
  if (wide_) return;
  wide_ = std::make_unique<reproducible_sum>();
  add_grid_to(*wide_);
  set_sum(0);
  exponent_ = 0;
}

void compact_sum::add_wide(double x) {
  widen();
  wide_->add(x);
}

void compact_sum::merge(const compact_sum& other) {
  if (!other.wide_ && other.sum() == 0) return;
  if (!wide_ && !other.wide_) {
    wide_int s = sum();
    wide_int t = other.sum();
    if (s == 0) {
      low_ = other.low_;
      high_ = other.high_;
      exponent_ = other.exponent_;
      return;
    }
    // Both on one grid, the finer one's, when the sums have room; else on the heap.
    bool fit = true;
    std::int32_t e = exponent_;
    if (other.exponent_ < e) {
      const int by = e - other.exponent_;
      fit = by + significant_bits(s) <= 125;
      if (fit) s <<= by;
      e = other.exponent_;
    } else if (other.exponent_ > e) {
      const int by = other.exponent_ - e;
      fit = by + significant_bits(t) <= 125;
      if (fit) t <<= by;
    }
    signed_wide_int out;
    if (fit && !__builtin_add_overflow(static_cast<signed_wide_int>(s), static_cast<signed_wide_int>(t), &out)) {
      set_sum(static_cast<wide_int>(out));
      exponent_ = e;
      return;
    }
  }
  widen();
  other.add_grid_to(*wide_);
  if (other.wide_) wide_->merge(*other.wide_);
}

double compact_sum::result() const noexcept {
  if (wide_) return wide_->result();
  const wide_int s = sum();
  if (s == 0) return 0.0;  // +0, as reproducible_sum
  const bool minus = (s >> 127) != 0;
  const wide_int magnitude = minus ? 0 - s : s;
  const int lead = significant_bits(s) - 1;
  if (lead <= 52) {  // exact: at most 53 bits on a grid of at least 2^-1074
    const auto m = static_cast<double>(static_cast<std::uint64_t>(magnitude));
    return std::ldexp(minus ? -m : m, exponent_);
  }
  if (exponent_ + lead < -1022) {
    // A subnormal result: rounding to 53 bits first, then to the subnormal grid, could round twice.
    reproducible_sum exact;
    add_grid_to(exact);
    return exact.result();
  }
  // Round to 53 bits, to nearest with ties to even; the result is normal and in range (lead + e <= 928).
  const int shift = lead - 52;
  auto m = static_cast<std::uint64_t>(magnitude >> shift);
  const bool half = ((magnitude >> (shift - 1)) & 1) != 0;
  const bool below = (magnitude & ((wide_int{1} << (shift - 1)) - 1)) != 0;
  if (half && (below || (m & 1) != 0)) ++m;  // 2^53 at most: still exact as a double
  const double rounded = std::ldexp(static_cast<double>(m), exponent_ + shift);
  return minus ? -rounded : rounded;
}

void compact_sum::save(std::string& out) const {
  detail::put_bytes(out, low_);
  detail::put_bytes(out, high_);
  detail::put_bytes(out, exponent_);
  detail::put_bytes(out, static_cast<std::uint8_t>(wide_ ? 1 : 0));
  if (wide_) wide_->save(out);
}

void compact_sum::load(std::string_view& in) {
  detail::get_bytes(in, low_);
  detail::get_bytes(in, high_);
  detail::get_bytes(in, exponent_);
  std::uint8_t wide = 0;
  detail::get_bytes(in, wide);
  if (wide == 0) {
    wide_.reset();
    return;
  }
  if (!wide_) wide_ = std::make_unique<reproducible_sum>();
  wide_->load(in);
}

}  // namespace yieldpipe::query
