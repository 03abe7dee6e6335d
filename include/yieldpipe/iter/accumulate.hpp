#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <iterator>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

namespace detail {

struct no_initial {};

template <class T>
struct initial_of {
  using type = T;
};
template <class T>
struct initial_of<std::optional<T>> {
  using type = T;
};
template <>
struct initial_of<std::nullopt_t> {
  using type = no_initial;
};

}  // namespace detail

/// The view of `accumulate(fn, initial)`: the running totals `t0 = initial` (when there is one) or the
/// first element, then `t = fn(std::move(t), x)` for each following element `x`. `I` is the initial
/// value's type, or `detail::no_initial`; an `I` initial may still be absent at run time (an empty
/// `std::optional`, Python's `initial=None`).
///
/// The total has type `T = std::decay_t<fn(seed, element)>`, where the seed is the initial value or
/// the first element; it is kept in the iterator and read as `const T&`. Constant memory. As in
/// Python, an initial value comes out before the base range is touched: the base is begun only when
/// the second total is asked for.
template <std::ranges::input_range V, class F, class I>
  requires std::ranges::view<V> && std::is_object_v<F>
class accumulate_view : public std::ranges::view_interface<accumulate_view<V, F, I>> {
  using base_iterator = std::ranges::iterator_t<V>;
  static constexpr bool has_initial = !std::is_same_v<I, detail::no_initial>;
  using seed = std::conditional_t<has_initial, I, std::ranges::range_value_t<V>>;

 public:
  using total_type = std::decay_t<std::invoke_result_t<F&, seed, std::ranges::range_reference_t<V>>>;
  static_assert(has_initial ? std::constructible_from<total_type, I>
                            : std::constructible_from<total_type, std::ranges::range_reference_t<V>>,
                "accumulate: the total's type must be constructible from the initial value (or the first element)");
  static_assert(
      std::assignable_from<total_type&, std::invoke_result_t<F&, total_type, std::ranges::range_reference_t<V>>>,
      "accumulate: fn(total, element) must give the total's type again");

  class iterator : public detail::input_iterator_facade<iterator, total_type> {
   public:
    using reference = const total_type&;

    iterator() = default;
    explicit iterator(accumulate_view* parent) : parent_(parent) {
      if constexpr (has_initial) {
        if (parent_->initial_) {
          total_.emplace(*parent_->initial_);  // the base is begun by the first increment
          return;
        }
      }
      current_.emplace(std::ranges::begin(parent_->base_));
      if (*current_ != std::ranges::end(parent_->base_)) total_.emplace(**current_);
    }

    reference operator*() const noexcept { return *total_; }
    iterator& operator++() {
      if (current_)
        ++*current_;
      else
        current_.emplace(std::ranges::begin(parent_->base_));
      if (*current_ == std::ranges::end(parent_->base_))
        total_.reset();
      else
        *total_ = std::invoke(*parent_->fn_, std::move(*total_), **current_);
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return !it.total_.has_value(); }

   private:
    accumulate_view* parent_ = nullptr;
    std::optional<base_iterator> current_;  // empty until the base is begun
    std::optional<total_type> total_;       // empty at the end
  };

  accumulate_view()
    requires std::default_initializable<V> && std::default_initializable<F>
  = default;
  accumulate_view(V base, F fn, std::optional<I> initial = std::nullopt)
      : base_(std::move(base)), fn_(std::move(fn)), initial_(std::move(initial)) {}

  iterator begin() { return iterator{this}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  detail::box<F> fn_;
  [[no_unique_address]] std::optional<I> initial_;
};

/// Python's `itertools.accumulate(iterable, func=operator.add, *, initial=None)` as a stage:
/// `range | accumulate(fn, initial)` yields the running totals, lazily: `[1,2,3,4,5] | accumulate()`
/// gives `1 3 6 10 15`; `accumulate(max_fn)` a running maximum; strings concatenate.
/// - `fn` (default `std::plus<>`) is called as `fn(std::move(total), element)`, so a string total grows
///   in place rather than being copied per element.
/// - With an `initial` value the output has one more element than the input, and an empty input gives
///   just `[initial]`; without one (or with an empty `std::optional`, or `std::nullopt`: Python's
///   `initial=None`) an empty input gives `[]`.
/// - The totals are computed as the view advances; the total is stored in the iterator (constant
///   memory) and read as `const T&` (see `accumulate_view` for its type).
template <class F = std::plus<>>
constexpr auto accumulate(F fn = {}) {
  return stage{[fn = std::move(fn)]<std::ranges::viewable_range R>(R&& range) {
    return accumulate_view<std::views::all_t<R>, F, detail::no_initial>(std::views::all(std::forward<R>(range)), fn);
  }};
}

/// `accumulate(fn, initial)`: see above. `initial` may be a value, a `std::optional` (empty: no
/// initial value) or `std::nullopt`.
template <class F, class T>
constexpr auto accumulate(F fn, T initial) {
  using I = typename detail::initial_of<T>::type;
  std::optional<I> init;
  if constexpr (!std::is_same_v<I, detail::no_initial>) init = std::move(initial);
  return stage{[fn = std::move(fn), init = std::move(init)]<std::ranges::viewable_range R>(R&& range) {
    return accumulate_view<std::views::all_t<R>, F, I>(std::views::all(std::forward<R>(range)), fn, init);
  }};
}

}  // namespace yieldpipe
