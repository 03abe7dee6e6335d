// yieldpipe::generator: Python's generator semantics, semantics.md items 1–42, plus the C++ surface
// (ranges, copies, misuse). Items 43–58 (delegation) are in yield_from_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <yieldpipe/core/generator.hpp>

#include "support/counted.hpp"
#include "support/log_on_exit.hpp"

namespace {

using yieldpipe::gen_state;
using yieldpipe::generator;
using yieldpipe::test::counted;
using yieldpipe::test::log_t;
using yieldpipe::test::on_exit;

template <class G>
std::vector<typename G::value_type> drain(G& g) {
  std::vector<typename G::value_type> out;
  while (auto v = g.next()) out.push_back(std::move(*v));
  return out;
}

// ─── 1. Lifecycle & states ───────────────────────────────────────────────────────────────────────

generator<int> lazy(log_t* log) {
  log->push_back("started");
  co_yield 1;
}

TEST(generator_semantics, semantics_01_lazy_start) {
  log_t log;
  auto g = lazy(&log);
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(g.state(), gen_state::created);
  EXPECT_EQ(g.next(), 1);
  EXPECT_EQ(log, log_t{"started"});
}

generator<int> reports_own_state(generator<int>* const* self, std::optional<gen_state>* seen) {
  *seen = (*self)->state();
  co_yield 1;
}

TEST(generator_semantics, semantics_02_state_machine) {
  generator<int>* self = nullptr;
  std::optional<gen_state> inside;
  auto g = reports_own_state(&self, &inside);
  self = &g;
  EXPECT_EQ(g.state(), gen_state::created);
  EXPECT_EQ(g.next(), 1);
  EXPECT_EQ(inside, gen_state::running);
  EXPECT_EQ(g.state(), gen_state::suspended);
  EXPECT_EQ(g.next(), std::nullopt);
  EXPECT_EQ(g.state(), gen_state::closed);
}

generator<int, void, int> yields_then_returns_5() {
  co_yield 1;
  co_return 5;
}

TEST(generator_semantics, semantics_03_exhaustion_is_sticky) {
  auto g = yields_then_returns_5();
  EXPECT_EQ(g.next(), 1);
  EXPECT_EQ(g.next(), std::nullopt);
  EXPECT_EQ(g.return_value(), 5);
  // Python reports the value once; here it stays readable, and every later next() is the end.
  EXPECT_EQ(g.next(), std::nullopt);
  EXPECT_EQ(g.return_value(), 5);
}

generator<int> yields_then_raises() {
  co_yield 1;
  throw std::invalid_argument("boom");
}

TEST(generator_semantics, semantics_04_uncaught_exception_kills_the_generator) {
  auto g = yields_then_raises();
  EXPECT_EQ(g.next(), 1);
  try {
    (void)g.next();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "boom");
  }
  EXPECT_EQ(g.state(), gen_state::closed);
  EXPECT_EQ(g.next(), std::nullopt);
}

enum class reentry { next, send, throw_, close };

generator<int, int> reenters(generator<int, int>* const* self, reentry how) {
  switch (how) {
    case reentry::next: co_yield *(*self)->next(); break;
    case reentry::send: co_yield *(*self)->send(1); break;
    case reentry::throw_: co_yield *(*self)->throw_(std::runtime_error("x")); break;
    case reentry::close:
      (*self)->close();
      co_yield 0;
      break;
  }
}

TEST(generator_semantics, semantics_05_reentrancy) {
  for (reentry how : {reentry::next, reentry::send, reentry::throw_, reentry::close}) {
    generator<int, int>* self = nullptr;
    auto g = reenters(&self, how);
    self = &g;
    EXPECT_THROW((void)g.next(), yieldpipe::generator_already_executing);
    // The error travelled out of the frame, so the generator is closed.
    EXPECT_EQ(g.state(), gen_state::closed);
  }
  try {
    generator<int, int>* self = nullptr;
    auto g = reenters(&self, reentry::next);
    self = &g;
    (void)g.next();
  } catch (const yieldpipe::generator_already_executing& e) {
    EXPECT_STREQ(e.what(), "generator already executing");
  }
}

