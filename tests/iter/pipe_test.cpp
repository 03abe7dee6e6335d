// Pipe composition, map, filter, the sources and the terminals.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/filter.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/pipe.hpp>
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

TEST(pipe, stages_compose_before_a_source_is_known) {
  auto clean = filter([](int x) { return x % 2 == 0; }) | map([](int x) { return x * 10; });
  auto total = clean | sum();
  EXPECT_EQ(range(10) | clean | to_vector(), (std::vector<int>{0, 20, 40, 60, 80}));
  EXPECT_EQ(range(10) | total, 200);
  std::vector<int> v{1, 2, 3, 4};
  EXPECT_EQ(v | clean | to_vector(), (std::vector<int>{20, 40}));
}

TEST(pipe, works_over_generators_borrowed_or_owned_and_standard_views) {
  int pulled = 0;
  auto g = count_to(5, &pulled);
  EXPECT_EQ(g | map([](int x) { return x + 1; }) | sum(), 15);
  EXPECT_EQ(count_to(3, &pulled) | map([](int x) { return x * x; }) | to_vector(), (std::vector<int>{0, 1, 4}));
  EXPECT_EQ(std::views::iota(0, 4) | filter([](int x) { return x > 1; }) | count(), 2u);
  // Our views are std views too.
  auto first_two = range(10) | map([](int x) { return x * 2; }) | std::views::take(2);
  EXPECT_EQ(first_two | to_vector(), (std::vector<int>{0, 2}));
}

TEST(pipe, the_pipeline_is_lazy_and_pulls_only_what_is_consumed) {
  int pulled = 0;
  auto g = count_to(1000, &pulled);
  auto evens = g | filter([](int x) { return x % 2 == 0; }) | map([](int x) { return x; });
  EXPECT_EQ(pulled, 0);
  EXPECT_EQ(evens | first(), 0);
  EXPECT_EQ(pulled, 1);
}

template <class T>
concept pipeable_into_map = requires(T t) { t | map([](auto x) { return x; }); };

// Python evaluates a generator expression's outermost iterable at creation (TypeError for a
// non-iterable) and its body lazily: applying stages reads nothing, and a non-range is rejected at
// compile time.
TEST(pipe_semantics, semantics_09_applying_stages_reads_nothing_and_a_non_range_does_not_compile) {
  int pulled = 0;
  auto g = count_to(3, &pulled);
  auto pipeline =
      g | map([](int) -> int { throw std::logic_error("the body ran"); }) | filter([](int) { return true; });
  EXPECT_EQ(pulled, 0);  // nothing ran: not the source, not the stage that would throw
  (void)pipeline;
  static_assert(!pipeable_into_map<int>);
  static_assert(pipeable_into_map<std::vector<int>>);
}

TEST(map, calls_the_function_once_per_element_even_when_read_twice) {
  int calls = 0;
  auto out = range(6) | map([&](int x) {
               ++calls;
               return x * x;
             }) |
             filter([](int sq) { return sq % 2 == 0; }) | to_vector();
  EXPECT_EQ(out, (std::vector<int>{0, 4, 16}));
  EXPECT_EQ(calls, 6);
}

TEST(map, keeps_the_size_of_a_sized_base) {
  auto squares = range(10) | map([](int x) { return x * x; });
  static_assert(std::ranges::sized_range<decltype(squares)>);
  EXPECT_EQ(squares.size(), 10u);
  EXPECT_EQ((squares | to_vector()).capacity(), 10u);
}

TEST(map, passes_references_through_without_copies) {
  std::vector<std::string> words{"a", "b"};
  auto refs = words | map([](std::string& s) -> std::string& { return s; });
  for (std::string& s : refs) s += "!";
  EXPECT_EQ(words, (std::vector<std::string>{"a!", "b!"}));
}

TEST(filter, filter_and_filterfalse_with_and_without_a_predicate) {
  std::vector<int> v{0, 1, 2, 0, 3};
  EXPECT_EQ(v | filter() | to_vector(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(v | filterfalse() | to_vector(), (std::vector<int>{0, 0}));  // semantics 91: keeps falsy
  EXPECT_EQ(v | filterfalse([](int x) { return x > 1; }) | to_vector(), (std::vector<int>{0, 1, 0}));
}

TEST(sources, range_follows_python) {
  EXPECT_EQ(range(5) | to_vector(), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(range(2, 10, 3) | to_vector(), (std::vector<int>{2, 5, 8}));
  EXPECT_EQ(range(5, 0, -2) | to_vector(), (std::vector<int>{5, 3, 1}));
  EXPECT_EQ(range(5, 5) | count(), 0u);
  EXPECT_EQ(range(5, 1) | count(), 0u);
  EXPECT_EQ(range(-3, 3).size(), 6u);
  EXPECT_EQ(range(std::numeric_limits<int>::min(), std::numeric_limits<int>::max()).size(), 0xFFFFFFFFu);
  try {
    (void)range(0, 10, 0);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "range() arg 3 must not be zero");
  }
}

TEST(sources, count_and_repeat) {
  EXPECT_EQ(count(10, 5) | std::views::take(3) | to_vector(), (std::vector<int>{10, 15, 20}));
  EXPECT_EQ(count(0.5, 0.25) | std::views::take(3) | to_vector(), (std::vector<double>{0.5, 0.75, 1.0}));
  EXPECT_EQ(repeat(std::string("x"), 3) | to_vector(), (std::vector<std::string>{"x", "x", "x"}));
  EXPECT_EQ(repeat('x', 0) | count(), 0u);   // semantics 91
  EXPECT_EQ(repeat('x', -1) | count(), 0u);  // semantics 91
  EXPECT_EQ(repeat(7) | std::views::take(4) | sum(), 28);
}

TEST(sources, date_range_includes_both_ends) {
  using namespace std::chrono;
  const sys_days start = year{2024} / January / 30;
  const sys_days end = year{2024} / February / 2;
  const auto days = date_range(start, end) | to_vector();
  ASSERT_EQ(days.size(), 4u);
  EXPECT_EQ(year_month_day{days[2]}, year{2024} / February / 1);
  EXPECT_EQ(date_range(year{2024} / January / 1, year{2024} / December / 31) | count(), 366u);  // leap year
  EXPECT_EQ(date_range(end, start) | count(), 0u);
}

TEST(terminals, sum_is_compensated_for_floating_point) {
  std::vector<double> v(10, 0.1);
  EXPECT_EQ(v | sum(0.0), 1.0);  // a naive loop gives 0.9999999999999999
  std::vector<double> cancel{1e100, 1.0, -1e100};
  EXPECT_EQ(cancel | sum(0.0), 1.0);
  EXPECT_EQ(range(1, 101) | sum(), 5050);
  EXPECT_EQ(range(3) | sum(100), 103);
}

TEST(terminals, reduce_first_for_each_count) {
  EXPECT_EQ(range(1, 6) | reduce([](int a, int b) { return a * b; }), 120);
  EXPECT_EQ(range(0) | reduce([](int a, int b) { return a + b; }, 7), 7);
  try {
    (void)(range(0) | reduce([](int a, int b) { return a + b; }));
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "reduce() of empty iterable with no initial value");
  }
  EXPECT_EQ(range(0) | first(), std::nullopt);
  int seen = 0;
  range(4) | for_each([&](int x) { seen += x; });
  EXPECT_EQ(seen, 6);
  EXPECT_EQ(range(1000) | filter([](int x) { return x % 7 == 0; }) | count(), 143u);
}

}  // namespace
