// groupby: semantics 81 and 82.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/groupby.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using ints = std::vector<int>;

generator<int> from(ints values, int* pulled) {
  for (int v : values) {
    ++*pulled;
    co_yield v;
  }
}

std::string keys_of(const std::string& s) {
  std::string out;
  for (auto&& [k, g] : s | groupby()) out += k;
  return out;
}

std::vector<std::string> groups_of(const std::string& s) {
  std::vector<std::string> out;
  for (auto&& [k, g] : s | groupby()) {
    std::string run;
    for (char c : g) run += c;
    out.push_back(run);
  }
  return out;
}

TEST(groupby, semantics_81_groupby_groups_consecutive_runs) {
  EXPECT_EQ(keys_of("AAAABBBCCDAABBB"), "ABCDAB");  // consecutive runs, not SQL's GROUP BY
  EXPECT_EQ(groups_of("AAAABBBCCD"), (std::vector<std::string>{"AAAA", "BBB", "CC", "D"}));
  std::vector<std::pair<int, ints>> parity;
  for (auto&& [k, g] : ints{1, 3, 2, 4, 5} | groupby([](int x) { return x % 2; }))
    parity.emplace_back(k, g | to_vector());
  EXPECT_EQ(parity, (std::vector<std::pair<int, ints>>{{1, {1, 3}}, {0, {2, 4}}, {1, {5}}}));
  EXPECT_EQ(keys_of(""), "");
  EXPECT_EQ(ints{} | groupby() | count(), 0u);
}

TEST(groupby, semantics_82_every_group_is_empty_once_the_outer_iterator_has_moved_on) {
  // [(k, list(g)) for k, g in list(groupby('AAABBC'))] -> [('A', []), ('B', []), ('C', [])]
  const std::string s = "AAABBC";
  auto all = s | groupby() | to_vector();
  ASSERT_EQ(all.size(), 3u);
  std::string keys;
  for (auto& [k, g] : all) {
    keys += k;
    EXPECT_EQ(g | count(), 0u) << "group " << k;  // even the last one
  }
  EXPECT_EQ(keys, "ABC");
}

TEST(groupby, semantics_82_an_old_group_yields_nothing) {
  const std::string s = "AAABBC";
  auto gb = s | groupby();
  auto outer = gb.begin();
  auto [k1, g1] = *outer;
  ++outer;
  auto [k2, g2] = *outer;
  EXPECT_EQ(k1, 'A');
  EXPECT_EQ(k2, 'B');
  EXPECT_EQ(g1 | to_vector(), std::vector<char>{});
  EXPECT_EQ(g2 | to_vector(), (std::vector<char>{'B', 'B'}));
  ++outer;
  auto [k3, g3] = *outer;
  ++outer;
  EXPECT_TRUE(outer == gb.end());
  EXPECT_EQ(k3, 'C');
  EXPECT_EQ(g3 | count(), 0u);  // the outer iterator is exhausted: the last group is empty too
}

TEST(groupby, semantics_82_the_rest_of_a_partly_read_group_is_lost) {
  const std::string s = "AAABBC";
  auto gb = s | groupby();
  auto outer = gb.begin();
  auto [k1, g1] = *outer;
  auto inner = g1.begin();
  EXPECT_EQ(*inner, 'A');
  ++inner;
  EXPECT_EQ(*inner, 'A');
  ++outer;
  // The held iterator is now at its end (never undefined behaviour), and so is a new one.
  EXPECT_TRUE(inner == std::default_sentinel);
  ++inner;  // harmless
  EXPECT_TRUE(inner == std::default_sentinel);
  EXPECT_EQ(g1 | count(), 0u);
  auto [k2, g2] = *outer;
  EXPECT_EQ(k2, 'B');
  EXPECT_EQ(g2 | to_vector(), (std::vector<char>{'B', 'B'}));
}

TEST(groupby, reads_the_source_lazily_and_calls_the_key_once_per_element) {
  int pulled = 0;
  int keys = 0;
  auto gb = from({1, 1, 2, 2, 2, 3}, &pulled) | groupby([&](int x) {
              ++keys;
              return x;
            });
  EXPECT_EQ(pulled, 0);
  auto outer = gb.begin();
  EXPECT_EQ((*outer).first, 1);
  EXPECT_EQ(pulled, 1);
  ++outer;  // skips the rest of the first group: pulls up to the first 2
  EXPECT_EQ((*outer).first, 2);
  EXPECT_EQ(pulled, 3);
  auto g = (*outer).second;
  EXPECT_EQ(g | to_vector(), (ints{2, 2, 2}));
  EXPECT_EQ(pulled, 6);  // the 3 was read to end the group
  ++outer;
  EXPECT_EQ((*outer).first, 3);
  EXPECT_EQ(pulled, 6);
  ++outer;
  EXPECT_TRUE(outer == gb.end());
  EXPECT_EQ(keys, 6);
}

TEST(groupby, holds_no_copy_of_the_elements) {
  test::counted::reset();
  {
    std::vector<test::counted> source;
    for (int i = 0; i < 100; ++i) source.emplace_back(i);
    const int copies_before = test::counted::copies;
    const int moves_before = test::counted::moves;
    int groups = 0;
    int total = 0;
    for (auto&& [k, g] : source | groupby([](const test::counted& c) { return c.value / 10; })) {
      ++groups;
      for (const test::counted& c : g) total += c.value;
    }
    EXPECT_EQ(groups, 10);
    EXPECT_EQ(total, 4950);
    EXPECT_EQ(test::counted::copies, copies_before);  // elements are handed out by reference
    EXPECT_EQ(test::counted::moves, moves_before);
  }
  EXPECT_EQ(test::counted::alive, 0);
}

TEST(groupby, over_a_generator_with_strings) {
  auto words = []() -> generator<std::string> {
    for (const char* w : {"apple", "avocado", "banana", "blueberry", "cherry", "apricot"}) co_yield std::string(w);
  };
  std::vector<std::pair<char, std::vector<std::string>>> out;
  for (auto&& [letter, g] : words() | groupby([](const std::string& w) { return w.front(); }))
    out.emplace_back(letter, g | to_vector());
  EXPECT_EQ(out,
            (std::vector<std::pair<char, std::vector<std::string>>>{
                {'a', {"apple", "avocado"}}, {'b', {"banana", "blueberry"}}, {'c', {"cherry"}}, {'a', {"apricot"}}}));
}

TEST(groupby, a_group_that_outlives_its_view_is_empty) {
  using view_t = decltype(std::declval<const std::string&>() | groupby());
  std::optional<view_t::group> kept;
  {
    const std::string s = "AAB";
    auto view = s | groupby();
    auto outer = view.begin();
    kept = (*outer).second;
  }
  EXPECT_EQ(*kept | count(), 0u);
}

TEST(groupby, a_copy_of_the_view_iterates_on_its_own) {
  const std::string s = "AABCC";
  auto view = s | groupby();
  auto copy = view;
  auto outer = view.begin();
  ++outer;
  std::string keys;
  for (auto&& [k, g] : copy) keys += k;
  EXPECT_EQ(keys, "ABC");
  auto [k, g] = *outer;  // the original's position is untouched
  EXPECT_EQ(k, 'B');
  EXPECT_EQ(g | to_vector(), std::vector<char>{'B'});
}

}  // namespace