generator<int> waits_for(std::atomic<int>* phase) {
  phase->store(1);
  while (phase->load() != 2) std::this_thread::yield();
  co_yield 1;
}

TEST(generator_semantics, semantics_06_concurrent_use_from_two_threads_is_detected) {
  std::atomic<int> phase{0};
  auto g = waits_for(&phase);
  std::optional<int> first;
  std::thread t([&] { first = g.next(); });
  while (phase.load() != 1) std::this_thread::yield();
  EXPECT_EQ(g.state(), gen_state::running);
  EXPECT_THROW((void)g.next(), yieldpipe::generator_already_executing);
  phase.store(2);
  t.join();
  EXPECT_EQ(first, 1);
}

generator<int> count_to(int n) {
  for (int i = 0; i < n; ++i) co_yield i;
}

// `iter(g) is g` has no C++ spelling; the counterpart is that a generator is its own single-pass
// range: begin() starts it once, a second begin() part-way through is misuse, and after the end
// begin() is the end (re-iterating an exhausted generator yields nothing).
TEST(generator_semantics, semantics_07_a_generator_is_its_own_single_pass_range) {
  auto g = count_to(3);
  auto it = g.begin();
  EXPECT_EQ(*it, 0);
  EXPECT_THROW((void)g.begin(), yieldpipe::generator_misuse);
  ++it;
  EXPECT_EQ(*it, 1);
  while (it != g.end()) ++it;
  EXPECT_TRUE(g.begin() == g.end());
}

TEST(generator_semantics, semantics_08_introspection_and_move_only) {
  static_assert(!std::is_copy_constructible_v<generator<int>>);
  static_assert(!std::is_copy_assignable_v<generator<int>>);
  static_assert(std::is_nothrow_move_constructible_v<generator<int>>);
  auto g = count_to(3);
  EXPECT_EQ(g.state(), gen_state::created);
  (void)g.next();
  EXPECT_EQ(g.state(), gen_state::suspended);
  g.close();
  EXPECT_EQ(g.state(), gen_state::closed);
  EXPECT_TRUE(g.done());
  auto moved = std::move(g);
  EXPECT_EQ(g.state(), gen_state::closed);  // NOLINT(bugprone-use-after-move): moved-from is closed
}

// Item 9 (generator expressions evaluate their outermost iterable eagerly) is about pipeline
// builders: tests/iter/pipe_test.cpp tests it. What carries over to the core: creating a
// generator whose body would fail raises nothing until it runs.
generator<int> fails_when_run() {
  throw std::domain_error("1/0");
  co_return;
}

TEST(generator_semantics, semantics_09_creating_a_generator_runs_nothing) {
  auto g = fails_when_run();
  EXPECT_EQ(g.state(), gen_state::created);
  EXPECT_THROW((void)g.next(), std::domain_error);
}

generator<int> return_inside_try() {
  try {
    co_return;
  } catch (...) {
  }
  co_yield 1;
}

generator<int> stop_iteration_caught() {
  bool caught = false;
  try {
    throw yieldpipe::stop_iteration();
  } catch (const yieldpipe::stop_iteration&) {
    caught = true;
  }
  if (caught) co_yield 42;
}

// The third case (`finally: yield` while returning) has no counterpart: C++ cleanup is RAII, and a
// destructor cannot co_yield.
TEST(generator_semantics, semantics_10_return_is_not_an_exception) {
  auto a = return_inside_try();
  EXPECT_TRUE(drain(a).empty());
  auto b = stop_iteration_caught();
  EXPECT_EQ(drain(b), std::vector<int>{42});
}

// ─── 2. send ─────────────────────────────────────────────────────────────────────────────────────

generator<int, int> one_two() {
  co_yield 1;
  co_yield 2;
}

TEST(generator_semantics, semantics_11_send_into_a_created_generator) {
  auto g = one_two();
  try {
    (void)g.send(5);
    FAIL() << "no exception";
  } catch (const yieldpipe::invalid_send& e) {
    EXPECT_NE(std::string(e.what()).find("has not started"), std::string::npos);
  }
  EXPECT_EQ(g.state(), gen_state::created);
  EXPECT_EQ(g.next(), 1);
}

