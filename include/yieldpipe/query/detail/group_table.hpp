#pragma once
// The storage of query::group_by: keys in an arena, states in blocks of columns, an open-addressing
// index over 32-bit hashes. Not for users: group_by's header documents what it costs.

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace yieldpipe::query::detail {

/// A 32-bit hash of bytes: 8 bytes at a time, each folded in by a 64×64→128-bit multiply.
inline std::uint32_t hash_bytes(std::string_view s) noexcept {
  __extension__ typedef unsigned __int128 wide;
  constexpr std::uint64_t k1 = 0x9e3779b97f4a7c15u, k2 = 0xd6e8feb86659fd93u;
  const auto fold = [](std::uint64_t a, std::uint64_t b) {
    const wide p = wide{a} * b;
    return static_cast<std::uint64_t>(p) ^ static_cast<std::uint64_t>(p >> 64);
  };
  std::uint64_t h = k1 ^ s.size();
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = fold(h ^ w, k2);
  }
  if (n > 0) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = fold(h ^ w ^ (std::uint64_t{n} << 59), k2);
  }
  h = fold(h ^ k2, k1);
  return static_cast<std::uint32_t>(h >> 32);
}

/// How many distinct keys a table has seen, estimated from their hashes (HyperLogLog, 4,096 registers
/// of a byte: about 1.6% off), across the runs it wrote: whether its keys repeat over the whole input,
/// which its present groups alone cannot tell.
class distinct_estimate {
 public:
  void add(std::uint32_t hash) noexcept {
    const std::uint32_t rest = hash << 12;
    const auto rank = static_cast<std::uint8_t>(rest == 0 ? 21 : std::countl_zero(rest) + 1);
    std::uint8_t& r = registers_[hash >> 20];
    if (rank > r) r = rank;
  }
  [[nodiscard]] double estimate() const noexcept {
    double sum = 0;
    std::size_t zeros = 0;
    for (const std::uint8_t r : registers_) {
      sum += 1.0 / static_cast<double>(std::uint64_t{1} << r);
      zeros += r == 0 ? 1 : 0;
    }
    const double m = registers;
    const double raw = 0.7213 / (1 + 1.079 / m) * m * m / sum;
    // Few keys: linear counting of the empty registers is the better estimate.
    return raw <= 2.5 * m && zeros > 0 ? m * std::log(m / static_cast<double>(zeros)) : raw;
  }

 private:
  static constexpr std::size_t registers = 4096;
  std::uint8_t registers_[registers] = {};
};

/// Values of one type, one per group, in blocks that never move: 16 values, then 16, 32, ... up to
/// 65,536 values a block, then blocks of 65,536. Growing allocates a block and copies nothing; the
/// blocks hold at most a block's worth of values more than the groups (1/2 while under 65,536 groups).
template <class T>
class block_column {
 public:
  static constexpr std::size_t big_block = std::size_t{1} << 16;

  T& operator[](std::size_t i) noexcept {
    if (i < big_block) [[likely]] {
      const auto k = static_cast<std::size_t>(std::bit_width(i >> 4));
      return blocks_[k][i - (k == 0 ? 0 : std::size_t{8} << k)];
    }
    return blocks_[12 + (i >> 16)][i & (big_block - 1)];
  }
  const T& operator[](std::size_t i) const noexcept { return const_cast<block_column&>(*this)[i]; }

  /// Makes room for values 0..n-1 (new ones value-initialised); returns the bytes allocated.
  std::size_t reserve(std::size_t n) {
    std::size_t bytes = 0;
    while (capacity_ < n) {
      const std::size_t size = capacity_ < 32 ? 16 : capacity_ < big_block ? capacity_ : big_block;
      blocks_.push_back(std::make_unique<T[]>(size));
      capacity_ += size;
      bytes += size * sizeof(T);
    }
    return bytes;
  }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  /// The bytes reserve(n) would allocate.
  [[nodiscard]] std::size_t growth(std::size_t n) const noexcept {
    std::size_t bytes = 0;
    for (std::size_t capacity = capacity_; capacity < n;) {
      const std::size_t size = capacity < 32 ? 16 : capacity < big_block ? capacity : big_block;
      capacity += size;
      bytes += size * sizeof(T);
    }
    return bytes;
  }

 private:
  std::vector<std::unique_ptr<T[]>> blocks_;
  std::size_t capacity_ = 0;
};

/// Bytes kept for the life of the table, in blocks (64 KiB, or the text's size when larger): a
/// stored text never moves.
class byte_arena {
 public:
  /// The bytes store(text) would allocate.
  [[nodiscard]] std::size_t growth(std::size_t size) const noexcept {
    return left_ >= size ? 0 : size > block_bytes ? size : block_bytes;
  }
  /// A stable copy of `text`; adds the bytes of a new block to `allocated`.
  std::string_view store(std::string_view text, std::size_t& allocated) {
    if (text.empty()) return {};
    if (left_ < text.size()) {
      const std::size_t size = text.size() > block_bytes ? text.size() : block_bytes;
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
      next_ = blocks_.back().get();
      left_ = size;
      allocated += size;
    }
    char* at = next_;
    std::memcpy(at, text.data(), text.size());
    next_ += text.size();
    left_ -= text.size();
    return {at, text.size()};
  }

 private:
  static constexpr std::size_t block_bytes = std::size_t{64} << 10;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace yieldpipe::query::detail
