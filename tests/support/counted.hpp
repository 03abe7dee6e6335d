#pragma once
// A value type that counts its copies, moves and live instances, to prove lifetimes in tests.

namespace yieldpipe::test {

struct counted {
  static inline int copies = 0;
  static inline int moves = 0;
  static inline int alive = 0;
  static void reset() { copies = moves = alive = 0; }

  int value = 0;

  explicit counted(int v = 0) : value(v) { ++alive; }
  counted(const counted& o) : value(o.value) {
    ++copies;
    ++alive;
  }
  counted(counted&& o) noexcept : value(o.value) {
    ++moves;
    ++alive;
  }
  counted& operator=(const counted& o) {
    value = o.value;
    ++copies;
    return *this;
  }
  counted& operator=(counted&& o) noexcept {
    value = o.value;
    ++moves;
    return *this;
  }
  ~counted() { --alive; }
};

}  // namespace yieldpipe::test
