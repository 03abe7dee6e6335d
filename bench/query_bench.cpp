// Benchmarks of the reproducible sums (query/reproducible_sum.hpp, query/compact_sum.hpp,
// query/reproducible_moments.hpp) against the accumulators `stats` used before: ns per value added for a plain double
// sum, Neumaier's compensated sum (the former sum state), shifted Welford (the former variance state),
// reproducible_sum, compact_sum (the sum state's today) and reproducible_moments,
// and the cost of reading a result once (per group, at the end).
//
// Two layouts of the adds: `one_state` (every value into one state: the add's latency chain, the worst
// case) and `ten_groups` (each value into one of ten states picked by a precomputed random group id, as the
// group-by of the T1 task does, whose chains overlap). Three data sets: `uniform` (0..1000, T1's value
// column), `near_1e9` (1e9 ± 2), `spread` (10^(3+6u): 1e3 to 1e9, log-uniform, as prices or sizes) and `wide`
// (magnitudes 2^-80..2^80, both signs: the window moves and some values fall below it, the spill's path). The values (1
// Mi, 8 MiB) are generated once, untimed.
//
// Every benchmark reports `per_element` (time per value added, bench/report.py's counter); run with
// `build/rel/bench/yieldpipe_query_bench --benchmark_filter=...`. Timings in docs/query.md.

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>
#include <yieldpipe/query/compact_sum.hpp>
#include <yieldpipe/query/reproducible_moments.hpp>
#include <yieldpipe/query/reproducible_sum.hpp>

