// The guide, "How Yield Works Internally" › "Performance and Memory Efficiency".
//
// Python measures with tracemalloc; here one counting allocator serves both approaches: the
// std::vector's buffer and, through `std::allocator_arg`, the generator's coroutine frame. The
// example counts its own allocations instead of replacing the global operator new, since all
// examples are linked together into `yieldpipe demo`.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <vector>
#include <yieldpipe/core.hpp>

#include "example.hpp"

namespace {

struct allocation_counter {
  std::size_t current = 0;
  std::size_t peak = 0;
};

// An allocator that reports what it allocates to an allocation_counter.
template <class T>
struct counting_alloc {
  using value_type = T;
  allocation_counter* counter;

  explicit counting_alloc(allocation_counter& c) noexcept : counter(&c) {}
  template <class U>
  counting_alloc(const counting_alloc<U>& other) noexcept : counter(other.counter) {}

  T* allocate(std::size_t n) {
    T* p = std::allocator<T>{}.allocate(n);
    counter->current += n * sizeof(T);
    counter->peak = std::max(counter->peak, counter->current);
    return p;
  }
  void deallocate(T* p, std::size_t n) noexcept {
    counter->current -= n * sizeof(T);
    std::allocator<T>{}.deallocate(p, n);
  }

  friend bool operator==(const counting_alloc&, const counting_alloc&) noexcept = default;
};

using counted_list = std::vector<long long, counting_alloc<long long>>;

// Approach 1: Return list (high memory). Grown one element at a time, as a list comprehension
// grows its list.
counted_list create_list(counting_alloc<long long> alloc, long long n) {
  counted_list squares(alloc);
  for (long long x = 0; x < n; ++x) squares.push_back(x * x);
  return squares;
}

// Approach 2: Generator (low memory)
yieldpipe::generator<long long> create_generator(std::allocator_arg_t, counting_alloc<long long>, long long n) {
  // Parenthesized because clang-format 14 formats `co_yield x * x` as a declaration, `x* x`.
  for (long long x = 0; x < n; ++x) co_yield (x * x);
}

// Approach 3: Generator with state (minimal memory). Never measured, as in the guide.
[[maybe_unused]] yieldpipe::generator<long long> create_stateful_generator(long long n) {
  long long current = 0;
  while (current < n) {
    co_yield (current * current);
    current += 1;
  }
}

/// Compare memory usage of different approaches
void memory_comparison() {
  const long long n = 100000;

  // Measure memory for list
  allocation_counter list_counter;
  const counted_list list_data = create_list(counting_alloc<long long>(list_counter), n);
  const auto list_memory = static_cast<double>(list_counter.peak);

  // Measure memory for generator
  allocation_counter gen_counter;
  const auto gen_data = create_generator(std::allocator_arg, counting_alloc<long long>(gen_counter), n);
  const auto gen_memory = static_cast<double>(gen_counter.peak);

  std::printf("List memory usage: %.2f MB\n", list_memory / 1024 / 1024);
  std::printf("Generator memory usage: %.2f KB\n", gen_memory / 1024);
  std::printf("Memory savings: %.1f%%\n", (list_memory - gen_memory) / list_memory * 100);

  // Demonstrate lazy evaluation: the counterpart of sys.getsizeof is the object plus the heap
  // block it owns (the list's buffer, the generator's frame).
  std::printf("\nList size in memory: %zu bytes\n", sizeof list_data + list_data.capacity() * sizeof(long long));
  std::printf("Generator size in memory: %zu bytes\n", sizeof gen_data + gen_counter.current);
}

}  // namespace

YIELDPIPE_EXAMPLE(60, memory_comparison, "Performance and Memory Efficiency") { memory_comparison(); }
