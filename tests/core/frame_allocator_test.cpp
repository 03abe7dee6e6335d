// Frame allocation: the recycling default and the std::allocator_arg_t convention.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <yieldpipe/core/generator.hpp>

#include "support/allocation_counter.hpp"

namespace {

using yieldpipe::generator;

generator<int> one(int v) { co_yield v; }

TEST(frame_allocator, a_generator_per_record_reuses_frames_after_the_first) {
  long sum = 0;
  for (int v : one(1)) sum += v;  // warms this thread's cache
  const std::size_t before = yieldpipe::test::allocations;
  for (int i = 0; i < 10'000; ++i)
    for (int v : one(i)) sum += v;
  EXPECT_EQ(yieldpipe::test::allocations, before);
  EXPECT_EQ(sum, 1 + 9'999L * 10'000 / 2);
}

TEST(frame_allocator, frames_too_large_to_cache_still_work) {
  auto big = []() -> generator<int> {
    volatile char buffer[8192] = {};
    buffer[0] = 7;
    co_yield buffer[0];
    co_yield buffer[8191];
  }();
  EXPECT_EQ(big.next(), 7);
  EXPECT_EQ(big.next(), 0);
}

struct arena_stats {
  long allocated = 0;
  long deallocated = 0;
  long live_bytes = 0;
};

// A stateful allocator: it must be stored in the frame to free it.
template <class T>
struct tracking_allocator {
  using value_type = T;
  arena_stats* stats;
  explicit tracking_allocator(arena_stats* s) noexcept : stats(s) {}
  template <class U>
  tracking_allocator(const tracking_allocator<U>& o) noexcept : stats(o.stats) {}
  T* allocate(std::size_t n) {
    ++stats->allocated;
    stats->live_bytes += static_cast<long>(n * sizeof(T));
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    ++stats->deallocated;
    stats->live_bytes -= static_cast<long>(n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }
  friend bool operator==(const tracking_allocator& a, const tracking_allocator& b) { return a.stats == b.stats; }
};

generator<int> counted_up(std::allocator_arg_t, tracking_allocator<int>, int n) {
  for (int i = 0; i < n; ++i) co_yield i;
}

struct holder {
  int base;
  generator<int> offsets(std::allocator_arg_t, tracking_allocator<int>, int n) const {
    for (int i = 0; i < n; ++i) co_yield base + i;
  }
};

TEST(frame_allocator, allocator_arg_allocates_the_frame_with_the_given_allocator) {
  arena_stats stats;
  {
    auto g = counted_up(std::allocator_arg, tracking_allocator<int>(&stats), 3);
    EXPECT_EQ(stats.allocated, 1);
    EXPECT_GT(stats.live_bytes, 0);
    int sum = 0;
    for (int v : g) sum += v;
    EXPECT_EQ(sum, 3);
  }
  EXPECT_EQ(stats.deallocated, 1);
  EXPECT_EQ(stats.live_bytes, 0);
}

TEST(frame_allocator, allocator_arg_works_for_member_coroutines) {
  arena_stats stats;
  holder h{10};
  {
    auto g = h.offsets(std::allocator_arg, tracking_allocator<int>(&stats), 2);
    EXPECT_EQ(g.next(), 10);
    EXPECT_EQ(g.next(), 11);
    EXPECT_EQ(stats.allocated, 1);
  }
  EXPECT_EQ(stats.deallocated, 1);
  EXPECT_EQ(stats.live_bytes, 0);
}

}  // namespace
