#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "yieldpipe/iter/detail/moments.hpp"

namespace yieldpipe {

/// The mean and standard deviation of the last `window` values pushed (the window includes the
/// newest value), as the guide's `moving_average_generator` and `real_time_anomaly_detector` keep
/// them — in O(1) per value instead of the guide's O(window) `sum(window)` and `pop(0)`.
///
/// Memory: one buffer of `window` doubles, allocated by the constructor and never again. A copy is an
/// independent state (it copies the buffer).
///
/// Accuracy: values near 1e9 with a standard deviation near 1, over 10^7 pushes, give the mean and
/// the standard deviation of a two-pass computation over the same window to a relative 1e-9 or
/// better (tested). Two choices make that hold:
/// - the moments are kept relative to an anchor (one of the values), with a compensated sum, so a
///   large common offset costs no precision (see detail::anchored_moments);
/// - adding the new value and removing the oldest one updates the moments in O(1), but each update
///   rounds, and over millions of them the errors would add up. So a second set of moments is
///   built from scratch alongside, by additions only; after `window` pushes it holds exactly the
///   current window and replaces the first. The error is thus that of at most 2 * window updates,
///   whatever the length of the stream; the cost stays O(1) for every push (not amortised, unlike
///   a periodic recomputation over the buffer), and a window of identical values has a standard
///   deviation of exactly 0 once the refreshed moments cover it.
class rolling_window_stats {
 public:
  /// Throws `std::invalid_argument` if `window` is 0.
  explicit rolling_window_stats(std::size_t window) : ring_(checked(window)) {}

  /// Adds `x` to the window, dropping the oldest value once it holds `window` values. O(1).
  void push(double x) noexcept {
    if (size_ < ring_.size()) {
      ring_[next_] = x;
      ++size_;
      live_.add(x);
    } else {
      const double oldest = ring_[next_];
      ring_[next_] = x;
      live_.replace(oldest, x);
    }
    if (++next_ == ring_.size()) next_ = 0;
    fresh_.add(x);
    if (fresh_.count() == ring_.size()) {
      live_ = fresh_;
      fresh_.clear();
    }
  }

  /// Empties the window (the buffer is kept).
  void clear() noexcept {
    size_ = next_ = 0;
    live_.clear();
    fresh_.clear();
  }

  [[nodiscard]] std::size_t window() const noexcept { return ring_.size(); }
  /// The number of values in the window: the pushes so far, at most `window()`.
  [[nodiscard]] std::size_t count() const noexcept { return size_; }
  [[nodiscard]] bool full() const noexcept { return size_ == ring_.size(); }

  /// The sum and the mean of the window (Python's `sum(w)` and `sum(w) / len(w)`, bit for bit on
  /// integer data); 0 when empty.
  [[nodiscard]] double sum() const noexcept { return live_.sum(); }
  [[nodiscard]] double mean() const noexcept { return live_.mean(); }
  /// The population variance (divided by the count, as the guide does) and standard deviation; 0
  /// when empty.
  [[nodiscard]] double variance() const noexcept { return size_ == 0 ? 0.0 : live_.m2() / static_cast<double>(size_); }
  [[nodiscard]] double stddev() const noexcept { return std::sqrt(variance()); }
  /// The sample variance and standard deviation (divided by count - 1); NaN below 2 values.
  [[nodiscard]] double sample_variance() const noexcept {
    return size_ < 2 ? std::numeric_limits<double>::quiet_NaN() : live_.m2() / static_cast<double>(size_ - 1);
  }
  [[nodiscard]] double sample_stddev() const noexcept { return std::sqrt(sample_variance()); }

  /// The guide's z-score of `x` against the window: |x - mean| / stddev (the difference is taken
  /// before the mean is rounded, so it keeps its precision next to a large mean). Infinite or NaN
  /// when the standard deviation is 0: check `stddev() > 0` first, as the guide does.
  [[nodiscard]] double z_score(double x) const noexcept { return std::abs(live_.deviation(x)) / stddev(); }

 private:
  static std::size_t checked(std::size_t window) {
    if (window == 0) detail::throw_bad_window("rolling_window_stats", 1, window, "");
    return window;
  }

  std::vector<double> ring_;  // the window's values; ring_[next_] is the oldest once full
  std::size_t next_ = 0;
  std::size_t size_ = 0;
  detail::anchored_moments live_;   // the values in ring_
  detail::anchored_moments fresh_;  // the values pushed since live_ was last replaced
};

}  // namespace yieldpipe
