#pragma once
// The guide's stateful coroutines ("Advanced: Stateful Generator with Memory", "4. Coroutines",
// "Practical Example: Coroutine Communication") as reusable send-coroutines, with the guide's
// protocol call for call: prime with next(), send(v), and the value each call returns in Python.
//
// Read against the guide's usage comments: in Python each of these returns its result from
// `send(v)`; the `next()` that the guide calls after it resumes the coroutine to its next bare
// `yield`, which gives None. So `accumulator.send(10)` is 10.0 and the following `next(accumulator)`
// is None (the guide's comment says 10.0), `avg_gen.send(v)` is the moving average and
// `next(avg_gen)` None. These coroutines reproduce Python, not the comments; the pipe stages
// (moving_average, zscore_anomalies, running_stats) are the simpler way to stream a range.
//
// Differences, all in the state, not the protocol: the statistics are O(1) per value (the guide's
// are O(window)) and numerically stable (running_stats, rolling_window_stats); C++ has no None, so
// a bare `yield` yields an empty std::optional.

#include <array>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "yieldpipe/core/exceptions.hpp"
#include "yieldpipe/core/generator.hpp"
#include "yieldpipe/iter/rolling_stats.hpp"
#include "yieldpipe/iter/running_stats.hpp"
#include "yieldpipe/iter/zscore_anomalies.hpp"

namespace yieldpipe {

namespace detail {

inline generator<std::optional<double>, double> moving_average_body(rolling_window_stats data_window) {
  while (true) {
    // Receive new value
    const std::optional<double> new_value = co_yield std::nullopt;
    // Python appends the None and fails in sum().
    if (!new_value)
      throw std::invalid_argument(
          "moving_average_generator: next() where a value was expected (send(value) first); Python raises "
          "TypeError: unsupported operand type(s) for +: 'int' and 'NoneType'");
    data_window.push(*new_value);
    // Calculate and yield moving average
    co_yield data_window.mean();
  }
}

}  // namespace detail

/// The guide's `moving_average_generator(window_size=10)`: a coroutine that receives values and
/// yields the average of the last `window_size`.
///
/// Protocol (Python's, call for call): `next()` primes it (yields an empty optional, Python's
/// None); `send(v)` returns the average of the window with `v`; the following `next()` returns an
/// empty optional and readies it for the next `send`. A `send` in place of that `next()` is
/// swallowed (its value is dropped and it returns an empty optional), and a `next()` where a value
/// is expected throws `std::invalid_argument` (Python's TypeError) and closes the coroutine.
/// `send` before the priming `next()` throws `invalid_send`.
///
/// O(1) per value; memory: `window_size` doubles, allocated here. Throws `std::invalid_argument` at
/// once if `window_size` is 0 (Python would fail at the first average, dividing by zero).
inline generator<std::optional<double>, double> moving_average_generator(std::size_t window_size = 10) {
  return detail::moving_average_body(rolling_window_stats(window_size));
}

/// The guide's `data_accumulator()`: receives values and yields the average of all of them.
///
/// Protocol: `next()` primes it; `send(v)` returns the average so far, `v` included (10.0, then
/// 15.0 after `send(20)`); the following `next()` returns an empty optional. A `next()` where a
/// value is expected adds nothing and returns the current average (0 before any value); a `send`
/// where a `next()` is expected is dropped. O(1) memory (count and compensated sum).
inline generator<std::optional<double>, double> data_accumulator() {
  running_stats totals;
  while (true) {
    // Receive data
    const std::optional<double> value = co_yield std::nullopt;
    if (value) totals.push(*value);
    // Send back current average
    [[maybe_unused]] const std::optional<double> result = co_yield totals.mean();
  }
}

/// What `real_time_anomaly_detector` reports for a value: the guide's result dict.
struct anomaly_analysis {
  double value;
  double z_score;
  bool is_anomaly;
  double mean;
  double std_dev;
};

namespace detail {

// Built by a function: g++ 12 mishandles a braced aggregate temporary in a co_yield operand.
inline anomaly_analysis make_anomaly_analysis(double value, double z_score, double threshold,
                                              const rolling_window_stats& history) {
  return {value, z_score, z_score > threshold, history.mean(), history.stddev()};
}

inline generator<std::optional<anomaly_analysis>, double> anomaly_detector_body(double threshold,
                                                                                rolling_window_stats history) {
  while (true) {
    // Receive new data point
    const std::optional<double> new_value = co_yield std::nullopt;
    if (new_value) {
      history.push(*new_value);
      // Calculate z-score for anomaly detection (more than 10 values, std_dev > 0)
      if (const std::optional<double> z = zscore_of_newest(history, *new_value)) {
        [[maybe_unused]] const std::optional<double> anomaly_result =
            co_yield make_anomaly_analysis(*new_value, *z, threshold, history);
      }
    }
  }
}

}  // namespace detail

/// The guide's `real_time_anomaly_detector(threshold=2.0)`: receives values and reports the
/// z-score of each against the last `window` values (the guide's 100), the value included.
///
/// Protocol: `next()` primes it; `send(v)` returns the analysis of `v` — an empty optional (Python's
/// None) until more than 10 values are known or while their standard deviation is 0; the following
/// `next()` returns an empty optional (so the guide's `analysis = next(detector)` is always None:
/// read the result of `send`). `is_anomaly` is `z_score > threshold`. O(1) per value; memory:
/// `window` doubles, allocated here. Throws `std::invalid_argument` at once if `window` is below
/// 11 (nothing could be reported) or `threshold` is NaN.
inline generator<std::optional<anomaly_analysis>, double> real_time_anomaly_detector(double threshold = 2.0,
                                                                                     std::size_t window = 100) {
  detail::check_zscore_arguments("real_time_anomaly_detector", window, threshold);
  return detail::anomaly_detector_body(threshold, rolling_window_stats(window));
}

/// The guide's statistics dict of `data_processor`: `count`, `average` (0 before any value), the
/// last 5 values (`last_values()`, oldest first) and the status.
///
/// Unlike the guide's final dict, the completed statistics do not carry every value received
/// (`all_values`): the coroutine keeps O(1) memory. They carry the last 5, like the others.
struct processor_statistics {
  enum class state { processing, completed };

