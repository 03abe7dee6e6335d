// zip: Python's zip(a, b, ...) as a source.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/starmap.hpp>
#include <yieldpipe/iter/terminals.hpp>
#include <yieldpipe/iter/zip.hpp>

#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using yieldpipe::test::counted;

// Python's `counted(n, tag)`: logs each item as it is pulled.
generator<std::string> counted_gen(int n, char tag, std::vector<std::string>* log) {
  for (int i = 0; i < n; ++i) {
    std::string item = tag + std::to_string(i);
    log->push_back(item);
    co_yield item;
  }
}

using zipped = decltype(zip(std::declval<std::vector<int>&>(), std::declval<std::string&>(), range(3)));
static_assert(std::ranges::input_range<zipped> && std::ranges::view<zipped>);
static_assert(std::is_same_v<std::ranges::range_reference_t<zipped>, ref_tuple<int&, char&, int>>);
using const_zipped = decltype(zip(std::declval<const std::vector<int>&>(), std::declval<std::string_view>()));
static_assert(std::ranges::input_range<const_zipped>);
static_assert(std::is_same_v<std::ranges::range_value_t<zipped>, std::tuple<int, char, int>>);

TEST(zip_semantics, semantics_86_zip_quietly_drops_an_item_of_the_first_input) {
  std::vector<std::string> log;
  auto a = counted_gen(3, 'a', &log);
  auto b = counted_gen(2, 'b', &log);
  std::vector<std::tuple<std::string, std::string>> out;
  for (auto [x, y] : zip(a, b)) out.emplace_back(x, y);
  EXPECT_EQ(out, (std::vector<std::tuple<std::string, std::string>>{{"a0", "b0"}, {"a1", "b1"}}));
  // a2 was pulled from the first input before the second was found exhausted, and is lost.
  EXPECT_EQ(log, (std::vector<std::string>{"a0", "b0", "a1", "b1", "a2"}));
  EXPECT_EQ(a.state(), gen_state::suspended);
  EXPECT_EQ(a.next(), std::nullopt);
}

TEST(zip_semantics, a_shorter_first_input_stops_the_zip_before_the_others_are_pulled) {
  std::vector<std::string> log;
  auto a = counted_gen(2, 'a', &log);
  auto b = counted_gen(3, 'b', &log);
  EXPECT_EQ(zip(a, b) | count(), 2u);
  EXPECT_EQ(log, (std::vector<std::string>{"a0", "b0", "a1", "b1"}));
  EXPECT_EQ(b.next(), "b2");  // nothing of the second input was lost
}

TEST(zip_semantics, semantics_77_zip_stopped_by_a_shorter_input_does_not_close_the_longer_one) {
  std::vector<std::string> log;
  bool finished = false;
  auto longer = [](bool* done) -> generator<int> {
    for (int i = 0; i < 10; ++i) co_yield i;
    *done = true;
  }(&finished);
  EXPECT_EQ((zip(longer, std::vector<int>{1, 2}) | count()), 2u);
  EXPECT_EQ(longer.state(), gen_state::suspended);
  EXPECT_FALSE(finished);
  EXPECT_EQ(longer.next(), 3);  // 0 and 1 were zipped, 2 was pulled and lost
}

TEST(zip, an_input_after_an_empty_one_is_not_begun) {
  std::vector<std::string> log;
  auto b = counted_gen(3, 'b', &log);
  EXPECT_EQ(zip(std::vector<int>{}, b) | count(), 0u);
  EXPECT_EQ(b.state(), gen_state::created);
  EXPECT_TRUE(log.empty());
}

TEST(zip, tuples_refer_into_lvalue_inputs_without_copies) {
  std::vector<counted> left;
  std::vector<int> right{5, 6, 7};
  for (int i = 0; i < 3; ++i) left.emplace_back(i);
  counted::reset();
  for (auto [c, x] : zip(left, right)) {
    c.value += x;
    x = 0;
  }
  EXPECT_EQ(counted::copies + counted::moves, 0);
  EXPECT_EQ(left[2].value, 9);
  EXPECT_EQ(right, (std::vector<int>{0, 0, 0}));
}

TEST(zip, heterogeneous_inputs_stop_at_the_shortest) {
  std::vector<int> v{1, 2, 3, 4};
  std::string s = "xyz";
  std::vector<std::string> log;
  auto out = zip(v, s, range(10), counted_gen(5, 'g', &log)) | to_vector();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2], (std::tuple<int, char, int, std::string>{3, 'z', 2, "g2"}));
  EXPECT_EQ((zip(v, s, range(10)).size()), 3u);
}

TEST(zip, no_input_or_one_input) {
  EXPECT_EQ(zip() | count(), 0u);
  EXPECT_EQ(zip().size(), 0u);
  EXPECT_EQ(zip(range(3)) | to_vector(), (std::vector<std::tuple<int>>{{0}, {1}, {2}}));
}

TEST(zip, composes_with_stages_and_owns_rvalue_inputs) {
  auto sums = zip(std::vector<int>{1, 2, 3}, range(10, 20)) | starmap(std::plus<>{}) | to_vector();
  EXPECT_EQ(sums, (std::vector<int>{11, 13, 15}));
  std::vector<std::string> log;
  EXPECT_EQ(zip(counted_gen(2, 'a', &log), counted_gen(2, 'b', &log)) |
                map([](auto t) { return std::get<0>(t) + std::get<1>(t); }) | to_vector(),
            (std::vector<std::string>{"a0b0", "a1b1"}));
}

}  // namespace
