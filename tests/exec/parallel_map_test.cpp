// exec::parallel_map: order, the in-flight bound, exceptions, early stop and lifetimes.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/exec/parallel_map.hpp>
#include <yieldpipe/iter/filter.hpp>
#include <yieldpipe/iter/islice.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

namespace {

using namespace yieldpipe;
using longs = std::vector<long long>;

// Some arithmetic, different for every input, so that a misplaced result shows.
long long mix(long long x) {
  std::uint64_t v = static_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ull;
  v ^= v >> 29;
  return static_cast<long long>(v % 1000003);
}

longs iota(long long n) {
  longs v(static_cast<std::size_t>(n));
  for (long long i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i;
  return v;
}

// A source that counts how often it was pulled (resumed to produce an element); endless when n < 0.
generator<long long> counting(long long n, std::atomic<long long>* pulled) {
  for (long long i = 0; n < 0 || i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

// Tracks how many of something are alive at once, and the most ever alive.
struct live_counter {
  std::atomic<int> now{0};
  std::atomic<int> peak{0};
  void enter() {
    const int n = ++now;
    int p = peak.load();
    while (n > p && !peak.compare_exchange_weak(p, n)) {
    }
  }
  void leave() { --now; }
};

// A move-only result that counts itself alive in a live_counter (a moved-from token counts nothing).
class token {
 public:
  token(live_counter* c, long long v) : counter_(c), value_(v) {}
  token(token&& o) noexcept : counter_(std::exchange(o.counter_, nullptr)), value_(o.value_) {}
  token& operator=(token&&) = delete;
  ~token() {
    if (counter_) counter_->leave();
  }
  long long value() const { return value_; }

 private:
  live_counter* counter_;
  long long value_;
};

struct boom : std::runtime_error {
  explicit boom(long long at) : std::runtime_error("boom at " + std::to_string(at)), where(at) {}
  long long where;
};

// Burns some CPU, so that the other side of the hand-off gets ahead.
void spin(int rounds) {
  volatile long long sink = 0;
  for (int i = 0; i < rounds; ++i) sink = sink + i;
}

TEST(parallel_map, ordered_output_equals_the_sequential_map_for_1_2_3_and_8_threads) {
  const longs input = iota(100'000);
  const longs expected = input | map(mix) | to_vector();
  for (int threads : {1, 2, 3, 8}) {
    const longs got = input | exec::parallel_map(mix, {.threads = threads}) | to_vector();
    EXPECT_EQ(got, expected) << threads << " threads";
  }
}

TEST(parallel_map, unordered_output_is_a_permutation_of_the_sequential_map) {
  const longs input = iota(20'000);
  longs expected = input | map(mix) | to_vector();
  // Costs that vary by element, so that completion order differs from input order.
  auto uneven = [](long long x) {
    spin(static_cast<int>(x % 7) * 200);
    return mix(x);
  };
  for (int threads : {1, 3}) {
    longs got = input | exec::parallel_map(uneven, {.threads = threads, .ordered = false}) | to_vector();
    ASSERT_EQ(got.size(), expected.size());
    std::sort(got.begin(), got.end());
    longs sorted = expected;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(got, sorted) << threads << " threads";
  }
}

TEST(parallel_map, never_has_more_than_max_in_flight_inputs_and_results_alive) {
  for (bool ordered : {true, false}) {
    live_counter live;
    constexpr int window = 5;
    // An element is alive from the moment fn starts on it until its token is destroyed by the consumer.
    auto fn = [&live](long long x) {
      live.enter();
      return token(&live, x);
    };
    long long consumed = 0;
    long long sum = 0;
    for (token& t : iota(3000) | exec::parallel_map(fn, {.threads = 3, .ordered = ordered, .max_in_flight = window})) {
      EXPECT_LE(live.now.load(), window);
      if (consumed % 50 == 0) spin(20'000);  // a slow consumer now and then: the workers would run ahead
      sum += t.value();
      ++consumed;
    }
    EXPECT_EQ(consumed, 3000);
    EXPECT_EQ(sum, 3000LL * 2999 / 2);
    EXPECT_LE(live.peak.load(), window) << (ordered ? "ordered" : "unordered");
    EXPECT_GE(live.peak.load(), 1);
    EXPECT_EQ(live.now.load(), 0);
  }
}

TEST(parallel_map, the_default_window_is_four_elements_per_thread) {
  live_counter live;
  auto fn = [&live](long long x) {
    live.enter();
    return token(&live, x);
  };
  std::atomic<long long> pulled{0};
  auto view = counting(-1, &pulled) | exec::parallel_map(fn, {.threads = 2});
  auto it = view.begin();
  // begin() fills the window from the consumer's thread before it waits for the first result; the
  // consumer then holds that result and asks for nothing more, so nothing more is pulled.
  EXPECT_EQ(pulled.load(), 8);
  EXPECT_EQ((*it).value(), 0);
  spin(200'000);
  EXPECT_EQ(pulled.load(), 8);
  EXPECT_LE(live.peak.load(), 8);
}

TEST(parallel_map, runs_fn_on_as_many_threads_as_asked_even_beyond_the_cores) {
  // Four calls must be inside fn at the same time, which needs four workers (oneTBB alone would give
  // one per core, minus one). A generous deadline turns a missing worker into a failure, not a hang.
  constexpr int threads = 4;
  std::mutex m;
  std::condition_variable cv;
  int inside = 0;
  std::atomic<bool> all_met{true};
  auto fn = [&](long long x) {
    std::unique_lock lock(m);
    ++inside;
    cv.notify_all();
    if (!cv.wait_for(lock, std::chrono::seconds(60), [&] { return inside >= threads; })) all_met = false;
    return x;
  };
  const longs got = iota(threads) | exec::parallel_map(fn, {.threads = threads}) | to_vector();
  EXPECT_EQ(got, iota(threads));
  EXPECT_TRUE(all_met.load());
}

TEST(parallel_map, rethrows_the_same_exception_object_after_the_results_before_it_in_ordered_mode) {
  constexpr long long failing = 500;
  constexpr int window = 8;
  std::atomic<int> calls{0};
  std::atomic<int> running{0};
  std::atomic<const boom*> thrown{nullptr};
  auto fn = [&](long long x) {
    ++calls;
    ++running;
    spin(500);
    --running;
    if (x == failing) {
      try {
        throw boom(x);
      } catch (const boom& e) {
        thrown = &e;
        throw;
      }
    }
    return mix(x);
  };
  auto view = iota(100'000) | exec::parallel_map(fn, {.threads = 3, .max_in_flight = window});
  longs got;
  const boom* caught = nullptr;
  int calls_when_caught = 0;
  try {
    for (long long r : view) got.push_back(r);
  } catch (const boom& e) {
    caught = &e;
    calls_when_caught = calls.load();
    EXPECT_EQ(running.load(), 0) << "the work in flight is drained before the exception reaches the consumer";
    EXPECT_EQ(e.where, failing);
  }
  ASSERT_NE(caught, nullptr);
  EXPECT_EQ(caught, thrown.load()) << "the exception object thrown by fn, not a copy";
  // The results before the failing element, in order: all of them unless some were still queued when
  // it failed (those are skipped, and the exception is raised in the first one's place).
  EXPECT_LE(got.size(), static_cast<std::size_t>(failing));
  EXPECT_GT(got.size(), static_cast<std::size_t>(failing - window));
  EXPECT_EQ(got, iota(static_cast<long long>(got.size())) | map(mix) | to_vector());
  // No element beyond the window was started, and none after the exception was seen.
  EXPECT_LE(calls_when_caught, failing + window);
  EXPECT_TRUE(view.begin() == std::default_sentinel) << "the view ends after the exception";
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(calls.load(), calls_when_caught);
}

TEST(parallel_map, rethrows_the_exception_type_in_unordered_mode_and_then_ends) {
  std::atomic<int> calls{0};
  auto fn = [&](long long x) {
    ++calls;
    if (x == 77) throw boom(x);
    return x;
  };
  auto view = iota(10'000) | exec::parallel_map(fn, {.threads = 2, .ordered = false, .max_in_flight = 6});
  long long delivered = 0;
  long long where = -1;
  try {
    for (long long r : view) {
      EXPECT_NE(r, 77);
      ++delivered;
    }
  } catch (const boom& e) {
    where = e.where;
  }
  EXPECT_EQ(where, 77);
  // Completion order: element 77 may wait in the queue while later ones complete and are delivered, but
  // no more than the window was ever started beyond what the consumer had taken, and none after the
  // exception reached it.
  const int calls_when_caught = calls.load();
  EXPECT_LE(calls_when_caught, delivered + 6);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(calls.load(), calls_when_caught);
  EXPECT_TRUE(view.begin() == std::default_sentinel);
}

TEST(parallel_map, an_exception_in_the_first_element_is_raised_by_begin) {
  auto view = iota(3) | exec::parallel_map([](long long) -> int { throw boom(0); }, {.threads = 2});
  EXPECT_THROW(view.begin(), boom);
  EXPECT_TRUE(view.begin() == std::default_sentinel);
}

TEST(parallel_map, an_exception_from_the_source_comes_after_the_results_of_the_elements_before_it) {
  auto source = []() -> generator<long long> {
    for (long long i = 0; i < 10; ++i) co_yield i;
    throw boom(10);
  };
  longs got;
  long long where = -1;
  try {
    for (long long r : source() | exec::parallel_map(mix, {.threads = 3, .max_in_flight = 4})) got.push_back(r);
  } catch (const boom& e) {
    where = e.where;
  }
  EXPECT_EQ(where, 10);
  EXPECT_EQ(got, iota(10) | map(mix) | to_vector());
}

TEST(parallel_map, an_exception_from_the_source_before_its_first_element_is_raised_by_begin) {
  auto source = []() -> generator<long long> {
    throw boom(0);
    co_yield 1;
  };
  auto view = source() | exec::parallel_map(mix, {.threads = 2});
  EXPECT_THROW(view.begin(), boom);
  EXPECT_TRUE(view.begin() == std::default_sentinel);
}

TEST(parallel_map, take_stops_pulling_an_endless_generator) {
  for (bool ordered : {true, false}) {
    std::atomic<long long> pulled{0};
    std::atomic<long long> calls{0};
    auto fn = [&calls](long long x) {
      ++calls;
      return x * 2;
    };
    const longs got = counting(-1, &pulled) |
                      exec::parallel_map(fn, {.threads = 3, .ordered = ordered, .max_in_flight = 6}) | take(10) |
                      to_vector();
    ASSERT_EQ(got.size(), 10u);
    if (ordered) {
      EXPECT_EQ(got, iota(10) | map([](long long x) { return x * 2; }) | to_vector());
    }
    EXPECT_LE(pulled.load(), 10 + 6);
    const long long calls_after = calls.load();
    EXPECT_LE(calls_after, 10 + 6);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(calls.load(), calls_after) << "fn is not called once the view is gone";
  }
}

TEST(parallel_map, break_stops_pulling_an_endless_generator) {
  std::atomic<long long> pulled{0};
  long long consumed = 0;
  for (long long r : counting(-1, &pulled) | exec::parallel_map(mix, {.threads = 2, .max_in_flight = 3})) {
    EXPECT_EQ(r, mix(consumed));
    if (++consumed == 25) break;
  }
  EXPECT_EQ(consumed, 25);
  EXPECT_LE(pulled.load(), 25 + 3);
}

TEST(parallel_map, an_exception_in_the_consumer_stops_the_stage) {
  std::atomic<long long> pulled{0};
  long long consumed = 0;
  try {
    for (long long r : counting(-1, &pulled) | exec::parallel_map(mix, {.threads = 2, .max_in_flight = 4})) {
      (void)r;
      if (++consumed == 7) throw boom(7);
    }
  } catch (const boom&) {
  }
  EXPECT_EQ(consumed, 7);
  EXPECT_LE(pulled.load(), 7 + 4);
}

TEST(parallel_map, destroying_the_view_mid_stream_waits_for_the_work_in_flight_and_frees_every_result) {
  live_counter live;
  std::atomic<int> calls{0};
  std::atomic<int> running{0};
  auto fn = [&](long long x) {
    ++calls;
    ++running;
    spin(20'000);
    live.enter();
    --running;
    return token(&live, x);
  };
  std::atomic<long long> pulled{0};
  {
    auto view = counting(-1, &pulled) | exec::parallel_map(fn, {.threads = 3, .max_in_flight = 12});
    auto it = view.begin();
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ((*it).value(), i);
      ++it;
    }
  }
  EXPECT_EQ(running.load(), 0);
  EXPECT_EQ(live.now.load(), 0) << "results not consumed are destroyed with the view";
  const int calls_after = calls.load();
  EXPECT_LE(calls_after, 5 + 12);
  EXPECT_LE(pulled.load(), 5 + 12);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(calls.load(), calls_after);
}

TEST(parallel_map, a_view_that_is_never_begun_runs_nothing) {
  std::atomic<long long> pulled{0};
  std::atomic<int> calls{0};
  {
    auto view = counting(5, &pulled) | exec::parallel_map([&calls](long long x) {
                  ++calls;
                  return x;
                });
  }
  EXPECT_EQ(pulled.load(), 0);
  EXPECT_EQ(calls.load(), 0);
}

TEST(parallel_map, move_only_results_can_be_moved_out) {
  std::vector<std::unique_ptr<long long>> out;
  for (auto& p : iota(1000) | exec::parallel_map([](long long x) { return std::make_unique<long long>(x * 3); },
                                                 {.threads = 2, .max_in_flight = 7}))
    out.push_back(std::move(p));
  ASSERT_EQ(out.size(), 1000u);
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(*out[i], static_cast<long long>(i) * 3);
}

TEST(parallel_map, reads_a_generator_source_that_is_moved_into_the_view) {
  std::atomic<long long> pulled{0};
  auto view = counting(1000, &pulled) | exec::parallel_map([](long long x) { return std::to_string(x); });
  EXPECT_EQ(pulled.load(), 0) << "applying the stage reads nothing";
  std::vector<std::string> got = std::move(view) | to_vector();
  ASSERT_EQ(got.size(), 1000u);
  EXPECT_EQ(got.front(), "0");
  EXPECT_EQ(got.back(), "999");
  EXPECT_EQ(pulled.load(), 1000);
}

TEST(parallel_map, borrows_an_lvalue_source_and_copies_its_elements) {
  std::vector<std::string> words = {"a", "bb", "ccc"};
  const auto sizes = words | exec::parallel_map([](std::string s) { return s.size(); }) | to_vector();
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_EQ(words, (std::vector<std::string>{"a", "bb", "ccc"})) << "the source's elements are not moved from";
}

TEST(parallel_map, an_empty_source_is_an_empty_sequence) {
  EXPECT_TRUE((longs{} | exec::parallel_map(mix, {.threads = 2}) | to_vector()).empty());
  std::atomic<long long> pulled{0};
  EXPECT_TRUE((counting(0, &pulled) | exec::parallel_map(mix, {.ordered = false}) | to_vector()).empty());
}

TEST(parallel_map, composes_with_iter_stages_on_both_sides) {
  auto odd = [](long long x) { return x % 2 == 1; };
  auto square = [](long long x) { return x * x; };
  auto small = [](long long x) { return x % 10 < 5; };
  auto negate = [](long long x) { return -x; };
  const longs input = iota(5000);
  const longs expected =
      input | filter(odd) | map(square) | map(mix) | filter(small) | map(negate) | take(300) | to_vector();
  ASSERT_EQ(expected.size(), 300u);
  const longs got = input | filter(odd) | map(square) | exec::parallel_map(mix, {.threads = 3}) | filter(small) |
                    map(negate) | take(300) | to_vector();
  EXPECT_EQ(got, expected);
  // As a stored stage, composed with others before any source is known.
  auto stage = filter(odd) | exec::parallel_map(square, {.threads = 2, .max_in_flight = 3}) | map(negate);
  EXPECT_EQ(longs({1, 2, 3, 4, 5}) | stage | to_vector(), (longs{-1, -9, -25}));
}

TEST(parallel_map, rejects_negative_options) {
  EXPECT_THROW((void)exec::parallel_map(mix, {.threads = -1}), std::invalid_argument);
  EXPECT_THROW((void)exec::parallel_map(mix, {.max_in_flight = -2}), std::invalid_argument);
}

TEST(parallel_map, a_window_of_one_element_still_delivers_everything_in_order) {
  const longs got = iota(500) | exec::parallel_map(mix, {.threads = 4, .max_in_flight = 1}) | to_vector();
  EXPECT_EQ(got, iota(500) | map(mix) | to_vector());
}

}  // namespace