  std::size_t count = 0;
  double average = 0.0;
  state status = state::processing;
  std::array<double, 5> last{};  // last[0, last_size) are the last values, oldest first
  std::size_t last_size = 0;

  [[nodiscard]] std::span<const double> last_values() const noexcept { return {last.data(), last_size}; }
};

namespace detail {

// The last 5 values received, oldest first (the guide's `values[-5:]`).
class last_five {
 public:
  void push(double v) noexcept {
    if (size_ == values_.size()) {
      for (std::size_t i = 1; i < size_; ++i) values_[i - 1] = values_[i];
      values_[size_ - 1] = v;
    } else {
      values_[size_++] = v;
    }
  }
  [[nodiscard]] const std::array<double, 5>& values() const noexcept { return values_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  std::array<double, 5> values_{};
  std::size_t size_ = 0;
};

inline processor_statistics make_processor_statistics(const running_stats& totals, const last_five& recent,
                                                      processor_statistics::state status) {
  processor_statistics out;
  out.count = totals.count();
  out.average = totals.mean();
  out.status = status;
  out.last = recent.values();
  out.last_size = recent.size();
  return out;
}

}  // namespace detail

/// The guide's `data_processor()`: a coroutine that receives values and yields running statistics.
///
/// Protocol, Python's call for call: `next()` primes it (an empty optional); the first `send(v)`
/// is taken by the priming `result = yield None` and dropped, and returns the statistics of
/// nothing (count 0) — so after sending 10, 20, 30 the count is 2 and the average 25.0, as
/// Python prints for the guide's usage; each later `send(v)` returns the statistics with `v`; `next()` returns
/// them unchanged. `close()` throws `generator_ignored_exit` (Python's "RuntimeError: generator
/// ignored GeneratorExit": the guide yields its final dict while being closed) and leaves the
/// coroutine suspended; `throw_(generator_exit{})` returns that final `completed` statistics
/// (Python's `processor.throw(GeneratorExit)`), after which `next()` ends it. Destroying it is
/// always fine. O(1) memory (see processor_statistics).
inline generator<std::optional<processor_statistics>, double> data_processor() {
  running_stats totals;
  detail::last_five recent;

  // Initialize - first yield for priming
  [[maybe_unused]] const std::optional<double> result = co_yield std::nullopt;

  bool closing = false;
  try {
    while (true) {
      // Receive data
      const std::optional<double> data =
          co_yield detail::make_processor_statistics(totals, recent, processor_statistics::state::processing);
      if (data) {
        totals.push(*data);
        recent.push(*data);
      }
    }
  } catch (const generator_exit&) {
    closing = true;
  }
  // C++ forbids co_yield in a handler: the guide's `except GeneratorExit: yield {...}` yields here.
  if (closing) co_yield detail::make_processor_statistics(totals, recent, processor_statistics::state::completed);
}

}  // namespace yieldpipe
