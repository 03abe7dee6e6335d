// chain and chain_from: Python's itertools.chain(a, b, ...) and chain.from_iterable(outer).
#include <gtest/gtest.h>

#include <ranges>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/chain.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sources.hpp>
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

// Python's `5` as an argument of chain: a range whose begin() raises what iter(5) raises.
struct not_iterable : std::ranges::view_interface<not_iterable> {
  const int* begin() const { throw std::invalid_argument("'int' object is not iterable"); }
  const int* end() const { return nullptr; }
};

std::string joined(auto&& r) {
  std::string s;
  for (auto&& x : r) s += x;
  return s;
}

using chained = decltype(chain(std::declval<std::vector<int>&>(), std::declval<std::vector<int>&>()));
static_assert(std::ranges::input_range<chained> && std::ranges::view<chained>);
static_assert(std::is_same_v<std::ranges::range_reference_t<chained>, int&>);

TEST(chain_semantics, semantics_87_chain) {
  EXPECT_EQ(joined(chain("ABC"s, "DEF"s)), "ABCDEF");
  EXPECT_EQ(joined(chain(""s, "AB"s, ""s, ""s, "C"s, ""s)), "ABC");
  EXPECT_EQ(joined(chain(""s)), "");
  EXPECT_EQ(chain() | count(), 0u);
  EXPECT_EQ(chain<int>() | to_vector(), std::vector<int>{});
  // chain([1], 5): created without error, yields 1, then fails on its lazy iter() of the second argument.
  auto c = chain(std::vector<int>{1}, not_iterable{});
  auto it = c.begin();
  EXPECT_EQ(*it, 1);
  try {
    ++it;
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "'int' object is not iterable");
  }
  EXPECT_TRUE(it == std::default_sentinel);
}

TEST(chain, a_generator_argument_starts_only_when_its_turn_comes) {
  int first_pulled = 0, second_pulled = 0;
  auto second = count_to(2, &second_pulled);
  auto c = chain(count_to(2, &first_pulled), second);
  auto it = c.begin();
  ++it;
  EXPECT_EQ(*it, 1);
  EXPECT_EQ(second.state(), gen_state::created);
  ++it;
  EXPECT_EQ(*it, 0);
  EXPECT_EQ(second_pulled, 1);
  ++it;
  ++it;
  EXPECT_TRUE(it == std::default_sentinel);
}

TEST(chain, heterogeneous_inputs_share_a_common_reference) {
  std::vector<int> v{1, 2};
  int pulled = 0;
  auto c = chain(v, range(3, 5), count_to(2, &pulled), std::vector<long>{9});
  static_assert(std::is_same_v<std::ranges::range_reference_t<decltype(c)>, long>);
  EXPECT_EQ(c | to_vector(), (std::vector<long>{1, 2, 3, 4, 0, 1, 9}));
  EXPECT_EQ((chain(v, range(3), v).size()), 7u);
}

TEST(chain, lvalue_inputs_are_passed_by_reference) {
  std::vector<counted> a(2), b(3);
  counted::reset();
  int n = 0;
  for (counted& c : chain(a, b)) c.value = ++n;
  EXPECT_EQ(counted::copies + counted::moves, 0);
  EXPECT_EQ(b[2].value, 5);
}

generator<std::vector<std::string>> logged_outer(std::vector<std::string>* log) {
  // Named: g++ 12 rejects a braced list in a co_yield operand ("array used as initializer", see
  // docs/generator.md).
  std::vector<std::string> first{"a", "b"}, second{"c"};
  log->push_back("outer start");
  co_yield first;
  log->push_back("outer 2");
  co_yield second;
  log->push_back("outer end");
}

TEST(chain_semantics, semantics_88_chain_from_consumes_the_outer_range_lazily) {
  std::vector<std::string> log;
  auto flat = logged_outer(&log) | chain_from();
  EXPECT_TRUE(log.empty());
  auto it = flat.begin();
  EXPECT_EQ(log, (std::vector<std::string>{"outer start"}));
  EXPECT_EQ(*it, "a");
  ++it;
  EXPECT_EQ(*it, "b");
  EXPECT_EQ(log.size(), 1u);  // the second inner range is not pulled before the first is used up
  ++it;
  EXPECT_EQ(*it, "c");
  EXPECT_EQ(log, (std::vector<std::string>{"outer start", "outer 2"}));
  ++it;
  EXPECT_TRUE(it == std::default_sentinel);
  EXPECT_EQ(log.back(), "outer end");
}

TEST(chain_semantics, semantics_88_chain_from_flattens_exactly_one_level) {
  // ['ab', 'cd'] -> a b c d; [['ab'], ['cd']] -> ab cd (Python's ['ab', ['cd']] mixes the two).
  EXPECT_EQ((std::vector<std::string>{"ab", "cd"} | chain_from() | to_vector()),
            (std::vector<char>{'a', 'b', 'c', 'd'}));
  std::vector<std::vector<std::string>> nested{{"ab"}, {}, {"cd"}};
  EXPECT_EQ(nested | chain_from() | to_vector(), (std::vector<std::string>{"ab", "cd"}));
  EXPECT_EQ(std::vector<std::string>{} | chain_from() | count(), 0u);
  EXPECT_EQ((std::vector<std::string>{"", "", ""} | chain_from() | count()), 0u);
}

generator<generator<int>> generators(int n, int* outer_pulled, int* inner_pulled) {
  for (int i = 0; i < n; ++i) {
    ++*outer_pulled;
    co_yield count_to(i, inner_pulled);
  }
}

TEST(chain_from, a_range_of_generators_works_and_is_read_lazily) {
  int outer = 0, inner = 0;
  auto flat = generators(4, &outer, &inner) | chain_from();
  EXPECT_EQ(flat | first(), 0);  // the generators of 0 items are skipped
  EXPECT_EQ(outer, 2);
  EXPECT_EQ(inner, 1);
  outer = inner = 0;
  EXPECT_EQ(generators(4, &outer, &inner) | chain_from() | to_vector(), (std::vector<int>{0, 0, 1, 0, 1, 2}));
  EXPECT_EQ(outer, 4);
  // Generators made by a stage, and held by the view when the outer range yields them by value.
  auto made = range(4) | map([&](int n) { return count_to(n, &inner); }) | chain_from();
  EXPECT_EQ(made | sum(), 0 + 1 + 3);
  auto by_value = std::views::iota(0, 4) | std::views::transform([&](int n) { return count_to(n, &inner); });
  static_assert(!std::is_reference_v<std::ranges::range_reference_t<decltype(by_value)>>);
  EXPECT_EQ(by_value | chain_from() | to_vector(), (std::vector<int>{0, 0, 1, 0, 1, 2}));
}

TEST(chain_from, inner_containers_by_value_are_kept_only_while_they_are_read) {
  auto rows = std::views::iota(1, 4) | std::views::transform([](int n) { return std::vector<counted>(n, counted(n)); });
  counted::reset();
  int total = 0;
  for (const counted& c : rows | chain_from()) {
    total += c.value;
    EXPECT_LE(counted::alive, 3);  // the current row only
  }
  EXPECT_EQ(total, 1 + 4 + 9);
  EXPECT_EQ(counted::alive, 0);
}

}  // namespace
