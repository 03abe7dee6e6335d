// Benchmarks of the core generator: the cost of one element through a generator against a hand-written
// loop and std::views, flat `yield_from` at growing depth, a send round trip, and creating a generator.
// `bash bench/run.sh` runs them and writes docs/PERFORMANCE.md from the JSON output.
//
// Every benchmark reports items (elements, sends or generators) with SetItemsProcessed, an `elements`
// counter (items per iteration, which bench/report.py divides the CPU time by) and `per_element` (the
// CPU time per item, shown in the console as seconds with an SI prefix).

#include <benchmark/benchmark.h>

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ranges>
#include <utility>
#include <yieldpipe/core.hpp>

namespace {

using yieldpipe::generator;
using yieldpipe::yield_from;

// Keeping the comparison honest: the same two barriers are applied in every variant.
// - The bound goes through `opaque` too, so the compiler cannot treat it as a constant. (Not through
//   benchmark::DoNotOptimize: with benchmark 1.7.1's "+m,r" constraint on an integer lvalue, g++ 12 at
//   -O3 -DNDEBUG handed yield_from_depth a garbage depth, a stack address, and the chain recursed until
//   memory ran out.)
// - Every element the consumer receives goes through `opaque`: an empty asm statement that claims to read
//   and modify the value in a register. Without it g++ and clang may replace the hand-written loop by the
//   closed form n(n-1)(2n-1)/6 or vectorize it, and the generator would be compared with no work at all.
//   The register-only constraint emits no instruction (benchmark::DoNotOptimize on an lvalue makes g++
//   store and reload the value and clobber memory); it only stops the compiler from reasoning about the
//   value, so the hand loop stays a scalar loop doing one multiply and one add per element.
inline void opaque(long long& v) { asm volatile("" : "+r"(v)); }

void report_items(benchmark::State& state, std::int64_t items_per_iteration) {
  state.SetItemsProcessed(state.iterations() * items_per_iteration);
  state.counters["elements"] = static_cast<double>(items_per_iteration);
  state.counters["per_element"] =
      benchmark::Counter(static_cast<double>(items_per_iteration),
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Σ i² for i < n, modulo 2⁶⁴ like the sums below (which wrap: the exact sum for n = 10⁸ exceeds 2⁶⁴).
std::uint64_t sum_of_squares_below(std::uint64_t n) {
  if (n == 0) return 0;
  std::uint64_t a = n, b = n - 1, c = 2 * n - 1;  // n(n-1)(2n-1)/6, the divisions made exact first
  if (a % 2 == 0)
    a /= 2;
  else
    b /= 2;
  if (a % 3 == 0)
    a /= 3;
  else if (b % 3 == 0)
    b /= 3;
  else
    c /= 3;
  return a * b * c;
}

void check_sum(benchmark::State& state, std::uint64_t sum, std::uint64_t expected) {
  if (sum != expected) state.SkipWithError("wrong sum: the benchmark did not do the work it claims");
}

// --- Σ i² for i in [0, n) ---------------------------------------------------------------------------------

generator<long long> squares(long long n) {
  for (long long i = 0; i < n; ++i) co_yield i* i;
}

void sum_squares_hand_loop(benchmark::State& state) {
  long long n = state.range(0);
  opaque(n);
  std::uint64_t sum = 0;
  for (auto _ : state) {
    sum = 0;
    for (long long i = 0; i < n; ++i) {
      long long v = i * i;
      opaque(v);
      sum += static_cast<std::uint64_t>(v);
    }
    benchmark::DoNotOptimize(sum);
  }
  check_sum(state, sum, sum_of_squares_below(static_cast<std::uint64_t>(n)));
  report_items(state, n);
}

void sum_squares_std_views(benchmark::State& state) {
  long long n = state.range(0);
  opaque(n);
  std::uint64_t sum = 0;
  for (auto _ : state) {
    sum = 0;
    for (long long v : std::views::iota(0LL, n) | std::views::transform([](long long i) { return i * i; })) {
      opaque(v);
      sum += static_cast<std::uint64_t>(v);
    }
    benchmark::DoNotOptimize(sum);
  }
  check_sum(state, sum, sum_of_squares_below(static_cast<std::uint64_t>(n)));
  report_items(state, n);
}

void sum_squares_generator(benchmark::State& state) {
  long long n = state.range(0);
  opaque(n);
  std::uint64_t sum = 0;
  for (auto _ : state) {
    sum = 0;
    for (long long v : squares(n)) {
      opaque(v);
      sum += static_cast<std::uint64_t>(v);
    }
    benchmark::DoNotOptimize(sum);
  }
  check_sum(state, sum, sum_of_squares_below(static_cast<std::uint64_t>(n)));
  report_items(state, n);
}

void sum_squares_generator_next(benchmark::State& state) {
  long long n = state.range(0);
  opaque(n);
  std::uint64_t sum = 0;
  for (auto _ : state) {
    sum = 0;
    auto gen = squares(n);
    while (std::optional<long long> v = gen.next()) {
      opaque(*v);
      sum += static_cast<std::uint64_t>(*v);
    }
    benchmark::DoNotOptimize(sum);
  }
  check_sum(state, sum, sum_of_squares_below(static_cast<std::uint64_t>(n)));
  report_items(state, n);
}

// A reference, not a yieldpipe type: the least a C++20 coroutine generator can do (a promise holding a
// pointer to the element, suspend_always everywhere, no send, throw, close, delegation or re-entrance
// check). Its per-element time is the floor this compiler puts under any coroutine-based generator whose
// frame is not elided, so the generator's figure can be read as floor + yieldpipe's own overhead.
template <class T>
class bare_generator {
 public:
  struct promise_type {
    T* value = nullptr;
    bare_generator get_return_object() noexcept {
      return bare_generator{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(T&& v) noexcept {
      value = std::addressof(v);
      return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() { throw; }
  };
  struct iterator {
    std::coroutine_handle<promise_type> handle;
    iterator& operator++() {
      handle.resume();
      return *this;
    }
    T& operator*() const noexcept { return *handle.promise().value; }
    bool operator==(std::default_sentinel_t) const noexcept { return handle.done(); }
  };

  bare_generator(bare_generator&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  bare_generator& operator=(bare_generator&&) = delete;
  ~bare_generator() {
    if (handle_) handle_.destroy();
  }
  iterator begin() {
    handle_.resume();
    return {handle_};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  explicit bare_generator(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

bare_generator<long long> bare_squares(long long n) {
  for (long long i = 0; i < n; ++i) co_yield i* i;
}

void sum_squares_bare_coroutine(benchmark::State& state) {
  long long n = state.range(0);
  opaque(n);
  std::uint64_t sum = 0;
  for (auto _ : state) {
    sum = 0;
    for (long long v : bare_squares(n)) {
      opaque(v);
      sum += static_cast<std::uint64_t>(v);
    }
    benchmark::DoNotOptimize(sum);
  }
  check_sum(state, sum, sum_of_squares_below(static_cast<std::uint64_t>(n)));
  report_items(state, n);
}

// N = 10⁸ as the issue asks; 10⁶ as a check that the figure does not depend on N.
BENCHMARK(sum_squares_hand_loop)->Arg(100'000'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(sum_squares_std_views)->Arg(100'000'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(sum_squares_generator)->Arg(100'000'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(sum_squares_generator_next)->Arg(100'000'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(sum_squares_bare_coroutine)->Arg(100'000'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// --- nested yield_from ------------------------------------------------------------------------------------

generator<long long> counting(long long k) {
  for (long long i = 0; i < k; ++i) co_yield i;
}

// `depth` generators, each delegating to the next, above `counting(k)`.
generator<long long> delegating(long long depth, long long k) {
  if (depth <= 1) {
    co_yield yield_from(counting(k));
  } else {
    co_yield yield_from(delegating(depth - 1, k));
  }
}

// range(0) = depth (0: `counting` consumed directly), range(1) = elements the innermost generator yields.
// Each iteration builds the chain and consumes it: the set-up (depth frames) is part of the measured time,
// and is small against K = 10⁶ elements.
void yield_from_depth(benchmark::State& state) {
  long long depth = state.range(0);
  long long k = state.range(1);
  opaque(depth);
  opaque(k);
  std::uint64_t sum = 0;
  for (auto _ : state) {
    sum = 0;
    for (long long v : depth == 0 ? counting(k) : delegating(depth, k)) {
      opaque(v);
      sum += static_cast<std::uint64_t>(v);
    }
    benchmark::DoNotOptimize(sum);
  }
  const auto uk = static_cast<std::uint64_t>(k);
  check_sum(state, sum, uk * (uk - 1) / 2);
  report_items(state, k);
}

BENCHMARK(yield_from_depth)
    ->ArgNames({"depth", "k"})
    ->Args({0, 1'000'000})
    ->Args({1, 1'000'000})
    ->Args({10, 1'000'000})
    ->Args({100, 1'000'000})
    ->Args({1000, 1'000'000})
    ->Unit(benchmark::kMillisecond);

// --- send -------------------------------------------------------------------------------------------------

// Python: `total = 0; while True: sent = yield total; if sent is not None: total += sent`.
generator<long long, long long> accumulator() {
  long long total = 0;
  for (;;) {
    if (std::optional<long long> sent = co_yield total) total += *sent;
  }
}

// One send() per iteration: resume, add, yield the running total back, copy it out.
void send_round_trip(benchmark::State& state) {
  auto acc = accumulator();
  acc.next();  // start it: send() into a created generator throws, as in Python
  long long i = 0;
  std::uint64_t expected = 0;
  long long total = 0;
  for (auto _ : state) {
    opaque(i);
    total = *acc.send(i);
    opaque(total);
    expected += static_cast<std::uint64_t>(i);
    ++i;
  }
  check_sum(state, static_cast<std::uint64_t>(total), expected);
  report_items(state, 1);
}

BENCHMARK(send_round_trip);

// --- create + exhaust -------------------------------------------------------------------------------------

generator<int> one_element(int v) { co_yield v; }

// The same body with its frame allocated by std::allocator (no recycling: a trip to the heap each time).
generator<int> one_element_std_allocator(std::allocator_arg_t, std::allocator<std::byte>, int v) { co_yield v; }

// One generator per iteration: allocate the frame, run to the co_yield, read the element, resume to the end,
// destroy and free the frame. The default allocator recycles the frame through the per-thread cache.
void create_exhaust_one(benchmark::State& state) {
  long long sum = 0;
  int x = 1;
  for (auto _ : state) {
    for (int v : one_element(x)) sum += v;
    opaque(sum);
  }
  check_sum(state, static_cast<std::uint64_t>(sum), static_cast<std::uint64_t>(state.iterations()));
  report_items(state, 1);
}

void create_exhaust_one_std_allocator(benchmark::State& state) {
  long long sum = 0;
  int x = 1;
  for (auto _ : state) {
    for (int v : one_element_std_allocator(std::allocator_arg, {}, x)) sum += v;
    opaque(sum);
  }
  check_sum(state, static_cast<std::uint64_t>(sum), static_cast<std::uint64_t>(state.iterations()));
  report_items(state, 1);
}

BENCHMARK(create_exhaust_one);
BENCHMARK(create_exhaust_one_std_allocator);

}  // namespace

BENCHMARK_MAIN();
