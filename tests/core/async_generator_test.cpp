// yieldpipe::async_generator: Python's async generators (PEP 525), semantics.md items 59–73, plus
// the C++ surface (steps that complete on another thread, destruction at every point, lifetimes).
//
// Item 59's `g.__aiter__() is g` has no C++ counterpart: C++20 has no `co_await for` loop to call
// it, and the consumers are `co_await g.next()` and the iter layer's `for_each`.
#include <gtest/gtest.h>

#include <atomic>
#include <coroutine>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#include <yieldpipe/core/async_generator.hpp>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/core/sync_wait.hpp>
#include <yieldpipe/core/task.hpp>

#include "support/awaitables.hpp"
#include "support/counted.hpp"
#include "support/log_on_exit.hpp"

namespace {

using yieldpipe::abandoned_async_generator;
using yieldpipe::async_generator;
using yieldpipe::gen_state;
using yieldpipe::sync_wait;
using yieldpipe::task;
using yieldpipe::test::counted;
using yieldpipe::test::gate;
using yieldpipe::test::log_t;
using yieldpipe::test::on_exit;
using yieldpipe::test::on_new_thread;

template <class Y, class S>
task<std::vector<Y>> drain(async_generator<Y, S>& g) {
  std::vector<Y> out;
  while (auto v = co_await g.next()) out.push_back(std::move(*v));
  co_return out;
}

async_generator<int> count_to(int n) {
  for (int i = 1; i <= n; ++i) co_yield i;
}

// ─── 59. Protocol ────────────────────────────────────────────────────────────────────────────────

TEST(async_generator, semantics_59_protocol_next_until_empty_and_after) {
  auto g = count_to(2);
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(1));
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(2));
  EXPECT_EQ(sync_wait(g.next()), std::nullopt);
  EXPECT_EQ(sync_wait(g.next()), std::nullopt);  // every later anext ends too
  EXPECT_EQ(g.state(), gen_state::closed);
}

TEST(async_generator, semantics_59_protocol_anext_raises_stop_async_iteration_and_takes_a_default) {
  auto g = count_to(1);
  EXPECT_EQ(sync_wait(yieldpipe::anext(g)), 1);
  EXPECT_THROW(sync_wait(yieldpipe::anext(g)), yieldpipe::stop_async_iteration);
  EXPECT_THROW(sync_wait(yieldpipe::anext(g)), yieldpipe::stop_async_iteration);
  EXPECT_EQ(sync_wait(yieldpipe::anext(g, 42)), 42);
}

// ─── 60. asend(non-None) on a fresh async generator ─────────────────────────────────────────────

async_generator<std::string, std::string> echo(log_t* log) {
  for (;;) {
    auto got = co_yield std::string("ready");
    log->push_back("got " + got.value_or("none"));
    if (!got) co_return;
  }
}

TEST(async_generator, semantics_60_asend_to_a_fresh_generator_is_invalid_send_and_it_stays_created) {
  log_t log;
  auto g = echo(&log);
  EXPECT_THROW(sync_wait(g.asend("v")), yieldpipe::invalid_send);
  EXPECT_EQ(g.state(), gen_state::created);
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(sync_wait(g.next()), std::optional<std::string>("ready"));  // starts normally afterwards
}

// ─── 61. asend(v) ────────────────────────────────────────────────────────────────────────────────

TEST(async_generator, semantics_61_asend_value_becomes_the_value_of_the_yield) {
  log_t log;
  auto g = echo(&log);
  EXPECT_EQ(sync_wait(g.next()), std::optional<std::string>("ready"));
  EXPECT_EQ(sync_wait(g.asend("v")), std::optional<std::string>("ready"));
  EXPECT_EQ(log, (log_t{"got v"}));
  EXPECT_EQ(sync_wait(g.next()), std::nullopt);  // next() sends "None": the body ends
  EXPECT_EQ(log, (log_t{"got v", "got none"}));
}