generator<std::string, int> primed() { co_yield "primed"; }

TEST(generator_semantics, semantics_12_next_is_send_none) {
  auto g = primed();
  EXPECT_EQ(g.next(), "primed");
  EXPECT_EQ(g.state(), gen_state::suspended);
}

generator<int, int> echo() {
  std::optional<int> r;
  for (;;) r = co_yield r.value_or(-1);
}

TEST(generator_semantics, semantics_13_the_sent_value_is_the_value_of_co_yield) {
  auto g = echo();
  EXPECT_EQ(g.next(), -1);
  EXPECT_EQ(g.send(42), 42);
  // next() is send(None): co_yield evaluates to an empty optional.
  EXPECT_EQ(g.next(), -1);
}

generator<int, int, int> doubles_what_it_gets() {
  auto x = co_yield 1;
  co_return *x * 2;
}

TEST(generator_semantics, semantics_14_send_that_ends_the_generator) {
  auto g = doubles_what_it_gets();
  EXPECT_EQ(g.next(), 1);
  EXPECT_EQ(g.send(21), std::nullopt);
  EXPECT_EQ(g.return_value(), 42);
}

TEST(generator_semantics, semantics_15_send_to_a_finished_or_closed_generator) {
  auto g = one_two();
  drain(g);
  EXPECT_EQ(g.send(1), std::nullopt);
  auto h = one_two();
  h.close();  // closed while created: the invalid_send check no longer applies
  EXPECT_EQ(h.send(1), std::nullopt);
}

// ─── 3. throw ────────────────────────────────────────────────────────────────────────────────────

struct value_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct key_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

generator<std::string> catches_value_error() {
  for (;;) {
    std::string caught;
    try {
      co_yield "ready";
    } catch (const value_error& e) {
      caught = std::string("caught ValueError('") + e.what() + "')";
    }
    if (!caught.empty()) co_yield caught;
  }
}

TEST(generator_semantics, semantics_16_throw_caught_then_yields) {
  auto g = catches_value_error();
  EXPECT_EQ(g.next(), "ready");
  EXPECT_EQ(g.throw_(value_error("x")), "caught ValueError('x')");
  EXPECT_EQ(g.state(), gen_state::suspended);
  EXPECT_EQ(g.next(), "ready");
}

TEST(generator_semantics, semantics_17_throw_uncaught) {
  auto g = catches_value_error();
  (void)g.next();
  EXPECT_THROW((void)g.throw_(key_error("k")), key_error);
  EXPECT_EQ(g.state(), gen_state::closed);
}

generator<int> guarded(log_t* log) {
  on_exit finally{log, "finally"};
  co_yield 1;
  co_yield 2;
}

TEST(generator_semantics, semantics_18_throw_into_a_created_generator) {
  log_t log;
  auto g = guarded(&log);
  EXPECT_THROW((void)g.throw_(value_error("early")), value_error);
  EXPECT_TRUE(log.empty());  // raised before the first statement: the guard never existed
  EXPECT_EQ(g.state(), gen_state::closed);
  EXPECT_EQ(g.next(), std::nullopt);
}

TEST(generator_semantics, semantics_19_throw_into_a_closed_generator) {
  log_t log;
  auto g = guarded(&log);
  drain(g);
  log.clear();
  try {
    (void)g.throw_(value_error("late"));
    FAIL() << "no exception";
  } catch (const value_error& e) {
    EXPECT_STREQ(e.what(), "late");
  }
  EXPECT_TRUE(log.empty());
}

generator<int, void, std::string> returns_when_thrown_into() {
  try {
    co_yield 1;
  } catch (const value_error&) {
    co_return "handled";
  }
  co_return "not thrown";
}

TEST(generator_semantics, semantics_20_throw_caught_then_returns) {
  auto g = returns_when_thrown_into();
  (void)g.next();
  EXPECT_EQ(g.throw_(value_error("v")), std::nullopt);
  EXPECT_EQ(g.return_value(), "handled");
}