namespace {

namespace query = yieldpipe::query;

// --- the accumulators of today's `stats` (copies of src/cli/aggregates.hpp's, which the bench cannot link) ---

struct naive_sum {
  double sum = 0;
  void add(double x) noexcept { sum += x; }
  [[nodiscard]] double result() const noexcept { return sum; }
};

struct neumaier_sum {
  double sum = 0;
  double compensation = 0;
  void add(double x) noexcept {
    const double t = sum + x;
    if (std::abs(sum) >= std::abs(x))
      compensation += (sum - t) + x;
    else
      compensation += (x - t) + sum;
    sum = t;
  }
  [[nodiscard]] double result() const noexcept { return sum + compensation; }
};

struct shifted_welford {
  std::uint64_t n = 0;
  double shift = 0;
  double mean = 0;
  double m2 = 0;
  void add(double x) noexcept {
    if (n == 0) shift = x;
    const double y = x - shift;
    ++n;
    const double d = y - mean;
    mean += d / static_cast<double>(n);
    m2 += d * (y - mean);
  }
  [[nodiscard]] double result() const noexcept { return n < 2 ? 0.0 : m2 / static_cast<double>(n - 1); }
};

struct reproducible {
  query::reproducible_sum sum;
  void add(double x) { sum.add(x); }
  [[nodiscard]] double result() const noexcept { return sum.result(); }
};

struct compact {
  query::compact_sum sum;
  void add(double x) { sum.add(x); }
  [[nodiscard]] double result() const noexcept { return sum.result(); }
};

struct moments {
  query::reproducible_moments m;
  void add(double x) { m.add(x); }
  [[nodiscard]] double result() const noexcept { return m.variance(true).value_or(0); }
};

// --- data ---

constexpr std::size_t values_count = std::size_t{1} << 20;
constexpr std::size_t groups = 10;

enum class data { uniform, near_1e9, spread, wide };

const std::vector<double>& values(data kind) {
  static const auto make = [](data k) {
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<double> xs(values_count);
    for (double& x : xs) {
      switch (k) {
        case data::uniform: x = 1000 * unit(random); break;
        case data::near_1e9: x = 1e9 + 4 * unit(random) - 2; break;
        case data::spread: x = std::pow(10.0, 3 + 6 * unit(random)); break;
        case data::wide: x = std::ldexp(unit(random) - 0.5, static_cast<int>(random() % 161) - 80); break;
      }
    }
    return xs;
  };
  static const std::vector<double> sets[] = {make(data::uniform), make(data::near_1e9), make(data::spread),
                                             make(data::wide)};
  return sets[static_cast<int>(kind)];
}

const std::vector<std::uint8_t>& group_ids() {
  static const std::vector<std::uint8_t> ids = [] {
    std::mt19937_64 random(7);
    std::vector<std::uint8_t> out(values_count);
    for (std::uint8_t& id : out) id = static_cast<std::uint8_t>(random() % groups);
    return out;
  }();
  return ids;
}

void per_element(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * values_count));
  state.counters["per_element"] = benchmark::Counter(
      static_cast<double>(values_count), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// --- the adds ---

template <class Accumulator, data Kind>
void one_state(benchmark::State& state) {
  const std::vector<double>& xs = values(Kind);
  for (auto _ : state) {
    Accumulator a;
    for (double x : xs) a.add(x);
    benchmark::DoNotOptimize(a.result());
  }
  per_element(state);
}

template <class Accumulator, data Kind>
void ten_groups(benchmark::State& state) {
  const std::vector<double>& xs = values(Kind);
  const std::vector<std::uint8_t>& ids = group_ids();
  for (auto _ : state) {
    Accumulator a[groups];
    for (std::size_t i = 0; i < xs.size(); ++i) a[ids[i]].add(xs[i]);
    for (const Accumulator& g : a) benchmark::DoNotOptimize(g.result());
  }
  per_element(state);
}

#define YIELDPIPE_ADD_BENCHMARKS(kind)                         \
  BENCHMARK_TEMPLATE(one_state, naive_sum, data::kind);        \
  BENCHMARK_TEMPLATE(one_state, neumaier_sum, data::kind);     \
  BENCHMARK_TEMPLATE(one_state, shifted_welford, data::kind);  \
  BENCHMARK_TEMPLATE(one_state, reproducible, data::kind);     \
  BENCHMARK_TEMPLATE(one_state, compact, data::kind);          \
  BENCHMARK_TEMPLATE(one_state, moments, data::kind);          \
  BENCHMARK_TEMPLATE(ten_groups, naive_sum, data::kind);       \
  BENCHMARK_TEMPLATE(ten_groups, neumaier_sum, data::kind);    \
  BENCHMARK_TEMPLATE(ten_groups, shifted_welford, data::kind); \
  BENCHMARK_TEMPLATE(ten_groups, reproducible, data::kind);    \
  BENCHMARK_TEMPLATE(ten_groups, compact, data::kind);         \
  BENCHMARK_TEMPLATE(ten_groups, moments, data::kind)

YIELDPIPE_ADD_BENCHMARKS(uniform);
YIELDPIPE_ADD_BENCHMARKS(near_1e9);
YIELDPIPE_ADD_BENCHMARKS(spread);
YIELDPIPE_ADD_BENCHMARKS(wide);

// --- reading the results once (per group at the end of `stats`) and merging (per piece and group) ---

template <data Kind>
query::reproducible_moments filled() {
  query::reproducible_moments m;
  for (std::size_t i = 0; i < 10'000; ++i) m.add(values(Kind)[i]);
  return m;
}

template <data Kind>
void sum_result(benchmark::State& state) {
  const query::reproducible_moments m = filled<Kind>();
  for (auto _ : state) benchmark::DoNotOptimize(m.total());
}

template <data Kind>
void compact_sum_result(benchmark::State& state) {
  query::compact_sum s;
  for (std::size_t i = 0; i < 10'000; ++i) s.add(values(Kind)[i]);
  for (auto _ : state) benchmark::DoNotOptimize(s.result());
}

template <data Kind>
void mean_result(benchmark::State& state) {
  const query::reproducible_moments m = filled<Kind>();
  for (auto _ : state) benchmark::DoNotOptimize(m.mean());
}

template <data Kind>
void variance_result(benchmark::State& state) {
  const query::reproducible_moments m = filled<Kind>();
  for (auto _ : state) benchmark::DoNotOptimize(m.variance(true));
}

template <data Kind>
void moments_merge(benchmark::State& state) {
  const query::reproducible_moments m = filled<Kind>();
  query::reproducible_moments total;
  for (auto _ : state) {
    total.merge(m);
    benchmark::DoNotOptimize(total);
  }
}

BENCHMARK_TEMPLATE(sum_result, data::uniform);
BENCHMARK_TEMPLATE(sum_result, data::wide);
BENCHMARK_TEMPLATE(compact_sum_result, data::uniform);
BENCHMARK_TEMPLATE(compact_sum_result, data::wide);
BENCHMARK_TEMPLATE(mean_result, data::uniform);
BENCHMARK_TEMPLATE(variance_result, data::uniform);
BENCHMARK_TEMPLATE(variance_result, data::near_1e9);
BENCHMARK_TEMPLATE(variance_result, data::wide);
BENCHMARK_TEMPLATE(moments_merge, data::uniform);
BENCHMARK_TEMPLATE(moments_merge, data::wide);

}  // namespace

BENCHMARK_MAIN();
