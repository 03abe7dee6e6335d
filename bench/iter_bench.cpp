// Benchmarks of the iter layer: pipelines of stages over the same data, each against a hand-written loop
// doing the same work, against std::views where libstdc++ 12 has the adaptor (transform, filter, join), and,
// for the five-stage map/filter pipeline, over a yieldpipe generator against that generator alone.
// bench/python/iter_pipelines.py runs the same pipelines in CPython over the same data; `bash bench/run.sh`
// runs both and writes the "iter pipelines" section of docs/PERFORMANCE.md.
//
// Every benchmark reports, like core_bench.cpp, items (input elements) with SetItemsProcessed, an `elements`
// counter (input elements per iteration, which bench/report.py divides the CPU time by) and `per_element`,
// plus `allocs` and `alloc_bytes`: the heap allocations (calls to operator new) and bytes per iteration, counted
// by the replacement operator new at the end of this file. They show that no stage allocates per element, and
// that sliding_window allocates its 2n-element buffer once per pass.

#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <ranges>
#include <span>
#include <string>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>
#include <yieldpipe/iter/batched.hpp>
#include <yieldpipe/iter/sliding_window.hpp>

namespace {

namespace yp = yieldpipe;

// --- allocation count ------------------------------------------------------------------------------------

std::atomic<std::size_t> allocation_calls{0};
std::atomic<std::size_t> allocated_bytes{0};

struct allocations {
  std::size_t calls;
  std::size_t bytes;
};

allocations allocations_now() {
  return {allocation_calls.load(std::memory_order_relaxed), allocated_bytes.load(std::memory_order_relaxed)};
}

// --- barriers, checks, counters --------------------------------------------------------------------------

// The barrier of core_bench.cpp (see there why not benchmark::DoNotOptimize on an integer lvalue): an empty
// asm statement that claims to read and modify the value in a register, so the compiler can neither compute a
// result ahead nor vectorize a loop across it. Every variant of a pipeline puts the same values through it at
// the same point, and runtime parameters (batch size, window size) go through it in every variant, so that
// no hand loop is specialised for a constant the adaptor only knows at run time.
inline void opaque(long long& v) { asm volatile("" : "+r"(v)); }

// Runs `pipeline()` once per iteration; its result must equal `expected` (the reference result computed
// once, untimed, by a plain loop), or the benchmark reports an error instead of a time.
template <class Pipeline>
void run(benchmark::State& state, long long expected, std::size_t elements, Pipeline pipeline) {
  long long result = 0;
  const allocations before = allocations_now();
  for (auto _ : state) {
    result = pipeline();
    opaque(result);
  }
  const allocations after = allocations_now();
  if (result != expected)
    state.SkipWithError(("wrong result " + std::to_string(result) + ", expected " + std::to_string(expected) +
                         ": the variants disagree")
                            .c_str());
  const auto items = static_cast<std::int64_t>(elements);
  const auto iterations = static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * items);
  state.counters["elements"] = static_cast<double>(elements);
  state.counters["per_element"] = benchmark::Counter(
      static_cast<double>(elements), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["allocs"] = static_cast<double>(after.calls - before.calls) / iterations;
  state.counters["alloc_bytes"] = static_cast<double>(after.bytes - before.bytes) / iterations;
}

// --- the data --------------------------------------------------------------------------------------------

// 10⁷ values in [0, 1000), from a 64-bit linear congruential generator (Knuth's MMIX constants): element k is
// (s_k >> 33) % 1000 with s_0 = seed, s_(k+1) = s_k · 6364136223846793005 + 1442695040888963407 mod 2⁶⁴, taken
// after the step. bench/python/iter_pipelines.py generates the same sequence. Non-negative and small, so that
// no pipeline below overflows and C++'s % and >> agree with Python's.
constexpr std::size_t n_elements = 10'000'000;
// The CPython script's default n: the reference results at that size go into the JSON context, so that
// bench/report.py can check that both languages computed the same thing on the same data.
constexpr std::size_t n_python_check = 1'000'000;

std::vector<long long> make_data(std::uint64_t seed, std::size_t n) {
  std::vector<long long> out(n);
  std::uint64_t s = seed;
  for (auto& v : out) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    v = static_cast<long long>((s >> 33) % 1000);
  }
  return out;
}

