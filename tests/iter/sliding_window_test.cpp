// sliding_window: full windows, O(1) per step, one allocation, no copy of the window per step.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sliding_window.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/allocation_counter.hpp"
#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using ints = std::vector<int>;
using yieldpipe::test::allocations;

generator<int> counting(int n, int* pulled) {
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

// Hides contiguity, so that the ring buffer (the path for generators and other input ranges) runs.
auto input_only = std::views::filter([](const auto&) { return true; });

// The windows, copied out (a window is only valid until the next step).
auto copied = map([](auto w) { return std::vector(w.begin(), w.end()); });

TEST(sliding_window, full_windows_only) {
  EXPECT_EQ(range(5) | sliding_window(3) | copied | to_vector(), (std::vector<ints>{{0, 1, 2}, {1, 2, 3}, {2, 3, 4}}));
  EXPECT_EQ(range(3) | sliding_window(3) | copied | to_vector(), (std::vector<ints>{{0, 1, 2}}));
  EXPECT_EQ(range(2) | sliding_window(3) | copied | to_vector(), std::vector<ints>{});
  EXPECT_EQ(range(0) | sliding_window(1) | copied | to_vector(), std::vector<ints>{});
  EXPECT_EQ(range(3) | sliding_window(1) | copied | to_vector(), (std::vector<ints>{{0}, {1}, {2}}));
  const std::string s = "ABCDE";
  std::vector<std::string> pairs;
  for (std::span<const char> w : s | sliding_window(2)) pairs.emplace_back(w.begin(), w.end());
  EXPECT_EQ(pairs, (std::vector<std::string>{"AB", "BC", "CD", "DE"}));
}

TEST(sliding_window, n_below_one_is_an_error_at_construction) {
  try {
    (void)sliding_window(0);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "n must be at least one");
  }
  EXPECT_THROW((void)sliding_window(-3), std::invalid_argument);
}

TEST(sliding_window, the_guides_moving_average) {
  const std::vector<double> prices{10, 11, 12, 13, 14, 15};
  auto mean = [](std::span<const double> w) {
    double s = 0;
    for (double x : w) s += x;
    return s / static_cast<double>(w.size());
  };
  EXPECT_EQ(prices | sliding_window(3) | map(mean) | to_vector(), (std::vector<double>{11, 12, 13, 14}));
}

TEST(sliding_window, pulls_lazily_and_leaves_the_rest) {
  int pulled = 0;
  auto gen = counting(10, &pulled);
  auto view = gen | sliding_window(3);
  EXPECT_EQ(pulled, 0);
  auto it = view.begin();
  EXPECT_EQ(std::vector((*it).begin(), (*it).end()), (ints{0, 1, 2}));
  EXPECT_EQ(pulled, 3);
  ++it;
  EXPECT_EQ(pulled, 4);
  EXPECT_EQ(gen.next(), 4);
}

TEST(sliding_window, each_element_is_copied_twice_whatever_n) {
  for (int n : {1, 4, 50}) {
    test::counted::reset();
    {
      std::vector<test::counted> source;
      source.reserve(100);
      for (int i = 0; i < 100; ++i) source.emplace_back(i);
      int windows = 0;
      long long total = 0;
      int max_alive = 0;
      for (std::span<const test::counted> w : source | input_only | sliding_window(n)) {
        ++windows;
        total += w.front().value + w.back().value;
        max_alive = std::max(max_alive, test::counted::alive);
      }
      EXPECT_EQ(windows, 100 - n + 1);
      EXPECT_EQ(total, static_cast<long long>(windows) * (n - 1) + 2LL * (windows - 1) * windows / 2);
      // Once into its slot, once into its twin: 2 per element, however long the window.
      EXPECT_EQ(test::counted::copies, 200);
      EXPECT_EQ(test::counted::moves, 0);
      // The buffer holds 2n elements besides the source's 100.
      EXPECT_EQ(max_alive, 100 + 2 * n);
    }
    EXPECT_EQ(test::counted::alive, 0);
  }
}

TEST(sliding_window, allocates_its_buffer_once) {
  const std::vector<long> source(100000, 1);
  auto view = source | input_only | sliding_window(64);
  const std::size_t before = allocations;
  long total = 0;
  for (std::span<const long> w : view) total += w[0] + w[63];
  EXPECT_EQ(allocations - before, 1u);
  EXPECT_EQ(total, 2 * (100000 - 63));
}

TEST(sliding_window, over_a_contiguous_range_windows_are_spans_into_it_with_no_allocation) {
  test::counted::reset();
  std::vector<test::counted> source;
  for (int i = 0; i < 10; ++i) source.emplace_back(i);
  const std::size_t before = allocations;
  const int copies_before = test::counted::copies;
  int windows = 0;
  for (std::span<const test::counted> w : source | sliding_window(4)) {
    EXPECT_EQ(w.data(), source.data() + windows);
    ++windows;
  }
  EXPECT_EQ(windows, 7);
  EXPECT_EQ(allocations - before, 0u);
  EXPECT_EQ(test::counted::copies, copies_before);
  EXPECT_EQ(std::vector<int>{} | sliding_window(2) | count(), 0u);
  EXPECT_EQ(std::vector<int>{1} | sliding_window(2) | count(), 0u);
}

TEST(sliding_window, a_window_is_a_view_into_the_buffer_not_a_copy) {
  auto view = range(10) | sliding_window(4);
  const int* lowest = nullptr;
  const int* highest = nullptr;
  for (std::span<const int> w : view) {
    if (lowest == nullptr || w.data() < lowest) lowest = w.data();
    if (highest == nullptr || w.data() > highest) highest = w.data();
  }
  // Every window starts inside the same 2n-slot buffer.
  EXPECT_LT(highest - lowest, 4);
}

}  // namespace