// ─── 62. athrow ──────────────────────────────────────────────────────────────────────────────────

async_generator<std::string> catches_runtime_errors() {
  for (;;) {
    std::string caught;
    try {
      co_yield std::string("value");
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    if (!caught.empty()) co_yield "caught " + caught;
  }
}

TEST(async_generator, semantics_62_athrow_handled_returns_the_next_yielded_value) {
  auto g = catches_runtime_errors();
  EXPECT_EQ(sync_wait(g.next()), std::optional<std::string>("value"));
  EXPECT_EQ(sync_wait(g.athrow(std::runtime_error("v"))), std::optional<std::string>("caught v"));
  EXPECT_EQ(g.state(), gen_state::suspended);
}

TEST(async_generator, semantics_62_athrow_unhandled_propagates_and_closes) {
  auto g = catches_runtime_errors();
  EXPECT_EQ(sync_wait(g.next()), std::optional<std::string>("value"));
  EXPECT_THROW(sync_wait(g.athrow(std::logic_error("not caught"))), std::logic_error);
  EXPECT_EQ(g.state(), gen_state::closed);
  EXPECT_EQ(sync_wait(g.next()), std::nullopt);
}

TEST(async_generator, semantics_62_athrow_into_a_fresh_generator_raises_at_once_and_closes_it) {
  log_t log;
  auto g = echo(&log);
  EXPECT_THROW(sync_wait(g.athrow(std::runtime_error("early"))), std::runtime_error);
  EXPECT_EQ(g.state(), gen_state::closed);
  EXPECT_TRUE(log.empty());  // the body never ran
  EXPECT_EQ(sync_wait(g.next()), std::nullopt);
}

// ─── 63. athrow on a closed or exhausted async generator ────────────────────────────────────────

TEST(async_generator, semantics_63_athrow_on_an_exhausted_or_closed_generator_does_nothing) {
  auto g = count_to(1);
  EXPECT_EQ(sync_wait(drain(g)), (std::vector<int>{1}));
  EXPECT_EQ(sync_wait(g.athrow(std::runtime_error("ignored"))), std::nullopt);  // CPython: returns None

  auto h = count_to(3);
  EXPECT_EQ(sync_wait(h.next()), std::optional<int>(1));
  sync_wait(h.aclose());
  EXPECT_EQ(sync_wait(h.athrow(std::runtime_error("ignored"))), std::nullopt);
  EXPECT_EQ(h.state(), gen_state::closed);
}

// ─── 64. aclose on a suspended async generator ──────────────────────────────────────────────────

async_generator<int> awaits_in_cleanup(log_t* log, gate* cleanup) {
  bool closing = false;
  try {
    co_yield 1;
    co_yield 2;
  } catch (const yieldpipe::generator_exit&) {
    closing = true;
  }
  if (closing) {  // Python's `finally: await ...`: C++ cannot co_await inside a handler
    co_await cleanup->wait();
    log->push_back("awaited in finally");
  }
}

TEST(async_generator, semantics_64_aclose_raises_generator_exit_and_the_cleanup_may_await) {
  log_t log;
  gate cleanup;
  auto g = awaits_in_cleanup(&log, &cleanup);
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(1));

  std::thread opener([&] {
    while (!cleanup.has_waiter()) std::this_thread::yield();
    cleanup.open();  // the cleanup's await completes on another thread
  });
  sync_wait(g.aclose());
  opener.join();
  EXPECT_EQ(log, (log_t{"awaited in finally"}));
  EXPECT_EQ(g.state(), gen_state::closed);
  sync_wait(g.aclose());  // a second aclose is a no-op
  EXPECT_EQ(log.size(), 1u);
}

TEST(async_generator, semantics_64_aclose_on_a_fresh_generator_runs_no_code) {
  log_t log;
  gate cleanup;
  auto g = awaits_in_cleanup(&log, &cleanup);
  sync_wait(g.aclose());
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(g.state(), gen_state::closed);
  EXPECT_EQ(sync_wait(g.next()), std::nullopt);
}

