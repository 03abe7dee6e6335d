// drop_while: the dropwhile part of semantics 91.
#include <gtest/gtest.h>

#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/drop_while.hpp>
#include <yieldpipe/iter/islice.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

namespace {

using namespace yieldpipe;
using ints = std::vector<int>;

generator<int> from(ints values, int* pulled) {
  for (int v : values) {
    ++*pulled;
    co_yield v;
  }
}

TEST(drop_while, semantics_91_dropwhile_keeps_everything_from_the_first_failure) {
  const ints v{1, 4, 6, 3, 8};
  EXPECT_EQ(v | drop_while([](int x) { return x < 5; }) | to_vector(), (ints{6, 3, 8}));
  int pulled = 0;
  EXPECT_EQ(from(v, &pulled) | drop_while([](int x) { return x < 5; }) | to_vector(), (ints{6, 3, 8}));
}

TEST(drop_while, the_predicate_stops_being_called_after_the_first_failure) {
  int calls = 0;
  const ints source{1, 4, 6, 3, 8};
  auto view = source | drop_while([&](int x) {
                ++calls;
                return x < 5;
              });
  EXPECT_EQ(calls, 0);  // lazy
  EXPECT_EQ(view | to_vector(), (ints{6, 3, 8}));
  EXPECT_EQ(calls, 3);
  // Over a forward range the start is cached: a second pass (or size()) does not re-test.
  EXPECT_EQ(view.size(), 3u);
  EXPECT_EQ(view | to_vector(), (ints{6, 3, 8}));
  EXPECT_EQ(calls, 3);
  auto copy = view;  // a copy starts afresh
  EXPECT_EQ(copy | to_vector(), (ints{6, 3, 8}));
  EXPECT_EQ(calls, 6);
}

TEST(drop_while, pulls_only_what_it_needs) {
  int pulled = 0;
  auto gen = from({1, 2, 7, 8, 9}, &pulled);
  EXPECT_EQ(gen | drop_while([](int x) { return x < 5; }) | take(1) | to_vector(), ints{7});
  EXPECT_EQ(pulled, 3);
  EXPECT_EQ(gen.next(), 8);
}

TEST(drop_while, edge_cases) {
  EXPECT_EQ(ints{} | drop_while([](int) { return false; }) | to_vector(), ints{});
  EXPECT_EQ(range(4) | drop_while([](int) { return true; }) | to_vector(), ints{});
  EXPECT_EQ(range(4) | drop_while([](int) { return false; }) | to_vector(), (ints{0, 1, 2, 3}));
  EXPECT_EQ(count(0) | drop_while([](int x) { return x < 100; }) | take(2) | to_vector(), (ints{100, 101}));
}

}  // namespace
