#pragma once

#include <functional>
#include <iterator>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// The view of `filter(pred)` and `filterfalse(pred)`: the elements of the base range for which
/// `pred` is `Keep`. The predicate runs once per element, as the view advances.
template <std::ranges::input_range V, class Pred, bool Keep = true>
  requires std::ranges::view<V> && std::is_object_v<Pred> &&
           std::indirect_unary_predicate<const Pred, std::ranges::iterator_t<V>>
class filter_view : public std::ranges::view_interface<filter_view<V, Pred, Keep>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::ranges::range_value_t<V>,
                                                        std::ranges::range_difference_t<V>> {
   public:
    iterator() = default;
    iterator(const Pred* pred, base_iterator current, base_sentinel end)
        : pred_(pred), current_(std::move(current)), end_(std::move(end)) {
      skip();
    }

    decltype(auto) operator*() const { return *current_; }
    iterator& operator++() {
      ++current_;
      skip();
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.current_ == it.end_; }

   private:
    void skip() {
      while (current_ != end_ && static_cast<bool>(std::invoke(*pred_, *current_)) != Keep) ++current_;
    }

    const Pred* pred_ = nullptr;
    base_iterator current_{};
    base_sentinel end_{};
  };

  filter_view()
    requires std::default_initializable<V> && std::default_initializable<Pred>
  = default;
  filter_view(V base, Pred pred) : base_(std::move(base)), pred_(std::move(pred)) {}

  iterator begin() { return {&*pred_, std::ranges::begin(base_), std::ranges::end(base_)}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  detail::box<Pred> pred_;
};

namespace detail {

struct truthy {
  template <class T>
  constexpr bool operator()(const T& v) const {
    return static_cast<bool>(v);
  }
};

template <bool Keep, class Pred>
struct filter_stage_fn {
  Pred pred;
  template <std::ranges::viewable_range R>
  constexpr auto operator()(R&& range) const {
    return filter_view<std::views::all_t<R>, Pred, Keep>(std::views::all(std::forward<R>(range)), pred);
  }
};

template <bool Keep, class Pred>
constexpr auto filter_stage(Pred pred) {
  return stage{filter_stage_fn<Keep, Pred>{std::move(pred)}};
}

}  // namespace detail

/// Python's `filter(pred, iterable)`: the elements for which `pred` is true, lazily.
template <class Pred>
constexpr auto filter(Pred pred) {
  return detail::filter_stage<true>(std::move(pred));
}
/// Python's `filter(None, iterable)`: the elements that convert to true.
constexpr auto filter() { return detail::filter_stage<true>(detail::truthy{}); }

/// Python's `itertools.filterfalse(pred, iterable)`: the elements for which `pred` is false.
template <class Pred>
constexpr auto filterfalse(Pred pred) {
  return detail::filter_stage<false>(std::move(pred));
}
/// Python's `filterfalse(None, iterable)`: the elements that convert to false.
constexpr auto filterfalse() { return detail::filter_stage<false>(detail::truthy{}); }

}  // namespace yieldpipe