// ─── 65. Yield during aclose ─────────────────────────────────────────────────────────────────────

async_generator<int> yields_when_closed() {
  bool closing = false;
  try {
    co_yield 1;
  } catch (const yieldpipe::generator_exit&) {
    closing = true;
  }
  if (closing) co_yield 2;
}

TEST(async_generator, semantics_65_yield_during_aclose_is_ignored_exit_and_it_stays_suspended) {
  auto g = yields_when_closed();
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(1));
  EXPECT_THROW(sync_wait(g.aclose()), yieldpipe::async_generator_ignored_exit);
  EXPECT_EQ(g.state(), gen_state::suspended);
  EXPECT_EQ(sync_wait(g.next()), std::nullopt);
}

async_generator<int> yields_while_an_error_propagates() {
  std::exception_ptr error;
  try {
    co_yield 1;
  } catch (const std::runtime_error&) {
    error = std::current_exception();
  }
  co_yield 2;  // allowed: only aclose forbids a yield (gh-132104)
  std::rethrow_exception(error);
}

TEST(async_generator, semantics_65_yield_while_an_ordinary_exception_propagates_is_allowed) {
  auto g = yields_while_an_error_propagates();
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(1));
  EXPECT_EQ(sync_wait(g.athrow(std::runtime_error("boom"))), std::optional<int>(2));
  EXPECT_THROW(sync_wait(g.next()), std::runtime_error);
  EXPECT_EQ(g.state(), gen_state::closed);
}

// ─── 66. aclose when the generator catches GeneratorExit and returns ────────────────────────────

async_generator<int> returns_on_exit(bool raise_instead) {
  bool closing = false;
  try {
    co_yield 1;
  } catch (const yieldpipe::generator_exit&) {
    closing = true;
  }
  if (closing && raise_instead) throw std::out_of_range("in aclose");
}

TEST(async_generator, semantics_66_aclose_when_the_body_catches_and_returns_returns_normally) {
  auto g = returns_on_exit(false);
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(1));
  EXPECT_NO_THROW(sync_wait(g.aclose()));
  EXPECT_EQ(g.state(), gen_state::closed);
}

TEST(async_generator, semantics_66_another_exception_raised_during_aclose_propagates) {
  auto g = returns_on_exit(true);
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(1));
  EXPECT_THROW(sync_wait(g.aclose()), std::out_of_range);
  EXPECT_EQ(g.state(), gen_state::closed);
}

// ─── 67. StopIteration / StopAsyncIteration raised in the body ──────────────────────────────────

template <class Stop>
async_generator<int> raises() {
  co_yield 1;
  throw Stop();
}

template <class Stop>
void expect_raised_stop(const char* message) {
  auto g = raises<Stop>();
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(1));
  try {
    sync_wait(g.next());
    ADD_FAILURE() << "no exception";
  } catch (const yieldpipe::async_generator_raised_stop_iteration& e) {
    EXPECT_STREQ(e.what(), message);
    EXPECT_THROW(std::rethrow_if_nested(e), Stop);  // the cause is kept
  }
  EXPECT_EQ(g.state(), gen_state::closed);
}

TEST(async_generator, semantics_67_stop_async_iteration_in_the_body_becomes_a_runtime_error_with_its_cause) {
  expect_raised_stop<yieldpipe::stop_async_iteration>("async generator raised stop_async_iteration");
}

TEST(async_generator, semantics_67_stop_iteration_in_the_body_becomes_a_runtime_error_with_its_cause) {
  expect_raised_stop<yieldpipe::stop_iteration>("async generator raised stop_iteration");
}

// ─── 68. Concurrency ─────────────────────────────────────────────────────────────────────────────

async_generator<int> waits_then_yields(gate* g) {
  co_await g->wait();
  co_yield 1;
  co_yield 2;
}

