#pragma once
// A sum of doubles whose result does not depend on the order of the values, nor on how they were split
// into partial sums that were merged: `stats --threads N` prints the same digits for every N.
//
//   query::reproducible_sum piece_a, piece_b;
//   for (double x : first_rows) piece_a.add(x);
//   for (double x : other_rows) piece_b.add(x);
//   piece_a.merge(piece_b);
//   double total = piece_a.result();   // bit for bit the sum of one state that saw every row, any order

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace yieldpipe::query {

/// An order-independent accumulator of doubles: an exact sum, kept small by the binning of Demmel and
/// Nguyen ("Parallel Reproducible Summation", IEEE TC 2015), with integer bins that never need
/// renormalising.
///
/// How: the binary line is cut into fixed 64-bit fields (field j holds the weights 2^(64j-1074) up to
/// 2^(64j-1011), j = 0..32); every double is, exactly, a 53-bit integer over at most two neighbouring
/// fields. The state keeps a 128-bit integer per field for the three highest fields that the largest
/// magnitude seen reaches (the window: at least 116 bits below that magnitude's leading bit), and adds
/// each value's two pieces into their fields' integers. Integer adds are exact and associative, so the
/// state stands for the exact sum whatever the order, split or merge tree. Bits below the window (of
/// values under about 2^-65 times the largest magnitude, 2.7e-20, or earlier bins the window left behind
/// when a larger value came) go to a spill of all 33 fields, allocated the first time it is needed: exact
/// in every case, and only data spanning that range (1e100 + 1 - 1e100) pays for it.
///
/// Accuracy: `result()` is the correctly rounded (to nearest, ties to even) exact sum of the values, as
/// Python's `math.fsum`, for any values and any count up to 2^63 (the bins cannot overflow before; there
/// are no carries to propagate). So it is bit for bit the same for any order of the values and any split
/// into states merged in any order.
///
/// Special values: a NaN anywhere, or both +inf and -inf, give NaN; +inf (-inf) alone gives +inf (-inf).
/// A finite sum beyond the double range rounds to ±inf, as the exact sum would. A zero sum is +0, also
/// for negative zeros only (IEEE's left-to-right sum gives -0 there; the sign of zero is not tracked).
/// Subnormal values are added exactly.
///
/// Cost: `add` is inline, 3 to 4 ns on values within the window (two 128-bit integer adds, no branch on the
/// value's sign or size; docs/query.md has the measured figures against a plain and a compensated sum), out
/// of line when the window moves or a value falls below it (about 12 ns per value on data spanning 2^160).
/// `merge` and `result` are O(1): tens of ns (a few hundred word operations, more with a spill). Memory:
/// 64 bytes (`sizeof`), plus 528 bytes on the heap once there is a spill. `add`, `add_square` and `merge`
/// throw `std::bad_alloc` only when the spill cannot be allocated.
class reproducible_sum {
 public:
  reproducible_sum() = default;
  reproducible_sum(const reproducible_sum& other);
  reproducible_sum& operator=(const reproducible_sum& other);
  reproducible_sum(reproducible_sum&&) noexcept = default;
  reproducible_sum& operator=(reproducible_sum&&) noexcept = default;
  ~reproducible_sum() = default;

  /// Adds one value.
  void add(double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const auto biased = static_cast<std::uint32_t>(bits >> 52) & 0x7ffu;
    if (biased == 0x7ffu) [[unlikely]] {
      add_special(bits);
      return;
    }
    // x = ±mantissa × 2^(position - 1074): subnormals (biased 0) have no implicit bit and position 0.
    const std::uint32_t normal = biased != 0 ? 1 : 0;
    const std::uint64_t mantissa = (bits & ((std::uint64_t{1} << 52) - 1)) | (std::uint64_t{normal} << 52);
    const std::uint32_t position = biased - normal;
    // The 128-bit two's complement of ±mantissa × 2^shift, as two words.
    const unsigned shift = position & 63;
    const std::uint64_t sign = 0 - (bits >> 63);  // all ones for a negative value
    const std::uint64_t magnitude_low = mantissa << shift;
    const std::uint64_t low = (magnitude_low ^ sign) - sign;
    const std::uint64_t high = (((mantissa >> 1) >> (63 - shift)) ^ sign) + (sign & (magnitude_low == 0 ? 1 : 0));
    const std::int32_t field = static_cast<std::int32_t>(position >> 6) + 1;  // where the high word goes
    const std::int32_t slot = top_ - field;
    if (static_cast<std::uint32_t>(slot) > 1) [[unlikely]] {  // above the window, or partly below it
      add_outside(high, low, field);
      return;
    }
    // The high word sign-extended into its field's bin, the low word zero-extended into the next one.
    add_to(bins_[slot], high, static_cast<std::uint64_t>(static_cast<std::int64_t>(high) >> 63));
    add_to(bins_[slot + 1], low, 0);
  }

  /// Adds x², exactly: the square of a double is a 106-bit integer times a power of two, added as such
  /// (three 64-bit words; never rounded to a double), for sums of squares. It costs about one `add`.
  /// Outside 2^-485 <= |x| < 2^507 (1.0e-146 to 4.2e152) the square is added as x*x and fma(x, x, -x*x)
  /// instead: still exact up to |x| < 2^512, except that the low half rounds below 2^-1074 for tiny x,
  /// and a square beyond the double range is +inf. A NaN or an infinity is added as NaN or +inf.
  void add_square(double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const auto biased = static_cast<std::uint32_t>(bits >> 52) & 0x7ffu;
    const std::uint32_t normal = biased != 0 ? 1 : 0;
    const std::uint64_t mantissa = (bits & ((std::uint64_t{1} << 52) - 1)) | (std::uint64_t{normal} << 52);
    // x² = mantissa² × 2^(at - 1074): on the grid for at >= 0, its top word at most in field 32 below 64 × 31.
    const std::int32_t at = 2 * static_cast<std::int32_t>(biased - normal) - 1074;
    if (static_cast<std::uint32_t>(at) >= 64 * 31) [[unlikely]] {  // also NaN and infinities (biased 0x7ff)
      add_square_outside(x);
      return;
    }
    const wide square = wide{mantissa} * mantissa;  // < 2^106
    const auto square_low = static_cast<std::uint64_t>(square);
    const auto square_high = static_cast<std::uint64_t>(square >> 64);
    // square × 2^shift in three words, by 64-bit shifts (a 128-bit shift costs GCC a test and two cmovs).
    const unsigned shift = static_cast<unsigned>(at) & 63;
    const std::uint64_t low = square_low << shift;
    const std::uint64_t middle = (square_high << shift) | ((square_low >> 1) >> (63 - shift));
    const std::uint64_t high = (square_high >> 1) >> (63 - shift);
    // The words go to fields first, first + 1 and first + 2; the square's highest field is the last one
    // whose word is not 0 (the top word is 0 for shifts below 23).
    const std::int32_t first = at >> 6;
    const std::int32_t slot = top_ - first;  // the low word's bin
    const std::int32_t highest = first + 1 + (high != 0 ? 1 : 0);
    if ((static_cast<std::uint32_t>(slot - 1) > 1) | (highest > top_)) [[unlikely]] {
      add_square_outside(high, middle, low, first);
      return;
    }
    // slot 2: the three words into bins 0, 1, 2. slot 1: the top word is 0 (adding it to bin 0 changes
    // nothing), the others into bins 0 and 1.
    add_to(bins_[0], high, 0);
    add_to(bins_[slot - 1], middle, 0);
    add_to(bins_[slot], low, 0);
  }

  /// Adds the values `other` has seen, as if they had been added here. Exact: any tree of merges over
  /// any split of the values gives the same state as adding them one by one.
  void merge(const reproducible_sum& other);

  /// Appends the state's exact bytes to `out` (query/state_bytes.hpp); `load` reads them back from
  /// the front of `in`, replacing this state (query_error when they end early).
  void save(std::string& out) const;
  void load(std::string_view& in);

  /// The sum (see the class comment for rounding, special values and zero).
  [[nodiscard]] double result() const noexcept;

  /// The exact sum times 2^scale as an expansion: `parts[0]` the correctly rounded value, each next part
  /// the correctly rounded remainder (so that parts.size() doubles carry ~53 × parts.size() bits of the
  /// sum; later parts are 0 once it is exhausted). `scale` keeps a sum that a double cannot hold in range
  /// (a part that underflows to a subnormal may then be rounded twice). With a NaN or an infinity added,
  /// parts[0] is `result()` and the rest 0.
  void expansion(std::span<double> parts, int scale = 0) const noexcept;

  /// The binary exponent of the exact sum (the e of 2^e <= |sum| < 2^(e+1), as std::ilogb), for choosing
  /// an `expansion` scale; the lowest int for a zero sum. Meaningless when `has_non_finite()`.
  [[nodiscard]] int exponent() const noexcept;

  /// Whether a NaN or an infinity was added.
  [[nodiscard]] bool has_non_finite() const noexcept { return flags_ != 0; }

 private:
  __extension__ typedef unsigned __int128 wide;  // GCC and Clang; signed values by unsigned wraparound

  // One field's integer, kept as two words so that the state is 8-byte aligned (56 bytes, not 64).
  struct bin {
    std::uint64_t low = 0;
    std::uint64_t high = 0;
  };

  static constexpr std::uint32_t saw_nan = 1, saw_plus_inf = 2, saw_minus_inf = 4;

  // b += the 128-bit number (upper, low): word by word (GCC 12 keeps a 128-bit temporary on the stack).
  static void add_to(bin& b, std::uint64_t low, std::uint64_t upper) noexcept {
    const std::uint64_t sum = b.low + low;
    b.high += upper + (sum < low ? 1 : 0);
    b.low = sum;
  }
  static void add_to(bin& b, wide v) noexcept {
    const wide sum = ((wide{b.high} << 64) | b.low) + v;
    b.low = static_cast<std::uint64_t>(sum);
    b.high = static_cast<std::uint64_t>(sum >> 64);
  }

  static constexpr std::int32_t fields = 33;  // a double's pieces reach fields 0 to 32
  struct spill_bins {
    bin field[fields];
  };

  void add_special(std::uint64_t bits) noexcept;
  void add_outside(std::uint64_t high, std::uint64_t low, std::int32_t field);
  void add_square_outside(double x);
  void add_square_outside(std::uint64_t high, std::uint64_t middle, std::uint64_t low, std::int32_t first);
  void raise_top(std::int32_t top);
  void add_field(std::int32_t field, wide value);
  // The sum as a two's complement integer: writes `size` little-endian words to `out` (room for 36) and
  // returns the field of the first (its bit 0 weighs 2^(64 × field - 1074)).
  std::int32_t to_words(std::uint64_t* out, std::size_t& size) const noexcept;

  // The sum is Σ field j × 2^(64j - 1074) over the window's three bins and the spill's.
  bin bins_[3];           // the fields top_, top_ - 1, top_ - 2 (two's complement integers)
  std::int32_t top_ = 0;  // 0: nothing added yet (a value's high field is at least 1)
  std::uint32_t flags_ = 0;
  std::unique_ptr<spill_bins> spill_;  // fields below the window; null until something falls there
};

}  // namespace yieldpipe::query
