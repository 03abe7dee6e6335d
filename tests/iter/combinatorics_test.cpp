// combinatorics: Python's itertools.product, combinations and permutations.
#include <gtest/gtest.h>

#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/combinatorics.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/allocation_counter.hpp"
#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using ints = std::vector<int>;
using strings = std::vector<std::string>;
using yieldpipe::test::allocations;
using yieldpipe::test::counted;

// The outputs of combinations / permutations / product_repeat copied out (a span is valid only until
// the next step): as strings for chars, as vectors otherwise.
auto as_strings = map([](std::span<const char> s) { return std::string(s.begin(), s.end()); });
auto as_vectors = map([](auto s) { return std::vector(s.begin(), s.end()); });

generator<char> letters(std::string text, std::vector<char>* log) {
  for (char c : text) {
    log->push_back(c);
    co_yield c;
  }
}

template <class F>
void expect_invalid_argument(F f, const char* message) {
  try {
    f();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), message);
  }
}

using char_product = decltype(product(std::declval<std::string&>(), range(3)));
static_assert(std::ranges::input_range<char_product> && std::ranges::view<char_product>);
static_assert(std::is_same_v<std::ranges::range_reference_t<char_product>, ref_tuple<const char&, const int&>>);
static_assert(std::is_same_v<std::ranges::range_value_t<char_product>, std::tuple<char, int>>);
using char_combinations = decltype(std::declval<const std::string&>() | combinations(2));
static_assert(std::ranges::input_range<char_combinations> && std::ranges::view<char_combinations>);
static_assert(std::is_same_v<std::ranges::range_reference_t<char_combinations>, std::span<const char>>);
static_assert(std::ranges::view<decltype(range(3) | permutations())>);
static_assert(std::ranges::view<decltype(product_repeat(range(3), 2))>);

// ---- semantics.md item 91 -------------------------------------------------------------------

TEST(combinatorics_semantics, semantics_91_product_of_nothing_is_one_empty_tuple) {
  EXPECT_EQ(product() | to_vector(), std::vector<std::tuple<>>{std::tuple<>{}});
  EXPECT_EQ(product_repeat(std::string("ab"), 0) | as_strings | to_vector(), strings{""});
  EXPECT_EQ(std::string("ab") | product_repeat(0) | as_strings | to_vector(), strings{""});
}

TEST(combinatorics_semantics, semantics_91_product_with_an_empty_input_is_empty) {
  EXPECT_EQ(product(std::string("ab"), std::string("")) | count(), 0u);
  EXPECT_EQ(product(std::string(""), std::string("ab")) | count(), 0u);
  EXPECT_EQ(product_repeat(std::string(""), 2) | count(), 0u);
}

TEST(combinatorics_semantics, semantics_91_r_larger_than_the_input_gives_nothing) {
  EXPECT_EQ(std::string("ab") | combinations(3) | count(), 0u);
  EXPECT_EQ(std::string("ab") | permutations(3) | count(), 0u);
}

TEST(combinatorics_semantics, semantics_91_combinations_of_zero_is_one_empty_tuple) {
  EXPECT_EQ(std::string("ab") | combinations(0) | as_strings | to_vector(), strings{""});
  EXPECT_EQ(std::string("ab") | permutations(0) | as_strings | to_vector(), strings{""});
  EXPECT_EQ(std::string("") | combinations(0) | as_strings | to_vector(), strings{""});
  EXPECT_EQ(std::string("") | permutations() | as_strings | to_vector(), strings{""});
}

TEST(combinatorics_semantics, semantics_91_negative_r_is_an_error_at_construction) {
  expect_invalid_argument([] { (void)combinations(-1); }, "r must be non-negative");
  expect_invalid_argument([] { (void)combinations(std::string("ab"), -1); }, "r must be non-negative");
  expect_invalid_argument([] { (void)permutations(-1); }, "r must be non-negative");
  expect_invalid_argument([] { (void)permutations(std::string("ab"), -1); }, "r must be non-negative");
  expect_invalid_argument([] { (void)product_repeat(-1); }, "repeat argument cannot be negative");
  expect_invalid_argument([] { (void)product_repeat(std::string("ab"), -1); }, "repeat argument cannot be negative");
}

