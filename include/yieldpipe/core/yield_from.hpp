#pragma once
// `co_yield yield_from(x)`: Python's `yield from x` (PEP 380).

#include <ranges>
#include <type_traits>
#include <utility>

namespace yieldpipe {

template <class Yield, class Send, class Return>
class generator;

namespace detail {

/// What `yield_from(generator&&)` hands to the delegating generator's `co_yield`.
template <class Generator>
struct generator_delegation {
  Generator child;
};

/// What `yield_from(range)` hands to the delegating generator's `co_yield`: the range as a view
/// (borrowed for an lvalue, owned for an rvalue).
template <std::ranges::view View>
struct range_delegation {
  View view;
};

template <class T>
inline constexpr bool is_generator_v = false;
template <class Y, class S, class R>
inline constexpr bool is_generator_v<generator<Y, S, R>> = true;

}  // namespace detail

/// Delegates to a sub-generator: inside a generator with the same `Yield` and `Send` types,
/// `auto r = co_yield yield_from(std::move(sub));` yields every element of `sub`, forwards
/// `send`, `throw_` and `close` to it, and evaluates to its return value. The delegation is flat:
/// each element goes straight from the innermost generator to the consumer, whatever the depth.
/// A partly consumed `sub` continues from where it is; a finished one gives its return value at
/// once. A generator of other `Yield`/`Send` types is delegated to as a plain range.
template <class Y, class S, class R>
detail::generator_delegation<generator<Y, S, R>> yield_from(generator<Y, S, R>&& sub) {
  return {std::move(sub)};
}

// Delegation takes ownership of the sub-generator, as the frame chain must: write
// `yield_from(std::move(sub))`.
template <class Y, class S, class R>
void yield_from(generator<Y, S, R>& sub) = delete;

/// Delegates to any input range: `co_yield yield_from(range);` yields its elements and evaluates
/// to nothing. An lvalue range is borrowed (it must outlive the delegation, as a local of the
/// generator does); an rvalue range is moved into the delegation. `send` of a value while
/// delegating to a plain range throws `invalid_send` at the `co_yield`, and `throw_` raises there.
///
/// g++ 11.2–12 reject a braced list inside the operand (`yield_from(std::vector<int>{1, 2})`) with
/// "array used as initializer" (a g++ bug with initializer_list backing arrays in coroutine
/// temporaries): name the container in a local first.
template <std::ranges::viewable_range Range>
  requires std::ranges::input_range<Range> && (!detail::is_generator_v<std::remove_cvref_t<Range>>)
detail::range_delegation<std::views::all_t<Range>> yield_from(Range&& range) {
  return {std::views::all(std::forward<Range>(range))};
}

}  // namespace yieldpipe
