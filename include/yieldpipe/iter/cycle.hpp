#pragma once
// Python's itertools.cycle.

#include <cstddef>
#include <iterator>
#include <ranges>
#include <type_traits>
#include <utility>
#include <vector>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// The view of `cycle`: the base range's elements, then the same elements again, forever. The
/// first pass reads the base lazily and saves a copy of each element; later passes replay the
/// copies, so the base is read only once (a generator can be cycled). An empty base gives an
/// empty range. Memory: the whole base, O(size of the base), kept in the view. Elements are
/// `const T&` to the saved copies, valid until the iterator advances.
template <std::ranges::input_range V>
  requires std::ranges::view<V> && std::copy_constructible<std::ranges::range_value_t<V>>
class cycle_view : public std::ranges::view_interface<cycle_view<V>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using value = std::ranges::range_value_t<V>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, value> {
   public:
    iterator() = default;

    const value& operator*() const noexcept { return parent_->saved_[index_]; }
    iterator& operator++() {
      ++index_;
      if (first_pass_) {
        ++current_;
        if (current_ != std::ranges::end(parent_->base_)) {
          parent_->saved_.push_back(*current_);
          return *this;
        }
        first_pass_ = false;  // the base is never touched again
      }
      if (index_ == parent_->saved_.size()) index_ = 0;
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.parent_ == nullptr; }

   private:
    friend class cycle_view;
    iterator(cycle_view* parent, base_iterator current) : parent_(parent), current_(std::move(current)) {
      if (current_ == std::ranges::end(parent_->base_))
        parent_ = nullptr;  // an empty base: an empty cycle
      else
        parent_->saved_.push_back(*current_);
    }

    cycle_view* parent_ = nullptr;  // null at the end (only for an empty base)
    base_iterator current_{};
    std::size_t index_ = 0;
    bool first_pass_ = true;
  };

  cycle_view()
    requires std::default_initializable<V>
  = default;
  explicit cycle_view(V base) : base_(std::move(base)) {}

  /// Starts a new cycle over the base (for a generator, only once).
  iterator begin() {
    saved_.clear();
    return {this, std::ranges::begin(base_)};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  std::vector<value> saved_;
};

/// Python's `itertools.cycle(iterable)` as a stage: `range | cycle()` repeats the range's elements
/// forever (an empty range stays empty). Lazy; the base is read once, on the first pass.
/// Memory: a copy of every element of the base, O(size of the base) — do not cycle an endless
/// source. Pair it with `take`, `islice` or `zip` to bound it.
constexpr auto cycle() {
  return stage{[]<std::ranges::viewable_range R>(R&& range) {
    return cycle_view<std::views::all_t<R>>(std::views::all(std::forward<R>(range)));
  }};
}

/// `cycle(range)`: the same, as a source.
template <std::ranges::viewable_range R>
  requires std::ranges::input_range<R>
auto cycle(R&& range) {
  return cycle_view<std::views::all_t<R>>(std::views::all(std::forward<R>(range)));
}

}  // namespace yieldpipe