const std::vector<long long>& data_a() {
  static const std::vector<long long> data = make_data(1, n_elements);
  return data;
}
const std::vector<long long>& data_b() {
  static const std::vector<long long> data = make_data(2, n_elements);
  return data;
}

constexpr long long batch_size = 1000;
constexpr long long window_size = 10;

long long runtime(long long v) {
  opaque(v);
  return v;
}

// --- the five-stage map/filter pipeline -------------------------------------------------------------------
// map, filter, map, filter, map, then sum. The filters drop few elements (about 1 in 32, then 1 in 25), so
// branch mispredictions — the same cost in every variant — do not hide the adaptors' own overhead. The last
// map carries the barrier, so the pipeline ends in yieldpipe's own `sum()` terminal.

constexpr auto f1 = [](long long x) { return x * 3 + 1; };
constexpr auto p1 = [](long long a) { return a % 32 != 0; };
constexpr auto f2 = [](long long a) { return a * 5 + (a >> 3); };
constexpr auto p2 = [](long long b) { return b % 25 != 0; };
constexpr auto f3 = [](long long b) {
  long long c = b * 2 + 1;
  opaque(c);
  return c;
};

long long five_stage_reference(std::span<const long long> data) {
  long long total = 0;
  for (long long x : data) {
    const long long a = x * 3 + 1;
    if (a % 32 == 0) continue;
    const long long b = a * 5 + (a >> 3);
    if (b % 25 == 0) continue;
    total += b * 2 + 1;
  }
  return total;
}

long long five_stage_expected() {
  static const long long expected = five_stage_reference(data_a());
  return expected;
}

void five_stage_vector_hand_loop(benchmark::State& state) {
  const auto& a = data_a();
  run(state, five_stage_expected(), a.size(), [&] {
    long long total = 0;
    for (long long x : a) {
      const long long v = f1(x);
      if (!p1(v)) continue;
      const long long w = f2(v);
      if (!p2(w)) continue;
      total += f3(w);
    }
    return total;
  });
}

void five_stage_vector_std_views(benchmark::State& state) {
  const auto& a = data_a();
  run(state, five_stage_expected(), a.size(), [&] {
    long long total = 0;
    for (long long c : a | std::views::transform(f1) | std::views::filter(p1) | std::views::transform(f2) |
                           std::views::filter(p2) | std::views::transform(f3))
      total += c;
    return total;
  });
}

void five_stage_vector_yieldpipe(benchmark::State& state) {
  const auto& a = data_a();
  run(state, five_stage_expected(), a.size(),
      [&] { return a | yp::map(f1) | yp::filter(p1) | yp::map(f2) | yp::filter(p2) | yp::map(f3) | yp::sum(0LL); });
}

// The elements of `data` (which must outlive the generator), one co_yield each.
yp::generator<long long> values_of(std::span<const long long> data) {
  for (long long x : data) co_yield x;
}

void five_stage_generator_alone(benchmark::State& state) {
  const auto& a = data_a();
  static const long long expected = [&] {
    long long total = 0;
    for (long long x : a) total += x;
    return total;
  }();
  run(state, expected, a.size(), [&] {
    long long total = 0;
    for (long long x : values_of(a)) {
      opaque(x);
      total += x;
    }
    return total;
  });
}

void five_stage_generator_hand_loop(benchmark::State& state) {
  const auto& a = data_a();
  run(state, five_stage_expected(), a.size(), [&] {
    long long total = 0;
    for (long long x : values_of(a)) {
      const long long v = f1(x);
      if (!p1(v)) continue;
      const long long w = f2(v);
      if (!p2(w)) continue;
      total += f3(w);
    }
    return total;
  });
}

