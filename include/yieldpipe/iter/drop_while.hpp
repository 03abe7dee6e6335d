#pragma once
// Python's itertools.dropwhile.

#include <functional>
#include <iterator>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// The view of `drop_while(pred)`: the elements of the base range from the first one for which
/// `pred` is false. `begin()` (Python's first `next()`) skips the leading elements; after that
/// the predicate is never called again and the base's own iterator is handed out, so the rest
/// costs nothing. Constant memory.
template <std::ranges::input_range V, class Pred>
  requires std::ranges::view<V> && std::is_object_v<Pred> &&
           std::indirect_unary_predicate<const Pred, std::ranges::iterator_t<V>>
class drop_while_view : public std::ranges::view_interface<drop_while_view<V, Pred>> {
 public:
  drop_while_view()
    requires std::default_initializable<V> && std::default_initializable<Pred>
  = default;
  drop_while_view(V base, Pred pred) : base_(std::move(base)), pred_(std::move(pred)) {}
  // The cached begin points into this view's base: copies and moves start without it.
  drop_while_view(const drop_while_view& other)
    requires std::copy_constructible<V>
      : base_(other.base_), pred_(other.pred_) {}
  drop_while_view(drop_while_view&& other) : base_(std::move(other.base_)), pred_(std::move(other.pred_)) {}
  drop_while_view& operator=(const drop_while_view& other)
    requires std::copy_constructible<V>
  {
    if (this != &other) *this = drop_while_view(other);
    return *this;
  }
  drop_while_view& operator=(drop_while_view&& other) {
    if (this != &other) {
      base_ = std::move(other.base_);
      pred_ = std::move(other.pred_);
      begin_.reset();
    }
    return *this;
  }

  /// The first element for which the predicate is false. Over a forward range the result is
  /// cached (as std::views::drop_while does), so that size() or a second pass do not call the
  /// predicate again.
  std::ranges::iterator_t<V> begin() {
    if constexpr (std::ranges::forward_range<V>) {
      if (begin_) return *begin_;
    }
    auto it = std::ranges::begin(base_);
    const auto last = std::ranges::end(base_);
    while (it != last && static_cast<bool>(std::invoke(*pred_, *it))) ++it;
    if constexpr (std::ranges::forward_range<V>) begin_.emplace(it);
    return it;
  }
  std::ranges::sentinel_t<V> end() { return std::ranges::end(base_); }

 private:
  struct no_cache {};

  V base_;
  detail::box<Pred> pred_;
  [[no_unique_address]] std::conditional_t<std::ranges::forward_range<V>, std::optional<std::ranges::iterator_t<V>>,
                                           no_cache>
      begin_;
};

/// Python's `itertools.dropwhile(pred, iterable)` as a stage: skips elements while `pred` holds,
/// then yields every element, the first failing one included. Lazy; constant memory.
template <class Pred>
constexpr auto drop_while(Pred pred) {
  return stage{[pred = std::move(pred)]<std::ranges::viewable_range R>(R&& range) {
    return drop_while_view<std::views::all_t<R>, Pred>(std::views::all(std::forward<R>(range)), pred);
  }};
}

}  // namespace yieldpipe
