// running_stats: count, sum, mean, variance, min and max in O(1) per value; mergeable; as a stage.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/filter.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/running_stats.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

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

TEST(running_stats, an_empty_state_follows_the_guide_conventions) {
  const running_stats s;
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.sum(), 0.0);
  EXPECT_EQ(s.mean(), 0.0);  // the guide's `total / count if count > 0 else 0`
  EXPECT_EQ(s.variance(), 0.0);
  EXPECT_TRUE(std::isnan(s.sample_variance()));
  EXPECT_TRUE(std::isnan(s.min()));
  EXPECT_TRUE(std::isnan(s.max()));
}

TEST(running_stats, gives_the_exact_statistics_of_a_small_input) {
  running_stats s;
  for (double v : {2, 4, 4, 4, 5, 5, 7, 9}) s.push(v);
  EXPECT_EQ(s.count(), 8u);
  EXPECT_EQ(s.sum(), 40.0);
  EXPECT_EQ(s.mean(), 5.0);
  EXPECT_EQ(s.variance(), 4.0);
  EXPECT_EQ(s.stddev(), 2.0);
  EXPECT_DOUBLE_EQ(s.sample_variance(), 32.0 / 7.0);
  EXPECT_DOUBLE_EQ(s.sample_stddev(), std::sqrt(32.0 / 7.0));
  EXPECT_EQ(s.min(), 2.0);
  EXPECT_EQ(s.max(), 9.0);
}

TEST(running_stats, the_mean_of_integers_is_pythons_total_over_count_bit_for_bit) {
  running_stats s;
  long long total = 0;
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<long long> value(-1'000'000'000, 3'000'000'000);
  for (long long n = 1; n <= 10'000; ++n) {
    const long long v = value(rng);
    total += v;
    s.push(static_cast<double>(v));
    ASSERT_EQ(s.sum(), static_cast<double>(total));
    ASSERT_EQ(s.mean(), static_cast<double>(total) / static_cast<double>(n)) << n;
  }
}

TEST(running_stats, stays_accurate_on_values_near_1e9_with_a_small_variance) {
  running_stats s;
  std::vector<double> all;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (int i = 0; i < 2'000'000; ++i) {
    all.push_back(1e9 + noise(rng));
    s.push(all.back());
  }
  long double sum = 0;
  for (double v : all) sum += v;
  const long double mean = sum / static_cast<long double>(all.size());
  long double squares = 0;
  for (double v : all) squares += (v - mean) * (v - mean);
  const double variance = static_cast<double>(squares / static_cast<long double>(all.size()));
  EXPECT_NEAR(s.variance(), variance, 1e-10 * variance);
  EXPECT_NEAR(s.mean(), static_cast<double>(mean), 1e-15 * 1e9);
}

TEST(running_stats, merged_states_equal_one_pass_over_everything) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> noise(0.0, 2.0);
  running_stats whole;
  running_stats parts[3];
  const double levels[3] = {1e9, 1e9 + 10, 1e9 - 3};  // different means and anchors
  for (int part = 0; part < 3; ++part) {
    for (int i = 0; i < 100'000 * (part + 1); ++i) {
      const double x = levels[part] + noise(rng);
      whole.push(x);
      parts[part].push(x);
    }
  }
  running_stats merged;
  merged.merge(parts[0]).merge(parts[1]).merge(parts[2]);
  EXPECT_EQ(merged.count(), whole.count());
  EXPECT_NEAR(merged.variance(), whole.variance(), 1e-11 * whole.variance());
  EXPECT_NEAR(merged.mean(), whole.mean(), 1e-15 * whole.mean());
  EXPECT_EQ(merged.min(), whole.min());
  EXPECT_EQ(merged.max(), whole.max());
  EXPECT_NEAR(merged.sum(), whole.sum(), 1e-15 * whole.sum());
}