task<std::optional<int>> take_next(async_generator<int>& g) { co_return co_await g.next(); }

TEST(async_generator, semantics_68_a_second_next_while_the_first_is_pending_is_already_running) {
  gate opened;
  auto g = waits_then_yields(&opened);
  auto first = take_next(g);
  std::optional<int> first_value;
  std::thread consumer([&] { first_value = sync_wait(first); });
  while (!opened.has_waiter()) std::this_thread::yield();

  EXPECT_EQ(g.state(), gen_state::running);  // suspended in an await: still running, as in Python
  try {
    sync_wait(g.next());
    ADD_FAILURE() << "no exception";
  } catch (const yieldpipe::async_generator_already_running& e) {
    EXPECT_STREQ(e.what(), "next(): asynchronous generator is already running");
  }
  EXPECT_THROW(sync_wait(g.aclose()), yieldpipe::async_generator_already_running);

  opened.open();
  consumer.join();
  EXPECT_EQ(first_value, std::optional<int>(1));  // the pending step was not disturbed
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(2));
}

async_generator<int> closes_itself(async_generator<int>* self, std::string* error) {
  co_yield 1;
  try {
    co_await self->aclose();
  } catch (const yieldpipe::async_generator_already_running& e) {
    *error = e.what();
  }
  co_yield 2;
}

TEST(async_generator, semantics_68_aclose_from_inside_the_body_is_already_running) {
  std::string error;
  async_generator<int> g;
  g = closes_itself(&g, &error);
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(1));
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(2));
  EXPECT_EQ(error, "aclose(): asynchronous generator is already running");
}

// ─── 69. Awaitables are single-use ───────────────────────────────────────────────────────────────

TEST(async_generator, semantics_69_awaiting_the_same_next_twice_is_awaitable_reused) {
  auto g = count_to(3);
  auto step = g.next();
  auto twice = [](decltype(step)& s) -> task<void> {
    EXPECT_EQ(co_await s, std::optional<int>(1));
    co_await s;
  };
  EXPECT_THROW(sync_wait(twice(step)), yieldpipe::awaitable_reused);
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(2));  // the generator itself is unharmed

  auto closing = g.aclose();
  auto close_twice = [](decltype(closing)& c) -> task<void> {
    co_await c;
    co_await c;
  };
  EXPECT_THROW(sync_wait(close_twice(closing)), yieldpipe::awaitable_reused);
}

// ─── 70. Syntax limits ───────────────────────────────────────────────────────────────────────────

template <class P>
concept returns_a_value = requires(P& p) { p.return_value(1); };
template <class P>
concept delegates = requires(P& p, yieldpipe::generator<int> g) { p.yield_value(yieldpipe::yield_from(std::move(g))); };

TEST(async_generator, semantics_70_no_return_value_and_no_yield_from) {
  using promise = async_generator<int>::promise_type;
  static_assert(!returns_a_value<promise>, "`co_return v;` must not compile in an async generator");
  static_assert(!delegates<promise>, "`co_yield yield_from(...)` must not compile in an async generator");
  SUCCEED();
}

// ─── 71. Finalization ────────────────────────────────────────────────────────────────────────────

async_generator<int> logs_cleanup(log_t* log, gate* cleanup) {
  on_exit finally{log, "raii cleanup"};
  bool closing = false;
  try {
    for (int i = 0;; ++i) co_yield i;
  } catch (const yieldpipe::generator_exit&) {
    closing = true;
  }
  if (closing) {
    if (cleanup != nullptr) co_await cleanup->wait();
    log->push_back("aclose cleanup");
  }
}

TEST(async_generator, semantics_71_breaking_out_does_not_close_the_generator) {
  log_t log;
  auto g = logs_cleanup(&log, nullptr);
  auto consume_two = [](async_generator<int>& gen) -> task<void> {
    for (int n = 0; n < 2; ++n) co_await gen.next();  // then "break"
  };
  sync_wait(consume_two(g));
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(g.state(), gen_state::suspended);
  sync_wait(g.aclose());
  EXPECT_EQ(log, (log_t{"aclose cleanup", "raii cleanup"}));
}

