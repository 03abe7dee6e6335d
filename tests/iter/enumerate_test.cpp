// enumerate: Python's enumerate(iterable, start) as a stage.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/enumerate.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/starmap.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using yieldpipe::test::counted;

generator<int> count_to(int n, int* pulled) {
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

using words_view = decltype(std::declval<std::vector<std::string>&>() | enumerate());
static_assert(std::ranges::input_range<words_view> && std::ranges::view<words_view>);
static_assert(std::is_same_v<std::ranges::range_reference_t<words_view>, ref_pair<std::ptrdiff_t, std::string&>>);
// A const source: C++20's std::pair<long, const int&> would not be an iterator's reference (see ref_tuple.hpp).
using const_view = decltype(std::declval<const std::vector<int>&>() | enumerate());
static_assert(std::ranges::input_range<const_view>);
static_assert(std::is_same_v<std::ranges::range_value_t<words_view>, std::pair<std::ptrdiff_t, std::string>>);

TEST(enumerate, pairs_each_element_with_its_index_from_start) {
  std::vector<std::string> words{"a", "b", "c"};
  using P = std::pair<std::ptrdiff_t, std::string>;
  EXPECT_EQ(words | enumerate() | to_vector(), (std::vector<P>{{0, "a"}, {1, "b"}, {2, "c"}}));
  EXPECT_EQ(words | enumerate(1) | to_vector(),
            (std::vector<std::pair<int, std::string>>{{1, "a"}, {2, "b"}, {3, "c"}}));
  EXPECT_EQ(words | enumerate(-2) | map([](auto p) { return p.first; }) | to_vector(), (std::vector<int>{-2, -1, 0}));
  EXPECT_EQ(enumerate(words, 5) | map([](auto p) { return p.first; }) | to_vector(), (std::vector<int>{5, 6, 7}));
  EXPECT_EQ(std::vector<int>{} | enumerate() | count(), 0u);
  EXPECT_EQ((words | enumerate()).size(), 3u);
}

TEST(enumerate, the_index_has_the_type_of_start) {
  std::vector<int> v{7, 8};
  for (auto [i, x] : v | enumerate(std::size_t{0})) {
    static_assert(std::is_same_v<decltype(i), std::size_t>);
    EXPECT_EQ(v[i], x);
  }
}

TEST(enumerate, structured_bindings_refer_into_the_source_without_copies) {
  std::vector<counted> v;
  for (int i = 0; i < 4; ++i) v.emplace_back(10 * i);
  counted::reset();
  for (auto [i, x] : v | enumerate()) x.value += static_cast<int>(i);
  EXPECT_EQ(counted::copies, 0);
  EXPECT_EQ(counted::moves, 0);
  EXPECT_EQ(v[3].value, 33);
}

TEST(enumerate, a_source_of_values_gives_pairs_of_values) {
  EXPECT_EQ(range(3) | enumerate(10) | to_vector(), (std::vector<std::pair<int, int>>{{10, 0}, {11, 1}, {12, 2}}));
  using V = decltype(range(3) | enumerate());
  static_assert(std::is_same_v<std::ranges::range_reference_t<V>, ref_pair<std::ptrdiff_t, int>>);
}

TEST(enumerate, over_a_generator_it_pulls_only_what_is_read) {
  int pulled = 0;
  auto g = count_to(1000, &pulled);
  auto e = g | enumerate();
  EXPECT_EQ(pulled, 0);
  auto it = e.begin();
  EXPECT_EQ(pulled, 1);
  ++it;
  EXPECT_EQ((*it).first, 1);
  EXPECT_EQ((*it).second, 1);
  EXPECT_EQ(pulled, 2);
  EXPECT_EQ(g.next(), 2);  // the generator is left just after what was read
  EXPECT_EQ(count_to(4, &pulled) | enumerate(1) | starmap([](std::ptrdiff_t i, int x) { return i * x; }) | sum(),
            0 + 2 + 6 + 12);
}

TEST(enumerate, the_stage_is_reusable) {
  auto numbered = enumerate(1) | map([](auto p) { return p.first * 100 + p.second; });
  EXPECT_EQ(range(2) | numbered | to_vector(), (std::vector<int>{100, 201}));
  EXPECT_EQ(std::vector<int>{5} | numbered | to_vector(), (std::vector<int>{105}));
}

}  // namespace
