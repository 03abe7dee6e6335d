// zip_longest: Python's itertools.zip_longest(a, b, ..., fillvalue=...).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>
#include <yieldpipe/iter/zip_longest.hpp>

namespace {

using namespace yieldpipe;
using namespace std::string_literals;

generator<int> count_to(int n, int* pulled) {
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

using filled = decltype(zip_longest(fillvalue('-'), std::declval<std::string&>(), std::declval<std::string&>()));
static_assert(std::ranges::input_range<filled> && std::ranges::view<filled>);
static_assert(std::is_same_v<std::ranges::range_reference_t<filled>, ref_tuple<const char&, const char&>>);
using unfilled = decltype(zip_longest(std::declval<std::string&>(), range(3)));
static_assert(std::ranges::input_range<unfilled>);
static_assert(
    std::is_same_v<std::ranges::range_reference_t<unfilled>, ref_tuple<std::optional<char>, std::optional<int>>>);

TEST(zip_longest_semantics, semantics_84_zip_longest) {
  EXPECT_EQ(zip_longest(fillvalue('-'), "ABCD"s, "xy"s) | to_vector(),
            (std::vector<std::tuple<char, char>>{{'A', 'x'}, {'B', 'y'}, {'C', '-'}, {'D', '-'}}));
  // The default fill is None: an empty optional.
  using T = std::tuple<std::optional<char>, std::optional<char>>;
  EXPECT_EQ(zip_longest("ABCD"s, "xy"s) | to_vector(),
            (std::vector<T>{{'A', 'x'}, {'B', 'y'}, {'C', std::nullopt}, {'D', std::nullopt}}));
  EXPECT_EQ(zip_longest() | count(), 0u);
  EXPECT_EQ(zip_longest(""s, ""s) | count(), 0u);
  EXPECT_EQ(zip_longest(fillvalue('-'), ""s, ""s, ""s) | count(), 0u);
}

TEST(zip_longest, any_input_may_be_the_longest) {
  using T = std::tuple<int, int, int>;
  EXPECT_EQ(zip_longest(fillvalue(-1), range(1), range(3), range(2)) | to_vector(),
            (std::vector<T>{{0, 0, 0}, {-1, 1, 1}, {-1, 2, -1}}));
}

TEST(zip_longest, an_ended_input_is_not_pulled_again) {
  int short_pulled = 0, long_pulled = 0;
  auto out = zip_longest(fillvalue(0), count_to(2, &short_pulled), count_to(5, &long_pulled)) | to_vector();
  EXPECT_EQ(out.size(), 5u);
  EXPECT_EQ(short_pulled, 2);
  EXPECT_EQ(long_pulled, 5);
  EXPECT_EQ(std::get<0>(out[4]), 0);
  EXPECT_EQ(std::get<1>(out[4]), 4);
}

TEST(zip_longest, is_lazy) {
  int pulled = 0;
  auto z = zip_longest(count_to(1000, &pulled), range(2));
  EXPECT_EQ(pulled, 0);
  EXPECT_EQ(std::get<0>(*(z | first())), 0);
  EXPECT_EQ(pulled, 1);
}

TEST(zip_longest, elements_refer_into_lvalue_inputs_when_the_fill_has_their_type) {
  std::vector<std::string> a{"a", "b", "c"}, b{"x"};
  auto z = zip_longest(fillvalue("-"s), a, b);
  static_assert(
      std::is_same_v<std::ranges::range_reference_t<decltype(z)>, ref_tuple<const std::string&, const std::string&>>);
  std::vector<const std::string*> seen;
  for (auto [x, y] : z) seen.push_back(&x);
  EXPECT_EQ(seen, (std::vector<const std::string*>{&a[0], &a[1], &a[2]}));
  EXPECT_EQ(std::get<1>(*(z | first())), "x");
  // A fill of another type makes the element a value of the common type.
  auto mixed = zip_longest(fillvalue("none"), a, b) | to_vector();
  EXPECT_EQ(std::get<1>(mixed[2]), "none");
}

}  // namespace