// ---- Python's outputs -------------------------------------------------------------------------

TEST(product, python_order_the_last_input_moves_fastest) {
  // list(product('AB', 'xy'))
  EXPECT_EQ(product(std::string("AB"), std::string("xy")) | to_vector(),
            (std::vector<std::tuple<char, char>>{{'A', 'x'}, {'A', 'y'}, {'B', 'x'}, {'B', 'y'}}));
  // list(product('ab', range(3), 'xy'))
  const std::string ab = "ab";
  auto three = product(ab, range(3), std::vector<std::string>{"x", "y"}) | to_vector();
  ASSERT_EQ(three.size(), 12u);
  EXPECT_EQ(three[0], (std::tuple<char, int, std::string>{'a', 0, "x"}));
  EXPECT_EQ(three[5], (std::tuple<char, int, std::string>{'a', 2, "y"}));
  EXPECT_EQ(three[6], (std::tuple<char, int, std::string>{'b', 0, "x"}));
  EXPECT_EQ(three[11], (std::tuple<char, int, std::string>{'b', 2, "y"}));
  EXPECT_EQ(product(range(4)) | to_vector(), (std::vector<std::tuple<int>>{{0}, {1}, {2}, {3}}));
}

TEST(product, repeat) {
  // list(product(range(2), repeat=3))
  EXPECT_EQ(
      product_repeat(range(2), 3) | as_vectors | to_vector(),
      (std::vector<ints>{{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 0}, {1, 1, 1}}));
  EXPECT_EQ(std::string("AB") | product_repeat(2) | as_strings | to_vector(), (strings{"AA", "AB", "BA", "BB"}));
  EXPECT_EQ(range(3) | product_repeat(4) | count(), 81u);
}

TEST(combinations, python_order) {
  // list(combinations('ABCD', 2))
  EXPECT_EQ(std::string("ABCD") | combinations(2) | as_strings | to_vector(),
            (strings{"AB", "AC", "AD", "BC", "BD", "CD"}));
  EXPECT_EQ(combinations(range(4), 3) | as_vectors | to_vector(),
            (std::vector<ints>{{0, 1, 2}, {0, 1, 3}, {0, 2, 3}, {1, 2, 3}}));
  EXPECT_EQ(std::string("ABC") | combinations(3) | as_strings | to_vector(), strings{"ABC"});
  // Positions, not values, are chosen: equal elements are not merged.
  EXPECT_EQ(std::string("AAB") | combinations(2) | as_strings | to_vector(), (strings{"AA", "AB", "AB"}));
}

TEST(combinations, counts) {
  EXPECT_EQ(range(10) | combinations(4) | count(), 210u);  // len(list(combinations(range(10), 4)))
  EXPECT_EQ(range(10) | combinations(1) | count(), 10u);
  EXPECT_EQ(range(10) | combinations(10) | count(), 1u);
}

TEST(permutations, python_order) {
  // list(permutations('ABC'))
  EXPECT_EQ(std::string("ABC") | permutations() | as_strings | to_vector(),
            (strings{"ABC", "ACB", "BAC", "BCA", "CAB", "CBA"}));
  EXPECT_EQ(permutations(std::string("ABC")) | as_strings | to_vector(),
            (strings{"ABC", "ACB", "BAC", "BCA", "CAB", "CBA"}));
  // list(permutations(range(3), 2))
  EXPECT_EQ(range(3) | permutations(2) | as_vectors | to_vector(),
            (std::vector<ints>{{0, 1}, {0, 2}, {1, 0}, {1, 2}, {2, 0}, {2, 1}}));
  EXPECT_EQ(permutations(range(3), 2) | as_vectors | to_vector(),
            (std::vector<ints>{{0, 1}, {0, 2}, {1, 0}, {1, 2}, {2, 0}, {2, 1}}));
}

TEST(permutations, matches_python_for_r_below_n) {
  // [''.join(map(str, p)) for p in permutations(range(4), 3)]
  const strings expected{"012", "013", "021", "023", "031", "032", "102", "103", "120", "123", "130", "132",
                         "201", "203", "210", "213", "230", "231", "301", "302", "310", "312", "320", "321"};
  EXPECT_EQ(std::string("0123") | permutations(3) | as_strings | to_vector(), expected);
}

