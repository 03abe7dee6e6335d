#pragma once
// Graph traversal generators: the guide's depth_first_search and breadth_first_search over any
// adjacency map.

#include <concepts>
#include <cstddef>
#include <deque>
#include <functional>
#include <ranges>
#include <set>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include "yieldpipe/core/generator.hpp"

namespace yieldpipe {

namespace detail {

// A std::map / std::unordered_map (or anything with find, end, key_type and mapped_type).
template <class A>
concept adjacency_map = requires(const A& a, const typename A::key_type& k) {
  typename A::mapped_type;
  { a.find(k) == a.end() } -> std::convertible_to<bool>;
};

template <class A, class Start>
struct graph_node {
  using type = std::remove_cvref_t<Start>;
};
template <adjacency_map A, class Start>
struct graph_node<A, Start> {
  using type = typename A::key_type;
};

template <class N>
concept hashable = requires(const N& n) {
  { std::hash<N>{}(n) } -> std::convertible_to<std::size_t>;
};

// The visited set: hashed when the node type has a std::hash, ordered otherwise.
template <class N>
using visited_set = std::conditional_t<hashable<N>, std::unordered_set<N>, std::set<N>>;

// The adjacency of a traversal: borrowed for an lvalue (it must outlive the generator), owned for
// an rvalue.
template <class A>
struct owned_adjacency {
  A adjacency;
  A& get() noexcept { return adjacency; }
};
template <class A>
struct borrowed_adjacency {
  A* adjacency;
  A& get() const noexcept { return *adjacency; }
};

// The neighbours of `node` as a view: for a map, the mapped range (empty for a missing key, as the
// guide's `graph.get(node, [])`); for a callable, what it returns (owned if it is a temporary).
template <class A, class Node>
auto neighbours(A& adjacency, const Node& node) {
  if constexpr (adjacency_map<std::remove_const_t<A>>) {
    using mapped = const typename std::remove_const_t<A>::mapped_type;
    static const std::remove_const_t<mapped> none{};
    auto it = std::as_const(adjacency).find(node);
    mapped& found = it == std::as_const(adjacency).end() ? none : it->second;
    return std::ranges::subrange(std::ranges::begin(found), std::ranges::end(found));
  } else {
    return std::views::all(std::invoke(adjacency, node));
  }
}

template <class Holder, class Node>
generator<Node> dfs_impl(Holder adjacency, Node start) {
  using neighbour_view = decltype(neighbours(adjacency.get(), start));
  // One level of the explicit stack: a node's neighbours and how far they have been tried.
  struct level {
    explicit level(neighbour_view v) : nbrs(std::move(v)), next(std::ranges::begin(nbrs)) {}
    neighbour_view nbrs;
    std::ranges::iterator_t<neighbour_view> next;
  };
  visited_set<Node> visited;
  // A deque never moves its elements on push_back/pop_back, so `next` stays valid for a level
  // whose view owns its range.
  std::deque<level> stack;

  visited.insert(start);
  stack.emplace_back(neighbours(adjacency.get(), start));
  co_yield start;
  while (!stack.empty()) {
    level& top = stack.back();
    if (top.next == std::ranges::end(top.nbrs)) {
      stack.pop_back();
      continue;
    }
    Node node(*top.next);
    ++top.next;
    if (!visited.insert(node).second) continue;
    stack.emplace_back(neighbours(adjacency.get(), node));
    co_yield node;
  }
}

template <class Holder, class Node>
generator<Node> bfs_impl(Holder adjacency, Node start) {
  visited_set<Node> visited;
  std::deque<Node> queue;
  visited.insert(start);
  queue.push_back(std::move(start));
  while (!queue.empty()) {
    Node current = std::move(queue.front());
    queue.pop_front();
    co_yield current;
    for (auto&& neighbour : neighbours(adjacency.get(), current)) {
      Node node(std::forward<decltype(neighbour)>(neighbour));
      if (visited.insert(node).second) queue.push_back(std::move(node));
    }
  }
}

template <class Adjacency>
auto hold_adjacency(Adjacency&& adjacency) {
  if constexpr (std::is_lvalue_reference_v<Adjacency>)
    return borrowed_adjacency<std::remove_reference_t<Adjacency>>{std::addressof(adjacency)};
  else
    return owned_adjacency<std::remove_cvref_t<Adjacency>>{std::move(adjacency)};
}

}  // namespace detail

/// The guide's `depth_first_search(graph, start)`: every node reachable from `start`, once, in
/// depth-first preorder, trying neighbours in the order listed (the order of the guide's recursive
/// version: a node is marked when it is visited, not when it is discovered).
///
/// `adjacency` is either a map from node to a range of neighbours (`std::map`, `std::unordered_map`,
/// ...; a node that is not a key has no neighbours, like `graph.get(node, [])`; the node type is
/// the key type, so `dfs(graph, "Alice")` works on a `std::map<std::string, ...>`), or a callable
/// `node → range of neighbours` (the node type is then the type of `start`). An lvalue adjacency is
/// borrowed and must outlive the generator; an rvalue one is moved into it. Neighbours are read
/// lazily, when the traversal reaches them.
///
/// No recursion: an explicit stack of (neighbours, position) per level of the current path, so a
/// chain of 1,000,000 nodes works (one coroutine frame in all; recursion through `yield_from` would
/// allocate a frame per level). Memory O(visited): the visited set (a `std::unordered_set` when the
/// node type is hashable, else a `std::set`) plus the stack, at most one level per visited node.
/// Elements are copies of the nodes (`generator<Node>`).
template <class Adjacency, class Start>
auto dfs(Adjacency&& adjacency, Start&& start) {
  using node = typename detail::graph_node<std::remove_cvref_t<Adjacency>, Start>::type;
  auto holder = detail::hold_adjacency(std::forward<Adjacency>(adjacency));
  return detail::dfs_impl<decltype(holder), node>(std::move(holder), node(std::forward<Start>(start)));
}

/// The guide's `breadth_first_search(graph, start)`: every node reachable from `start`, once, level
/// by level, neighbours in the order listed (a node is marked when it is queued, as in the guide).
/// `adjacency` as for `dfs`. A node's neighbours are read after the node is yielded. Memory
/// O(visited): the visited set plus the queue (the frontier).
template <class Adjacency, class Start>
auto bfs(Adjacency&& adjacency, Start&& start) {
  using node = typename detail::graph_node<std::remove_cvref_t<Adjacency>, Start>::type;
  auto holder = detail::hold_adjacency(std::forward<Adjacency>(adjacency));
  return detail::bfs_impl<decltype(holder), node>(std::move(holder), node(std::forward<Start>(start)));
}

}  // namespace yieldpipe
