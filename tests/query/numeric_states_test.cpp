// The constant-size aggregate states, each against a reference (exact sums, long double), and merging
// every state over two parts of the input.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>
#include <yieldpipe/query/exact_states.hpp>
#include <yieldpipe/query/numeric_states.hpp>
#include <yieldpipe/query/text_states.hpp>

namespace {

using namespace yieldpipe;
using namespace yieldpipe::query;

// The correctly rounded sum of `xs` (Shewchuk's exact partials, as Python's math.fsum).
double exact_sum(const std::vector<double>& xs) {
  std::vector<double> partials;
  for (double x : xs) {
    std::size_t i = 0;
    for (double y : partials) {
      if (std::abs(x) < std::abs(y)) std::swap(x, y);
      const double hi = x + y;
      const double lo = y - (hi - x);
      if (lo != 0) partials[i++] = lo;
      x = hi;
    }
    partials.resize(i);
    partials.push_back(x);
  }
  // Adding the partials from the largest, with the half-way correction of fsum.
  double hi = 0;
  if (!partials.empty()) {
    std::size_t n = partials.size();
    hi = partials[--n];
    double lo = 0;
    while (n > 0) {
      const double x = hi;
      const double y = partials[--n];
      hi = x + y;
      const double yr = hi - x;
      lo = y - yr;
      if (lo != 0) break;
    }
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      const double y = lo * 2;
      const double x = hi + y;
      if (y == x - hi) hi = x;
    }
  }
  return hi;
}

// Distance in units in the last place.

// numpy's "linear" percentile of a sorted copy.

std::vector<double> random_values(std::size_t n, double mean, double spread, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(mean, spread);
  std::vector<double> xs(n);
  for (double& x : xs) x = dist(rng);
  return xs;
}

// ---- sums ----

TEST(sum_state, ten_million_tenths_after_1e8_are_exact_where_a_plain_sum_drifts) {
  sum_state s;
  double naive = 1e8;
  s.add(1e8);
  for (int i = 0; i < 10'000'000; ++i) {
    s.add(0.1);
    naive += 0.1;
  }
  // The exact sum of the doubles is 101000000.0000000000555..., which rounds to 101000000.
  EXPECT_EQ(s.total(), 101000000.0);
  EXPECT_GT(std::abs(naive - 101000000.0), 0.01) << "the test would not show anything";
}

TEST(sum_state, random_sums_are_the_correctly_rounded_sum) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    std::vector<double> xs = random_values(200'000, 1000, 1e6, seed);
    xs.push_back(1e15);
    xs.push_back(-1e15);  // cancels: what is left must be the small values' sum
    sum_state s;
    for (double x : xs) s.add(x);
    EXPECT_EQ(*s.total(), exact_sum(xs)) << seed;
  }
}

TEST(sum_state, any_split_merged_in_order_gives_the_same_bits_as_one_state) {
  const std::vector<double> xs = random_values(100'000, 0.5, 3, 7);
  sum_state whole;
  variance_state whole_v;
  for (double x : xs) {
    whole.add(x);
    whole_v.add(x);
  }
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    // 1 to 8 contiguous pieces, cut at random: what --threads 1 to 8 makes of a file.
    const std::size_t pieces = 1 + rng() % 8;
    std::vector<std::size_t> cuts{0, xs.size()};
    for (std::size_t i = 1; i < pieces; ++i) cuts.push_back(rng() % xs.size());
    std::sort(cuts.begin(), cuts.end());
    sum_state merged;
    variance_state merged_v;
    for (std::size_t p = 0; p + 1 < cuts.size(); ++p) {
      sum_state piece;
      variance_state piece_v;
      for (std::size_t i = cuts[p]; i < cuts[p + 1]; ++i) {
        piece.add(xs[i]);
        piece_v.add(xs[i]);
      }
      merged.merge(piece);
      merged_v.merge(piece_v);
    }
    EXPECT_EQ(std::bit_cast<std::uint64_t>(*merged.total()), std::bit_cast<std::uint64_t>(*whole.total()));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(*merged.mean()), std::bit_cast<std::uint64_t>(*whole.mean()));
    for (bool sample : {true, false})
      EXPECT_EQ(std::bit_cast<std::uint64_t>(*merged_v.variance(sample)),
                std::bit_cast<std::uint64_t>(*whole_v.variance(sample)));
  }
}

// ---- each state against its reference ----