TEST(permutations, counts) {
  EXPECT_EQ(range(6) | permutations() | count(), 720u);  // len(list(permutations(range(6))))
  EXPECT_EQ(range(6) | permutations(2) | count(), 30u);
  EXPECT_EQ(range(1) | permutations() | count(), 1u);
}

// ---- laziness, inputs, lifetime -----------------------------------------------------------------

TEST(combinatorics, outputs_are_produced_one_at_a_time) {
  // 100! permutations and C(1000, 3) combinations: only the first few are computed.
  auto perms = range(100) | permutations();
  auto it = perms.begin();
  EXPECT_EQ((*it).size(), 100u);
  EXPECT_EQ((*it)[99], 99);
  ++it;
  EXPECT_EQ((*it)[98], 99);
  EXPECT_EQ((*it)[99], 98);

  auto combos = range(1000) | combinations(3);
  auto c = combos.begin();
  ++c;
  EXPECT_EQ(std::vector((*c).begin(), (*c).end()), (ints{0, 1, 3}));

  auto big = product(range(1000), range(1000), range(1000));
  auto p = big.begin();
  ++p;
  EXPECT_EQ(*p, (std::tuple<int, int, int>{0, 0, 1}));
}

TEST(combinatorics, a_step_copies_only_the_elements_that_change) {
  std::vector<counted> pool;
  for (int i = 0; i < 6; ++i) pool.emplace_back(i);
  auto combos = combinations(pool, 3);  // the pool is copied here
  counted::reset();
  auto it = combos.begin();
  EXPECT_EQ(counted::copies, 3);  // the first output
  ++it;                           // 012 -> 013
  EXPECT_EQ(counted::copies, 4);
  EXPECT_EQ((*it)[2].value, 3);
  counted::reset();
  std::size_t outputs = 1;
  for (++it; it != std::default_sentinel; ++it) ++outputs;
  EXPECT_EQ(outputs, 19u);             // C(6, 3) - 1
  EXPECT_LE(counted::copies, 2 * 19);  // amortised O(1) copies per output
  EXPECT_EQ(counted::moves, 0);
}

TEST(combinatorics, no_allocation_per_output) {
  auto perms = range(7) | permutations(4);
  auto combos = range(12) | combinations(5);
  auto repeated = range(3) | product_repeat(6);
  auto tuples = product(range(10), std::string("abcdefgh"), range(5));
  const std::size_t before = allocations;
  std::size_t outputs = 0;
  for (auto p : perms) outputs += p.size();
  for (auto c : combos) outputs += c.size();
  for (auto r : repeated) outputs += r.size();
  for (auto t : tuples) outputs += static_cast<std::size_t>(std::get<0>(t) >= 0);
  EXPECT_EQ(outputs, 840u * 4 + 792u * 5 + 729u * 6 + 400u);
  EXPECT_EQ(allocations - before, 7u);  // at begin(): indices (+ counters) and buffer; none per output
}

TEST(combinatorics, a_generator_is_read_whole_when_the_stage_is_applied) {
  std::vector<char> log;
  auto gen = letters("ABCD", &log);
  auto combos = gen | combinations(2);
  EXPECT_EQ(log, (std::vector<char>{'A', 'B', 'C', 'D'}));  // as CPython's tuple(iterable)
  EXPECT_EQ(combos | as_strings | to_vector(), (strings{"AB", "AC", "AD", "BC", "BD", "CD"}));

  log.clear();
  EXPECT_EQ(letters("ABC", &log) | permutations(2) | as_strings | to_vector(),
            (strings{"AB", "AC", "BA", "BC", "CA", "CB"}));
  EXPECT_EQ(log.size(), 3u);
}

TEST(product, reads_every_input_left_to_right_even_when_one_is_empty) {
  std::vector<char> log;
  auto tuples = product(letters("ab", &log), letters("", &log), letters("xy", &log));
  EXPECT_EQ(log, (std::vector<char>{'a', 'b', 'x', 'y'}));
  EXPECT_EQ(tuples | count(), 0u);
  log.clear();
  EXPECT_EQ(product(letters("ab", &log), range(2)) | to_vector(),
            (std::vector<std::tuple<char, int>>{{'a', 0}, {'a', 1}, {'b', 0}, {'b', 1}}));
}

