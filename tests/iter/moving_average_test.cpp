// moving_average: the guide's moving average as a pipe stage.
#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/filter.hpp>
#include <yieldpipe/iter/moving_average.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/allocation_counter.hpp"

namespace {

using namespace yieldpipe;

generator<int> count_to(int n, int* pulled) {
  for (int i = 1; i <= n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

struct reading {
  std::string sensor;
  double value;
};

TEST(moving_average, yields_the_average_of_the_window_after_each_value) {
  // Python: avg_gen.send(v) for 1, 2, 3, 4, 10 with window_size=3.
  EXPECT_EQ(std::vector<int>({1, 2, 3, 4, 10}) | moving_average(3) | to_vector(),
            (std::vector<double>{1.0, 1.5, 2.0, 3.0, 5.666666666666667}));
  EXPECT_EQ(range(4) | moving_average(1) | to_vector(), (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(std::vector<double>{} | moving_average(3) | to_vector(), std::vector<double>{});
}

TEST(moving_average, a_window_of_zero_is_rejected_at_once) {
  try {
    (void)moving_average(0);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "moving_average: window must be at least 1, got 0");
  }
}

TEST(moving_average, averages_a_member_through_a_projection) {
  const std::vector<reading> readings{{"a", 10}, {"b", 20}, {"a", 60}};
  EXPECT_EQ(readings | moving_average(2, &reading::value) | to_vector(), (std::vector<double>{10, 15, 40}));
  EXPECT_EQ(readings | moving_average(5, [](const reading& r) { return r.value * 2; }) | to_vector(),
            (std::vector<double>{20, 30, 60}));
}

TEST(moving_average, composes_before_a_source_and_restarts_on_a_new_begin) {
  auto smooth_evens = filter([](int x) { return x % 2 == 0; }) | moving_average(2);
  EXPECT_EQ(range(10) | smooth_evens | to_vector(), (std::vector<double>{0, 1, 3, 5, 7}));
  std::vector<int> v{1, 3};
  auto view = v | moving_average(2);
  EXPECT_EQ(view | to_vector(), (std::vector<double>{1, 2}));
  EXPECT_EQ(view | to_vector(), (std::vector<double>{1, 2}));  // the window is cleared by begin()
}

TEST(moving_average, is_lazy_and_reads_each_element_once) {
  int pulled = 0;
  auto source = count_to(100, &pulled);
  auto averages = source | moving_average(4);
  EXPECT_EQ(pulled, 0);
  auto it = averages.begin();
  EXPECT_EQ(*it, 1.0);
  EXPECT_EQ(*it, 1.0);
  ++it;
  EXPECT_EQ(*it, 1.5);
  EXPECT_EQ(pulled, 2);
  EXPECT_EQ(source.next(), 3);  // nothing more was taken from the source
}

TEST(moving_average, allocates_the_window_once_whatever_the_length) {
  std::vector<double> data(200'000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<double>(i % 97);
  auto stage = moving_average(50);
  const std::size_t before = test::allocations;
  double last = 0;
  for (double avg : data | stage) last = avg;
  EXPECT_EQ(test::allocations - before, 1u);  // the window's buffer
  EXPECT_GT(last, 0.0);
}

TEST(moving_average, stays_accurate_on_values_near_1e9) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> noise(1e9, 1.0);
  std::vector<double> data(100'000);
  for (double& v : data) v = noise(rng);
  std::size_t i = 0;
  for (double avg : data | moving_average(100)) {
    if (i >= 99 && i % 101 == 0) {
      long double sum = 0;
      for (std::size_t j = i - 99; j <= i; ++j) sum += data[j];
      ASSERT_NEAR(avg, static_cast<double>(sum / 100), 2.5e-7) << i;  // within two ulps of 1e9
    }
    ++i;
  }
}

}  // namespace
