#pragma once
// The examples' seeded random numbers: xorshift64 (13, 7, 17), written identically in their Python
// twins (tests/examples/python/), so that both languages draw the same data.

#include <cstdint>

namespace yieldpipe::examples {

class xorshift {
 public:
  explicit xorshift(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  /// next() % n, in the type of n.
  template <class N>
  N below(N n) {
    return static_cast<N>(next() % static_cast<std::uint64_t>(n));
  }

 private:
  std::uint64_t state_;
};

}  // namespace yieldpipe::examples
