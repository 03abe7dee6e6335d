// Per-key rolling windows: one window per key text, counted against a budget.
#include <gtest/gtest.h>

#include <string>
#include <yieldpipe/query/keyed_windows.hpp>

namespace {

using namespace yieldpipe;

TEST(keyed_windows, each_key_has_its_own_window_of_the_last_values) {
  query::keyed_windows windows(2, std::nullopt, "moving-average", "in.csv");
  for (double x : {1.0, 2.0, 3.0}) windows["a"].push(x);
  windows["b"].push(10.0);
  EXPECT_EQ(windows.keys(), 2u);
  EXPECT_DOUBLE_EQ(windows["a"].mean(), 2.5);  // the last two of a: 2 and 3
  EXPECT_DOUBLE_EQ(windows["b"].mean(), 10.0);
  EXPECT_EQ(windows.keys(), 2u);  // looking a key up again adds nothing
}

TEST(keyed_windows, memory_counts_the_values_and_the_overhead_of_each_key) {
  query::keyed_windows windows(100, std::nullopt, "anomalies", "in.csv");
  windows["short"];
  EXPECT_EQ(windows.bytes(), 100 * sizeof(double) + query::keyed_windows::overhead_bytes);
  const std::string long_key(40, 'k');  // longer than the string's inline buffer: its text counts
  windows[long_key];
  EXPECT_EQ(windows.bytes(), 2 * (100 * sizeof(double) + query::keyed_windows::overhead_bytes) + 41);
}

TEST(keyed_windows, a_key_past_the_budget_is_a_memory_limit_error_naming_the_operator) {
  const std::uint64_t one = 10 * sizeof(double) + query::keyed_windows::overhead_bytes;
  query::keyed_windows windows(10, 2 * one, "anomalies", "in.csv");
  windows["a"];
  windows["b"];
  try {
    windows["c"];
    FAIL() << "no memory_limit_error";
  } catch (const query::memory_limit_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("in.csv"), std::string::npos) << what;
    EXPECT_NE(what.find("anomalies: 3 windows of 10 values"), std::string::npos) << what;
  }
  EXPECT_EQ(windows.keys(), 2u);  // the failed key was not added
  windows["a"].push(1.0);         // and the known keys still work
}

}  // namespace
