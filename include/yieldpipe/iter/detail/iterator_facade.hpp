#pragma once
// Internal: what the iterators of the iter views would otherwise each declare alike.

#include <cstddef>
#include <iterator>

namespace yieldpipe::detail {

// The base (CRTP) of a single-pass iterator: `Derived` supplies `operator*`, `operator++()` and its
// `==` with its sentinel (each view keeps its own end test, next to the state it reads); this adds
// the member types that the standard's iterator concepts read, and `it++`.
//
// The views are single-pass, as Python's iterators are (many keep per-pass state, such as a cached
// result, a window or a running total, in the iterator or the view), so their iterators are input
// iterators only. `it++` returns nothing, as std::ranges' input-only iterators do: there is no old
// position to return a copy of. (So `std::iterator_traits` gives them no C++17 category.)
//
// Empty, so it adds nothing to an iterator's size (a distinct base per `Derived`: the empty-base
// optimisation always applies).
template <class Derived, class Value, class Difference = std::ptrdiff_t>
class input_iterator_facade {
 public:
  using iterator_concept = std::input_iterator_tag;
  using value_type = Value;
  using difference_type = Difference;

  // A hidden friend, not a member: a member would be hidden by Derived's own `operator++()`.
  friend void operator++(Derived& it, int) noexcept(noexcept(++it)) { ++it; }
};

}  // namespace yieldpipe::detail
