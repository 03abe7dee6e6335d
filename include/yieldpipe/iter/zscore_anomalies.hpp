#pragma once

#include <cmath>
#include <cstddef>
#include <functional>
#include <iterator>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/detail/moments.hpp"
#include "yieldpipe/iter/pipe.hpp"
#include "yieldpipe/iter/rolling_stats.hpp"

namespace yieldpipe {

/// An anomalous element found by `zscore_anomalies`: the element itself (the whole record when a
/// projection picked the number), its z-score, and the mean and population standard deviation of
/// the window it was measured against (the element included).
template <class T>
struct anomaly {
  T value;
  double z_score;
  double mean;
  double std_dev;
};

/// The guide's detector speaks only once its history holds more than 10 values.
inline constexpr std::size_t zscore_min_history = 11;

/// The guide's test, after `x` was pushed into `history`: the z-score of `x` if the history has more
/// than 10 values and a standard deviation above 0, nothing otherwise. What `zscore_anomalies` and
/// `yieldpipe anomalies` report.
inline std::optional<double> zscore_of_newest(const rolling_window_stats& history, double x) noexcept {
  if (history.count() < zscore_min_history || !(history.stddev() > 0.0)) return std::nullopt;
  return history.z_score(x);
}

namespace detail {

inline void check_zscore_arguments(const char* who, std::size_t window, double threshold) {
  if (window < zscore_min_history)
    throw_bad_window(who, zscore_min_history, window, " (a z-score is reported once more than 10 values are known)");
  if (std::isnan(threshold)) throw std::invalid_argument(std::string(who) + ": threshold is NaN");
}

}  // namespace detail

/// The view of `zscore_anomalies(window, threshold, proj)`: the elements whose z-score against the
/// last `window` numbers `proj(x)` (the element's included) exceeds `threshold`.
///
/// Memory: a buffer of `window` doubles allocated when the stage is applied to a range, plus the
/// current anomaly (a copy of its element). O(1) time per element; each element is read once.
template <std::ranges::input_range V, class Proj>
  requires std::ranges::view<V> && std::is_object_v<Proj> &&
           detail::numeric_projection<Proj, std::ranges::range_reference_t<V>> &&
           std::constructible_from<std::ranges::range_value_t<V>, std::ranges::range_reference_t<V>>
class zscore_anomalies_view : public std::ranges::view_interface<zscore_anomalies_view<V, Proj>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;
  using element = std::ranges::range_value_t<V>;

 public:
  class iterator
      : public detail::input_iterator_facade<iterator, anomaly<element>, std::ranges::range_difference_t<V>> {
   public:
    iterator() = default;
    iterator(zscore_anomalies_view* parent, base_iterator current, base_sentinel end)
        : parent_(parent), current_(std::move(current)), end_(std::move(end)) {
      find();
    }

    const anomaly<element>& operator*() const noexcept { return *found_; }
    iterator& operator++() {
      ++current_;
      find();
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.current_ == it.end_; }

   private:
    // Advances to the next anomaly (or the end), pushing every element passed into the window.
    void find() {
      rolling_window_stats& history = parent_->history_;
      for (; current_ != end_; ++current_) {
        decltype(auto) x = *current_;
        const double number = detail::project_number(*parent_->proj_, x);
        history.push(number);
        const std::optional<double> z = zscore_of_newest(history, number);
        if (z && *z > parent_->threshold_) {
          found_.emplace(make(std::forward<decltype(x)>(x), *z, history));
          return;
        }
      }
    }
    template <class Ref>
    static anomaly<element> make(Ref&& x, double z, const rolling_window_stats& history) {
      return anomaly<element>{element(std::forward<Ref>(x)), z, history.mean(), history.stddev()};
    }

    zscore_anomalies_view* parent_ = nullptr;
    base_iterator current_{};
    base_sentinel end_{};
    std::optional<anomaly<element>> found_;
  };

  /// Throws `std::invalid_argument` if `window` is below 11 or `threshold` is NaN.
  zscore_anomalies_view(V base, std::size_t window, double threshold, Proj proj)
      : base_(std::move(base)),
        history_((detail::check_zscore_arguments("zscore_anomalies", window, threshold), window)),
        threshold_(threshold),
        proj_(std::move(proj)) {}

  iterator begin() {
    history_.clear();
    return {this, std::ranges::begin(base_), std::ranges::end(base_)};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  rolling_window_stats history_;
  double threshold_;
  detail::box<Proj> proj_;
};

/// The guide's `real_time_anomaly_detector` as a stage: `range | zscore_anomalies(100, 2.5)` yields
/// the elements whose z-score |x - mean| / std_dev exceeds 2.5, mean and population standard
/// deviation taken over the last 100 values with the element included, as
/// `anomaly{value, z_score, mean, std_dev}`. As in the guide, nothing is reported until more than
/// 10 values are known, nor while the window's standard deviation is 0.
/// `zscore_anomalies(100, 2.5, &reading::value)` measures a member and yields the whole reading.
///
/// O(1) time per element, no allocation per element (the window, `window` doubles, is allocated
/// when the stage is applied to a range; an anomaly holds a copy of its element). An lvalue range
/// is borrowed (it must outlive the view), an rvalue one moved into it. Throws
/// `std::invalid_argument` at once if `window` is below 11 (nothing could ever be reported) or
/// `threshold` is NaN.
template <class Proj = std::identity>
auto zscore_anomalies(std::size_t window, double threshold, Proj proj = {}) {
  detail::check_zscore_arguments("zscore_anomalies", window, threshold);
  return stage{[window, threshold, proj = std::move(proj)]<std::ranges::viewable_range R>(R&& range) {
    return zscore_anomalies_view<std::views::all_t<R>, Proj>(std::views::all(std::forward<R>(range)), window, threshold,
                                                             proj);
  }};
}

}  // namespace yieldpipe
