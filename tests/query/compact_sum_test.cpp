// compact_sum: the bits of reproducible_sum's result over the same values, for any order, split and
// merge, on the grid and after the sum moved to the heap; special values; its size.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>
#include <yieldpipe/query/compact_sum.hpp>
#include <yieldpipe/query/reproducible_sum.hpp>

namespace {

using yieldpipe::query::compact_sum;
using yieldpipe::query::reproducible_sum;

constexpr double inf = std::numeric_limits<double>::infinity();

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

// The reference: reproducible_sum, itself checked against exact sums in reproducible_sum_test.cpp.
double reference(const std::vector<double>& xs) {
  reproducible_sum s;
  for (double x : xs) s.add(x);
  return s.result();
}

double compact(const std::vector<double>& xs) {
  compact_sum s;
  for (double x : xs) s.add(x);
  return s.result();
}

// Data sets: each a generator of one value.
struct data_set {
  const char* name;
  std::function<double(std::mt19937_64&)> value;
  bool wide;  // whether the sum must leave the grid
};

std::vector<data_set> data_sets() {
  return {
      {"two decimals 0..1000", [](std::mt19937_64& g) { return static_cast<double>(g() % 100'000) / 100; }, false},
      {"integers of both signs",
       [](std::mt19937_64& g) { return static_cast<double>(static_cast<std::int64_t>(g() % 2'000'001) - 1'000'000); },
       false},
      {"uniform 0..1 (53-bit mantissas)",
       [](std::mt19937_64& g) { return std::uniform_real_distribution(0.0, 1.0)(g); }, false},
      {"1e9 plus or minus 2", [](std::mt19937_64& g) { return 1e9 + std::uniform_real_distribution(-2.0, 2.0)(g); },
       false},
      {"log-uniform 1e3..1e9, both signs",
       [](std::mt19937_64& g) {
         const double x = std::pow(10.0, 3 + 6 * std::uniform_real_distribution(0.0, 1.0)(g));
         return (g() & 1) ? x : -x;
       },
       false},
      {"2^-80..2^80, both signs",
       [](std::mt19937_64& g) {
         const double x = std::ldexp(std::uniform_real_distribution(1.0, 2.0)(g), static_cast<int>(g() % 161) - 80);
         return (g() & 1) ? x : -x;
       },
       true},
      {"subnormals and tiny normals",
       [](std::mt19937_64& g) {
         const double x =
             std::ldexp(static_cast<double>(g() % (std::uint64_t{1} << 53)), -1074 + static_cast<int>(g() % 40));
         return (g() & 1) ? x : -x;
       },
       false},
      {"huge: 2^900..2^1000",
       [](std::mt19937_64& g) {
         return std::ldexp(std::uniform_real_distribution(1.0, 2.0)(g), 900 + static_cast<int>(g() % 100));
       },
       true},
  };
}

TEST(compact_sum, gives_the_bits_of_reproducible_sum_on_every_data_set) {
  std::mt19937_64 g(1);
  for (const data_set& d : data_sets()) {
    SCOPED_TRACE(d.name);
    for (int round = 0; round < 200; ++round) {
      std::vector<double> xs(1 + g() % 300);
      for (double& x : xs) x = d.value(g);
      EXPECT_EQ(bits(compact(xs)), bits(reference(xs)));
    }
  }
}

TEST(compact_sum, any_order_and_any_split_merged_in_any_order_gives_the_same_bits) {
  std::mt19937_64 g(2);
  for (const data_set& d : data_sets()) {
    SCOPED_TRACE(d.name);
    std::vector<double> xs(2000);
    for (double& x : xs) x = d.value(g);
    const double want = reference(xs);
    for (int round = 0; round < 50; ++round) {
      std::shuffle(xs.begin(), xs.end(), g);
      std::vector<compact_sum> parts(1 + g() % 8);
      for (double x : xs) parts[g() % parts.size()].add(x);
      // Merge in a random order into a random part.
      while (parts.size() > 1) {
        const std::size_t a = g() % parts.size();
        std::size_t b = g() % (parts.size() - 1);
        if (b >= a) ++b;
        parts[a].merge(parts[b]);
        parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(b));
      }
      EXPECT_EQ(bits(parts[0].result()), bits(want));
    }
  }
}

TEST(compact_sum, stays_on_the_grid_for_column_data_and_moves_to_the_heap_only_when_it_must) {
  std::mt19937_64 g(3);
  for (const data_set& d : data_sets()) {
    SCOPED_TRACE(d.name);
    compact_sum s;
    for (int i = 0; i < 100'000; ++i) s.add(d.value(g));
    EXPECT_EQ(s.is_wide(), d.wide);
    EXPECT_EQ(s.heap_bytes(), d.wide ? sizeof(reproducible_sum) : 0u);
  }
  EXPECT_EQ(sizeof(compact_sum), 32u);
}

TEST(compact_sum, rounds_half_way_sums_to_even_as_the_exact_sum_does) {
  // 2^53 + 1 is half-way between two doubles: ties to even gives 2^53; + 3 gives 2^53 + 4.
  const double big = std::ldexp(1.0, 53);
  EXPECT_EQ(compact({big, 1.0}), big);
  EXPECT_EQ(compact({big, 3.0}), big + 4);
  EXPECT_EQ(compact({big, 1.0, std::ldexp(1.0, -60)}), big + 2);  // just above half-way: up
  EXPECT_EQ(compact({1e100, 1.0, -1e100}), 1.0);
  std::vector<double> tenths(10, 0.1);
  EXPECT_EQ(compact(tenths), 1.0);
}

TEST(compact_sum, special_values_and_zero_as_reproducible_sum) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const std::vector<double>& xs : std::vector<std::vector<double>>{
           {},
           {-0.0},
           {-0.0, -0.0},
           {1.5, -1.5},
           {inf},
           {-inf, 2.0},
           {inf, -inf},
           {1.0, nan},
           {std::numeric_limits<double>::max(), std::numeric_limits<double>::max()},
           {std::numeric_limits<double>::denorm_min(), -std::numeric_limits<double>::denorm_min(), 1e-320}}) {
    const double want = reference(xs), got = compact(xs);
    if (std::isnan(want))
      EXPECT_TRUE(std::isnan(got));
    else
      EXPECT_EQ(bits(got), bits(want)) << got << " != " << want;
  }
  EXPECT_EQ(bits(compact({-0.0})), bits(0.0));
}

TEST(compact_sum, a_copy_is_independent_of_its_original) {
  compact_sum a;
  a.add(1.0);
  a.add(std::ldexp(1.0, -100));
  a.add(std::ldexp(1.0, 100));  // the span passes 2^120: on the heap
  ASSERT_TRUE(a.is_wide());
  compact_sum b = a;
  b.add(1.0);
  EXPECT_EQ(a.result(), reference({1.0, std::ldexp(1.0, -100), std::ldexp(1.0, 100)}));
  EXPECT_EQ(b.result(), reference({2.0, std::ldexp(1.0, -100), std::ldexp(1.0, 100)}));
}

}  // namespace