TEST(async_generator, semantics_71_destroying_a_suspended_generator_runs_the_finalizer_hook) {
  log_t log;
  gate cleanup;
  std::vector<abandoned_async_generator> handed;
  auto previous =
      yieldpipe::set_async_generator_finalizer([&](abandoned_async_generator g) { handed.push_back(std::move(g)); });
  {
    auto g = logs_cleanup(&log, &cleanup);
    EXPECT_EQ(sync_wait(g.next()), std::optional<int>(0));
  }
  yieldpipe::set_async_generator_finalizer(std::move(previous));
  ASSERT_EQ(handed.size(), 1u);
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(handed[0].state(), gen_state::suspended);

  std::thread opener([&] {
    while (!cleanup.has_waiter()) std::this_thread::yield();
    cleanup.open();
  });
  sync_wait(handed[0].aclose());  // the hook's owner closes it as asyncio would
  opener.join();
  EXPECT_EQ(log, (log_t{"aclose cleanup", "raii cleanup"}));
  EXPECT_EQ(handed[0].state(), gen_state::closed);
}

TEST(async_generator, semantics_71_without_a_hook_destruction_runs_raii_cleanup_only) {
  log_t log;
  {
    auto g = logs_cleanup(&log, nullptr);
    EXPECT_EQ(sync_wait(g.next()), std::optional<int>(0));
  }
  EXPECT_EQ(log, (log_t{"raii cleanup"}));
}

TEST(async_generator, semantics_71_a_hook_that_drops_the_generator_frees_its_frame) {
  log_t log;
  auto previous = yieldpipe::set_async_generator_finalizer([](abandoned_async_generator) {});
  {
    auto g = logs_cleanup(&log, nullptr);
    EXPECT_EQ(sync_wait(g.next()), std::optional<int>(0));
  }
  yieldpipe::set_async_generator_finalizer(std::move(previous));
  EXPECT_EQ(log, (log_t{"raii cleanup"}));
}

// ─── 72. athrow(GeneratorExit) ───────────────────────────────────────────────────────────────────

TEST(async_generator, semantics_72_athrow_of_generator_exit_uncaught_propagates_to_the_awaiter) {
  auto g = count_to(3);
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(1));
  EXPECT_THROW(sync_wait(g.athrow(yieldpipe::generator_exit())), yieldpipe::generator_exit);
  EXPECT_EQ(g.state(), gen_state::closed);
}

// ─── 73. States ──────────────────────────────────────────────────────────────────────────────────

async_generator<gen_state> reports_own_state(async_generator<gen_state>* self) { co_yield self->state(); }

TEST(async_generator, semantics_73_states_created_running_suspended_closed) {
  async_generator<gen_state> g;
  EXPECT_EQ(g.state(), gen_state::closed);  // default-constructed
  g = reports_own_state(&g);
  EXPECT_EQ(g.state(), gen_state::created);
  EXPECT_EQ(sync_wait(g.next()), std::optional<gen_state>(gen_state::running));  // from inside
  EXPECT_EQ(g.state(), gen_state::suspended);
  EXPECT_EQ(sync_wait(g.next()), std::nullopt);
  EXPECT_EQ(g.state(), gen_state::closed);
}

// ─── The C++ surface ─────────────────────────────────────────────────────────────────────────────

TEST(async_generator, a_default_constructed_generator_is_empty_and_closed) {
  async_generator<int> g;
  EXPECT_EQ(sync_wait(g.next()), std::nullopt);
  EXPECT_NO_THROW(sync_wait(g.aclose()));
}