TEST(generator_semantics, semantics_21_throw_stop_iteration_becomes_generator_raised_stop_iteration) {
  auto g = count_to(3);
  (void)g.next();
  try {
    (void)g.throw_(yieldpipe::stop_iteration());
    FAIL() << "no exception";
  } catch (const yieldpipe::generator_raised_stop_iteration& e) {
    EXPECT_STREQ(e.what(), "generator raised stop_iteration");
    EXPECT_THROW(std::rethrow_if_nested(e), yieldpipe::stop_iteration);  // __cause__
  }
  EXPECT_EQ(g.state(), gen_state::closed);
}

generator<std::string> catches_generator_exit_and_yields() {
  bool caught = false;
  try {
    co_yield "first";
  } catch (const yieldpipe::generator_exit&) {
    caught = true;
  }
  if (caught) co_yield "caught exit";
}

TEST(generator_semantics, semantics_22_throw_generator_exit) {
  auto plain = count_to(3);
  (void)plain.next();
  EXPECT_THROW((void)plain.throw_(yieldpipe::generator_exit()), yieldpipe::generator_exit);
  EXPECT_EQ(plain.state(), gen_state::closed);

  // Unlike close(), throw_ returns what the generator yields after catching generator_exit.
  auto catcher = catches_generator_exit_and_yields();
  (void)catcher.next();
  EXPECT_EQ(catcher.throw_(yieldpipe::generator_exit()), "caught exit");
  EXPECT_EQ(catcher.state(), gen_state::suspended);
}

// Python's class/instance/3-argument forms map to throw_(std::exception_ptr) and throw_(E&&); C++
// can throw any type, so `throw(1)` is not an error here: it raises an int in the generator.
TEST(generator_semantics, semantics_23_throw_argument_forms) {
  auto g = catches_value_error();
  (void)g.next();
  EXPECT_EQ(g.throw_(std::make_exception_ptr(value_error(""))), "caught ValueError('')");
  (void)g.next();
  EXPECT_EQ(g.throw_(value_error("")), "caught ValueError('')");
  (void)g.next();
  EXPECT_THROW((void)g.throw_(1), int);
}

// Item 24 (implicit __context__ chaining) has no C++ counterpart: C++ does not chain exceptions
// implicitly. yieldpipe nests explicitly where Python sets __cause__ (items 21, 39).

// ─── 4. close & cleanup ──────────────────────────────────────────────────────────────────────────

TEST(generator_semantics, semantics_25_close_runs_cleanup) {
  log_t log;
  auto g = guarded(&log);
  (void)g.next();
  g.close();
  EXPECT_EQ(log, log_t{"finally"});
  EXPECT_EQ(g.state(), gen_state::closed);
}

TEST(generator_semantics, semantics_26_close_is_idempotent) {
  log_t log;
  auto g = guarded(&log);
  (void)g.next();
  g.close();
  g.close();
  EXPECT_EQ(log, log_t{"finally"});
  auto h = guarded(&log);
  drain(h);
  log.clear();
  h.close();
  EXPECT_TRUE(log.empty());
}

TEST(generator_semantics, semantics_27_close_a_created_generator) {
  log_t log;
  auto g = guarded(&log);
  g.close();
  EXPECT_EQ(g.state(), gen_state::closed);
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(g.next(), std::nullopt);
}

// Python's `finally: yield 'x'`: C++ forbids co_yield in a handler, so the handler records the
// exit and the yield follows it.
generator<std::string> yields_during_close(log_t* log) {
  on_exit finally{log, "finally"};
  bool closing = false;
  try {
    co_yield "first";
  } catch (const yieldpipe::generator_exit&) {
    closing = true;
  }
  if (closing) co_yield "x";
}

TEST(generator_semantics, semantics_28_yield_during_close) {
  log_t log;
  auto g = yields_during_close(&log);
  (void)g.next();
  try {
    g.close();
    FAIL() << "no exception";
  } catch (const yieldpipe::generator_ignored_exit& e) {
    EXPECT_STREQ(e.what(), "generator ignored generator_exit");
  }
  // As in CPython: still suspended, parked at the yield after the handler.
  EXPECT_EQ(g.state(), gen_state::suspended);
  EXPECT_TRUE(log.empty());
  g.close();  // generator_exit raised at that yield now propagates
  EXPECT_EQ(g.state(), gen_state::closed);
  EXPECT_EQ(log, log_t{"finally"});
}

