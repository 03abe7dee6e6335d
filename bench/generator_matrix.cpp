// The guide's "Performance Comparison Matrix", measured: one case per generator type of the guide
// (function, expression, built-in, coroutine, async, recursive, chained) and a hand-written loop,
// each doing the same work, Σ x² for x in [0, n), with one item per x. bench/python/generator_matrix.py
// is the CPython side; `bash bench/generator_matrix.sh` runs both, one process per case, and
// bench/report.py writes the table into docs/PERFORMANCE.md.
//
//   generator_matrix --case async --n 10000000 --repetitions 7
//
// Not a Google Benchmark program: the peak memory of a case is a property of a process, so each case
// runs in its own process, timed from inside (CPU time and steady_clock over the n items, every
// repetition reported; the script takes the minimum). Prints one JSON line:
//   {"lang": "c++", "case": ..., "n": ..., "repetitions": ..., "cpu_ns_per_item": [...],
//    "wall_ns_per_item": [...], "sum": ..., "heap_peak_bytes": ..., "heap_allocations": ...,
//    "rss_before_kib": ..., "peak_rss_kib": ...}
// heap_peak_bytes: the most bytes from operator new live at once during a repetition, above what was
// live when it started (counted by the replacement operator new below: the C++ counterpart of
// tracemalloc's peak); peak_rss_kib: the process's VmHWM at the end; rss_before_kib: its VmRSS just
// before the first repetition, so peak − before is what the case itself added.

#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

// --- heap accounting --------------------------------------------------------------------------------------
// Every global operator new and delete, counted in usable bytes (malloc_usable_size: what the block
// really holds). Relaxed atomics: the cases run on one thread; the counters only need to be exact.
namespace {
std::atomic<std::int64_t> live_bytes{0};
std::atomic<std::int64_t> peak_bytes{0};
std::atomic<std::int64_t> allocations{0};

void note_allocation(void* p) {
  const auto bytes = static_cast<std::int64_t>(malloc_usable_size(p));
  const std::int64_t now = live_bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (now > peak_bytes.load(std::memory_order_relaxed)) peak_bytes.store(now, std::memory_order_relaxed);
}
void note_free(void* p) {
  if (p != nullptr) live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
}
void* counted_malloc(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  note_allocation(p);
  return p;
}
void* counted_aligned(std::size_t size, std::align_val_t align) {
  const auto a = static_cast<std::size_t>(align);
  void* p = std::aligned_alloc(a, (std::max<std::size_t>(size, 1) + a - 1) / a * a);
  if (p == nullptr) throw std::bad_alloc();
  note_allocation(p);
  return p;
}
void counted_free(void* p) noexcept {
  note_free(p);
  std::free(p);
}
}  // namespace

void* operator new(std::size_t size) { return counted_malloc(size); }
void* operator new[](std::size_t size) { return counted_malloc(size); }
void* operator new(std::size_t size, std::align_val_t a) { return counted_aligned(size, a); }
void* operator new[](std::size_t size, std::align_val_t a) { return counted_aligned(size, a); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_malloc(size);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }

namespace {

using yieldpipe::async_generator;
using yieldpipe::generator;
using yieldpipe::task;
using yieldpipe::yield_from;

// The barrier of bench/core_bench.cpp: the bound and every item the consumer receives go through an
// empty asm statement that claims to modify the value in a register, so that no case is reduced to
// the closed form or vectorized, and all do one multiply and one add per item.
inline void opaque(long long& v) { asm volatile("" : "+r"(v)); }

// --- the cases: each returns Σ x² for x in [0, n), mod 2⁶⁴ -----------------------------------------------

std::uint64_t hand_loop(long long n) {
  std::uint64_t sum = 0;
  for (long long x = 0; x < n; ++x) {
    long long v = x * x;
    opaque(v);
    sum += static_cast<std::uint64_t>(v);
  }
  return sum;
}

// Function generator: the guide's create_generator, `for x in range(n): yield x**2`.
generator<long long> squares(long long n) {
  for (long long x = 0; x < n; ++x) co_yield x* x;
}

std::uint64_t function_generator(long long n) {
  std::uint64_t sum = 0;
  for (long long v : squares(n)) {
    opaque(v);
    sum += static_cast<std::uint64_t>(v);
  }
  return sum;
}

// Generator expression: `(x * x for x in range(n))` is a lazy map over a range: the iter stages.
std::uint64_t expression(long long n) {
  std::uint64_t sum = 0;
  for (long long v : yieldpipe::range(0LL, n) | yieldpipe::map([](long long x) { return x * x; })) {
    opaque(v);
    sum += static_cast<std::uint64_t>(v);
  }
  return sum;
}

// Built-in generators: `map(operator.mul, range(n), range(n))`, Python's built-ins only (no Python
// function runs per item); the iter built-ins: zip of two ranges, starmap of std::multiplies.
std::uint64_t builtin(long long n) {
  std::uint64_t sum = 0;
  for (long long v : yieldpipe::zip(yieldpipe::range(0LL, n), yieldpipe::range(0LL, n)) |
                         yieldpipe::starmap(std::multiplies<long long>{})) {
    opaque(v);
    sum += static_cast<std::uint64_t>(v);
  }
  return sum;
}

// Coroutine: the guide's data_accumulator, one send() per item (`value = yield total`): the
// consumer sends x², the coroutine adds it and yields the running total back.
generator<long long, long long> accumulator() {
  long long total = 0;
  for (;;) {
    if (std::optional<long long> value = co_yield total) total += *value;
  }
}

std::uint64_t coroutine(long long n) {
  auto acc = accumulator();
  acc.next();  // prime it, as the guide does with next(accumulator)
  long long total = 0;
  for (long long x = 0; x < n; ++x) {
    long long v = x * x;
    opaque(v);
    total = *acc.send(v);
    opaque(total);
  }
  return static_cast<std::uint64_t>(total);
}

// Async generator: `async def squares(n): for x in range(n): yield x * x`, consumed by
// `async for` in a task; no I/O, so each item is one round trip of co_await next().
async_generator<long long> async_squares(long long n) {
  for (long long x = 0; x < n; ++x) co_yield x* x;
}

task<std::uint64_t> consume_async(long long n) {
  std::uint64_t sum = 0;
  auto gen = async_squares(n);
  while (std::optional<long long> v = co_await gen.next()) {
    opaque(*v);
    sum += static_cast<std::uint64_t>(*v);
  }
  co_return sum;
}

std::uint64_t async_generator_case(long long n) { return yieldpipe::sync_wait(consume_async(n)); }

// Recursive generator: the guide's depth_first_search over a complete binary tree of n nodes
// (node k's children are 2k+1 and 2k+2), yielding node² in preorder, one generator per node,
// `yield from` for the subtrees. Depth log₂ n.
generator<long long> walk_tree(long long node, long long n) {
  co_yield node* node;
  const long long left = 2 * node + 1;
  if (left < n) co_yield yield_from(walk_tree(left, n));
  if (left + 1 < n) co_yield yield_from(walk_tree(left + 1, n));
}

std::uint64_t recursive(long long n) {
  std::uint64_t sum = 0;
  if (n == 0) return sum;
  for (long long v : walk_tree(0, n)) {
    opaque(v);
    sum += static_cast<std::uint64_t>(v);
  }
  return sum;
}

// Chained generators: the guide's build_pipeline, validate_data(parse_data(read_data(...))): a
// source, a transforming stage and a validating stage (the guide keeps value >= 0), each a
// generator consuming the one before.
generator<long long> read_data(long long n) {
  for (long long x = 0; x < n; ++x) co_yield x;
}
generator<long long> parse_data(generator<long long> lines) {
  for (long long x : lines) co_yield x* x;
}
generator<long long> validate_data(generator<long long> records) {
  for (long long v : records)
    if (v >= 0) co_yield v;
}

std::uint64_t chained(long long n) {
  std::uint64_t sum = 0;
  for (long long v : validate_data(parse_data(read_data(n)))) {
    opaque(v);
    sum += static_cast<std::uint64_t>(v);
  }
  return sum;
}

// A reference for the async round trip, not a yieldpipe type: the least an async generator consumed
// with `co_await g.next()` can do when its body never suspends on anything else. The awaiter resumes
// the body inline and goes on without suspending the consumer, as yieldpipe's does, but with no
// state, no single-use or re-entrance checks, no athrow/asend/aclose, no handoff for bodies that do
// suspend, and no finalizer. Its time is the floor under yieldpipe's async case on this compiler.
template <class T>
class bare_async_generator {
 public:
  struct promise_type {
    T* value = nullptr;
    bare_async_generator get_return_object() noexcept {
      return bare_async_generator{std::coroutine_handle<promise_type>::from_promise(*this)};
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
  struct next_awaiter {
    std::coroutine_handle<promise_type> body;
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<>) const {
      body.resume();
      return false;  // the body yielded or ended inline: the consumer goes on
    }
    std::optional<T> await_resume() const {
      if (body.done()) return std::nullopt;
      return std::optional<T>(std::move(*body.promise().value));
    }
  };

  bare_async_generator(bare_async_generator&& other) noexcept : body_(std::exchange(other.body_, {})) {}
  bare_async_generator& operator=(bare_async_generator&&) = delete;
  ~bare_async_generator() {
    if (body_) body_.destroy();
  }
  next_awaiter next() const noexcept { return {body_}; }

