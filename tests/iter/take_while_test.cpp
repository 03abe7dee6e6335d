// take_while: the takewhile part of semantics 91.
#include <gtest/gtest.h>

#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/take_while.hpp>
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

TEST(take_while, semantics_91_takewhile_consumes_and_loses_the_failing_element) {
  int pulled = 0;
  auto it = from({1, 4, 6, 3, 8}, &pulled);
  EXPECT_EQ(it | take_while([](int x) { return x < 5; }) | to_vector(), (ints{1, 4}));
  EXPECT_EQ(pulled, 3);  // the 6 was pulled to be tested
  ints rest;
  while (auto v = it.next()) rest.push_back(*v);
  EXPECT_EQ(rest, (ints{3, 8}));  // and it is lost
}

TEST(take_while, calls_the_predicate_once_per_element_and_pulls_lazily) {
  int pulled = 0;
  int calls = 0;
  auto view = from({1, 2, 3, 10, 4}, &pulled) | take_while([&](int x) {
                ++calls;
                return x < 5;
              });
  EXPECT_EQ(pulled, 0);
  auto it = view.begin();
  EXPECT_EQ(*it, 1);
  EXPECT_EQ(*it, 1);
  EXPECT_EQ(pulled, 1);
  EXPECT_EQ(calls, 1);
  ++it;
  ++it;
  EXPECT_EQ(*it, 3);
  ++it;
  EXPECT_TRUE(it == std::default_sentinel);
  EXPECT_EQ(pulled, 4);
  EXPECT_EQ(calls, 4);
}

TEST(take_while, edge_cases) {
  EXPECT_EQ(ints{} | take_while([](int) { return true; }) | to_vector(), ints{});
  EXPECT_EQ(range(5) | take_while([](int) { return true; }) | to_vector(), (ints{0, 1, 2, 3, 4}));
  EXPECT_EQ(range(5) | take_while([](int) { return false; }) | to_vector(), ints{});
  // Over an endless source, and in a pipeline.
  EXPECT_EQ(count(1) | map([](int x) { return x * x; }) | take_while([](int sq) { return sq < 30; }) | to_vector(),
            (ints{1, 4, 9, 16, 25}));
  // A predicate on strings, by reference.
  std::vector<std::string> lines{"# a", "# b", "data", "# c"};
  auto header = lines | take_while([](const std::string& l) { return l.starts_with("#"); });
  EXPECT_EQ(header | count(), 2u);
}

TEST(take_while, an_exception_from_the_predicate_propagates) {
  auto view = range(5) | take_while([](int x) {
                if (x == 2) throw std::runtime_error("bad");
                return true;
              });
  auto it = view.begin();
  ++it;
  EXPECT_THROW(++it, std::runtime_error);
}

}  // namespace
