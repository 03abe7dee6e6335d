// reproducible_sum: the same bits for any order and any split merged in any order; the correctly rounded
// exact sum, against an independent exact reference (Shewchuk's partials, as Python's math.fsum) and
// against values computed with python3's fractions.Fraction; special values.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>
#include <yieldpipe/query/reproducible_sum.hpp>

namespace {

using yieldpipe::query::reproducible_sum;

constexpr double inf = std::numeric_limits<double>::infinity();

// The correctly rounded sum of `xs` (Shewchuk's exact partials and the final rounding of math.fsum).
// Independent of reproducible_sum: floating-point TwoSum, no integers. Not for sums that overflow.
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
  // math.fsum's rounding: add the partials from the top until an inexact step, then fix a half-way case.
  if (partials.empty()) return 0.0;
  std::size_t n = partials.size();
  double hi = partials[--n];
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
  return hi;
}

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

double sum_of(const std::vector<double>& xs) {
  reproducible_sum s;
  for (double x : xs) s.add(x);
  return s.result();
}

// Values of both signs over a chosen range of binary exponents, with random 53-bit mantissas.
std::vector<double> random_values(std::size_t n, int low_exponent, int high_exponent, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> exponent(low_exponent, high_exponent);
  std::uniform_real_distribution<double> mantissa(1.0, 2.0);
  std::vector<double> xs(n);
  for (double& x : xs) x = std::ldexp(random() % 2 ? mantissa(random) : -mantissa(random), exponent(random));
  return xs;
}

// The states of random contiguous pieces of `xs` (1 to max_pieces), in file order.
std::vector<reproducible_sum> random_pieces(const std::vector<double>& xs, std::size_t max_pieces,
                                            std::mt19937_64& random) {
  const std::size_t pieces = 1 + random() % max_pieces;
  std::vector<std::size_t> cuts{0, xs.size()};
  for (std::size_t i = 1; i < pieces; ++i) cuts.push_back(random() % (xs.size() + 1));
  std::sort(cuts.begin(), cuts.end());
  std::vector<reproducible_sum> states(cuts.size() - 1);
  for (std::size_t p = 0; p + 1 < cuts.size(); ++p)
    for (std::size_t i = cuts[p]; i < cuts[p + 1]; ++i) states[p].add(xs[i]);
  return states;
}

// Merges the states in a random tree (random pairs until one is left).
double merged_in_random_order(std::vector<reproducible_sum> states, std::mt19937_64& random) {
  while (states.size() > 1) {
    const std::size_t a = random() % states.size();
    std::size_t b = random() % (states.size() - 1);
    if (b >= a) ++b;
    states[a].merge(states[b]);
    states.erase(states.begin() + static_cast<std::ptrdiff_t>(b));
  }
  return states.front().result();
}

// The data sets of the bitwise tests: typical, cancelling, spanning the whole double range, and small values
// that only the spill holds under cancelling large ones.
std::vector<std::vector<double>> data_sets() {
  std::vector<std::vector<double>> sets;
  sets.push_back(random_values(2000, -10, 10, 1));
  std::vector<double> cancelling = random_values(2000, -30, 60, 2);
  for (std::size_t i = 0; i < 1000; ++i) cancelling.push_back(-cancelling[i]);
  cancelling.push_back(0.1);
  sets.push_back(cancelling);
  std::vector<double> wide = random_values(2000, -1070, 1000, 3);
  wide.push_back(5e-324);
  wide.push_back(-2.5e-310);
  sets.push_back(wide);
  // Large values that cancel exactly, and small ones far below them (in the spill) that make the sum.
  std::vector<double> spilled = random_values(1000, 300, 330, 5);
  for (std::size_t i = 0; i < 1000; ++i) spilled.push_back(-spilled[i]);
  for (double x : random_values(1000, -5, 5, 6)) spilled.push_back(x);
  sets.push_back(spilled);
  std::vector<double> tenths(3000, 0.1);
  tenths.push_back(1e8);
  sets.push_back(tenths);
  return sets;
}

// ---- the same bits whatever the order and the split ----

TEST(reproducible_sum, any_permutation_gives_the_same_bits) {
  std::mt19937_64 random(11);
  for (std::vector<double> xs : data_sets()) {
    const double expected = sum_of(xs);
    for (int trial = 0; trial < 500; ++trial) {
      std::shuffle(xs.begin(), xs.end(), random);
      ASSERT_EQ(bits(sum_of(xs)), bits(expected)) << trial;
    }
  }
}

TEST(reproducible_sum, contiguous_pieces_merged_in_file_order_give_the_bits_of_one_state) {
  std::mt19937_64 random(12);
  for (const std::vector<double>& xs : data_sets()) {
    const double expected = sum_of(xs);
    for (int trial = 0; trial < 1000; ++trial) {
      std::vector<reproducible_sum> states = random_pieces(xs, 16, random);
      reproducible_sum total;
      for (const reproducible_sum& s : states) total.merge(s);
      ASSERT_EQ(bits(total.result()), bits(expected)) << trial << " pieces " << states.size();
    }
  }
}