generator<int> raises_in_exit_handler() {
  try {
    co_yield 1;
  } catch (const yieldpipe::generator_exit&) {
    throw std::invalid_argument("fie");
  }
}

// The second half (a `finally` that raises) has no counterpart: destructors are noexcept.
TEST(generator_semantics, semantics_29_another_exception_during_close) {
  auto g = raises_in_exit_handler();
  (void)g.next();
  try {
    g.close();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "fie");
  }
  EXPECT_EQ(g.state(), gen_state::closed);
}

generator<int, void, int> returns_99_on_exit() {
  try {
    co_yield 1;
  } catch (const yieldpipe::generator_exit&) {
    co_return 99;
  }
  co_return 0;
}

generator<int, void, int> ignores_exit_silently() {
  co_yield 1;
  co_return 7;
}

TEST(generator_semantics, semantics_30_close_returns_the_value_returned_on_exit) {
  auto g = returns_99_on_exit();
  (void)g.next();
  EXPECT_EQ(g.close(), 99);            // CPython 3.13
  EXPECT_EQ(g.close(), std::nullopt);  // already closed

  auto not_caught = ignores_exit_silently();
  (void)not_caught.next();
  EXPECT_EQ(not_caught.close(), std::nullopt);

  auto created = returns_99_on_exit();
  EXPECT_EQ(created.close(), std::nullopt);
}

generator<int> raises_stop_iteration_on_exit() {
  try {
    co_yield 1;
  } catch (const yieldpipe::generator_exit&) {
    throw yieldpipe::stop_iteration();
  }
}

TEST(generator_semantics, semantics_31_stop_iteration_in_the_exit_handler) {
  auto g = raises_stop_iteration_on_exit();
  (void)g.next();
  EXPECT_THROW(g.close(), yieldpipe::generator_raised_stop_iteration);
}

generator<int> catches_std_exception(log_t* log) {
  on_exit finally{log, "finally"};
  try {
    co_yield 1;
  } catch (const std::exception&) {
    log->push_back("caught by std::exception");
  }
  co_yield 2;
}

TEST(generator_semantics, semantics_32_generator_exit_is_not_a_std_exception) {
  static_assert(!std::is_base_of_v<std::exception, yieldpipe::generator_exit>);
  log_t log;
  auto g = catches_std_exception(&log);
  (void)g.next();
  g.close();
  EXPECT_EQ(log, log_t{"finally"});
  EXPECT_EQ(g.state(), gen_state::closed);
}

TEST(generator_semantics, semantics_33_destroying_a_suspended_generator_runs_its_cleanup) {
  log_t log;
  {
    auto g = guarded(&log);
    (void)g.next();
    EXPECT_TRUE(log.empty());
  }
  EXPECT_EQ(log, log_t{"finally"});
}

generator<int> logs_exit(log_t* log) {
  try {
    co_yield 1;
  } catch (const yieldpipe::generator_exit&) {
    log->push_back("exit handler");
  }
  co_yield 2;  // would ignore generator_exit under close()
}

// yieldpipe's decision: destruction destroys the frame without raising generator_exit, so a
// generator that would ignore it cannot produce an error at destruction: there is nothing to
// report to an "unraisable" hook.
TEST(generator_semantics, semantics_34_destruction_raises_nothing) {
  log_t log;
  {
    auto g = logs_exit(&log);
    (void)g.next();
  }
  EXPECT_TRUE(log.empty());
}

TEST(generator_semantics, semantics_35_break_does_not_close) {
  log_t log;
  auto g = guarded(&log);
  for (int v : g) {
    (void)v;
    break;
  }
  EXPECT_EQ(g.state(), gen_state::suspended);
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(g.next(), 2);  // continues where the loop left off
  g = generator<int>();    // released: cleanup runs
  EXPECT_EQ(log, log_t{"finally"});
}

