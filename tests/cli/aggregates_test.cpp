// The aggregates of `yieldpipe stats`: each against a reference (exact sums, long double, sorted
// vectors), merging, and the group-by table.
#include "aggregates.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>

#include "common.hpp"

namespace {

using namespace yieldpipe;
using namespace yieldpipe::cli;
namespace fs = std::filesystem;

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
std::uint64_t ulps(double a, double b) {
  std::int64_t ia, ib;
  std::memcpy(&ia, &a, sizeof a);
  std::memcpy(&ib, &b, sizeof b);
  if (ia < 0) ia = std::numeric_limits<std::int64_t>::min() - ia;
  if (ib < 0) ib = std::numeric_limits<std::int64_t>::min() - ib;
  return ia > ib ? static_cast<std::uint64_t>(ia - ib) : static_cast<std::uint64_t>(ib - ia);
}

// numpy's "linear" percentile of a sorted copy.
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

// ---- sums ----

TEST(compensated_sum, ten_million_tenths_after_1e8_are_exact_where_a_plain_sum_drifts) {
  compensated_sum s;
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

TEST(compensated_sum, random_sums_are_within_one_ulp_of_the_correctly_rounded_sum) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    std::vector<double> xs = random_values(200'000, 1000, 1e6, seed);
    xs.push_back(1e15);
    xs.push_back(-1e15);  // cancels: what is left must be the small values' sum
    compensated_sum s;
    for (double x : xs) s.add(x);
    EXPECT_LE(ulps(s.result(), exact_sum(xs)), 1u) << seed;
  }
}

TEST(compensated_sum, merging_two_halves_gives_the_sum_of_the_whole) {
  const std::vector<double> xs = random_values(100'000, 0.5, 3, 7);
  compensated_sum a, b;
  for (std::size_t i = 0; i < xs.size(); ++i) (i < 31'337 ? a : b).add(xs[i]);
  a.merge(b);
  EXPECT_LE(ulps(a.result(), exact_sum(xs)), 1u);
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
  EXPECT_LE(ulps(*s.total(), exact_sum(xs)), 1u);
  EXPECT_LE(ulps(*s.mean(), exact_sum(xs) / static_cast<double>(xs.size())), 2u);
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

TEST(aggregate_states, first_and_last_keep_the_text) {
  first_state f;
  last_state l;
  for (const char* t : {"a", "a long text that does not fit a small string", "c"}) {
    f.add(t);
    l.add(t);
  }
  EXPECT_EQ(f.result(), "a");
  EXPECT_EQ(l.result(), "c");
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
  EXPECT_LE(ulps(*s1.total(), exact_sum(xs)), 1u);
  EXPECT_NEAR(*v1.variance(true), *v.variance(true), 1e-10 * *v.variance(true));
  EXPECT_EQ(v1.n, xs.size());
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

// ---- --agg ----

TEST(parse_aggregates, reads_functions_columns_and_percentiles) {
  const auto specs =
      parse_aggregates("count, sum:value,mean:value,p90:temperature,p99.9:t,count_distinct:sensor,count:h");
  ASSERT_EQ(specs.size(), 7u);
  EXPECT_EQ(specs[0].kind, aggregate_kind::count);
  EXPECT_EQ(specs[0].output_name(), "count");
  EXPECT_EQ(specs[1].output_name(), "sum_value");
  EXPECT_EQ(specs[2].kind, aggregate_kind::mean);
  EXPECT_EQ(specs[3].kind, aggregate_kind::percentile);
  EXPECT_EQ(specs[3].percentile, 90);
  EXPECT_EQ(specs[3].output_name(), "p90_temperature");
  EXPECT_EQ(specs[4].percentile, 99.9);
  EXPECT_EQ(specs[4].output_name(), "p99.9_t");
  EXPECT_EQ(specs[5].output_name(), "count_distinct_sensor");
  EXPECT_EQ(specs[6].text(), "count:h");
}

TEST(parse_aggregates, rejects_what_it_cannot_compute) {
  for (const char* bad :
       {"", "count,", "median:x", "mean", "mean:", "p101:x", "p-1:x", "px:x", "p:x", "sum:v,sum:v", "count,count"})
    EXPECT_THROW(parse_aggregates(bad), usage_error) << bad;
  try {
    parse_aggregates("avg:value");
    FAIL();
  } catch (const usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("'avg'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("mean"), std::string::npos) << e.what();
  }
}

// ---- the table ----

class group_by_test : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / ("yieldpipe_agg_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".csv");
  }
  void TearDown() override { fs::remove(path_); }

  // Runs the table over `csv` and returns its records, as text (null as "~").
  std::vector<std::vector<std::string>> run(const std::string& csv, std::vector<std::string> by,
                                            const std::string& aggs, std::uint64_t max_memory = 0) {
    std::ofstream(path_, std::ios::binary) << csv;
    io::csv_reader reader(path_.string());
    std::vector<std::size_t> keys;
    for (const auto& name : by) keys.push_back(*reader.header()->find(name));
    auto specs = parse_aggregates(aggs);
    std::vector<std::size_t> columns;
    for (const auto& s : specs) columns.push_back(s.column.empty() ? 0 : *reader.header()->find(s.column));
    group_by table(by, keys, specs, columns, max_memory, std::to_string(max_memory));
    while (const io::csv_row* row = reader.next()) table.add(*row);
    std::vector<std::vector<std::string>> out;
    out.push_back(table.columns());
    table.for_each_sorted([&](std::span<const io::field> record) {
      auto& line = out.emplace_back();
      for (const io::field& f : record) {
        switch (f.type()) {
          case io::field::kind::null: line.push_back("~"); break;
          case io::field::kind::string: line.emplace_back(f.as_string()); break;
          case io::field::kind::unsigned_integer: line.push_back(std::to_string(f.as_uint())); break;
          case io::field::kind::floating: {
            char buf[64];
            line.emplace_back(buf, std::to_chars(buf, buf + sizeof buf, f.as_double()).ptr);
            break;
          }
          default: line.push_back("?");
        }
      }
    });
    return out;
  }

  fs::path path_;
};

using table = std::vector<std::vector<std::string>>;

TEST_F(group_by_test, groups_by_one_column_in_byte_order_of_the_keys) {
  const auto out = run("k,v\nb,1\na,2\nB,3\nb,4\n\xc3\xa9,5\na,\n", {"k"}, "count,sum:v,count:v,mean:v");
  EXPECT_EQ(out, (table{{"k", "count", "sum_v", "count_v", "mean_v"},
                        {"B", "1", "3", "1", "3"},
                        {"a", "2", "2", "1", "2"},
                        {"b", "2", "5", "2", "2.5"},
                        {"\xc3\xa9", "1", "5", "1", "5"}}));
}

TEST_F(group_by_test, groups_by_two_columns_sorted_column_by_column) {
  // "a" + "bc" and "ab" + "c" are different keys; ("a", "z") sorts before ("ab", "c").
  const auto out = run("x,y,v\nab,c,1\na,bc,2\na,z,3\nab,c,4\n", {"x", "y"}, "count,max:v");
  EXPECT_EQ(out,
            (table{{"x", "y", "count", "max_v"}, {"a", "bc", "1", "2"}, {"a", "z", "1", "3"}, {"ab", "c", "2", "4"}}));
}

TEST_F(group_by_test, without_by_one_record_even_for_no_rows) {
  EXPECT_EQ(run("v\n", {}, "count,mean:v,min:v"), (table{{"count", "mean_v", "min_v"}, {"0", "~", "~"}}));
  // nan is a missing number, but count:v counts non-empty fields; a blank line is no record.
  EXPECT_EQ(run("v\n1\nnan\n\n3\n", {}, "count,count:v,mean:v"),
            (table{{"count", "count_v", "mean_v"}, {"3", "3", "2"}}));
}

TEST_F(group_by_test, a_field_that_is_not_a_number_throws_before_the_row_counts) {
  std::ofstream(path_, std::ios::binary) << "k,a,b\nx,1,2\nx,3,oops\n";
  io::csv_reader reader(path_.string());
  group_by t({"k"}, {0}, parse_aggregates("count,sum:a,sum:b"), {0, 1, 2});
  t.add(*reader.next());
  EXPECT_THROW(t.add(*reader.next()), io::io_error);
  table out;
  t.for_each_sorted([&](std::span<const io::field> r) { out.push_back({std::to_string(r[1].as_uint())}); });
  EXPECT_EQ(out, (table{{"1"}}));
}

TEST_F(group_by_test, shared_states_give_each_aggregate_its_own_result) {
  const auto out = run("v\n1\n2\n3\n4\n", {}, "p50:v,p100:v,p0:v,var:v,std_pop:v,sum:v,mean:v");
  EXPECT_EQ(out[1],
            (std::vector<std::string>{"2.5", "4", "1", "1.6666666666666667", "1.118033988749895", "10", "2.5"}));
}

TEST_F(group_by_test, too_many_groups_stop_with_the_operator_and_the_figure) {
  std::string csv = "k\n";
  for (int i = 0; i < 10'000; ++i) csv += std::to_string(i) + "\n";
  try {
    run(csv, {"k"}, "count", 100'000);
    FAIL();
  } catch (const memory_limit_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("--by k"), std::string::npos) << what;
    EXPECT_NE(what.find("100,000 bytes"), std::string::npos) << what;
    EXPECT_NE(what.find("groups"), std::string::npos) << what;
  }
}

TEST_F(group_by_test, stored_values_count_against_the_budget) {
  std::string csv = "v\n";
  for (int i = 0; i < 100'000; ++i) csv += std::to_string(i) + "\n";
  try {
    run(csv, {}, "p50:v", 200'000);
    FAIL();
  } catch (const memory_limit_error& e) {
    EXPECT_NE(std::string(e.what()).find("p50:v"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("stored values"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(run(csv, {}, "p50:v", 2'000'000));
}

TEST_F(group_by_test, merging_two_tables_gives_the_table_of_both_inputs) {
  std::ofstream(path_, std::ios::binary) << "k,v\nb,1\na,2\nb,3\nc,4\na,5\n";
  const auto specs = parse_aggregates("count,sum:v,first:v,last:v,p50:v");
  group_by first_half({"k"}, {0}, specs, {0, 1, 1, 1, 1}), second_half({"k"}, {0}, specs, {0, 1, 1, 1, 1});
  io::csv_reader reader(path_.string());
  int i = 0;
  while (const io::csv_row* row = reader.next()) (i++ < 2 ? first_half : second_half).add(*row);
  first_half.merge(second_half);
  table out;
  first_half.for_each_sorted([&](std::span<const io::field> r) {
    out.push_back({std::string(r[0].as_string()), std::to_string(r[1].as_uint()), std::to_string(r[2].as_double()),
                   std::string(r[3].as_string()), std::string(r[4].as_string()), std::to_string(r[5].as_double())});
  });
  EXPECT_EQ(out, (table{{"a", "2", "7.000000", "2", "5", "3.500000"},
                        {"b", "2", "4.000000", "1", "3", "2.000000"},
                        {"c", "1", "4.000000", "4", "4", "4.000000"}}));
}

}  // namespace