TEST(reproducible_sum, pieces_of_a_shuffled_input_merged_in_any_order_give_the_same_bits) {
  std::mt19937_64 random(13);
  for (std::vector<double> xs : data_sets()) {
    const double expected = sum_of(xs);
    for (int trial = 0; trial < 1000; ++trial) {
      std::shuffle(xs.begin(), xs.end(), random);
      ASSERT_EQ(bits(merged_in_random_order(random_pieces(xs, 32, random), random)), bits(expected)) << trial;
    }
  }
}

TEST(reproducible_sum, merging_keeps_what_each_state_spilled) {
  reproducible_sum a, b;
  a.add(1e100);
  a.add(1.0);
  b.add(2.0);
  b.add(-1e100);
  b.add(-1e200);  // moves b's window: 2 and -1e100 leave it for the spill
  a.merge(b);
  a.add(1e200);
  EXPECT_EQ(a.result(), 3.0);
}

TEST(reproducible_sum, a_copy_carries_the_spill_and_stays_independent) {
  reproducible_sum a;
  a.add(1e100);
  a.add(1.0);  // far below the window: spilled
  reproducible_sum b = a;
  b.add(-1e100);
  EXPECT_EQ(b.result(), 1.0);
  EXPECT_EQ(a.result(), 1e100);
  a = b;
  b.add(1.0);
  EXPECT_EQ(a.result(), 1.0);
  EXPECT_EQ(b.result(), 2.0);
}

// ---- the correctly rounded exact sum ----

TEST(reproducible_sum, known_sums_match_python_fractions) {
  // Each expected value is float(sum(map(Fraction, xs))) in python3 (math.fsum agrees where it does not
  // overflow in between).
  EXPECT_EQ(sum_of(std::vector<double>(10, 0.1)), 1.0);
  EXPECT_EQ(sum_of(std::vector<double>(1000, 0.1)), 100.0);
  EXPECT_EQ(sum_of({1e100, 1.0, -1e100}), 1.0);
  EXPECT_EQ(sum_of({1e308, 1e308, -1e308}), 1e308);  // no overflow in between
  EXPECT_EQ(sum_of({1e16, 1.0, 1e-16}), 1.0000000000000002e16);
  EXPECT_EQ(sum_of({1.0, std::ldexp(1.0, -53)}), 1.0);                                        // a tie: to even
  EXPECT_EQ(sum_of({1.0, std::ldexp(1.0, -53), std::ldexp(1.0, -106)}), 1.0000000000000002);  // not a tie
  EXPECT_EQ(sum_of({5e-324, 5e-324, -1e-310, 2.2250738585072014e-308}), 2.2150738585072024e-308);
}

TEST(reproducible_sum, ten_million_tenths_after_1e8_are_exact_where_a_plain_sum_drifts) {
  reproducible_sum s;
  double naive = 1e8;
  s.add(1e8);
  for (int i = 0; i < 10'000'000; ++i) {
    s.add(0.1);
    naive += 0.1;
  }
  // The exact sum of the doubles is 101000000.0000000000555..., which rounds to 101000000.
  EXPECT_EQ(s.result(), 101000000.0);
  EXPECT_GT(std::abs(naive - 101000000.0), 0.01) << "the test would not show anything";
}

TEST(reproducible_sum, every_data_set_sums_to_the_correctly_rounded_exact_sum) {
  for (const std::vector<double>& xs : data_sets()) EXPECT_EQ(bits(sum_of(xs)), bits(exact_sum(xs))) << xs.size();
}

TEST(reproducible_sum, random_sums_equal_the_correctly_rounded_exact_sum) {
  const int ranges[][2] = {{-5, 5}, {-60, 60}, {-1074, -1000}, {-300, 300}, {900, 1010}, {-1074, 1000}};
  std::uint64_t seed = 20;
  for (const auto& range : ranges)
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<double> xs = random_values(5000, range[0], range[1], ++seed);
      std::mt19937_64 random(seed);
      const std::size_t half = xs.size() / 2;
      for (std::size_t i = 0; i < half; i += 2) xs.push_back(-xs[random() % half]);  // cancellation
      EXPECT_EQ(bits(sum_of(xs)), bits(exact_sum(xs))) << range[0] << ".." << range[1] << " seed " << seed;
    }
}

TEST(reproducible_sum, a_huge_count_of_the_largest_pieces_does_not_overflow_the_bins) {
  // 2^40 values of 2^64 - 2^11 (a full 53-bit mantissa whose pieces fill a bin's word) by merging a state
  // into itself 40 times: the exact sum is (2^64 - 2^11) × 2^40.
  reproducible_sum s;
  const double x = std::ldexp(1.0, 64) - std::ldexp(1.0, 11);
  s.add(x);
  for (int i = 0; i < 40; ++i) {
    const reproducible_sum copy = s;
    s.merge(copy);
  }
  EXPECT_EQ(s.result(), std::ldexp(x, 40));
  s.add(-std::ldexp(x, 40));
  s.add(0.5);
  EXPECT_EQ(s.result(), 0.5);
}

