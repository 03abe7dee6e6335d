#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/detail/moments.hpp"
#include "yieldpipe/iter/pipe.hpp"
#include "yieldpipe/iter/rolling_stats.hpp"

namespace yieldpipe {

/// The view of `moving_average(window, proj)`: after each element, the mean of the numbers
/// `proj(x)` of the last `window` elements, the element's included (fewer at the start) — the
/// guide's `moving_average_generator` as a stage.
///
/// Memory: a buffer of `window` doubles, allocated when the stage is applied to a range, reused by
/// every `begin()`; O(1) time per element. Each element is read once, when the iterator reaches it.
template <std::ranges::input_range V, class Proj>
  requires std::ranges::view<V> && std::is_object_v<Proj> &&
           detail::numeric_projection<Proj, std::ranges::range_reference_t<V>>
class moving_average_view : public std::ranges::view_interface<moving_average_view<V, Proj>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, double, std::ranges::range_difference_t<V>> {
   public:
    iterator() = default;
    iterator(moving_average_view* parent, base_iterator current, base_sentinel end)
        : parent_(parent), current_(std::move(current)), end_(std::move(end)) {
      arrive();
    }

    double operator*() const noexcept { return average_; }
    iterator& operator++() {
      ++current_;
      arrive();
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.current_ == it.end_; }

   private:
    void arrive() {
      if (current_ == end_) return;
      parent_->window_.push(detail::project_number(*parent_->proj_, *current_));
      average_ = parent_->window_.mean();
    }

    moving_average_view* parent_ = nullptr;
    base_iterator current_{};
    base_sentinel end_{};
    double average_ = 0.0;
  };

  /// Throws `std::invalid_argument` if `window` is 0.
  moving_average_view(V base, std::size_t window, Proj proj)
      : base_(std::move(base)), window_(window), proj_(std::move(proj)) {}

  iterator begin() {
    window_.clear();
    return {this, std::ranges::begin(base_), std::ranges::end(base_)};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  rolling_window_stats window_;
  detail::box<Proj> proj_;
};

/// The guide's moving average as a stage: `range | moving_average(10)` yields, after each element,
/// the mean of the last 10 values (of fewer at the start), as `sum(window) / len(window)` would;
/// `moving_average(10, &reading::value)` averages a member (any projection giving a number).
///
/// O(1) time per element and no allocation per element: the window (`window` doubles) is allocated
/// once, when the stage is applied to a range. Accurate on large values with small variations
/// (see rolling_window_stats); bit for bit Python's on integer data. An lvalue range is borrowed
/// (it must outlive the view), an rvalue one moved into it. Throws `std::invalid_argument` at once
/// if `window` is 0.
template <class Proj = std::identity>
auto moving_average(std::size_t window, Proj proj = {}) {
  if (window == 0) detail::throw_bad_window("moving_average", 1, window, "");
  return stage{[window, proj = std::move(proj)]<std::ranges::viewable_range R>(R&& range) {
    return moving_average_view<std::views::all_t<R>, Proj>(std::views::all(std::forward<R>(range)), window, proj);
  }};
}

}  // namespace yieldpipe