void five_stage_generator_std_views(benchmark::State& state) {
  const auto& a = data_a();
  run(state, five_stage_expected(), a.size(), [&] {
    long long total = 0;
    for (long long c : values_of(a) | std::views::transform(f1) | std::views::filter(p1) | std::views::transform(f2) |
                           std::views::filter(p2) | std::views::transform(f3))
      total += c;
    return total;
  });
}

void five_stage_generator_yieldpipe(benchmark::State& state) {
  const auto& a = data_a();
  run(state, five_stage_expected(), a.size(), [&] {
    return values_of(a) | yp::map(f1) | yp::filter(p1) | yp::map(f2) | yp::filter(p2) | yp::map(f3) | yp::sum(0LL);
  });
}

// --- enumerate: Σ (i xor x) ------------------------------------------------------------------------------

long long enumerate_reference(std::span<const long long> data) {
  long long total = 0, i = 0;
  for (long long x : data) total += i++ ^ x;
  return total;
}

void enumerate_hand_loop(benchmark::State& state) {
  const auto& a = data_a();
  run(state, enumerate_reference(a), a.size(), [&] {
    long long total = 0, i = 0;
    for (long long x : a) {
      long long v = i ^ x;
      opaque(v);
      total += v;
      ++i;
    }
    return total;
  });
}

void enumerate_yieldpipe(benchmark::State& state) {
  const auto& a = data_a();
  run(state, enumerate_reference(a), a.size(), [&] {
    long long total = 0;
    for (auto [i, x] : a | yp::enumerate(0LL)) {
      long long v = i ^ x;
      opaque(v);
      total += v;
    }
    return total;
  });
}

// --- zip of two vectors: Σ x·y ----------------------------------------------------------------------------

long long zip_reference(std::span<const long long> a, std::span<const long long> b) {
  long long total = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) total += a[i] * b[i];
  return total;
}

void zip_hand_loop(benchmark::State& state) {
  const auto &a = data_a(), &b = data_b();
  run(state, zip_reference(a, b), a.size(), [&] {
    long long total = 0;
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    for (std::size_t i = 0; i < n; ++i) {
      long long v = a[i] * b[i];
      opaque(v);
      total += v;
    }
    return total;
  });
}

void zip_yieldpipe(benchmark::State& state) {
  const auto &a = data_a(), &b = data_b();
  run(state, zip_reference(a, b), a.size(), [&] {
    long long total = 0;
    for (auto [x, y] : yp::zip(a, b)) {
      long long v = x * y;
      opaque(v);
      total += v;
    }
    return total;
  });
}

// --- batched(1000): Σ over batches of (Σ batch)² -----------------------------------------------------------
// Every element read goes through the barrier; squaring each batch's sum makes the result depend on where the
// batches start and end.

long long batched_reference(std::span<const long long> data, std::size_t n) {
  long long total = 0;
  for (std::size_t i = 0; i < data.size(); i += n) {
    long long s = 0;
    for (std::size_t j = i; j < i + n && j < data.size(); ++j) s += data[j];
    total += s * s;
  }
  return total;
}

void batched_hand_loop(benchmark::State& state) {
  const auto& a = data_a();
  const auto n = static_cast<std::size_t>(runtime(batch_size));
  run(state, batched_reference(a, batch_size), a.size(), [&] {
    long long total = 0;
    for (std::size_t i = 0; i < a.size(); i += n) {
      const std::size_t end = i + n < a.size() ? i + n : a.size();
      long long s = 0;
      for (std::size_t j = i; j < end; ++j) {
        long long v = a[j];
        opaque(v);
        s += v;
      }
      total += s * s;
    }
    return total;
  });
}

void batched_yieldpipe(benchmark::State& state) {
  const auto& a = data_a();
  const long long n = runtime(batch_size);
  run(state, batched_reference(a, batch_size), a.size(), [&] {
    long long total = 0;
    for (const auto& batch : a | yp::batched(n)) {
      long long s = 0;
      for (long long v : batch) {
        opaque(v);
        s += v;
      }
      total += s * s;
    }
    return total;
  });
}

// --- sliding_window(10): Σ over windows of Σ window ---------------------------------------------------------

