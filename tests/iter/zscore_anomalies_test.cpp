// zscore_anomalies: the guide's real-time anomaly detector as a pipe stage.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <deque>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/terminals.hpp>
#include <yieldpipe/iter/zscore_anomalies.hpp>

#include "support/allocation_counter.hpp"

namespace {

using namespace yieldpipe;

generator<double> values_from(std::vector<double> values, int* pulled) {
  for (double v : values) {
    ++*pulled;
    co_yield v;
  }
}

struct reading {
  std::string sensor;
  double value;
};

// The data run through the guide's Python detector (threshold=2.5); it reports 30 with
// z_score 3.263649560033097, mean 11.666666666666666, std_dev 5.617433182117573.
const std::vector<double> guide_data{10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 10, 30, 10};

TEST(zscore_anomalies, finds_the_guides_anomaly_with_pythons_numbers) {
  const auto found = guide_data | zscore_anomalies(100, 2.5) | to_vector();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, 30.0);
  EXPECT_DOUBLE_EQ(found[0].z_score, 3.263649560033097);
  EXPECT_EQ(found[0].mean, 11.666666666666666);
  EXPECT_DOUBLE_EQ(found[0].std_dev, 5.617433182117573);
}

TEST(zscore_anomalies, says_nothing_until_more_than_ten_values_are_known) {
  std::vector<double> data{1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1000};  // the 1000 is the 11th
  EXPECT_EQ((data | zscore_anomalies(11, 2.0) | to_vector()).size(), 1u);
  data.pop_back();
  data.insert(data.begin() + 5, 1000);  // the 6th: not reported, though far out
  EXPECT_EQ((data | zscore_anomalies(11, 2.0) | to_vector()).size(), 0u);
}

TEST(zscore_anomalies, says_nothing_while_the_standard_deviation_is_zero) {
  const std::vector<double> flat(50, 7.0);
  EXPECT_TRUE((flat | zscore_anomalies(20, 0.0) | to_vector()).empty());
}

TEST(zscore_anomalies, rejects_a_window_that_could_never_report_and_a_nan_threshold) {
  try {
    (void)zscore_anomalies(10, 2.5);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "zscore_anomalies: window must be at least 11 (a z-score is reported once more than 10 values are "
              "known), got 10");
  }
  EXPECT_THROW((void)zscore_anomalies(0, 2.5), std::invalid_argument);
  EXPECT_THROW((void)zscore_anomalies(100, std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
}

TEST(zscore_anomalies, yields_the_whole_element_when_a_projection_picks_the_number) {
  std::vector<reading> readings;
  for (int i = 0; i < 20; ++i) readings.push_back({std::to_string(i), 100.0 + (i % 3)});
  readings.push_back({"spike", 500.0});
  const auto found = readings | zscore_anomalies(100, 3.0, &reading::value) | to_vector();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value.sensor, "spike");
  EXPECT_EQ(found[0].value.value, 500.0);
  EXPECT_GT(found[0].z_score, 3.0);
}

// Against the guide's algorithm written out (two passes over a deque of the last `window`
// values), on noisy data with spikes: the same anomalies, the same numbers.
TEST(zscore_anomalies, agrees_with_the_guides_two_pass_algorithm_over_a_rolling_window) {
  std::mt19937_64 rng(2024);
  std::normal_distribution<double> noise(1e9, 1.0);
  std::uniform_int_distribution<int> spike(0, 40);
  std::vector<double> data;
  for (int i = 0; i < 20'000; ++i) data.push_back(noise(rng) + (spike(rng) == 0 ? 6.0 : 0.0));

  constexpr std::size_t window = 100;
  constexpr double threshold = 2.5;
  struct expected {
    std::size_t index;
    double z;
    double mean;
    double std_dev;
  };
  std::vector<expected> reference;
  std::deque<double> history;
  for (std::size_t i = 0; i < data.size(); ++i) {
    history.push_back(data[i]);
    if (history.size() > window) history.pop_front();
    if (history.size() > 10) {
      long double sum = 0;
      for (double v : history) sum += v;
      const long double mean = sum / static_cast<long double>(history.size());
      long double squares = 0;
      for (double v : history) squares += (v - mean) * (v - mean);
      const long double std_dev = std::sqrt(squares / static_cast<long double>(history.size()));
      const long double z = std::abs(data[i] - mean) / std_dev;
      // Values right at the threshold could go either way by rounding: keep the test decisive.
      ASSERT_GT(std::abs(z - threshold), 1e-9L);
      if (z > threshold)
        reference.push_back({i, static_cast<double>(z), static_cast<double>(mean), static_cast<double>(std_dev)});
    }
  }
  ASSERT_GT(reference.size(), 100u);

  std::size_t k = 0;
  for (const auto& a : data | zscore_anomalies(window, threshold)) {
    ASSERT_LT(k, reference.size());
    EXPECT_EQ(a.value, data[reference[k].index]);
    EXPECT_NEAR(a.z_score, reference[k].z, 1e-9 * reference[k].z);
    EXPECT_NEAR(a.mean, reference[k].mean, 2.5e-7);
    EXPECT_NEAR(a.std_dev, reference[k].std_dev, 1e-9 * reference[k].std_dev);
    ++k;
  }
  EXPECT_EQ(k, reference.size());
}

TEST(zscore_anomalies, reads_only_up_to_the_anomaly_it_yields) {
  int pulled = 0;
  auto source = values_from(guide_data, &pulled);
  auto found = source | zscore_anomalies(100, 2.5);
  EXPECT_EQ(pulled, 0);
  auto it = found.begin();
  EXPECT_EQ((*it).value, 30.0);
  EXPECT_EQ(pulled, 12);
  EXPECT_EQ(source.next(), 10.0);  // the 13th is still in the source
}

TEST(zscore_anomalies, allocates_the_window_once_whatever_the_length) {
  std::vector<double> data(100'000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = (i % 1000 == 999) ? 50.0 : static_cast<double>(i % 7);
  auto stage = zscore_anomalies(100, 3.0);
  const std::size_t before = test::allocations;
  std::size_t n = 0;
  for (const auto& a : data | stage) n += a.z_score > 3.0;
  EXPECT_EQ(test::allocations - before, 1u);
  EXPECT_EQ(n, 100u);
}

TEST(zscore_anomalies, works_after_other_stages_on_computed_values) {
  auto doubled = guide_data | map([](double x) { return x * 2; });
  const auto found = doubled | zscore_anomalies(100, 2.5) | to_vector();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, 60.0);
  EXPECT_DOUBLE_EQ(found[0].z_score, 3.263649560033097);  // a z-score does not change with scale
}

}  // namespace
