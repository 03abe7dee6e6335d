// rolling_window_stats: the window's mean and standard deviation in O(1) per value.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/iter/rolling_stats.hpp>

#include "support/allocation_counter.hpp"

namespace {

using yieldpipe::rolling_window_stats;

// Two passes in long double over the window: the reference the guide's code computes.
struct two_pass {
  long double mean;
  long double stddev;
};
two_pass reference(const std::vector<double>& window) {
  long double sum = 0;
  for (double v : window) sum += v;
  const long double mean = sum / static_cast<long double>(window.size());
  long double squares = 0;
  for (double v : window) squares += (v - mean) * (v - mean);
  return {mean, std::sqrt(squares / static_cast<long double>(window.size()))};
}

TEST(rolling_window_stats, a_window_of_zero_is_rejected_with_a_clear_message) {
  try {
    rolling_window_stats s(0);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "rolling_window_stats: window must be at least 1, got 0");
  }
}

TEST(rolling_window_stats, the_window_includes_the_newest_value_and_drops_the_oldest) {
  rolling_window_stats s(3);
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.mean(), 0.0);
  EXPECT_EQ(s.stddev(), 0.0);
  const std::vector<double> means{1.0, 1.5, 2.0, 3.0, 17.0 / 3.0};
  const std::vector<double> values{1, 2, 3, 4, 10};
  for (std::size_t i = 0; i < values.size(); ++i) {
    s.push(values[i]);
    EXPECT_EQ(s.mean(), means[i]) << i;  // bit for bit Python's sum(w) / len(w) on integers
  }
  EXPECT_TRUE(s.full());
  EXPECT_EQ(s.count(), 3u);
  EXPECT_EQ(s.window(), 3u);
  EXPECT_EQ(s.sum(), 17.0);
  // Window {3, 4, 10}: mean 17/3, population variance 86/9, sample variance 43/3.
  EXPECT_DOUBLE_EQ(s.variance(), 86.0 / 9.0);
  EXPECT_DOUBLE_EQ(s.stddev(), std::sqrt(86.0 / 9.0));
  EXPECT_DOUBLE_EQ(s.sample_variance(), 43.0 / 3.0);
  EXPECT_DOUBLE_EQ(s.z_score(10), (10 - 17.0 / 3.0) / std::sqrt(86.0 / 9.0));
}

TEST(rolling_window_stats, sample_variance_needs_two_values) {
  rolling_window_stats s(4);
  s.push(5);
  EXPECT_TRUE(std::isnan(s.sample_variance()));
  EXPECT_EQ(s.variance(), 0.0);
  s.push(7);
  EXPECT_DOUBLE_EQ(s.sample_variance(), 2.0);
}

TEST(rolling_window_stats, a_window_of_one_is_the_last_value) {
  rolling_window_stats s(1);
  for (double v : {3.5, -2.0, 1e9}) {
    s.push(v);
    EXPECT_EQ(s.mean(), v);
    EXPECT_EQ(s.stddev(), 0.0);
  }
}

TEST(rolling_window_stats, clear_empties_the_window) {
  rolling_window_stats s(2);
  s.push(1);
  s.push(2);
  s.clear();
  EXPECT_EQ(s.count(), 0u);
  s.push(10);
  EXPECT_EQ(s.mean(), 10.0);
}

TEST(rolling_window_stats, a_copy_is_an_independent_state) {
  rolling_window_stats a(2);
  a.push(1);
  rolling_window_stats b = a;
  b.push(3);
  EXPECT_EQ(a.mean(), 1.0);
  EXPECT_EQ(b.mean(), 2.0);
}

// The accuracy bar: 10^7 values near 1e9 with a variance ~1, against two passes over the
// same window, relative error below 1e-9 on the standard deviation.
TEST(rolling_window_stats, stays_accurate_over_ten_million_values_near_1e9) {
  for (const std::size_t window : {std::size_t{100}, std::size_t{1000}}) {
    rolling_window_stats s(window);
    std::vector<double> ring(window);
    std::mt19937_64 rng(42);
    std::normal_distribution<double> noise(0.0, 1.0);
    constexpr std::size_t pushes = 10'000'000;
    double worst_std = 0;
    double worst_mean = 0;
    for (std::size_t i = 0; i < pushes; ++i) {
      const double x = 1e9 + noise(rng);
      ring[i % window] = x;
      s.push(x);
      if (i >= window && (i % 9973 == 0 || i == pushes - 1)) {
        const two_pass ref = reference(ring);
        worst_std = std::max(worst_std, static_cast<double>(std::abs((s.stddev() - ref.stddev) / ref.stddev)));
        worst_mean = std::max(worst_mean, static_cast<double>(std::abs((s.mean() - ref.mean) / ref.mean)));
      }
    }
    EXPECT_LT(worst_std, 1e-9) << "window " << window;
    EXPECT_LT(worst_mean, 1e-15) << "window " << window;
  }
}

// The naive running Σx and Σx² would give garbage here (the variance is 1e-18 of x²).
TEST(rolling_window_stats, a_level_shift_is_followed_exactly) {
  rolling_window_stats s(50);
  std::vector<double> ring(50);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 1e-3);
  for (std::size_t i = 0; i < 5000; ++i) {
    const double level = i < 2500 ? 1e-3 : 5e9;  // a jump of 12 orders of magnitude
    const double x = level + noise(rng);
    ring[i % 50] = x;
    s.push(x);
    if (i > 2500 + 100) {
      const two_pass ref = reference(ring);
      ASSERT_NEAR(s.stddev(), static_cast<double>(ref.stddev), 1e-9 * static_cast<double>(ref.stddev)) << i;
    }
  }
}

TEST(rolling_window_stats, a_window_of_identical_values_has_a_standard_deviation_of_exactly_zero) {
  rolling_window_stats s(10);
  std::mt19937_64 rng(1);
  std::normal_distribution<double> noise(1e9, 3.0);
  for (int i = 0; i < 1000; ++i) s.push(noise(rng));
  for (int i = 0; i < 20; ++i) s.push(1e9 + 0.25);  // two windows: the refreshed moments cover it
  EXPECT_EQ(s.stddev(), 0.0);
  EXPECT_EQ(s.mean(), 1e9 + 0.25);
}

TEST(rolling_window_stats, allocates_its_buffer_once_and_never_again) {
  const std::size_t before = yieldpipe::test::allocations;
  rolling_window_stats s(64);
  EXPECT_EQ(yieldpipe::test::allocations - before, 1u);
  for (int i = 0; i < 100'000; ++i) s.push(i * 0.5);
  s.clear();
  for (int i = 0; i < 1000; ++i) s.push(i);
  EXPECT_EQ(yieldpipe::test::allocations - before, 1u);
  EXPECT_EQ(s.window(), 64u);
}

}  // namespace
