// ref_tuple / ref_pair: std::tuple / std::pair that can be an input iterator's reference in C++20.
#include <gtest/gtest.h>

#include <concepts>
#include <string>
#include <tuple>
#include <utility>
#include <yieldpipe/iter/ref_tuple.hpp>

namespace {

using namespace yieldpipe;

// std::tuple<const char&>&& and std::tuple<char>& have no common reference in C++20; ref_tuple has one.
static_assert(!std::common_reference_with<std::tuple<const char&>&&, std::tuple<char>&>);
static_assert(std::common_reference_with<ref_tuple<const char&, const char&>&&, std::tuple<char, char>&>);
static_assert(std::common_reference_with<ref_tuple<int&, char>&&, std::tuple<int, char>&>);
static_assert(std::common_reference_with<ref_tuple<const std::string&>&&, const std::tuple<std::string>&>);
static_assert(std::common_reference_with<ref_pair<long, const int&>&&, std::pair<long, int>&>);
static_assert(std::common_reference_with<ref_pair<const int&, const int&>&&, const std::pair<int, int>&>);
static_assert(std::tuple_size_v<ref_tuple<int&, char&, long>> == 3);
static_assert(std::is_same_v<std::tuple_element_t<1, ref_pair<long, int&>>, int&>);

TEST(ref_tuple, is_a_tuple_for_get_apply_bindings_and_comparison) {
  int a = 1;
  char c = 'x';
  ref_tuple<int&, char&> t(a, c);
  auto [x, y] = t;
  x = 5;
  EXPECT_EQ(a, 5);
  EXPECT_EQ(y, 'x');
  EXPECT_EQ(std::get<1>(t), 'x');
  EXPECT_EQ(t, (std::tuple<int, char>{5, 'x'}));
  EXPECT_EQ(std::apply([](int& i, char ch) { return i + ch; }, t), 5 + 'x');
  const std::tuple<int, char> copy = t;
  EXPECT_EQ(copy, (std::tuple<int, char>{5, 'x'}));
  std::tuple<int, char> values{7, 'y'};
  ref_tuple<int&, char&> bound = values;  // binds to a non-const lvalue tuple, as C++23's tuple does
  std::get<0>(bound) = 8;
  EXPECT_EQ(std::get<0>(values), 8);
}

TEST(ref_pair, is_a_pair_and_compares_with_pairs_of_values) {
  int a = 1;
  ref_pair<long, int&> p{3, a};
  auto [i, r] = p;
  r = 9;
  EXPECT_EQ(a, 9);
  EXPECT_EQ(i, 3);
  EXPECT_EQ(p.first, 3);
  EXPECT_TRUE((p == std::pair<long, int>{3, 9}));
  EXPECT_TRUE((std::pair<long, int>{3, 9} == p));
  EXPECT_FALSE((p == std::pair<long, int>{3, 8}));
  EXPECT_TRUE(p == p);
  const std::pair<long, int> copy = p;
  EXPECT_EQ(copy.second, 9);
}

}  // namespace
