#pragma once

#include <functional>
#include <iterator>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// The view of `map(fn)`: `fn(x)` for each `x` of the base range. As in Python, `fn` runs once per
/// element however often the element is read (a `filter` downstream reads it twice): the result is
/// computed at the first read and kept until the iterator moves on.
template <std::ranges::input_range V, std::move_constructible F>
  requires std::ranges::view<V> && std::is_object_v<F> && std::regular_invocable<F&, std::ranges::range_reference_t<V>>
class map_view : public std::ranges::view_interface<map_view<V, F>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;
  using result = std::invoke_result_t<F&, std::ranges::range_reference_t<V>>;
  // A reference result is passed on as is; a value is kept in the iterator and read as an lvalue.
  using reference = std::conditional_t<std::is_reference_v<result>, result, std::remove_cvref_t<result>&>;

 public:
  struct sentinel;

  class iterator : public detail::input_iterator_facade<iterator, std::remove_cvref_t<result>,
                                                        std::ranges::range_difference_t<V>> {
   public:
    iterator() = default;
    iterator(map_view* parent, base_iterator current) : parent_(parent), current_(std::move(current)) {}

    reference operator*() const {
      if (!cache_.has_value()) cache_.emplace(std::invoke(*parent_->fn_, *current_));
      if constexpr (std::is_reference_v<result>)
        return static_cast<reference>(*cache_.value());
      else
        return *cache_;
    }
    iterator& operator++() {
      ++current_;
      cache_.reset();
      return *this;
    }

    friend bool operator==(const iterator& it, const sentinel& s) { return it.current_ == s.end_; }

   private:
    map_view* parent_ = nullptr;
    base_iterator current_{};
    mutable detail::result_cache<result> cache_;
  };

  struct sentinel {
    base_sentinel end_{};
  };

  map_view()
    requires std::default_initializable<V> && std::default_initializable<F>
  = default;
  map_view(V base, F fn) : base_(std::move(base)), fn_(std::move(fn)) {}

  iterator begin() { return {this, std::ranges::begin(base_)}; }
  /// As many elements as the base, when the base knows its size (so `to_vector()` reserves).
  auto size()
    requires std::ranges::sized_range<V>
  {
    return std::ranges::size(base_);
  }
  sentinel end() { return {std::ranges::end(base_)}; }

 private:
  V base_;
  detail::box<F> fn_;
};

namespace detail {
template <class F>
struct map_stage {
  F fn;
  template <std::ranges::viewable_range R>
  constexpr auto operator()(R&& range) const {
    return map_view<std::views::all_t<R>, F>(std::views::all(std::forward<R>(range)), fn);
  }
};
}  // namespace detail

/// Python's `map(fn, iterable)` as a stage: `range | map(fn)` yields `fn(x)` for each `x`, lazily.
/// Constant memory; `fn` is called once per element, when it is read. Also a stage of an
/// `async_generator` (iter/async_stages.hpp).
template <class F>
constexpr auto map(F fn) {
  return stage{detail::map_stage<F>{std::move(fn)}};
}

}  // namespace yieldpipe