TEST(product, tuples_refer_into_the_saved_inputs_which_outlive_the_originals) {
  std::vector<std::tuple<const std::string*, int>> seen;
  auto tuples = [] {
    std::vector<std::string> words{"alpha", "beta"};
    return product(words, range(2));  // words is copied; the view does not refer to it
  }();
  for (auto [word, n] : tuples) seen.emplace_back(&word, n);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(std::get<0>(seen[0]), std::get<0>(seen[1]));  // the same saved element, not a copy per tuple
  EXPECT_EQ(*std::get<0>(seen[3]), "beta");               // still valid after later steps
}

TEST(product, elements_are_moved_from_rvalue_containers_and_not_copied_per_output) {
  std::vector<counted> items;
  for (int i = 0; i < 3; ++i) items.emplace_back(i);
  counted::reset();
  auto tuples = product(std::move(items), range(2));
  EXPECT_EQ(counted::copies, 0);  // the rvalue vector's elements are moved into the pool
  EXPECT_EQ(counted::moves, 3);
  int total = 0;
  for (auto [c, n] : tuples) total += c.value * n;
  EXPECT_EQ(total, 3);
  EXPECT_EQ(counted::copies + counted::moves, 3);
  std::vector<counted> kept{counted(1), counted(2)};
  counted::reset();
  (void)combinations(kept, 1);  // an lvalue is copied, and left as it was
  EXPECT_EQ(counted::copies, 2);
  EXPECT_EQ(kept[1].value, 2);
}

TEST(combinatorics, views_are_cheap_to_copy_and_can_be_iterated_again) {
  auto combos = std::string("ABC") | combinations(2);
  auto copy = combos;
  EXPECT_EQ(combos | as_strings | to_vector(), (strings{"AB", "AC", "BC"}));
  EXPECT_EQ(copy | as_strings | to_vector(), (strings{"AB", "AC", "BC"}));
  EXPECT_EQ(combos | count(), 3u);
  auto tuples = product(range(2), range(2));
  EXPECT_EQ(tuples | count(), 4u);
  EXPECT_EQ(tuples | count(), 4u);
}

TEST(combinatorics, stages_compose) {
  auto pair_sums = range(4) | combinations(2) | map([](std::span<const int> p) { return p[0] + p[1]; }) | to_vector();
  EXPECT_EQ(pair_sums, (ints{1, 2, 3, 3, 4, 5}));
  const auto stage = combinations(2) | map([](std::span<const int> p) { return p[0] * p[1]; });
  EXPECT_EQ(range(1, 4) | stage | to_vector(), (ints{2, 3, 6}));
}

TEST(combinatorics, counts_and_lexicographic_order_for_every_small_n_and_r) {
  // Over range(n), Python's order is the lexicographic order of the outputs themselves.
  const auto factorial = [](std::size_t k) {
    std::size_t f = 1;
    for (std::size_t i = 2; i <= k; ++i) f *= i;
    return f;
  };
  const auto check = [](auto view, std::size_t expected, const char* what, int n, int r) {
    auto all = view | as_vectors | to_vector();
    EXPECT_EQ(all.size(), expected) << what << " n=" << n << " r=" << r;
    for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1], all[i]) << what << " n=" << n << " r=" << r;
  };
  for (int n = 0; n <= 6; ++n) {
    for (int r = 0; r <= 7; ++r) {
      const auto un = static_cast<std::size_t>(n), ur = static_cast<std::size_t>(r);
      const std::size_t perms = ur > un ? 0 : factorial(un) / factorial(un - ur);
      check(range(n) | permutations(r), perms, "permutations", n, r);
      check(range(n) | combinations(r), ur > un ? 0 : perms / factorial(ur), "combinations", n, r);
      std::size_t power = 1;
      for (int i = 0; i < r; ++i) power *= un;
      if (r <= 5) check(range(n) | product_repeat(r), power, "product_repeat", n, r);
    }
  }
}

}  // namespace
