// The guide's anomaly detector per key, and its counts per group.
#include <gtest/gtest.h>

#include <string>
#include <yieldpipe/query/keyed_anomalies.hpp>
#include <yieldpipe/query/memory_limit_error.hpp>

namespace {

using namespace yieldpipe;

TEST(keyed_anomalies, a_far_value_is_an_anomaly_once_eleven_values_are_known) {
  query::keyed_anomalies detector(20, 2.5, std::nullopt, "anomalies", "in.csv");
  rolling_window_stats& a = detector.window("a");
  for (int i = 0; i < 9; ++i) EXPECT_FALSE(detector.push(a, 10.0 + i % 2).z);
  EXPECT_FALSE(detector.push(a, 100.0).anomaly);  // the 10th value: too early
  for (int i = 0; i < 10; ++i) (void)detector.push(a, 10.0 + i % 2);
  const auto v = detector.push(a, 200.0);
  ASSERT_TRUE(v.z);
  EXPECT_TRUE(v.anomaly);
  EXPECT_EQ(v.window, &a);
  EXPECT_DOUBLE_EQ(*v.z, a.z_score(200.0));
}

TEST(keyed_anomalies, each_key_has_its_own_window) {
  query::keyed_anomalies detector(20, 2.5, std::nullopt, "anomalies", "in.csv");
  for (int i = 0; i < 15; ++i) (void)detector.push(detector.window("b"), 1000.0 + i % 5);
  for (int i = 0; i < 15; ++i) (void)detector.push(detector.window("a"), 10.0 + i % 3);
  EXPECT_TRUE(detector.push(detector.window("a"), 50.0).anomaly);
  EXPECT_FALSE(detector.push(detector.window("b"), 1002.0).anomaly);
  EXPECT_EQ(detector.windows().keys(), 2u);
}

TEST(keyed_anomalies, counts_rows_and_anomalies_per_group_sorted_by_text) {
  query::keyed_anomalies detector(20, 2.5, std::nullopt, "anomalies", "in.csv");
  detector.count_by("anomalies --by g");
  query::keyed_anomalies::count(detector.group("z"), true);
  query::keyed_anomalies::count(detector.group("a"), false);
  query::keyed_anomalies::count(detector.group("z"), false);
  const auto sorted = detector.sorted_groups();
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_EQ(sorted[0].first, "a");
  EXPECT_EQ(sorted[0].second.rows, 1u);
  EXPECT_EQ(sorted[1].first, "z");
  EXPECT_EQ(sorted[1].second.rows, 2u);
  EXPECT_EQ(sorted[1].second.anomalies, 1u);
}

TEST(keyed_anomalies, a_group_past_the_budget_with_the_windows_is_a_memory_limit_error) {
  const std::uint64_t window_bytes = 20 * sizeof(double) + query::keyed_windows::overhead_bytes;
  query::keyed_anomalies detector(20, 2.5, window_bytes + 100, "anomalies (the window)", "in.csv");
  detector.count_by("anomalies --by g");
  (void)detector.window("");
  (void)detector.group("a");  // about 60 bytes: fits
  try {
    (void)detector.group("b");
    FAIL() << "no memory_limit_error";
  } catch (const query::memory_limit_error& e) {
    EXPECT_NE(std::string(e.what()).find("exceeded by anomalies --by g: 2 groups need"), std::string::npos) << e.what();
  }
}

}  // namespace
