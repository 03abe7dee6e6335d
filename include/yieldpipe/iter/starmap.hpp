#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <ranges>
#include <tuple>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/map.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

namespace detail {

template <class F, class Tuple, std::size_t... I>
consteval bool applicable_to(std::index_sequence<I...>) {
  return std::invocable<F, decltype(std::get<I>(std::declval<Tuple>()))...>;
}

// `std::apply(f, t)` is valid (std::apply itself is not SFINAE-friendly).
template <class F, class Tuple>
concept applicable = requires { std::tuple_size<std::remove_cvref_t<Tuple>>::value; } &&
                     applicable_to<F, Tuple>(std::make_index_sequence<std::tuple_size_v<std::remove_cvref_t<Tuple>>>{});

// Calls the function with the elements of a tuple-like argument.
template <class F>
class apply_fn {
 public:
  apply_fn()
    requires std::default_initializable<F>
  = default;
  constexpr explicit apply_fn(F fn) : fn_(std::move(fn)) {}

  template <class T>
    requires applicable<F&, T>
  constexpr decltype(auto) operator()(T&& args) {
    return std::apply(fn_, std::forward<T>(args));
  }
  template <class T>
    requires applicable<const F&, T>
  constexpr decltype(auto) operator()(T&& args) const {
    return std::apply(fn_, std::forward<T>(args));
  }

 private:
  F fn_;
};

}  // namespace detail

/// Python's `itertools.starmap(fn, iterable)` as a stage: `range | starmap(fn)` yields
/// `std::apply(fn, x)` — `fn(get<0>(x), get<1>(x), ...)` — for each tuple-like element `x` (a
/// `std::tuple`, `std::pair` or `std::array`, e.g. the elements of `zip`, `enumerate` or
/// `pairwise`), lazily. Python also accepts lists as argument packs; C++ needs the arity at compile
/// time, so the elements must be tuple-like. The view is `map_view`: `fn` runs once per element, the
/// tuple's references are passed on without copies. Constant memory.
template <class F>
constexpr auto starmap(F fn) {
  return stage{[fn = std::move(fn)]<std::ranges::viewable_range R>(R&& range) {
    return map_view<std::views::all_t<R>, detail::apply_fn<F>>(std::views::all(std::forward<R>(range)),
                                                               detail::apply_fn<F>(fn));
  }};
}

}  // namespace yieldpipe