TEST(aggregate_states, count_sum_and_mean) {
  const std::vector<double> xs = random_values(50'000, 20, 5, 3);
  count_state c;
  sum_state s;
  for (double x : xs) {
    c.add();
    s.add(x);
  }
  EXPECT_EQ(c.result(), xs.size());
  EXPECT_EQ(*s.total(), exact_sum(xs));
  EXPECT_EQ(*s.mean(), exact_sum(xs) / static_cast<double>(xs.size()));
}

TEST(aggregate_states, no_value_gives_null_but_a_zero_count) {
  EXPECT_EQ(count_state{}.result(), 0u);
  EXPECT_FALSE(sum_state{}.total());
  EXPECT_FALSE(sum_state{}.mean());
  EXPECT_FALSE(min_state{}.result());
  EXPECT_FALSE(max_state{}.result());
  EXPECT_FALSE(variance_state{}.variance(true));
  EXPECT_FALSE(variance_state{}.variance(false));
  EXPECT_FALSE(first_state{}.result());
  EXPECT_FALSE(last_state{}.result());
  EXPECT_EQ(distinct_state{}.result(), 0u);
  EXPECT_FALSE(quantile_state{}.result(50));
}

TEST(aggregate_states, min_and_max) {
  const std::vector<double> xs = random_values(10'000, 0, 100, 4);
  min_state lo;
  max_state hi;
  for (double x : xs) {
    lo.add(x);
    hi.add(x);
  }
  EXPECT_EQ(*lo.result(), *std::min_element(xs.begin(), xs.end()));
  EXPECT_EQ(*hi.result(), *std::max_element(xs.begin(), xs.end()));
}

TEST(aggregate_states, variance_matches_a_two_pass_long_double_reference_even_far_from_zero) {
  for (const double mean : {0.0, 1e9}) {
    const std::vector<double> xs = random_values(100'000, mean, 2.5, 5);
    long double m = 0;
    for (double x : xs) m += x;
    m /= static_cast<long double>(xs.size());
    long double ss = 0;
    for (double x : xs) ss += (x - m) * (x - m);
    const auto n = static_cast<long double>(xs.size());
    variance_state v;
    for (double x : xs) v.add(x);
    EXPECT_NEAR(*v.variance(true), static_cast<double>(ss / (n - 1)), 1e-12 * static_cast<double>(ss / n)) << mean;
    EXPECT_NEAR(*v.variance(false), static_cast<double>(ss / n), 1e-12 * static_cast<double>(ss / n)) << mean;
    EXPECT_NEAR(*v.deviation(true), std::sqrt(static_cast<double>(ss / (n - 1))), 1e-12) << mean;
  }
}

TEST(aggregate_states, sample_variance_needs_two_values_population_one) {
  variance_state v;
  v.add(3);
  EXPECT_FALSE(v.variance(true));
  EXPECT_EQ(v.variance(false), 0.0);
  v.add(5);
  EXPECT_EQ(v.variance(true), 2.0);
  EXPECT_EQ(v.variance(false), 1.0);
  EXPECT_EQ(v.deviation(false), 1.0);
}

// ---- merging ----

TEST(aggregate_states, merging_the_states_of_two_parts_gives_the_state_of_the_whole) {
  const std::vector<double> xs = random_values(20'000, 50, 10, 9);
  const std::size_t cut = 7'777;
  sum_state s1, s2, s;
  variance_state v1, v2, v;
  min_state lo1, lo2;
  max_state hi1, hi2;
  quantile_state q1, q2, q;
  distinct_state d1, d2, d;
  first_state f1, f2;
  last_state l1, l2;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const bool left = i < cut;
    const std::string text = std::to_string(static_cast<int>(xs[i]));
    (left ? s1 : s2).add(xs[i]);
    (left ? v1 : v2).add(xs[i]);
    (left ? lo1 : lo2).add(xs[i]);
    (left ? hi1 : hi2).add(xs[i]);
    (left ? q1 : q2).add(xs[i]);
    (left ? d1 : d2).add(text);
    (left ? f1 : f2).add(text);
    (left ? l1 : l2).add(text);
    s.add(xs[i]);
    v.add(xs[i]);
    q.add(xs[i]);
    d.add(text);
  }
  s1.merge(s2);
  v1.merge(v2);
  lo1.merge(lo2);
  hi1.merge(hi2);
  q1.merge(q2);
  d1.merge(d2);
  f1.merge(f2);
  l1.merge(l2);
  EXPECT_EQ(s1.n, xs.size());
  EXPECT_EQ(*s1.total(), exact_sum(xs));
  EXPECT_EQ(*v1.variance(true), *v.variance(true));
  EXPECT_EQ(v1.moments.count(), xs.size());
  EXPECT_EQ(*lo1.result(), *std::min_element(xs.begin(), xs.end()));
  EXPECT_EQ(*hi1.result(), *std::max_element(xs.begin(), xs.end()));
  EXPECT_EQ(*q1.result(90), *q.result(90));
  EXPECT_EQ(d1.result(), d.result());
  EXPECT_EQ(*f1.result(), std::to_string(static_cast<int>(xs.front())));
  EXPECT_EQ(*l1.result(), std::to_string(static_cast<int>(xs.back())));
}

TEST(aggregate_states, merging_into_or_from_an_empty_state_keeps_the_other) {
  variance_state empty, v;
  v.add(1);
  v.add(3);
  variance_state a = empty;
  a.merge(v);
  EXPECT_EQ(a.variance(true), 2.0);
  v.merge(empty);
  EXPECT_EQ(v.variance(true), 2.0);
  first_state f, none;
  f.add("x");
  f.merge(none);
  EXPECT_EQ(f.result(), "x");
  none.merge(f);
  EXPECT_EQ(none.result(), "x");
}

}  // namespace
