// The guide, "8. Specialized Generator Patterns" › "Sliding Window Generator".
//
// The data: 30 hourly temperature readings (a rising trend plus noise), generated with a seeded
// xorshift64 whose raw output gives each value, so tests/examples/python/sliding_window.py, which
// runs the guide's code with the same generator, sees the same numbers. The guide's placeholders
// calculate_trend (the least-squares slope) and predict_next_value (the fitted line one step on)
// are written the same way in both, loop for loop, so the floating-point results agree exactly.
//
// The guide's sliding_window copies its deque into a new list for every window; `| sliding_window(n)`
// yields a std::span over one buffer allocated once, with no copy per step.
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

class xorshift {
 public:
  explicit xorshift(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

 private:
  std::uint64_t state_;
};

// The stream: readings in tenths of a degree, as a generator.
yieldpipe::generator<double> temperature_stream(int hours) {
  xorshift rng(2024);
  for (int i = 0; i < hours; ++i) co_yield (200 + 3 * i + rng.below(41) - 20) / 10.0;
}

double mean(std::span<const double> window) {
  double total = 0;
  for (double y : window) total += y;
  return total / static_cast<double>(window.size());
}

// The slope of the least-squares line through (0, w0), (1, w1), ...
double calculate_trend(std::span<const double> window) {
  const auto n = static_cast<double>(window.size());
  const double x_mean = (n - 1) / 2;
  const double y_mean = mean(window);
  double num = 0;
  double den = 0;
  for (std::size_t i = 0; i < window.size(); ++i) {
    const double dx = static_cast<double>(i) - x_mean;
    num += dx * (window[i] - y_mean);
    den += dx * dx;
  }
  return num / den;
}

// The fitted line's value at the next step.
double predict_next_value(std::span<const double> window) {
  const auto n = static_cast<double>(window.size());
  return mean(window) + calculate_trend(window) * (n - (n - 1) / 2);
}

struct analysis {
  std::vector<double> window;  // a copy: the span is valid only until the window slides
  double trend;
  double prediction;
};

// Time series analysis
template <class Stream>
auto analyze_time_series(Stream data_stream, long long window_size = 10) {
  return std::move(data_stream) | yieldpipe::sliding_window(window_size) |
         yieldpipe::map([](std::span<const double> window) {
           return analysis{{window.begin(), window.end()}, calculate_trend(window), predict_next_value(window)};
         });
}

}  // namespace

YIELDPIPE_EXAMPLE(240, sliding_window, "Sliding Window Generator") {
  std::puts("window, trend per hour, prediction for the next hour:");
  int i = 0;
  for (const analysis& a : analyze_time_series(temperature_stream(30))) {
    std::string values;
    for (double v : a.window) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%s%.1f", values.empty() ? "" : " ", v);
      values += buf;
    }
    std::printf("%2d [%s] trend %+.3f next %.2f\n", ++i, values.c_str(), a.trend, a.prediction);
  }

  // Moving statistics straight from the spans: no window is copied.
  std::puts("moving mean and range over 5 hours:");
  i = 0;
  for (std::span<const double> w : temperature_stream(12) | yieldpipe::sliding_window(5)) {
    double lo = w[0];
    double hi = w[0];
    for (double v : w) {
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    std::printf("%2d mean %.2f min %.1f max %.1f\n", ++i, mean(w), lo, hi);
  }
}