TEST(reproducible_sum, add_square_adds_the_square_exactly_as_its_two_halves_would) {
  // x*x + fma(x, x, -x*x) is x² exactly where nothing underflows or overflows: the two sums must hold the
  // same number, to the last of its ~200 bits (four parts of the expansion).
  const int ranges[][2] = {{-3, 3}, {-40, 40}, {-450, -400}, {-450, 500}, {490, 510}};
  std::uint64_t seed = 60;
  for (const auto& range : ranges)
    for (int trial = 0; trial < 10; ++trial) {
      const std::vector<double> xs = random_values(3000, range[0], range[1], ++seed);
      reproducible_sum squares, halves;
      for (double x : xs) {
        squares.add_square(x);
        halves.add(x * x);
        halves.add(std::fma(x, x, -(x * x)));
      }
      double a[4], b[4];
      squares.expansion(a);
      halves.expansion(b);
      for (int i = 0; i < 4; ++i) EXPECT_EQ(bits(a[i]), bits(b[i])) << range[0] << ".." << range[1] << " part " << i;
    }
}

TEST(reproducible_sum, add_square_of_special_and_out_of_range_values) {
  reproducible_sum s;
  s.add_square(-inf);
  EXPECT_EQ(s.result(), inf);
  s.add_square(std::nan(""));
  EXPECT_TRUE(std::isnan(s.result()));
  reproducible_sum zero;
  zero.add_square(-0.0);
  zero.add_square(0.0);
  EXPECT_EQ(bits(zero.result()), bits(0.0));
  reproducible_sum tiny;
  tiny.add_square(1e-160);  // below 2^-1074 once squared
  tiny.add_square(3.0);
  EXPECT_EQ(tiny.result(), 9.0);
  reproducible_sum huge;
  huge.add_square(1e200);
  EXPECT_EQ(huge.result(), inf);
}

// ---- special values ----

TEST(reproducible_sum, no_value_and_zeros_give_positive_zero) {
  EXPECT_EQ(bits(reproducible_sum{}.result()), bits(0.0));
  EXPECT_EQ(bits(sum_of({-0.0, -0.0})), bits(0.0));
  EXPECT_EQ(bits(sum_of({0.0, -0.0, 3.0, -3.0})), bits(0.0));
  EXPECT_EQ(bits(sum_of({-0.0, -2.5})), bits(-2.5));
}

TEST(reproducible_sum, nan_anywhere_gives_nan_and_infinities_follow_ieee) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(std::isnan(sum_of({1.0, nan, 2.0})));
  EXPECT_TRUE(std::isnan(sum_of({inf, nan})));
  EXPECT_TRUE(std::isnan(sum_of({inf, 1.0, -inf})));
  EXPECT_EQ(sum_of({inf, 1.0, inf}), inf);
  EXPECT_EQ(sum_of({-inf, 1e308, 1e308}), -inf);
  reproducible_sum a, b;
  a.add(inf);
  b.add(-inf);
  EXPECT_TRUE(a.has_non_finite());
  a.merge(b);
  EXPECT_TRUE(std::isnan(a.result()));
}

TEST(reproducible_sum, a_finite_sum_beyond_the_double_range_rounds_to_infinity) {
  EXPECT_EQ(sum_of({1e308, 1e308}), inf);
  EXPECT_EQ(sum_of({-1e308, -1e308, -1e308}), -inf);
  const double max = std::numeric_limits<double>::max();
  EXPECT_EQ(sum_of({max, std::ldexp(1.0, 970)}), inf);   // half an ulp above max: a tie, to even (inf)
  EXPECT_EQ(sum_of({max, std::ldexp(0.99, 970)}), max);  // less than half an ulp: stays
  EXPECT_FALSE(reproducible_sum{}.has_non_finite());
}

// ---- expansion and exponent ----

TEST(reproducible_sum, an_expansion_carries_the_exact_sum_beyond_a_double) {
  reproducible_sum s;
  s.add(1.0);
  s.add(std::ldexp(1.0, -60));
  s.add(std::ldexp(1.0, -130));
  double parts[4];
  s.expansion(parts);
  EXPECT_EQ(parts[0], 1.0);
  EXPECT_EQ(parts[1], std::ldexp(1.0, -60));
  EXPECT_EQ(parts[2], std::ldexp(1.0, -130));
  EXPECT_EQ(parts[3], 0.0);
  reproducible_sum up;  // rounds up: the remainder is negative
  for (double x : {1.0, std::ldexp(1.0, -53), std::ldexp(1.0, -60)}) up.add(-x);
  up.expansion(parts);
  EXPECT_EQ(parts[0], -1.0000000000000002);
  EXPECT_EQ(parts[1], std::ldexp(1.0, -53) - std::ldexp(1.0, -60));
  EXPECT_EQ(parts[2], 0.0);
  s.add(1e308);
  s.add(1e308);
  s.expansion(parts, -10);
  EXPECT_EQ(parts[0], std::ldexp(1e308, -9));  // (1e308 + 1e308) × 2^-10, in range
  EXPECT_EQ(s.exponent(), std::ilogb(1e308) + 1);
  EXPECT_EQ(reproducible_sum{}.exponent(), std::numeric_limits<int>::min());
}

}  // namespace