long long sliding_window_reference(std::span<const long long> data, std::size_t n) {
  long long total = 0;
  for (std::size_t i = 0; i + n <= data.size(); ++i)
    for (std::size_t j = i; j < i + n; ++j) total += data[j];
  return total;
}

void sliding_window_hand_loop(benchmark::State& state) {
  const auto& a = data_a();
  const auto n = static_cast<std::size_t>(runtime(window_size));
  run(state, sliding_window_reference(a, window_size), a.size(), [&] {
    long long total = 0;
    for (std::size_t i = 0; i + n <= a.size(); ++i) {
      long long s = 0;
      for (std::size_t j = i; j < i + n; ++j) s += a[j];
      opaque(s);
      total += s;
    }
    return total;
  });
}

void sliding_window_yieldpipe(benchmark::State& state) {
  const auto& a = data_a();
  const long long n = runtime(window_size);
  run(state, sliding_window_reference(a, window_size), a.size(), [&] {
    long long total = 0;
    for (std::span<const long long> window : a | yp::sliding_window(n)) {
      long long s = 0;
      for (long long v : window) s += v;
      opaque(s);
      total += s;
    }
    return total;
  });
}

// The same over a generator: an input-only source, so the windows come from sliding_window's ring
// buffer (2n elements, allocated once per pass) instead of pointing into the vector.
void sliding_window_generator_yieldpipe(benchmark::State& state) {
  const auto& a = data_a();
  const long long n = runtime(window_size);
  run(state, sliding_window_reference(a, window_size), a.size(), [&] {
    long long total = 0;
    for (std::span<const long long> window : values_of(a) | yp::sliding_window(n)) {
      long long s = 0;
      for (long long v : window) s += v;
      opaque(s);
      total += s;
    }
    return total;
  });
}

// --- pairwise: Σ x·y over consecutive pairs -----------------------------------------------------------------

long long pairwise_reference(std::span<const long long> data) {
  long long total = 0;
  for (std::size_t i = 1; i < data.size(); ++i) total += data[i - 1] * data[i];
  return total;
}

void pairwise_hand_loop(benchmark::State& state) {
  const auto& a = data_a();
  run(state, pairwise_reference(a), a.size(), [&] {
    long long total = 0;
    for (std::size_t i = 1; i < a.size(); ++i) {
      long long v = a[i - 1] * a[i];
      opaque(v);
      total += v;
    }
    return total;
  });
}

void pairwise_yieldpipe(benchmark::State& state) {
  const auto& a = data_a();
  run(state, pairwise_reference(a), a.size(), [&] {
    long long total = 0;
    for (auto [x, y] : a | yp::pairwise()) {
      long long v = x * y;
      opaque(v);
      total += v;
    }
    return total;
  });
}

// --- accumulate: Σ of the running totals --------------------------------------------------------------------

long long accumulate_reference(std::span<const long long> data) {
  long long total = 0, running = 0;
  for (long long x : data) total += running += x;
  return total;
}

void accumulate_hand_loop(benchmark::State& state) {
  const auto& a = data_a();
  run(state, accumulate_reference(a), a.size(), [&] {
    long long total = 0, running = 0;
    for (long long x : a) {
      running += x;
      long long v = running;
      opaque(v);
      total += v;
    }
    return total;
  });
}

void accumulate_yieldpipe(benchmark::State& state) {
  const auto& a = data_a();
  run(state, accumulate_reference(a), a.size(), [&] {
    long long total = 0;
    for (long long v : a | yp::accumulate()) {
      opaque(v);
      total += v;
    }
    return total;
  });
}

// --- chain of two vectors: Σ x --------------------------------------------------------------------------------
// 2 × 10⁷ elements per pass. The standard's nearest adaptor is join over a range of the two vectors.

long long chain_reference(std::span<const long long> a, std::span<const long long> b) {
  long long total = 0;
  for (long long x : a) total += x;
  for (long long x : b) total += x;
  return total;
}

void chain_hand_loop(benchmark::State& state) {
  const auto &a = data_a(), &b = data_b();
  run(state, chain_reference(a, b), a.size() + b.size(), [&] {
    long long total = 0;
    for (long long v : a) {
      opaque(v);
      total += v;
    }
    for (long long v : b) {
      opaque(v);
      total += v;
    }
    return total;
  });
}

