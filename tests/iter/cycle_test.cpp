// cycle: the cycle part of semantics 91 (repeat's part is in pipe_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/cycle.hpp>
#include <yieldpipe/iter/islice.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using ints = std::vector<int>;

generator<int> counting(int n, int* pulled) {
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

TEST(cycle, semantics_91_cycle_of_an_empty_range_is_empty) {
  EXPECT_EQ(ints{} | cycle() | to_vector(), ints{});
  EXPECT_EQ(cycle(ints{}) | count(), 0u);
  int pulled = 0;
  EXPECT_EQ(counting(0, &pulled) | cycle() | count(), 0u);
}

TEST(cycle, repeats_the_elements_forever) {
  EXPECT_EQ(range(3) | cycle() | take(8) | to_vector(), (ints{0, 1, 2, 0, 1, 2, 0, 1}));
  EXPECT_EQ(cycle(std::string("AB")) | take(5) | to_vector(), (std::vector<char>{'A', 'B', 'A', 'B', 'A'}));
  EXPECT_EQ(ints{7} | cycle() | take(3) | to_vector(), (ints{7, 7, 7}));
}

TEST(cycle, reads_the_source_once_and_lazily) {
  int pulled = 0;
  auto view = counting(3, &pulled) | cycle();
  EXPECT_EQ(pulled, 0);
  auto it = view.begin();
  EXPECT_EQ(*it, 0);
  EXPECT_EQ(pulled, 1);
  ints seen{*it};
  for (int i = 0; i < 9; ++i) {
    ++it;
    seen.push_back(*it);
  }
  EXPECT_EQ(seen, (ints{0, 1, 2, 0, 1, 2, 0, 1, 2, 0}));
  EXPECT_EQ(pulled, 3);  // a generator can be cycled: later passes replay the saved copies
}

TEST(cycle, memory_is_one_copy_of_the_source) {
  test::counted::reset();
  {
    std::vector<test::counted> source;
    source.reserve(10);
    for (int i = 0; i < 10; ++i) source.emplace_back(i);
    long long total = 0;
    int max_alive = 0;
    for (const test::counted& c : source | cycle() | take(1000)) {
      total += c.value;
      max_alive = std::max(max_alive, test::counted::alive);
    }
    EXPECT_EQ(total, 4500);
    EXPECT_EQ(max_alive, 20);              // the source and its saved copy, however long the cycle runs
    EXPECT_EQ(test::counted::copies, 10);  // one copy each, on the first pass
  }
  EXPECT_EQ(test::counted::alive, 0);
}

TEST(cycle, later_passes_read_the_saved_copies) {
  auto view = range(3) | cycle();
  auto it = view.begin();
  for (int i = 0; i < 3; ++i) ++it;
  const int* second_pass = &*it;
  for (int i = 0; i < 3; ++i) ++it;
  EXPECT_EQ(&*it, second_pass);  // the same saved element on every later pass
  EXPECT_EQ(*it, 0);
}

}  // namespace