TEST(async_generator, a_million_elements_yielded_inline_do_not_grow_the_stack) {
  auto sum_all = [](async_generator<int> g) -> task<long long> {
    long long total = 0;
    while (auto v = co_await g.next()) total += *v;
    co_return total;
  };
  EXPECT_EQ(sync_wait(sum_all(count_to(1'000'000))), 500'000'500'000LL);
}

// A step whose await completes on another thread, many times over: the consumer and the
// generator meet in the handoff from both sides (run it under ThreadSanitizer).
async_generator<int> resumed_elsewhere(int n) {
  for (int i = 0; i < n; ++i) {
    co_await on_new_thread{};
    co_yield i;
  }
}

TEST(async_generator, steps_that_complete_on_other_threads_deliver_every_element_once) {
  auto g = resumed_elsewhere(200);
  std::vector<int> got = sync_wait(drain(g));
  ASSERT_EQ(got.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
}

async_generator<std::unique_ptr<int>> move_only(int n) {
  for (int i = 0; i < n; ++i) co_yield std::make_unique<int>(i);
}

TEST(async_generator, move_only_elements_are_moved_out_of_the_generator) {
  auto g = move_only(2);
  auto first = sync_wait(g.next());
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(**first, 0);
}

async_generator<counted> yields_lvalue(counted* seen) {
  counted c(7);
  co_yield c;  // a non-const lvalue: the consumer receives a copy (the optional owns its element)
  *seen = c;
}

TEST(async_generator, an_lvalue_element_is_copied_once_into_the_result) {
  counted::reset();
  counted seen;
  {
    auto g = yields_lvalue(&seen);
    auto v = sync_wait(g.next());
    ASSERT_TRUE(v);
    EXPECT_EQ(v->value, 7);
    EXPECT_EQ(counted::copies, 1);
    sync_wait(g.next());
  }
  EXPECT_EQ(seen.value, 7);
  EXPECT_EQ(counted::alive, 1);  // only `seen`
}

// A coroutine the test starts and destroys by hand: a consumer whose owner lets go of it while it
// waits.
struct manual_coroutine {
  struct promise_type {
    manual_coroutine get_return_object() noexcept { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_always final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }
  };
  std::coroutine_handle<promise_type> handle;
};

async_generator<int> gated_pair(log_t* log, gate* opened) {
  on_exit finally{log, "cleanup"};
  co_await opened->wait();
  co_yield 1;
  co_yield 2;
}

manual_coroutine owning_consumer(async_generator<int> g, std::optional<int>* out) { *out = co_await g.next(); }
manual_coroutine borrowing_consumer(async_generator<int>* g, std::optional<int>* out) { *out = co_await g->next(); }

TEST(async_generator, destroyed_with_its_consumer_during_a_step_it_frees_itself_when_the_step_ends) {
  log_t log;
  gate opened;
  std::optional<int> out;
  manual_coroutine consumer = owning_consumer(gated_pair(&log, &opened), &out);
  consumer.handle.resume();  // the step suspends in the gate
  ASSERT_TRUE(opened.has_waiter());
  consumer.handle.destroy();  // destroys the awaiter and the generator, mid-step
  EXPECT_TRUE(log.empty());   // the frame is still in use by the pending step
  opened.open();              // the step ends at `co_yield 1`: nobody is left, the frame is freed
  EXPECT_EQ(log, (log_t{"cleanup"}));
  EXPECT_EQ(out, std::nullopt);
}

TEST(async_generator, a_consumer_destroyed_during_a_step_drops_that_element_only) {
  log_t log;
  gate opened;
  std::optional<int> out;
  auto g = gated_pair(&log, &opened);
  manual_coroutine consumer = borrowing_consumer(&g, &out);
  consumer.handle.resume();
  consumer.handle.destroy();
  opened.open();  // the step ends with nobody waiting: its element is dropped
  EXPECT_EQ(g.state(), gen_state::suspended);
  EXPECT_EQ(sync_wait(g.next()), std::optional<int>(2));
  EXPECT_EQ(out, std::nullopt);
}

}  // namespace