TEST(running_stats, merging_with_an_empty_state_changes_nothing) {
  running_stats a;
  for (double v : {1.0, 2.0, 6.0}) a.push(v);
  running_stats empty;
  running_stats b = a;
  b.merge(empty);
  EXPECT_EQ(b.count(), 3u);
  EXPECT_EQ(b.mean(), 3.0);
  EXPECT_EQ(b.variance(), a.variance());
  empty.merge(a);
  EXPECT_EQ(empty.mean(), 3.0);
  EXPECT_EQ(empty.min(), 1.0);
  EXPECT_EQ(empty.max(), 6.0);
}

TEST(running_stats, as_a_stage_yields_the_statistics_after_each_element) {
  std::vector<double> counts, means, maxes;
  for (const running_stats& s : std::vector<int>{3, 1, 4, 1, 5} | running_stats()) {
    counts.push_back(static_cast<double>(s.count()));
    means.push_back(s.mean());
    maxes.push_back(s.max());
  }
  EXPECT_EQ(counts, (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_EQ(means, (std::vector<double>{3, 2, 8.0 / 3.0, 2.25, 2.8}));
  EXPECT_EQ(maxes, (std::vector<double>{3, 3, 4, 4, 5}));
}

TEST(running_stats, as_a_stage_continues_from_a_given_state) {
  running_stats earlier;
  earlier.push(10);
  const auto snapshots = std::vector<double>{20, 30} | earlier | to_vector();
  ASSERT_EQ(snapshots.size(), 2u);
  EXPECT_EQ(snapshots[0].mean(), 15.0);
  EXPECT_EQ(snapshots[1].mean(), 20.0);
  EXPECT_EQ(earlier.count(), 1u);  // the stage worked on a copy
}

TEST(running_stats, as_a_stage_composes_before_a_source_and_takes_a_projection) {
  auto positive_stats = filter([](double x) { return x > 0; }) | running_stats();
  const auto snapshots = std::vector<double>{-1, 2, -3, 4} | positive_stats | to_vector();
  ASSERT_EQ(snapshots.size(), 2u);
  EXPECT_EQ(snapshots.back().mean(), 3.0);

  auto last_count = running_stats() | map([](const running_stats& s) { return s.count(); });
  EXPECT_EQ(range(5) | last_count | to_vector(), (std::vector<std::size_t>{1, 2, 3, 4, 5}));

  std::vector<reading> readings{{"a", 1.5}, {"b", 2.5}, {"a", 5.0}};
  const auto by_value = readings | running_stats::by(&reading::value) | to_vector();
  EXPECT_EQ(by_value.back().sum(), 9.0);
  EXPECT_EQ(by_value.back().min(), 1.5);
}

TEST(running_stats, the_stats_terminal_returns_the_final_statistics) {
  std::vector<reading> readings{{"a", 1}, {"b", 2}, {"c", 6}};
  const running_stats s = readings | stats(&reading::value);
  EXPECT_EQ(s.count(), 3u);
  EXPECT_EQ(s.mean(), 3.0);
  EXPECT_EQ((range(1, 5) | stats()).sum(), 10.0);
  auto mean_of_evens = filter([](int x) { return x % 2 == 0; }) | stats();
  EXPECT_EQ((range(10) | mean_of_evens).mean(), 4.0);
}

TEST(running_stats, the_stage_is_lazy_and_reads_each_element_once) {
  int pulled = 0;
  auto source = values_from({1, 2, 3, 4}, &pulled);
  auto view = source | running_stats();
  EXPECT_EQ(pulled, 0);
  auto it = view.begin();
  EXPECT_EQ(pulled, 1);
  EXPECT_EQ((*it).count(), 1u);
  EXPECT_EQ((*it).count(), 1u);  // reading twice pushes nothing more
  ++it;
  EXPECT_EQ(pulled, 2);
  EXPECT_EQ((*it).mean(), 1.5);
  // What is left in the source: the view took only two elements.
  EXPECT_EQ(source.next(), 3.0);
}

TEST(running_stats, the_stage_over_a_generator_rvalue_owns_it) {
  int pulled = 0;
  auto view = values_from({1, 2, 3}, &pulled) | running_stats();
  double last_mean = 0;
  for (const running_stats& s : view) last_mean = s.mean();
  EXPECT_EQ(last_mean, 2.0);
  EXPECT_EQ(pulled, 3);
}

}  // namespace
