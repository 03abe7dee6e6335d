// pairwise: Python's itertools.pairwise(iterable).
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/pairwise.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/starmap.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using namespace std::string_literals;
using yieldpipe::test::counted;

generator<int> count_to(int n, int* pulled) {
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

std::vector<std::string> pairs_of(std::string s) {
  std::vector<std::string> out;
  for (auto [a, b] : std::move(s) | pairwise()) out.push_back(std::string{a, b});
  return out;
}

using pairs = decltype(std::declval<std::vector<int>&>() | pairwise());
static_assert(std::ranges::input_range<pairs> && std::ranges::view<pairs>);
static_assert(std::is_same_v<std::ranges::range_value_t<pairs>, std::pair<int, int>>);

TEST(pairwise_semantics, semantics_89_pairwise) {
  EXPECT_EQ(pairs_of("ABCDEFG"), (std::vector<std::string>{"AB", "BC", "CD", "DE", "EF", "FG"}));
  EXPECT_EQ(pairs_of(""), std::vector<std::string>{});
  EXPECT_EQ(pairs_of("A"), std::vector<std::string>{});
  EXPECT_EQ("AB"s | pairwise() | to_vector(), (std::vector<std::pair<char, char>>{{'A', 'B'}}));
}

TEST(pairwise, pulls_two_elements_for_the_first_pair_then_one_per_pair) {
  int pulled = 0;
  auto g = count_to(100, &pulled);
  auto p = g | pairwise();
  EXPECT_EQ(pulled, 0);
  auto it = p.begin();
  EXPECT_EQ(pulled, 2);
  EXPECT_EQ(*it, (std::pair<int, int>{0, 1}));
  ++it;
  EXPECT_EQ(pulled, 3);
  EXPECT_EQ(*it, (std::pair<int, int>{1, 2}));
  EXPECT_EQ(g.next(), 3);
}

TEST(pairwise, copies_each_element_once) {
  std::vector<counted> v;
  for (int i = 0; i < 5; ++i) v.emplace_back(i);
  counted::reset();
  int sum = 0;
  for (auto [a, b] : v | pairwise()) sum += a.value * b.value;
  EXPECT_EQ(sum, 0 * 1 + 1 * 2 + 2 * 3 + 3 * 4);
  EXPECT_EQ(counted::copies, 5);
  EXPECT_EQ(counted::alive, 0);
}

TEST(pairwise, composes_with_starmap) {
  EXPECT_EQ((std::vector<int>{1, 4, 9, 16} | pairwise() | starmap([](int a, int b) { return b - a; }) | to_vector()),
            (std::vector<int>{3, 5, 7}));
  EXPECT_EQ(range(5) | pairwise() | count(), 4u);
}

}  // namespace
