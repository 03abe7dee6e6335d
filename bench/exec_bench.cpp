// Benchmarks of exec::parallel_map against iter's sequential map over the same elements:
// - a CPU-heavy function (about 20 µs per element): the throughput at 1 and 2 threads, against the plain map;
// - a trivial function (a multiply-add): the stage's own cost per element (the copy of the input, the oneTBB
//   task, the hand-off to the consumer), at 1 and 2 threads and with a small and a large window.
//
// Times are wall-clock (UseRealTime): the work happens on the stage's worker threads, not on the thread that
// Google Benchmark times. Every benchmark reports items (elements) per second, `per_element`, the wall time per
// element, and `cpu_ns_per_element`, the CPU time of the whole process (all threads, getrusage) per element:
// on a shared machine the wall time depends on the other load, the CPU time much less, and its excess over the
// plain map is what the stage costs (including oneTBB workers spinning before they sleep). The sums are
// checked against a plain loop, so a variant that drops or repeats elements reports an error instead of a
// time.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdint>
#include <string>
#include <vector>
#include <yieldpipe/exec/parallel_map.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/terminals.hpp>

namespace {

namespace yp = yieldpipe;

// An empty asm statement that claims to read and modify the value: the compiler can neither compute the
// result ahead nor drop the work (as in core_bench.cpp).
inline void opaque(std::uint64_t& v) { asm volatile("" : "+r"(v)); }

// About 20 µs of dependent integer arithmetic on the machine of docs/exec.md: xorshift64 rounds.
constexpr int heavy_rounds = 12'000;
long long heavy(long long x) {
  std::uint64_t s = static_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ull + 1;
  for (int i = 0; i < heavy_rounds; ++i) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    opaque(s);
  }
  return static_cast<long long>(s & 0xffff);
}

long long trivial(long long x) { return x * 3 + 1; }

std::vector<long long> iota(std::size_t n) {
  std::vector<long long> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<long long>(i);
  return v;
}

constexpr std::size_t heavy_elements = 2'000;
constexpr std::size_t trivial_elements = 200'000;

template <class F>
long long reference_sum(const std::vector<long long>& data, F f) {
  long long total = 0;
  for (long long x : data) total += f(x);
  return total;
}

// CPU time of all the process's threads so far, in nanoseconds.
double process_cpu_ns() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto ns = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_usec) * 1e3;
  };
  return ns(u.ru_utime) + ns(u.ru_stime);
}

template <class Pipeline>
void run(benchmark::State& state, long long expected, std::size_t elements, Pipeline pipeline) {
  long long result = 0;
  const double cpu_before = process_cpu_ns();
  for (auto _ : state) {
    result = pipeline();
    benchmark::DoNotOptimize(result);
  }
  const double cpu_after = process_cpu_ns();
  state.counters["cpu_ns_per_element"] =
      (cpu_after - cpu_before) / (static_cast<double>(state.iterations()) * static_cast<double>(elements));
  if (result != expected)
    state.SkipWithError(("wrong result " + std::to_string(result) + ", expected " + std::to_string(expected)).c_str());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(elements));
  state.counters["per_element"] = benchmark::Counter(
      static_cast<double>(elements), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

const std::vector<long long>& heavy_data() {
  static const std::vector<long long> data = iota(heavy_elements);
  return data;
}
const std::vector<long long>& trivial_data() {
  static const std::vector<long long> data = iota(trivial_elements);
  return data;
}

void heavy_map(benchmark::State& state) {
  const auto& data = heavy_data();
  static const long long expected = reference_sum(data, heavy);
  run(state, expected, data.size(), [&] { return data | yp::map(heavy) | yp::sum(); });
}

// Arg: threads.
void heavy_parallel_map(benchmark::State& state) {
  const auto& data = heavy_data();
  static const long long expected = reference_sum(data, heavy);
  const int threads = static_cast<int>(state.range(0));
  run(state, expected, data.size(),
      [&] { return data | yp::exec::parallel_map(heavy, {.threads = threads}) | yp::sum(); });
}

void trivial_map(benchmark::State& state) {
  const auto& data = trivial_data();
  static const long long expected = reference_sum(data, trivial);
  run(state, expected, data.size(), [&] { return data | yp::map(trivial) | yp::sum(); });
}

// Args: threads, max_in_flight (0: the default, 4 × threads).
void trivial_parallel_map(benchmark::State& state) {
  const auto& data = trivial_data();
  static const long long expected = reference_sum(data, trivial);
  const int threads = static_cast<int>(state.range(0));
  const int window = static_cast<int>(state.range(1));
  run(state, expected, data.size(), [&] {
    return data | yp::exec::parallel_map(trivial, {.threads = threads, .max_in_flight = window}) | yp::sum();
  });
}

// Unordered, for the same trivial function: no waiting for a particular element.
void trivial_parallel_map_unordered(benchmark::State& state) {
  const auto& data = trivial_data();
  static const long long expected = reference_sum(data, trivial);
  const int threads = static_cast<int>(state.range(0));
  run(state, expected, data.size(),
      [&] { return data | yp::exec::parallel_map(trivial, {.threads = threads, .ordered = false}) | yp::sum(); });
}

}  // namespace

BENCHMARK(heavy_map)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(heavy_parallel_map)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(trivial_map)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(trivial_parallel_map)
    ->Args({1, 0})
    ->Args({2, 0})
    ->Args({2, 256})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(trivial_parallel_map_unordered)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
