// reproducible_moments: the same bits for any order and any split merged in any order; the variance against
// values computed exactly with python3's fractions.Fraction and against a shifted two-pass long double reference,
// far from zero (1e9 ± 2, 1e15 ± 2) and around it; counts below the minimum and special values.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>
#include <yieldpipe/query/reproducible_moments.hpp>

namespace {

using yieldpipe::query::reproducible_moments;

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

// How many doubles lie between a and b (0: equal).
std::uint64_t ulps(double a, double b) {
  const auto key = [](double x) {
    const auto u = std::bit_cast<std::int64_t>(x);
    return u < 0 ? std::numeric_limits<std::int64_t>::min() - u : u;
  };
  const std::int64_t d = key(a) - key(b);
  return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

// Σxs / n to ~2^-64: Shewchuk's exact partials of the sum (non-overlapping, increasing), added up from the
// smallest in long double.
long double reference_mean(const std::vector<double>& xs) {
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
  long double sum = 0;
  for (double p : partials) sum += p;
  return sum / static_cast<long double>(xs.size());
}

reproducible_moments moments_of(const std::vector<double>& xs) {
  reproducible_moments m;
  for (double x : xs) m.add(x);
  return m;
}

// Every result of a state, as bits (NaN for null), to compare two states' results in one assertion.
std::vector<std::uint64_t> results(const reproducible_moments& m) {
  const auto b = [](std::optional<double> v) { return bits(v.value_or(std::numeric_limits<double>::quiet_NaN())); };
  return {m.count(),
          b(m.total()),
          b(m.mean()),
          b(m.variance(true)),
          b(m.variance(false)),
          b(m.deviation(true)),
          b(m.deviation(false))};
}

std::vector<double> uniform_values(std::size_t n, double mean, double half_width, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> spread(-half_width, half_width);
  std::vector<double> xs(n);
  for (double& x : xs) x = mean + spread(random);
  return xs;
}

// The data of the Fraction values below: x_i = mean + ((i × 7919) mod 1000) / 250 - 2, evaluated in the same
// order of IEEE operations as in python3 (so the same doubles).
std::vector<double> formula_values(std::size_t n, double mean) {
  std::vector<double> xs(n);
  for (std::size_t i = 0; i < n; ++i) xs[i] = mean + static_cast<double>((i * 7919) % 1000) / 250.0 - 2.0;
  return xs;
}

// ---- the same bits whatever the order and the split ----

TEST(reproducible_moments, every_result_has_the_same_bits_for_any_order_and_any_split_merged_in_any_order) {
  std::mt19937_64 random(31);
  std::vector<std::vector<double>> sets{uniform_values(3000, 1e9, 2, 1), uniform_values(3000, 0, 1, 2),
                                        uniform_values(3000, 1e15, 2, 3)};
  std::vector<double> wide = uniform_values(3000, 0, 1e6, 4);
  for (std::size_t i = 0; i < wide.size(); i += 3) wide[i] *= 1e-120;
  sets.push_back(wide);
  for (std::vector<double> xs : sets) {
    const std::vector<std::uint64_t> expected = results(moments_of(xs));
    for (int trial = 0; trial < 1000; ++trial) {
      if (trial % 2 == 1) std::shuffle(xs.begin(), xs.end(), random);
      // 1 to 16 contiguous pieces...
      const std::size_t pieces = 1 + random() % 16;
      std::vector<std::size_t> cuts{0, xs.size()};
      for (std::size_t i = 1; i < pieces; ++i) cuts.push_back(random() % (xs.size() + 1));
      std::sort(cuts.begin(), cuts.end());
      std::vector<reproducible_moments> states(cuts.size() - 1);
      for (std::size_t p = 0; p + 1 < cuts.size(); ++p)
        for (std::size_t i = cuts[p]; i < cuts[p + 1]; ++i) states[p].add(xs[i]);
      // ...merged in file order (even trials) or in a random order (odd ones).
      if (trial % 2 == 1) std::shuffle(states.begin(), states.end(), random);
      reproducible_moments total;
      for (const reproducible_moments& s : states) total.merge(s);
      ASSERT_EQ(results(total), expected) << "trial " << trial << ", " << states.size() << " pieces";
    }
  }
}

// ---- accuracy ----

TEST(reproducible_moments, variance_and_mean_match_exact_fractions_far_from_zero_and_around_it) {
  // python3: S = sum(map(Fraction, xs)); mu = S / n; ss = sum((Fraction(x) - mu) ** 2 for x in xs);
  // float(ss / (n - 1)), float(ss / n), float(mu).
  struct expected {
    double mean_of_data, sample, population, mean;
  };
  for (const expected& e : {expected{1e9, 1.3333453337508852, 1.3333320002975475, 999999999.998},
                            expected{0.0, 1.3333453334533345, 1.333332, -0.002000000000000001},
                            expected{1e15, 1.335759357593576, 1.335746, 1e15}}) {
    const reproducible_moments m = moments_of(formula_values(100'000, e.mean_of_data));
    EXPECT_LE(ulps(*m.variance(true), e.sample), 1u) << e.mean_of_data << ": " << *m.variance(true);
    EXPECT_LE(ulps(*m.variance(false), e.population), 1u) << e.mean_of_data << ": " << *m.variance(false);
    EXPECT_LE(ulps(*m.mean(), e.mean), 1u) << e.mean_of_data << ": " << *m.mean();
  }
}

TEST(reproducible_moments, variance_matches_a_two_pass_long_double_reference_on_random_data) {
  for (const double mean : {0.0, 1e9, -3e12})
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      const std::vector<double> xs = uniform_values(100'000, mean, 2, seed);
      // Two passes over the deviations from the first value (exact in double: Sterbenz), in long double.
      long double mu = 0;
      for (double x : xs) mu += x - xs[0];
      mu /= static_cast<long double>(xs.size());
      long double ss = 0;
      for (double x : xs) ss += ((x - xs[0]) - mu) * ((x - xs[0]) - mu);
      const auto n = static_cast<long double>(xs.size());
      const reproducible_moments m = moments_of(xs);
      const auto sample = static_cast<double>(ss / (n - 1));
      EXPECT_NEAR(*m.variance(true), sample, 1e-13 * sample) << mean << " seed " << seed;
      EXPECT_NEAR(*m.variance(false), static_cast<double>(ss / n), 1e-13 * sample) << mean << " seed " << seed;
      EXPECT_NEAR(*m.deviation(true), std::sqrt(sample), 1e-13) << mean << " seed " << seed;
      EXPECT_LE(ulps(*m.mean(), static_cast<double>(reference_mean(xs))), 1u) << mean << " seed " << seed;
    }
}

TEST(reproducible_moments, a_constant_column_has_exactly_zero_variance_even_far_from_zero) {
  for (const double c : {1e9 + 0.1, -7.25, 1e15 + 0.125, 3e-300}) {
    reproducible_moments m;
    for (int i = 0; i < 100'000; ++i) m.add(c);
    EXPECT_EQ(m.variance(true), 0.0) << c;
    EXPECT_EQ(m.variance(false), 0.0) << c;
    EXPECT_EQ(m.mean(), c) << c;
  }
}

TEST(reproducible_moments, the_mean_of_values_whose_sum_overflows_is_still_finite) {
  const reproducible_moments m = moments_of({1e308, 1e308, 1e308});
  EXPECT_EQ(m.total(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(m.mean(), 1e308);
  EXPECT_TRUE(std::isnan(*m.variance(true)));  // 1e308² overflows: out of the method's range
}

TEST(reproducible_moments, a_variance_whose_sum_of_squares_is_beyond_the_double_range_is_still_right) {
  // Σx² = 4.04e308 > DBL_MAX; the values come from python3's Fraction, as above.
  const reproducible_moments m = moments_of({0.9e154, 1.1e154, 0.9e154, 1.1e154});
  EXPECT_LE(ulps(*m.variance(true), 1.3333333333333338e306), 1u) << *m.variance(true);
  EXPECT_LE(ulps(*m.variance(false), 1.0000000000000003e306), 1u) << *m.variance(false);
  EXPECT_LE(ulps(*m.mean(), 1e154), 1u) << *m.mean();
}

// ---- counts and special values ----

TEST(reproducible_moments, sample_results_need_two_values_population_and_sums_one) {
  reproducible_moments m;
  EXPECT_EQ(m.count(), 0u);
  EXPECT_FALSE(m.total());
  EXPECT_FALSE(m.mean());
  EXPECT_FALSE(m.variance(false));
  EXPECT_FALSE(m.deviation(false));
  m.add(3);
  EXPECT_FALSE(m.variance(true));
  EXPECT_FALSE(m.deviation(true));
  EXPECT_EQ(m.variance(false), 0.0);
  EXPECT_EQ(m.total(), 3.0);
  m.add(5);
  EXPECT_EQ(m.count(), 2u);
  EXPECT_EQ(m.variance(true), 2.0);
  EXPECT_EQ(m.variance(false), 1.0);
  EXPECT_EQ(m.deviation(false), 1.0);
  EXPECT_EQ(m.mean(), 4.0);
}

TEST(reproducible_moments, merging_an_empty_state_either_way_changes_nothing) {
  const reproducible_moments values = moments_of({1.5, -2.25, 1e9});
  reproducible_moments a = values, b;
  a.merge(reproducible_moments{});
  b.merge(values);
  EXPECT_EQ(results(a), results(values));
  EXPECT_EQ(results(b), results(values));
}

TEST(reproducible_moments, nan_or_infinity_gives_nan_variances_and_ieee_sums) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const reproducible_moments with_nan = moments_of({1.0, std::nan(""), 2.0});
  EXPECT_TRUE(std::isnan(*with_nan.mean()));
  EXPECT_TRUE(std::isnan(*with_nan.variance(true)));
  const reproducible_moments with_inf = moments_of({1.0, inf, 2.0});
  EXPECT_EQ(with_inf.total(), inf);
  EXPECT_EQ(with_inf.mean(), inf);
  EXPECT_TRUE(std::isnan(*with_inf.variance(false)));
  EXPECT_TRUE(std::isnan(*moments_of({inf, -inf}).mean()));
  // x × x overflows: out of the method's range, documented as NaN.
  EXPECT_TRUE(std::isnan(*moments_of({2e154, 3e154}).variance(true)));
}

TEST(reproducible_moments, the_state_is_as_small_as_documented) {
  EXPECT_EQ(sizeof(yieldpipe::query::reproducible_sum), 64u);
  EXPECT_EQ(sizeof(reproducible_moments), 136u);
}

}  // namespace
