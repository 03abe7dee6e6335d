// The guide, "6. Recursive Generators" › "Graph Traversal Generator".
//
// The data: the guide's social graph, as a std::map from a person to the people they know (the
// order of each list is the order the traversals try them, as in the guide's dict of lists).
// tests/examples/python/graph_traversal.py runs the guide's code on the same graph; the guide's
// placeholder analyze_connection is defined the same way in both.
//
// yieldpipe::dfs and yieldpipe::bfs are the guide's depth_first_search and breadth_first_search,
// node for node. The guide's DFS recurses with `yield from`, one frame per level, so a long chain
// exceeds Python's recursion limit; dfs keeps an explicit stack in one coroutine frame. The last
// line shows it on a chain of 200,000 nodes (the Python counterpart prints its RecursionError
// there; that line is not compared).
#include <algorithm>
#include <cstdio>
#include <map>
#include <ranges>
#include <string>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

using graph = std::map<std::string, std::vector<std::string>>;

constexpr int chain_length = 200000;

// The guide's placeholder: what we learn about each person reached.
void analyze_connection(const graph& social_graph, const std::string& person, int step) {
  const auto& friends = social_graph.at(person);
  std::string names;
  for (const auto& f : friends) names += (names.empty() ? "" : ", ") + f;
  std::printf("  %d. %s knows %zu: %s\n", step, person.c_str(), friends.size(), names.c_str());
}

}  // namespace

YIELDPIPE_EXAMPLE(201, graph_traversal, "Graph Traversal Generator") {
  // Social network analysis
  const graph social_graph = {
      {"Alice", {"Bob", "Charlie"}}, {"Bob", {"Alice", "David"}}, {"Charlie", {"Alice", "Eve"}}, {"David", {"Bob"}},
      {"Eve", {"Charlie"}},
  };

  // Find all connections from Alice
  std::puts("depth_first_search(social_graph, 'Alice'):");
  int step = 0;
  for (const std::string& person : yieldpipe::dfs(social_graph, "Alice"))
    analyze_connection(social_graph, person, ++step);

  std::puts("breadth_first_search(social_graph, 'Alice'):");
  step = 0;
  for (const std::string& person : yieldpipe::bfs(social_graph, "Alice"))
    analyze_connection(social_graph, person, ++step);

  // Both are lazy: the traversal stops where the consumer stops.
  std::string first_three;
  for (const std::string& person : yieldpipe::bfs(social_graph, "Eve") | yieldpipe::take(3))
    first_three += (first_three.empty() ? "" : ", ") + person;
  std::printf("First three reached from Eve (BFS): %s\n", first_three.c_str());

  // A chain 0 -> 1 -> ... -> n-1, its neighbours computed on demand (an adjacency callable).
  const auto next_in_chain = [](int node) { return std::views::iota(node + 1, std::min(node + 2, chain_length)); };
  long long visited = 0;
  int last = -1;
  for (int node : yieldpipe::dfs(next_in_chain, 0)) {
    ++visited;
    last = node;
  }
  std::printf("DFS along a chain of %d nodes: %lld visited, deepest %d\n", chain_length, visited, last);
}
