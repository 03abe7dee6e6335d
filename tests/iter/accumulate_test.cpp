// accumulate: Python's itertools.accumulate(iterable, func, initial=...).
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/accumulate.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

namespace {

using namespace yieldpipe;

generator<int> count_to(int n, int* pulled) {
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

using ints = std::vector<int>;
constexpr auto max_fn = [](int a, int b) { return std::max(a, b); };

TEST(accumulate_semantics, semantics_83_accumulate) {
  EXPECT_EQ((ints{1, 2, 3, 4, 5} | accumulate() | to_vector()), (ints{1, 3, 6, 10, 15}));
  // An initial value gives one more element than the input.
  EXPECT_EQ((ints{1, 2, 3} | accumulate(std::plus<>{}, 100) | to_vector()), (ints{100, 101, 103, 106}));
  EXPECT_EQ(ints{} | accumulate() | to_vector(), ints{});
  EXPECT_EQ(ints{} | accumulate(std::plus<>{}, 7) | to_vector(), ints{7});
  EXPECT_EQ((ints{3, 1, 4, 1, 5, 9, 2, 6} | accumulate(max_fn) | to_vector()), (ints{3, 3, 4, 4, 5, 9, 9, 9}));
  EXPECT_EQ((std::vector<std::string>{"a", "b", "c"} | accumulate() | to_vector()),
            (std::vector<std::string>{"a", "ab", "abc"}));
  // initial=None: no initial value.
  EXPECT_EQ((ints{1, 2, 3} | accumulate(std::plus<>{}, std::nullopt) | to_vector()), (ints{1, 3, 6}));
  EXPECT_EQ((ints{1, 2, 3} | accumulate(std::plus<>{}, std::optional<int>{}) | to_vector()), (ints{1, 3, 6}));
  EXPECT_EQ(ints{} | accumulate(std::plus<>{}, std::optional<int>{}) | to_vector(), ints{});
  EXPECT_EQ((ints{1, 2, 3} | accumulate(std::plus<>{}, std::optional<int>{100}) | to_vector()),
            (ints{100, 101, 103, 106}));
}

TEST(accumulate, the_total_has_the_type_of_fn_of_the_seed_and_an_element) {
  auto halves = ints{1, 2} | accumulate(std::plus<>{}, 0.5);
  static_assert(std::is_same_v<std::ranges::range_value_t<decltype(halves)>, double>);
  EXPECT_EQ(halves | to_vector(), (std::vector<double>{0.5, 1.5, 3.5}));
  auto products = range(1, 6) | accumulate([](long long a, int b) { return a * b; });
  EXPECT_EQ(products | to_vector(), (std::vector<long long>{1, 2, 6, 24, 120}));
  EXPECT_EQ((std::vector<std::string>{"b", "c"} | accumulate(std::plus<>{}, std::string("a")) | to_vector()),
            (std::vector<std::string>{"a", "ab", "abc"}));
}

TEST(accumulate, is_lazy_and_gives_an_initial_value_before_touching_the_source) {
  int pulled = 0;
  auto g = count_to(1000, &pulled);
  auto totals = g | accumulate(std::plus<>{}, 7);
  auto it = totals.begin();
  EXPECT_EQ(*it, 7);
  EXPECT_EQ(pulled, 0);
  EXPECT_EQ(g.state(), gen_state::created);
  ++it;
  EXPECT_EQ(*it, 7);
  ++it;
  EXPECT_EQ(*it, 8);
  EXPECT_EQ(pulled, 2);
  pulled = 0;
  EXPECT_EQ(count_to(1000, &pulled) | accumulate() | first(), 0);
  EXPECT_EQ(pulled, 1);
}

TEST(accumulate, a_string_total_grows_in_place) {
  // fn receives the total as an rvalue, so `total + x` appends instead of copying the total.
  std::vector<std::string> parts(1000, "x");
  const char* last_buffer = nullptr;
  int reallocations = 0;
  for (const std::string& total : parts | accumulate()) {
    if (total.data() != last_buffer) ++reallocations;
    last_buffer = total.data();
  }
  EXPECT_LT(reallocations, 30);
  EXPECT_EQ(*(parts | accumulate() | std::views::drop(999) | first()), std::string(1000, 'x'));
}

}  // namespace