void chain_std_views(benchmark::State& state) {
  const auto &a = data_a(), &b = data_b();
  run(state, chain_reference(a, b), a.size() + b.size(), [&] {
    const std::array<std::span<const long long>, 2> parts{a, b};
    long long total = 0;
    for (long long v : parts | std::views::join) {
      opaque(v);
      total += v;
    }
    return total;
  });
}

void chain_yieldpipe(benchmark::State& state) {
  const auto &a = data_a(), &b = data_b();
  run(state, chain_reference(a, b), a.size() + b.size(), [&] {
    long long total = 0;
    for (long long v : yp::chain(a, b)) {
      opaque(v);
      total += v;
    }
    return total;
  });
}

// The reference results at the CPython script's n, in the JSON context ("iter_check/<pipeline>").
void add_python_check_context() {
  const std::span<const long long> a(data_a().data(), n_python_check), b(data_b().data(), n_python_check);
  benchmark::AddCustomContext("iter_check/n", std::to_string(n_python_check));
  benchmark::AddCustomContext("iter_check/five_stage", std::to_string(five_stage_reference(a)));
  benchmark::AddCustomContext("iter_check/enumerate", std::to_string(enumerate_reference(a)));
  benchmark::AddCustomContext("iter_check/zip", std::to_string(zip_reference(a, b)));
  benchmark::AddCustomContext("iter_check/batched", std::to_string(batched_reference(a, batch_size)));
  benchmark::AddCustomContext("iter_check/sliding_window", std::to_string(sliding_window_reference(a, window_size)));
  benchmark::AddCustomContext("iter_check/pairwise", std::to_string(pairwise_reference(a)));
  benchmark::AddCustomContext("iter_check/accumulate", std::to_string(accumulate_reference(a)));
  benchmark::AddCustomContext("iter_check/chain", std::to_string(chain_reference(a, b)));
}

#define ITER_BENCHMARK(fn) BENCHMARK(fn)->Unit(benchmark::kMillisecond)

ITER_BENCHMARK(five_stage_vector_hand_loop);
ITER_BENCHMARK(five_stage_vector_std_views);
ITER_BENCHMARK(five_stage_vector_yieldpipe);
ITER_BENCHMARK(five_stage_generator_alone);
ITER_BENCHMARK(five_stage_generator_hand_loop);
ITER_BENCHMARK(five_stage_generator_std_views);
ITER_BENCHMARK(five_stage_generator_yieldpipe);
ITER_BENCHMARK(enumerate_hand_loop);
ITER_BENCHMARK(enumerate_yieldpipe);
ITER_BENCHMARK(zip_hand_loop);
ITER_BENCHMARK(zip_yieldpipe);
ITER_BENCHMARK(batched_hand_loop);
ITER_BENCHMARK(batched_yieldpipe);
ITER_BENCHMARK(sliding_window_hand_loop);
ITER_BENCHMARK(sliding_window_yieldpipe);
ITER_BENCHMARK(sliding_window_generator_yieldpipe);
ITER_BENCHMARK(pairwise_hand_loop);
ITER_BENCHMARK(pairwise_yieldpipe);
ITER_BENCHMARK(accumulate_hand_loop);
ITER_BENCHMARK(accumulate_yieldpipe);
ITER_BENCHMARK(chain_hand_loop);
ITER_BENCHMARK(chain_std_views);
ITER_BENCHMARK(chain_yieldpipe);

}  // namespace

// Counting replacements of the global allocation functions (the array and nothrow forms of libstdc++ call
// these; the aligned forms are left alone, nothing here over-aligns). They are kept out of line: inlined into
// a caller, g++ 12 sees new's malloc() meet delete (or delete's free() meet new) and reports a false
// -Wmismatched-new-delete.
[[gnu::noinline]] void* operator new(std::size_t size) {
  allocation_calls.fetch_add(1, std::memory_order_relaxed);
  allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  add_python_check_context();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
