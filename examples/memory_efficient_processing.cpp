// The guide, "2. Generator Expressions" › "Memory Efficient Processing".
//
// The list comprehension is `numbers | map(square) | to_vector()` (every square stored), the
// generator expression `numbers | map(square)` (a lazy pipeline: an object on the stack that
// computes each square when it is read). The C++ list is 8 bytes per element; Python's list holds
// 8-byte pointers to int objects of 28 to 32 bytes each, hence the guide's "~76MB" (about 40 MB on
// CPython 3.11); the byte counts are masked in the comparison with the guide's Python. `map` keeps
// the size of `range`, so to_vector reserves exactly (Python's list comprehension grows instead).
#include <cstdio>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

constexpr auto square = [](long long x) { return x * x; };

}  // namespace

YIELDPIPE_EXAMPLE(140, memory_efficient_processing, "Memory Efficient Processing") {
  // Memory efficient vs list comprehension
  const auto numbers = yieldpipe::range(1000000LL);

  // ❌ List comprehension - loads all in memory
  const auto squares_list = numbers | yieldpipe::map(square) | yieldpipe::to_vector();
  const auto list_bytes = squares_list.capacity() * sizeof(long long);

  // ✅ Generator expression - lazy evaluation
  auto squares_gen = numbers | yieldpipe::map(square);

  std::printf("squares_list: %zu items, %zu bytes\n", squares_list.size(), list_bytes);
  std::printf("squares_list memory: %.2f MB\n", static_cast<double>(list_bytes) / 1024 / 1024);
  std::printf("squares_gen: %zu bytes\n", sizeof squares_gen);

  // Both give the same numbers; the lazy one never holds more than the current square.
  std::printf("sum(squares_list) = %lld\n", squares_list | yieldpipe::sum(0LL));
  std::printf("sum(squares_gen) = %lld\n", squares_gen | yieldpipe::sum(0LL));
}
