#pragma once
// An exact sum of doubles in 32 bytes, for a group-by's millions of sum and mean states: the same
// correctly rounded result as `reproducible_sum`, whatever the order and split of the values.

#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <yieldpipe/query/reproducible_sum.hpp>

namespace yieldpipe::query {

/// An order-independent exact sum of doubles, as `reproducible_sum`, in half its size for the data of
/// most columns.
///
///   query::compact_sum a, b;
///   for (double x : first_rows) a.add(x);
///   for (double x : other_rows) b.add(x);
///   a.merge(b);
///   double total = a.result();   // bit for bit reproducible_sum's result over the same values
///
/// How: every finite double is an odd integer times a power of two, m × 2^q. The state keeps the exact
/// sum as one signed 128-bit integer times 2^e, with e the lowest q seen: adding a value shifts its m
/// up to e's grid and adds it. While the values of a state span less than about 2^120 (from the lowest
/// bit of the finest value to the top of the sum: 0.001 to 1e9 over 10^9 rows spans 2^70), every add
/// and merge is an integer add, exact and associative. When a value does not fit (a wider span, a NaN
/// or an infinity, a magnitude beyond 2^800) the state moves its sum, exactly, into a
/// `reproducible_sum` on the heap, and adds there from then on. Either way the state stands for the
/// exact sum of its values, so `result()` is its correct rounding: the same bits as `reproducible_sum`
/// over the same values in any order, split and merge tree (special values and zero included).
///
/// Cost: `add` is inline, about the cost of `reproducible_sum::add` (a shift and a 128-bit add, with a
/// left shift of the sum when a finer value comes); `result` is a few ns unless the sum is subnormal or
/// on the heap. Memory: 32 bytes (`sizeof`), plus 64 (and the heap spill of `reproducible_sum`) once
/// the sum has moved to the heap.
class compact_sum {
 public:
  compact_sum() = default;
  compact_sum(const compact_sum& other);
  compact_sum& operator=(const compact_sum& other);
  compact_sum(compact_sum&&) noexcept = default;
  compact_sum& operator=(compact_sum&&) noexcept = default;
  ~compact_sum() = default;

  /// Adds one value.
  void add(double x) {
    if (wide_) [[unlikely]] {
      wide_->add(x);
      return;
    }
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const auto biased = static_cast<std::int32_t>((bits >> 52) & 0x7ff);
    const std::int32_t normal = biased != 0 ? 1 : 0;
    std::uint64_t m = (bits & ((std::uint64_t{1} << 52) - 1)) | (std::uint64_t(normal) << 52);
    if (m == 0) return;  // ±0 (and not an infinity: its m is 2^52)
    const int zeros = std::countr_zero(m);
    m >>= zeros;
    const std::int32_t q = biased - normal - 1074 + zeros;
    if (biased == 0x7ff || q > max_exponent) [[unlikely]] {
      add_wide(x);
      return;
    }
    if (!fits(m, q)) [[unlikely]] {
      add_wide(x);
      return;
    }
    wide_int value = wide_int{m} << (q - exponent_);
    if ((bits >> 63) != 0) value = 0 - value;
    // Signed overflow is checked: `fits` leaves a bit of headroom for one add, not for every add.
    if (!add_overflows(value)) return;
    add_wide(x);
  }

  /// Adds the values `other` has seen, as if they had been added here.
  void merge(const compact_sum& other);

  /// The state's exact bytes, as reproducible_sum's.
  void save(std::string& out) const;
  void load(std::string_view& in);

  /// The correctly rounded exact sum, as `reproducible_sum::result()`.
  [[nodiscard]] double result() const noexcept;

  /// Whether the sum has moved to the heap (a `reproducible_sum`).
  [[nodiscard]] bool is_wide() const noexcept { return wide_ != nullptr; }
  /// The bytes the state holds on the heap.
  [[nodiscard]] std::size_t heap_bytes() const noexcept;

 private:
  __extension__ typedef unsigned __int128 wide_int;  // two's complement; GCC and Clang
  __extension__ typedef __int128 signed_wide_int;

  // Values above 2^max_exponent × (odd m) go to the heap: keeps every 128-bit chunk of the sum times
  // 2^e in the double range when it is handed to a reproducible_sum.
  static constexpr std::int32_t max_exponent = 800;

  [[nodiscard]] wide_int sum() const noexcept { return (wide_int{high_} << 64) | low_; }
  void set_sum(wide_int v) noexcept {
    low_ = static_cast<std::uint64_t>(v);
    high_ = static_cast<std::uint64_t>(v >> 64);
  }

  // Whether m × 2^q can be added on the grid: lowers e to q first when q is finer and the sum has room.
  bool fits(std::uint64_t m, std::int32_t q) noexcept {
    const wide_int s = sum();
    if (s == 0) {
      exponent_ = q;
      return true;
    }
    if (q < exponent_) {
      const int by = exponent_ - q;
      if (by + significant_bits(s) > 125) return false;
      set_sum(s << by);
      exponent_ = q;
      return true;
    }
    return (q - exponent_) + static_cast<int>(std::bit_width(m)) <= 125;
  }
  bool add_overflows(wide_int value) noexcept {
    signed_wide_int out;
    if (__builtin_add_overflow(static_cast<signed_wide_int>(sum()), static_cast<signed_wide_int>(value), &out))
      return true;
    set_sum(static_cast<wide_int>(out));
    return false;
  }
  // The bits of |s| (two's complement), 0 for 0.
  static int significant_bits(wide_int s) noexcept {
    const wide_int magnitude = (s >> 127) != 0 ? 0 - s : s;
    const auto high = static_cast<std::uint64_t>(magnitude >> 64);
    return high != 0 ? 64 + static_cast<int>(std::bit_width(high))
                     : static_cast<int>(std::bit_width(static_cast<std::uint64_t>(magnitude)));
  }

  // Moves the sum to the heap (exactly), then adds x there.
  void add_wide(double x);
  // Makes wide_ hold the whole sum.
  void widen();
  // Adds the grid part (sum × 2^e) to `into`, exactly.
  void add_grid_to(reproducible_sum& into) const;

  std::uint64_t low_ = 0;  // the sum × 2^-e, a two's complement 128-bit integer
  std::uint64_t high_ = 0;
  std::unique_ptr<reproducible_sum> wide_;  // once set, it holds the whole sum and the grid part is 0
  std::int32_t exponent_ = 0;               // e: the weight of the grid's bit 0 is 2^e
};

}  // namespace yieldpipe::query