TEST(generator_semantics, semantics_36_close_of_a_running_generator) {
  generator<int, int>* self = nullptr;
  auto g = reenters(&self, reentry::close);
  self = &g;
  EXPECT_THROW((void)g.next(), yieldpipe::generator_already_executing);
}

// ─── 5. Return values & PEP 479 ──────────────────────────────────────────────────────────────────

template <class G>
concept has_return_value = requires(G& g) { g.return_value(); };

generator<int, void, std::string> returns_done() {
  co_yield 1;
  co_return "done";
}

TEST(generator_semantics, semantics_37_co_return_value) {
  auto g = returns_done();
  std::vector<int> seen;
  for (int v : g) seen.push_back(v);  // iteration ignores the return value
  EXPECT_EQ(seen, std::vector<int>{1});
  EXPECT_EQ(g.return_value(), "done");
  // A generator with Return = void has no return_value() at all.
  static_assert(!has_return_value<generator<int>>);
}

generator<int, yieldpipe::stop_iteration, yieldpipe::stop_iteration> returns_what_it_is_sent() {
  auto sent = co_yield 1;
  co_return *sent;
}

TEST(generator_semantics, semantics_38_the_return_slot_holds_any_type) {
  auto g = returns_what_it_is_sent();
  (void)g.next();
  EXPECT_EQ(g.send(yieldpipe::stop_iteration()), std::nullopt);  // returned, not thrown
  EXPECT_STREQ(g.return_value().what(), "stop_iteration");
}

generator<int> raises_stop_iteration() {
  co_yield 1;
  throw yieldpipe::stop_iteration();
}

TEST(generator_semantics, semantics_39_stop_iteration_raised_in_the_body) {
  auto g = raises_stop_iteration();
  (void)g.next();
  try {
    (void)g.next();
    FAIL() << "no exception";
  } catch (const yieldpipe::generator_raised_stop_iteration& e) {
    EXPECT_THROW(std::rethrow_if_nested(e), yieldpipe::stop_iteration);
  }
  EXPECT_EQ(g.state(), gen_state::closed);
}

generator<int> next_of_an_empty_one() {
  auto empty = count_to(0);
  co_yield yieldpipe::next(empty);
}

TEST(generator_semantics, semantics_40_indirect_stop_iteration) {
  auto g = next_of_an_empty_one();
  EXPECT_THROW((void)g.next(), yieldpipe::generator_raised_stop_iteration);
  auto e = count_to(0);
  EXPECT_THROW((void)yieldpipe::next(e), yieldpipe::stop_iteration);
  EXPECT_EQ(yieldpipe::next(e, 7), 7);
}

generator<std::string> stop_iteration_caught_ok() {
  bool caught = false;
  try {
    throw yieldpipe::stop_iteration();
  } catch (const yieldpipe::stop_iteration&) {
    caught = true;
  }
  if (caught) co_yield "ok";
}

TEST(generator_semantics, semantics_41_stop_iteration_caught_inside_is_fine) {
  auto g = stop_iteration_caught_ok();
  EXPECT_EQ(drain(g), std::vector<std::string>{"ok"});
}

generator<int> raises_out_of_range() {
  throw std::out_of_range("async stop");
  co_return;
}

TEST(generator_semantics, semantics_42_only_stop_iteration_is_converted) {
  auto g = raises_out_of_range();
  EXPECT_THROW((void)g.next(), std::out_of_range);
}

// ─── The C++ surface ─────────────────────────────────────────────────────────────────────────────

TEST(generator, a_default_constructed_generator_is_an_empty_closed_sequence) {
  generator<int> g;
  EXPECT_EQ(g.state(), gen_state::closed);
  EXPECT_TRUE(g.begin() == g.end());
  EXPECT_EQ(g.next(), std::nullopt);
  g.close();
}

