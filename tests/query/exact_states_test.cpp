// count_distinct and percentiles: exact, and reporting their growth.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>
#include <yieldpipe/query/exact_states.hpp>

namespace {

using namespace yieldpipe;
using namespace yieldpipe::query;

double reference_percentile(std::vector<double> xs, double q) {
  std::sort(xs.begin(), xs.end());
  const long double rank = static_cast<long double>(q) / 100 * static_cast<long double>(xs.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const std::size_t hi = std::min(lo + 1, xs.size() - 1);
  return static_cast<double>(xs[lo] + (xs[hi] - xs[lo]) * (rank - static_cast<long double>(lo)));
}

std::vector<double> random_values(std::size_t n, double mean, double spread, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(mean, spread);
  std::vector<double> xs(n);
  for (double& x : xs) x = dist(rng);
  return xs;
}

TEST(aggregate_states, count_distinct_is_exact_and_reports_its_growth) {
  distinct_state d;
  EXPECT_EQ(d.add("x"), distinct_state::value_bytes("x"));
  EXPECT_EQ(d.add("x"), 0u);
  for (int i = 0; i < 10'000; ++i) d.add(std::to_string(i % 7'000));
  EXPECT_EQ(d.result(), 7'001u);
}

TEST(aggregate_states, percentiles_match_numpys_linear_interpolation) {
  for (const std::size_t n : {1u, 2u, 3u, 10u, 1001u, 50'000u}) {
    const std::vector<double> xs = random_values(n, 10, 3, static_cast<unsigned>(n));
    quantile_state q;
    std::size_t bytes = 0;
    for (double x : xs) bytes += q.add(x);
    EXPECT_EQ(bytes, q.values.capacity() * sizeof(double));
    for (const double p : {0.0, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 100.0})
      EXPECT_NEAR(*q.result(p), reference_percentile(xs, p), 1e-13 * std::abs(reference_percentile(xs, p)))
          << "n " << n << " p" << p;
  }
  quantile_state q;
  for (double x : {1.0, 2.0, 3.0, 4.0}) q.add(x);
  EXPECT_EQ(q.result(50), 2.5);
  EXPECT_EQ(q.result(0), 1.0);
  EXPECT_EQ(q.result(100), 4.0);
}

}  // namespace