 private:
  explicit bare_async_generator(std::coroutine_handle<promise_type> body) noexcept : body_(body) {}
  std::coroutine_handle<promise_type> body_;
};

bare_async_generator<long long> bare_async_squares(long long n) {
  for (long long x = 0; x < n; ++x) co_yield x* x;
}

task<std::uint64_t> consume_bare_async(long long n) {
  std::uint64_t sum = 0;
  auto gen = bare_async_squares(n);
  while (std::optional<long long> v = co_await gen.next()) {
    opaque(*v);
    sum += static_cast<std::uint64_t>(*v);
  }
  co_return sum;
}

std::uint64_t bare_async_case(long long n) { return yieldpipe::sync_wait(consume_bare_async(n)); }

struct case_entry {
  const char* name;
  std::uint64_t (*run)(long long);
};

constexpr case_entry cases[] = {
    {"hand_loop", hand_loop},        {"function", function_generator}, {"expression", expression}, {"builtin", builtin},
    {"coroutine", coroutine},        {"async", async_generator_case},  {"recursive", recursive},   {"chained", chained},
    {"async_bare", bare_async_case},  // C++ only: the floor under the async case
};

// Σ x² for x < n, mod 2⁶⁴ (the divisions of n(n-1)(2n-1)/6 made exact first).
std::uint64_t sum_of_squares_below(std::uint64_t n) {
  if (n == 0) return 0;
  std::uint64_t a = n, b = n - 1, c = 2 * n - 1;
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

long long status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t len = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, len, field) == 0 && line.size() > len && line[len] == ':')
      return std::atoll(line.c_str() + len + 1);
  return -1;
}

double cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

void print_list(const std::vector<double>& values) {
  std::printf("[");
  for (std::size_t i = 0; i < values.size(); ++i) std::printf("%s%.4f", i ? ", " : "", values[i]);
  std::printf("]");
}

int usage() {
  std::fprintf(stderr, "usage: generator_matrix --case NAME [--n N] [--repetitions R]\ncases:");
  for (const case_entry& c : cases) std::fprintf(stderr, " %s", c.name);
  std::fprintf(stderr, "\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view name;
  long long n = 10'000'000;
  int repetitions = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--case")
      name = argv[i + 1];
    else if (flag == "--n")
      n = std::atoll(argv[i + 1]);
    else if (flag == "--repetitions")
      repetitions = std::atoi(argv[i + 1]);
    else
      return usage();
  }
  const case_entry* chosen = nullptr;
  for (const case_entry& c : cases)
    if (name == c.name) chosen = &c;
  if (chosen == nullptr || n < 0 || repetitions < 1) return usage();

  opaque(n);
  const std::uint64_t expected = sum_of_squares_below(static_cast<std::uint64_t>(n));
  const long long rss_before = status_kib("VmRSS");
  std::vector<double> cpu, wall;
  cpu.reserve(static_cast<std::size_t>(repetitions));  // no allocation of ours between a repetition's counters
  wall.reserve(static_cast<std::size_t>(repetitions));
  std::int64_t heap_peak = 0, heap_allocations = 0;
  std::uint64_t sum = 0;
  for (int r = 0; r < repetitions; ++r) {
    const std::int64_t live_at_start = live_bytes.load(std::memory_order_relaxed);
    const std::int64_t allocations_at_start = allocations.load(std::memory_order_relaxed);
    peak_bytes.store(live_at_start, std::memory_order_relaxed);
    const double c0 = cpu_ns();
    const auto w0 = std::chrono::steady_clock::now();
    sum = chosen->run(n);
    const auto w1 = std::chrono::steady_clock::now();
    const double c1 = cpu_ns();
    if (sum != expected) {
      std::fprintf(stderr, "generator_matrix: %s: wrong sum %llu, expected %llu\n", chosen->name,
                   static_cast<unsigned long long>(sum), static_cast<unsigned long long>(expected));
      return 1;
    }
    const double items = n > 0 ? static_cast<double>(n) : 1.0;
    cpu.push_back((c1 - c0) / items);
    wall.push_back(static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(w1 - w0).count()) / items);
    heap_peak = std::max(heap_peak, peak_bytes.load(std::memory_order_relaxed) - live_at_start);
    heap_allocations = std::max(heap_allocations, allocations.load(std::memory_order_relaxed) - allocations_at_start);
  }

  std::printf("{\"lang\": \"c++\", \"case\": \"%s\", \"n\": %lld, \"repetitions\": %d, \"cpu_ns_per_item\": ",
              chosen->name, n, repetitions);
  print_list(cpu);
  std::printf(", \"wall_ns_per_item\": ");
  print_list(wall);
  std::printf(
      ", \"sum\": %llu, \"heap_peak_bytes\": %lld, \"heap_allocations\": %lld, \"rss_before_kib\": %lld, "
      "\"peak_rss_kib\": %lld}\n",
      static_cast<unsigned long long>(sum), static_cast<long long>(heap_peak), static_cast<long long>(heap_allocations),
      rss_before, status_kib("VmHWM"));
  return 0;
}