TEST(generator, is_an_input_range_that_std_views_compose_with) {
  static_assert(std::ranges::input_range<generator<int>>);
  static_assert(!std::ranges::forward_range<generator<int>>);
  std::vector<int> got;
  for (int x : count_to(20) | std::views::filter([](int v) { return v % 2 == 1; }) |
                   std::views::transform([](int v) { return v * v; }) | std::views::take(3))
    got.push_back(x);
  EXPECT_EQ(got, (std::vector<int>{1, 9, 25}));
  auto lvalue = count_to(4);
  auto doubled = lvalue | std::views::transform([](int v) { return 2 * v; });
  got.clear();
  for (int x : doubled) got.push_back(x);
  EXPECT_EQ(got, (std::vector<int>{0, 2, 4, 6}));
}

generator<counted> yields_lvalue() {
  counted c{7};
  co_yield c;
  ++c.value;
  co_yield c;
}

TEST(generator, yielding_an_lvalue_does_not_copy_it) {
  counted::reset();
  auto g = yields_lvalue();
  int sum = 0;
  for (counted& c : g) sum += c.value;
  EXPECT_EQ(sum, 15);
  EXPECT_EQ(counted::copies, 0);
  EXPECT_EQ(counted::moves, 0);
}

generator<counted> yields_temporaries() {
  co_yield counted{1};
  co_yield counted{2};
}

TEST(generator, yielding_a_temporary_neither_copies_nor_moves_it_and_next_moves_it_out) {
  counted::reset();
  {
    auto g = yields_temporaries();
    for (counted& c : g) EXPECT_GT(c.value, 0);
  }
  EXPECT_EQ(counted::copies + counted::moves, 0);
  auto g = yields_temporaries();
  auto first = g.next();
  EXPECT_EQ(first->value, 1);
  EXPECT_EQ(counted::copies, 0);  // next() moves from a temporary; it copies only lvalues
}

generator<std::string> yields_const_and_converted() {
  const std::string constant = "const";
  co_yield constant;   // copied: the consumer may not modify the generator's const object
  co_yield "literal";  // converted to std::string
}

TEST(generator, const_lvalues_and_other_types_are_copied_into_the_element_type) {
  auto g = yields_const_and_converted();
  EXPECT_EQ(drain(g), (std::vector<std::string>{"const", "literal"}));
}

TEST(generator, misuse_gets_a_documented_exception) {
  auto g = returns_done();
  try {
    (void)g.return_value();
    FAIL() << "no exception";
  } catch (const yieldpipe::generator_misuse& e) {
    EXPECT_NE(std::string(e.what()).find("not finished"), std::string::npos);
  }
  (void)g.next();
  EXPECT_THROW((void)g.return_value(), yieldpipe::generator_misuse);
  g.close();
  try {
    (void)g.return_value();
    FAIL() << "no exception";
  } catch (const yieldpipe::generator_misuse& e) {
    EXPECT_NE(std::string(e.what()).find("without co_return"), std::string::npos);
  }
}

TEST(generator, begin_after_next_continues_with_the_next_element) {
  auto g = count_to(4);
  EXPECT_EQ(g.next(), 0);  // e.g. a header taken apart
  std::vector<int> rest;
  for (int v : g) rest.push_back(v);
  EXPECT_EQ(rest, (std::vector<int>{1, 2, 3}));
}

TEST(generator, an_exception_during_iteration_reaches_the_loop) {
  std::vector<int> seen;
  auto g = yields_then_raises();
  EXPECT_THROW(
      {
        for (int v : g) seen.push_back(v);
      },
      std::invalid_argument);
  EXPECT_EQ(seen, std::vector<int>{1});
  EXPECT_EQ(g.state(), gen_state::closed);
}

TEST(generator, move_assignment_destroys_the_old_frame) {
  log_t log;
  auto g = guarded(&log);
  (void)g.next();
  g = count_to(1);
  EXPECT_EQ(log, log_t{"finally"});
  EXPECT_EQ(g.next(), 0);
}

TEST(generator, state_names) {
  EXPECT_EQ(yieldpipe::to_string(gen_state::created), "created");
  EXPECT_EQ(yieldpipe::to_string(gen_state::running), "running");
  EXPECT_EQ(yieldpipe::to_string(gen_state::suspended), "suspended");
  EXPECT_EQ(yieldpipe::to_string(gen_state::closed), "closed");
}

}  // namespace
