#pragma once

#include <cmath>
#include <cstddef>
#include <functional>
#include <iterator>
#include <limits>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/detail/moments.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// Count, sum, mean, variance, min and max of every value pushed so far, in O(1) memory and time
/// per value: Welford's algorithm on values taken relative to the first one, with a compensated
/// sum (see detail::anchored_moments), so a stream of values near 1e9 with a standard deviation
/// near 1 keeps a variance accurate to ~1e-12, where the textbook Σx² - (Σx)²/n loses every digit.
///
/// Two states over different parts of a stream combine with `merge` (Chan et al.), with the same
/// accuracy: per-thread states can be summed at the end.
///
/// Empty: `mean()`, `variance()` and `sum()` are 0 (the guide's `total / count if count > 0 else
/// 0`), `min()` and `max()` are NaN. A NaN value makes the sum, mean and variance NaN; min and max
/// skip it. On integer data (|sum| < 2^53) `sum()` is exact and `mean()` is Python's
/// `total / count` bit for bit.
///
/// As a pipe stage, a `running_stats` value continues from its state: `range | running_stats()`
/// yields the statistics after each element (a `const running_stats&` into the view, valid until
/// the iterator moves on; copy it to keep it). `running_stats::by(proj)` takes the number from
/// each element with a projection; the terminal `stats(proj)` returns the final statistics only.
class running_stats {
 public:
  running_stats() = default;

  /// Adds one value. O(1).
  void push(double x) noexcept {
    moments_.add(x);
    if (x < min_) min_ = x;
    if (x > max_) max_ = x;
  }

  /// Adds the values `other` has seen, as if they had been pushed here. O(1).
  running_stats& merge(const running_stats& other) noexcept {
    moments_.merge(other.moments_);
    if (other.min_ < min_) min_ = other.min_;
    if (other.max_ > max_) max_ = other.max_;
    return *this;
  }

  [[nodiscard]] std::size_t count() const noexcept { return moments_.count(); }
  [[nodiscard]] double sum() const noexcept { return moments_.sum(); }
  [[nodiscard]] double mean() const noexcept { return moments_.mean(); }
  /// Population variance and standard deviation (divided by the count).
  [[nodiscard]] double variance() const noexcept {
    return count() == 0 ? 0.0 : moments_.m2() / static_cast<double>(count());
  }
  [[nodiscard]] double stddev() const noexcept { return std::sqrt(variance()); }
  /// Sample variance and standard deviation (divided by count - 1); NaN below 2 values.
  [[nodiscard]] double sample_variance() const noexcept {
    return count() < 2 ? std::numeric_limits<double>::quiet_NaN() : moments_.m2() / static_cast<double>(count() - 1);
  }
  [[nodiscard]] double sample_stddev() const noexcept { return std::sqrt(sample_variance()); }
  [[nodiscard]] double min() const noexcept { return count() == 0 ? std::numeric_limits<double>::quiet_NaN() : min_; }
  [[nodiscard]] double max() const noexcept { return count() == 0 ? std::numeric_limits<double>::quiet_NaN() : max_; }

  /// The stage `range | running_stats::by(proj)`: the statistics of `proj(x)` after each element.
  template <class Proj>
  static auto by(Proj proj);

 private:
  detail::anchored_moments moments_;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// The view of `range | running_stats()`: for each element, the statistics of the numbers
/// `proj(x)` so far, the element's included. O(1) memory; reads each element once, when the
/// iterator reaches it.
template <std::ranges::input_range V, class Proj>
  requires std::ranges::view<V> && std::is_object_v<Proj> &&
           detail::numeric_projection<Proj, std::ranges::range_reference_t<V>>
class running_stats_view : public std::ranges::view_interface<running_stats_view<V, Proj>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, running_stats, std::ranges::range_difference_t<V>> {
   public:
    iterator() = default;
    iterator(running_stats_view* parent, base_iterator current, base_sentinel end)
        : parent_(parent), current_(std::move(current)), end_(std::move(end)) {
      arrive();
    }

    const running_stats& operator*() const noexcept { return parent_->stats_; }
    iterator& operator++() {
      ++current_;
      arrive();
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.current_ == it.end_; }

   private:
    void arrive() {
      if (current_ != end_) parent_->stats_.push(detail::project_number(*parent_->proj_, *current_));
    }

    running_stats_view* parent_ = nullptr;
    base_iterator current_{};
    base_sentinel end_{};
  };

  running_stats_view(V base, running_stats initial, Proj proj)
      : base_(std::move(base)), initial_(initial), stats_(initial), proj_(std::move(proj)) {}

  /// Starts from the initial statistics again (a range that can be iterated twice gives the same
  /// results twice).
  iterator begin() {
    stats_ = initial_;
    return {this, std::ranges::begin(base_), std::ranges::end(base_)};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  running_stats initial_;
  running_stats stats_;
  detail::box<Proj> proj_;
};

namespace detail {

template <class Proj>
auto running_stats_stage(running_stats initial, Proj proj) {
  return stage{[initial, proj = std::move(proj)]<std::ranges::viewable_range R>(R&& range) {
    return running_stats_view<std::views::all_t<R>, Proj>(std::views::all(std::forward<R>(range)), initial, proj);
  }};
}

}  // namespace detail

template <class Proj>
auto running_stats::by(Proj proj) {
  return detail::running_stats_stage(running_stats{}, std::move(proj));
}

/// `range | running_stats()`: the statistics after each element, continuing from the given state.
template <std::ranges::viewable_range R>
  requires std::ranges::input_range<R> &&
           detail::numeric_projection<std::identity, std::ranges::range_reference_t<std::views::all_t<R>>>
auto operator|(R&& range, const running_stats& initial) {
  return detail::running_stats_stage(initial, std::identity{})(std::forward<R>(range));
}

/// `stage | running_stats()` and `running_stats() | stage-or-terminal`: composed before a source.
template <class F>
auto operator|(stage<F> first, const running_stats& initial) {
  return std::move(first) | detail::running_stats_stage(initial, std::identity{});
}
template <class G>
auto operator|(const running_stats& initial, stage<G> second) {
  return detail::running_stats_stage(initial, std::identity{}) | std::move(second);
}
template <class G>
auto operator|(const running_stats& initial, terminal<G> last) {
  return detail::running_stats_stage(initial, std::identity{}) | std::move(last);
}

/// A terminal: the statistics of the numbers `proj(x)` of the whole range (Python's
/// `statistics.fmean` / `pvariance` / `min` / `max` in one pass). O(1) memory.
template <class Proj = std::identity>
auto stats(Proj proj = {}) {
  return terminal{[proj = std::move(proj)]<std::ranges::input_range R>(R&& range) {
    running_stats out;
    auto p = proj;
    for (auto&& v : range) out.push(detail::project_number(p, std::forward<decltype(v)>(v)));
    return out;
  }};
}

}  // namespace yieldpipe
