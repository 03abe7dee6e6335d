// dfs and bfs: the guide's graph traversal generators.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <list>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/graph.hpp>
#include <yieldpipe/iter/terminals.hpp>

namespace {

using namespace yieldpipe;
using strings = std::vector<std::string>;

// The guide's social graph.
const std::map<std::string, strings> social_graph{{"Alice", {"Bob", "Charlie"}},
                                                  {"Bob", {"Alice", "David"}},
                                                  {"Charlie", {"Alice", "Eve"}},
                                                  {"David", {"Bob"}},
                                                  {"Eve", {"Charlie"}}};

// A graph with cycles where a depth-first search that marks nodes when they are pushed (rather
// than when they are visited, as the guide's recursion does) gives another order. The expected
// orders were printed by the guide's Python functions.
const std::unordered_map<int, std::vector<int>> cyclic{{1, {2, 3, 4}}, {2, {5, 3}}, {3, {6, 1}}, {4, {3, 7}},
                                                       {5, {6}},       {6, {2, 8}}, {7, {}},     {8, {1}}};

TEST(dfs, visits_the_social_graph_in_the_guides_order) {
  EXPECT_EQ(dfs(social_graph, "Alice") | to_vector(), (strings{"Alice", "Bob", "David", "Charlie", "Eve"}));
}

TEST(bfs, visits_the_social_graph_in_the_guides_order) {
  EXPECT_EQ(bfs(social_graph, "Alice") | to_vector(), (strings{"Alice", "Bob", "Charlie", "David", "Eve"}));
}

TEST(dfs, yields_each_node_of_a_cyclic_graph_once_in_preorder) {
  EXPECT_EQ(dfs(cyclic, 1) | to_vector(), (std::vector<int>{1, 2, 5, 6, 8, 3, 4, 7}));
  EXPECT_EQ(dfs(cyclic, 7) | to_vector(), (std::vector<int>{7}));
}

TEST(bfs, yields_each_node_of_a_cyclic_graph_once_level_by_level) {
  EXPECT_EQ(bfs(cyclic, 1) | to_vector(), (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(dfs, a_start_that_is_not_a_key_has_no_neighbours_like_graph_get) {
  EXPECT_EQ(dfs(cyclic, 9) | to_vector(), (std::vector<int>{9}));
  EXPECT_EQ(bfs(cyclic, 9) | to_vector(), (std::vector<int>{9}));
  EXPECT_EQ(dfs(social_graph, "Zoe") | to_vector(), (strings{"Zoe"}));
}

TEST(dfs, a_self_loop_and_duplicate_neighbours_yield_the_node_once) {
  const std::map<char, std::string> g{{'a', "aab"}, {'b', "bba"}};
  EXPECT_EQ(dfs(g, 'a') | to_vector(), (std::vector<char>{'a', 'b'}));
  EXPECT_EQ(bfs(g, 'a') | to_vector(), (std::vector<char>{'a', 'b'}));
}

TEST(dfs, takes_a_callable_returning_a_temporary_range) {
  // A binary tree by rule: n → 2n, 2n+1 below 16.
  auto children = [](int n) {
    std::vector<int> out;
    for (int c : {2 * n, 2 * n + 1})
      if (c < 16) out.push_back(c);
    return out;
  };
  EXPECT_EQ(dfs(children, 1) | to_vector(), (std::vector<int>{1, 2, 4, 8, 9, 5, 10, 11, 3, 6, 12, 13, 7, 14, 15}));
  EXPECT_EQ(bfs(children, 1) | to_vector(), (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}));
}

TEST(dfs, takes_a_callable_returning_a_reference_and_any_neighbour_range) {
  const std::map<int, std::list<int>> lists{{0, {1, 2}}, {1, {2}}, {2, {0}}};
  auto lookup = [&](int n) -> const std::list<int>& { return lists.at(n); };
  EXPECT_EQ(dfs(lookup, 0) | to_vector(), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(dfs(lists, 2) | to_vector(), (std::vector<int>{2, 0, 1}));
}

TEST(dfs, a_node_type_without_a_hash_uses_an_ordered_visited_set) {
  using cell = std::pair<int, int>;
  // A 3×3 grid, right then down.
  auto next = [](cell c) {
    std::vector<cell> out;
    if (c.second < 2) out.push_back({c.first, c.second + 1});
    if (c.first < 2) out.push_back({c.first + 1, c.second});
    return out;
  };
  EXPECT_EQ(dfs(next, cell{0, 0}) | count(), 9u);
  const auto order = bfs(next, cell{0, 0}) | to_vector();
  ASSERT_EQ(order.size(), 9u);
  EXPECT_EQ(order[1], (cell{0, 1}));
  EXPECT_EQ(order[2], (cell{1, 0}));
  EXPECT_EQ(order[8], (cell{2, 2}));
}

TEST(dfs, reads_neighbours_lazily_as_the_traversal_reaches_them) {
  int calls = 0;
  auto chain = [&](int n) {
    ++calls;
    return std::vector<int>{n + 1};
  };
  auto g = dfs(chain, 0);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(g.next(), 0);
  EXPECT_EQ(g.next(), 1);
  EXPECT_EQ(g.next(), 2);
  EXPECT_EQ(calls, 3);  // the neighbours of 0, 1 and 2: nothing beyond what was reached

  calls = 0;
  auto b = bfs(chain, 0);
  EXPECT_EQ(b.next(), 0);
  EXPECT_EQ(calls, 0);  // bfs reads a node's neighbours after yielding it, as the guide does
  EXPECT_EQ(b.next(), 1);
  EXPECT_EQ(calls, 1);
}

TEST(dfs, an_rvalue_adjacency_is_owned_by_the_generator) {
  auto make = [] { return dfs(std::map<std::string, strings>{{"x", {"y"}}, {"y", {"z"}}}, std::string("x")); };
  auto g = make();  // the map was a temporary: the generator holds it
  EXPECT_EQ(g | to_vector(), (strings{"x", "y", "z"}));
}

TEST(dfs, an_lvalue_adjacency_is_borrowed_not_copied) {
  std::map<int, std::vector<int>> g{{0, {1}}};
  auto gen = dfs(g, 0);
  g[1] = {2};  // seen by the traversal: the generator refers to `g`
  EXPECT_EQ(gen | to_vector(), (std::vector<int>{0, 1, 2}));
}

TEST(dfs, a_chain_of_a_million_nodes_needs_no_recursion) {
  constexpr int n = 1'000'000;
  std::unordered_map<int, std::vector<int>> chain;
  chain.reserve(n);
  for (int i = 0; i + 1 < n; ++i) chain[i] = {i + 1};
  const auto start = std::chrono::steady_clock::now();
  std::int64_t total = 0;
  int last = -1;
  std::size_t seen = 0;
  for (int node : dfs(chain, 0)) {
    total += node;
    last = node;
    ++seen;
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(seen, static_cast<std::size_t>(n));
  EXPECT_EQ(last, n - 1);
  EXPECT_EQ(total, std::int64_t{n} * (n - 1) / 2);
  std::cout << "[ info     ] dfs over a 1,000,000-node chain: " << took.count() << " s\n";

  // The same through a callable, and breadth first.
  auto next = [](int i) { return i + 1 < n ? std::vector<int>{i + 1} : std::vector<int>{}; };
  EXPECT_EQ(dfs(next, 0) | count(), static_cast<std::size_t>(n));
  EXPECT_EQ(bfs(chain, 0) | count(), static_cast<std::size_t>(n));
}

TEST(dfs, a_wide_star_and_a_deep_chain_back_to_the_start_each_visit_once) {
  constexpr int n = 100'000;
  auto star_and_back = [](int i) {
    if (i == 0) {
      std::vector<int> all;
      for (int k = 1; k < n; ++k) all.push_back(k);
      return all;
    }
    return std::vector<int>{0, (i % (n - 1)) + 1};
  };
  EXPECT_EQ(dfs(star_and_back, 0) | count(), static_cast<std::size_t>(n));
  EXPECT_EQ(bfs(star_and_back, 0) | count(), static_cast<std::size_t>(n));
}

}  // namespace
