#pragma once
// Python's itertools.takewhile.

#include <functional>
#include <iterator>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// The view of `take_while(pred)`: the elements of the base range up to (not including) the first
/// one for which `pred` is false. As in Python, that first failing element is consumed from the
/// base and lost: a borrowed generator goes on after it. The predicate runs once per element, as
/// the view advances. Constant memory.
template <std::ranges::input_range V, class Pred>
  requires std::ranges::view<V> && std::is_object_v<Pred> &&
           std::indirect_unary_predicate<const Pred, std::ranges::iterator_t<V>>
class take_while_view : public std::ranges::view_interface<take_while_view<V, Pred>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::ranges::range_value_t<V>,
                                                        std::ranges::range_difference_t<V>> {
   public:
    iterator() = default;
    iterator(const Pred* pred, base_iterator current, base_sentinel end)
        : pred_(pred), current_(std::move(current)), end_(std::move(end)) {
      check();
    }

    decltype(auto) operator*() const { return *current_; }
    iterator& operator++() {
      ++current_;
      check();
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    void check() { done_ = current_ == end_ || !static_cast<bool>(std::invoke(*pred_, *current_)); }

    const Pred* pred_ = nullptr;
    base_iterator current_{};
    base_sentinel end_{};
    bool done_ = true;
  };

  take_while_view()
    requires std::default_initializable<V> && std::default_initializable<Pred>
  = default;
  take_while_view(V base, Pred pred) : base_(std::move(base)), pred_(std::move(pred)) {}

  iterator begin() { return {&*pred_, std::ranges::begin(base_), std::ranges::end(base_)}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  detail::box<Pred> pred_;
};

/// Python's `itertools.takewhile(pred, iterable)` as a stage: the elements while `pred` holds.
/// Lazy; constant memory; the first element for which `pred` is false is pulled from the source
/// and lost (Python does the same). `pred` must be callable on a const reference to it.
template <class Pred>
constexpr auto take_while(Pred pred) {
  return stage{[pred = std::move(pred)]<std::ranges::viewable_range R>(R&& range) {
    return take_while_view<std::views::all_t<R>, Pred>(std::views::all(std::forward<R>(range)), pred);
  }};
}

}  // namespace yieldpipe
