// `co_yield yield_from(...)`: PEP 380 delegation, semantics.md items 43–58.
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>
#include <yieldpipe/core/generator.hpp>

#include "support/log_on_exit.hpp"

namespace {

using yieldpipe::gen_state;
using yieldpipe::generator;
using yieldpipe::yield_from;
using yieldpipe::test::log_t;
using yieldpipe::test::on_exit;

struct value_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct key_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using sgen = generator<std::string, std::string>;
template <class R>
using sgen_r = generator<std::string, std::string, R>;

template <class G>
std::vector<typename G::value_type> drain(G& g) {
  std::vector<typename G::value_type> out;
  while (auto v = g.next()) out.push_back(std::move(*v));
  return out;
}

// ─── 6. Delegation ───────────────────────────────────────────────────────────────────────────────

sgen_r<std::string> inner_43(log_t* log) {
  on_exit finally{log, "inner finally"};
  auto a = co_yield "i1";
  log->push_back("inner got " + a.value_or("None"));
  auto b = co_yield "i2";
  log->push_back("inner got " + b.value_or("None"));
  co_return "inner-result";
}

sgen outer_43(log_t* log) {
  auto r = co_yield yield_from(inner_43(log));
  log->push_back("outer resumed with " + r);
  co_yield "o-after";
}

TEST(yield_from_semantics, semantics_43_pass_through_and_result) {
  log_t log;
  auto g = outer_43(&log);
  EXPECT_EQ(g.next(), "i1");
  EXPECT_EQ(g.send("a"), "i2");
  EXPECT_EQ(g.send("b"), "o-after");
  EXPECT_EQ(log, (log_t{"inner got a", "inner got b", "inner finally", "outer resumed with inner-result"}));
}

sgen logs_what_it_receives(log_t* log) {
  for (;;) {
    auto got = co_yield "r";
    log->push_back(got ? "send(" + *got + ")" : "next()");
  }
}

sgen delegates_to(sgen sub) { co_yield yield_from(std::move(sub)); }

TEST(yield_from_semantics, semantics_44_send_is_forwarded) {
  log_t log;
  auto g = delegates_to(logs_what_it_receives(&log));
  EXPECT_EQ(g.next(), "r");
  EXPECT_EQ(g.next(), "r");
  EXPECT_EQ(g.send("5"), "r");
  EXPECT_EQ(log, (log_t{"next()", "send(5)"}));
}

generator<int, int> delegates_to_a_range(log_t* log) {
  std::vector<int> items{1, 2};
  try {
    co_yield yield_from(items);
  } catch (const yieldpipe::invalid_send&) {
    log->push_back("raised in the delegator");
    throw;
  }
}

TEST(yield_from_semantics, semantics_45_send_to_a_range_that_cannot_receive_it) {
  log_t log;
  auto g = delegates_to_a_range(&log);
  EXPECT_EQ(g.next(), 1);
  EXPECT_THROW((void)g.send(5), yieldpipe::invalid_send);
  EXPECT_EQ(log, log_t{"raised in the delegator"});
  EXPECT_EQ(g.state(), gen_state::closed);
}

sgen catches_throw(log_t* log) {
  for (;;) {
    bool caught = false;
    try {
      co_yield "sub";
    } catch (const value_error& e) {
      log->push_back(std::string("sub caught ") + e.what());
      caught = true;
    }
    if (caught) co_yield "sub recovered";
  }
}

generator<int> range_delegator(log_t* log) {
  std::vector<int> items{1, 2};
  try {
    co_yield yield_from(items);
  } catch (const value_error& e) {
    log->push_back(std::string("delegator caught ") + e.what());
  }
  co_yield 3;
}

TEST(yield_from_semantics, semantics_46_throw_is_forwarded) {
  log_t log;
  auto g = delegates_to(catches_throw(&log));
  (void)g.next();
  EXPECT_EQ(g.throw_(value_error("x")), "sub recovered");
  EXPECT_EQ(log, log_t{"sub caught x"});

  log.clear();
  auto r = range_delegator(&log);  // a range cannot catch: raised in the delegator
  EXPECT_EQ(r.next(), 1);
  EXPECT_EQ(r.throw_(value_error("p")), 3);
  EXPECT_EQ(log, log_t{"delegator caught p"});
}

sgen_r<std::string> recovers_by_returning() {
  try {
    co_yield "s";
  } catch (const value_error&) {
    co_return "recovered";
  }
  co_return "normal";
}

sgen outer_47() {
  auto r = co_yield yield_from(recovers_by_returning());
  co_yield "outer resumed with " + r;
}

TEST(yield_from_semantics, semantics_47_throw_caught_by_the_sub_which_returns) {
  auto g = outer_47();
  (void)g.next();
  EXPECT_EQ(g.throw_(value_error("v")), "outer resumed with recovered");
}

sgen guarded_leaf(log_t* log, std::string name) {
  on_exit finally{log, name + " finally"};
  co_yield name;
  co_yield name;
}

sgen guarded_delegator(log_t* log, sgen sub) {
  on_exit finally{log, "outer finally"};
  co_yield yield_from(std::move(sub));
}

TEST(yield_from_semantics, semantics_48_uncaught_throw_through_the_chain) {
  log_t log;
  auto g = guarded_delegator(&log, guarded_leaf(&log, "inner"));
  (void)g.next();
  EXPECT_THROW((void)g.throw_(key_error("k")), key_error);
  EXPECT_EQ(log, (log_t{"inner finally", "outer finally"}));
  EXPECT_EQ(g.state(), gen_state::closed);
}

TEST(yield_from_semantics, semantics_49_close_on_the_delegator) {
  log_t log;
  auto g = guarded_delegator(&log, guarded_leaf(&log, "inner"));
  (void)g.next();
  g.close();
  EXPECT_EQ(log, (log_t{"inner finally", "outer finally"}));
  EXPECT_EQ(g.state(), gen_state::closed);
}

sgen logs_exit_and_throw(log_t* log) {
  try {
    co_yield "s";
  } catch (const yieldpipe::generator_exit&) {
    log->push_back("close");
    throw;
  } catch (...) {
    log->push_back("throw");
    throw;
  }
}

generator<int> range_delegator_with_guard(log_t* log) {
  on_exit finally{log, "delegator finally"};
  std::vector<int> items{1, 2};
  co_yield yield_from(items);
}

TEST(yield_from_semantics, semantics_50_generator_exit_is_delivered_as_a_close) {
  log_t log;
  auto g = delegates_to(logs_exit_and_throw(&log));
  (void)g.next();
  EXPECT_THROW((void)g.throw_(yieldpipe::generator_exit()), yieldpipe::generator_exit);
  EXPECT_EQ(log, log_t{"close"});
  EXPECT_EQ(g.state(), gen_state::closed);

  log.clear();
  auto r = range_delegator_with_guard(&log);  // a range has nothing to close
  (void)r.next();
  EXPECT_THROW((void)r.throw_(yieldpipe::generator_exit()), yieldpipe::generator_exit);
  EXPECT_EQ(log, log_t{"delegator finally"});
}

sgen close_fails(log_t* log) {
  try {
    co_yield "s";
  } catch (const yieldpipe::generator_exit&) {
    log->push_back("sub exit handler");
    throw key_error("close failed");
  }
}

sgen yields_on_close() {
  bool closing = false;
  try {
    co_yield "s";
  } catch (const yieldpipe::generator_exit&) {
    closing = true;
  }
  if (closing) co_yield "ignored";
}

TEST(yield_from_semantics, semantics_51_errors_from_the_sub_close_propagate) {
  log_t log;
  auto g = guarded_delegator(&log, close_fails(&log));
  (void)g.next();
  try {
    g.close();
    FAIL() << "no exception";
  } catch (const key_error& e) {
    EXPECT_STREQ(e.what(), "close failed");
  }
  EXPECT_EQ(log, (log_t{"sub exit handler", "outer finally"}));
  EXPECT_EQ(g.state(), gen_state::closed);

  // The sub yields during close: its delegator's close of it fails, so the error is raised in the
  // delegator, which does not handle it and ends closed.
  log.clear();
  auto h = guarded_delegator(&log, yields_on_close());
  (void)h.next();
  EXPECT_THROW(h.close(), yieldpipe::generator_ignored_exit);
  EXPECT_EQ(h.state(), gen_state::closed);
  EXPECT_EQ(log, log_t{"outer finally"});
}

sgen_r<std::string> returns_r() {
  co_yield "x";
  co_return "R";
}
sgen_r<std::string> returns_without_yielding() { co_return "E"; }

generator<std::string> got_values() {
  std::vector<std::string> plain{"1", "2"};
  co_yield yield_from(plain);  // a plain range gives nothing (Python: None)
  co_yield "r None";
}

TEST(yield_from_semantics, semantics_52_the_value_of_yield_from) {
  auto g = []() -> sgen {
    auto r = co_yield yield_from(returns_r());
    co_yield "got " + r;
    auto e = co_yield yield_from(returns_without_yielding());
    co_yield e;
  }();
  EXPECT_EQ(drain(g), (std::vector<std::string>{"x", "got R", "E"}));
  auto p = got_values();
  EXPECT_EQ(drain(p), (std::vector<std::string>{"1", "2", "r None"}));
}

generator<int> one_two_three() {
  co_yield 1;
  co_yield 2;
  co_yield 3;
}

TEST(yield_from_semantics, semantics_53_yield_from_a_partly_consumed_generator) {
  auto sub = one_two_three();
  EXPECT_EQ(sub.next(), 1);
  auto g = [](generator<int> s) -> generator<int> { co_yield yield_from(std::move(s)); }(std::move(sub));
  EXPECT_EQ(drain(g), (std::vector<int>{2, 3}));
}

generator<std::string> sub_fails() {
  co_yield "1";
  throw value_error("sub failed");
}

TEST(yield_from_semantics, semantics_54_an_exception_from_the_sub_is_caught_in_the_delegator) {
  auto g = []() -> generator<std::string> {
    std::string caught;
    try {
      co_yield yield_from(sub_fails());
    } catch (const value_error& e) {
      caught = e.what();
    }
    co_yield "caught in delegator: " + caught;
  }();
  EXPECT_EQ(drain(g), (std::vector<std::string>{"1", "caught in delegator: sub failed"}));
}

TEST(yield_from_semantics, semantics_55_throw_stop_iteration_into_a_delegator) {
  log_t log;
  auto g = delegates_to(guarded_leaf(&log, "inner"));
  (void)g.next();
  EXPECT_THROW((void)g.throw_(yieldpipe::stop_iteration()), yieldpipe::generator_raised_stop_iteration);
  EXPECT_EQ(g.state(), gen_state::closed);
}

// `yield from 5` fails when the line runs in Python; in C++ it does not compile.
template <class T>
concept delegable = requires(T t) { yield_from(std::move(t)); };
template <class T>
concept delegable_lvalue = requires(T& t) { yield_from(t); };

TEST(yield_from_semantics, semantics_56_yield_from_a_non_iterable_does_not_compile) {
  static_assert(!delegable<int>);
  static_assert(delegable<std::vector<int>>);
  static_assert(delegable<generator<int>>);
  // An lvalue generator must be moved in: the chain owns its frames.
  static_assert(!delegable_lvalue<generator<int>>);
  static_assert(delegable_lvalue<std::vector<int>>);
}

sgen peeks_at(sgen* const* outer, std::vector<gen_state>* seen, bool reenter) {
  seen->push_back((*outer)->state());
  if (reenter) (void)(*outer)->next();
  co_yield "inner";
}

TEST(yield_from_semantics, semantics_57_delegation_introspection) {
  sgen* self = nullptr;
  std::vector<gen_state> seen;
  auto g = delegates_to(peeks_at(&self, &seen, false));
  self = &g;
  EXPECT_FALSE(g.is_delegating());  // before start
  EXPECT_EQ(g.next(), "inner");
  EXPECT_TRUE(g.is_delegating());
  EXPECT_EQ(g.state(), gen_state::suspended);                   // from outside, during delegation
  EXPECT_EQ(seen, std::vector<gen_state>{gen_state::running});  // from inside the sub
  g.close();
  EXPECT_FALSE(g.is_delegating());

  auto h = delegates_to(peeks_at(&self, &seen, true));
  self = &h;
  EXPECT_THROW((void)h.next(), yieldpipe::generator_already_executing);
  EXPECT_FALSE(h.is_delegating());
  EXPECT_EQ(h.state(), gen_state::closed);
}

// ─── 7. Recursion depth ──────────────────────────────────────────────────────────────────────────

generator<long> deep(long n) {
  if (n == 0) {
    co_yield 0;
    co_yield 1;
    co_return;
  }
  co_yield yield_from(deep(n - 1));
}

generator<long, void, long> deep_returning(long n) {
  if (n == 0) {
    co_yield 1;
    co_return 0;
  }
  auto below = co_yield yield_from(deep_returning(n - 1));
  co_return below + 1;
}

// CPython stops at depth 997. The chain's driver loop resumes the innermost frame directly and
// entering or leaving a level returns to that loop, so depth is bounded by the heap only, in the
// sanitizer and -O0 builds too.
TEST(yield_from_semantics, semantics_58_depth_100000_works) {
  constexpr long depth = 100'000;
  auto g = deep(depth);
  EXPECT_EQ(drain(g), (std::vector<long>{0, 1}));

  auto r = deep_returning(depth);
  EXPECT_EQ(r.next(), 1);
  EXPECT_EQ(r.next(), std::nullopt);
  EXPECT_EQ(r.return_value(), depth);
}

TEST(yield_from, destroying_a_suspended_chain_100000_deep_does_not_overflow) {
  auto g = deep(100'000);
  EXPECT_EQ(g.next(), 0);
  EXPECT_TRUE(g.is_delegating());
}  // destroyed innermost first, iteratively

generator<long> deep_guarded(long n, log_t* log) {
  on_exit finally{log, std::to_string(n)};
  if (n == 0) {
    co_yield 0;
    co_yield 1;
    co_return;
  }
  co_yield yield_from(deep_guarded(n - 1, log));
}

TEST(yield_from, a_chain_is_cleaned_up_innermost_first_on_destruction_and_close) {
  log_t log;
  {
    auto g = deep_guarded(3, &log);
    (void)g.next();
  }
  EXPECT_EQ(log, (log_t{"0", "1", "2", "3"}));
  log.clear();
  auto g = deep_guarded(3, &log);
  (void)g.next();
  g.close();
  EXPECT_EQ(log, (log_t{"0", "1", "2", "3"}));
}

TEST(yield_from, close_and_throw_reach_the_bottom_of_a_deep_chain) {
  auto g = deep(10'000);
  (void)g.next();
  g.close();
  EXPECT_EQ(g.state(), gen_state::closed);
  auto h = deep(10'000);
  (void)h.next();
  EXPECT_THROW((void)h.throw_(key_error("deep")), key_error);
}

TEST(yield_from, a_generator_that_is_part_way_through_its_own_delegation_can_be_delegated_to) {
  auto sub = deep(5);
  EXPECT_EQ(sub.next(), 0);
  EXPECT_TRUE(sub.is_delegating());
  auto g = [](generator<long> s) -> generator<long> {
    co_yield -1;
    co_yield yield_from(std::move(s));
    co_yield 2;
  }(std::move(sub));
  EXPECT_EQ(drain(g), (std::vector<long>{-1, 1, 2}));
}

TEST(yield_from, a_finished_or_empty_generator_gives_its_result_at_once) {
  auto finished = returns_r();
  drain(finished);
  auto g = [](sgen_r<std::string> s) -> sgen {
    auto r = co_yield yield_from(std::move(s));
    co_yield r;
  }(std::move(finished));
  EXPECT_EQ(drain(g), std::vector<std::string>{"R"});

  auto closed = returns_r();
  closed.close();
  auto h = [](sgen_r<std::string> s) -> sgen {
    auto r = co_yield yield_from(std::move(s));
    co_yield r;
  }(std::move(closed));
  EXPECT_THROW((void)h.next(), yieldpipe::generator_misuse);  // no return value to give
}

TEST(yield_from, ranges_are_borrowed_or_owned_and_elements_converted) {
  auto g = []() -> generator<std::string> {
    std::vector<const char*> words{"a", "b"};
    co_yield yield_from(words);
    std::vector<std::string> owned{"c"};
    co_yield yield_from(std::move(owned));
    co_yield yield_from(std::views::iota(0, 2) | std::views::transform([](int i) { return std::to_string(i); }));
  }();
  EXPECT_EQ(drain(g), (std::vector<std::string>{"a", "b", "c", "0", "1"}));
}

TEST(yield_from, a_generator_of_another_element_type_is_delegated_to_as_a_range) {
  auto g = []() -> generator<long> { co_yield yield_from(one_two_three()); }();
  EXPECT_EQ(drain(g), (std::vector<long>{1, 2, 3}));
}

TEST(yield_from, a_fresh_sub_started_while_closing_returns_its_value_normally) {
  auto g = []() -> generator<int, void, int> {
    bool closing = false;
    try {
      co_yield 1;
    } catch (const yieldpipe::generator_exit&) {
      closing = true;
    }
    if (closing) {
      auto cleanup = []() -> generator<int, void, int> { co_return 5; }();
      co_return co_yield yield_from(std::move(cleanup));
    }
    co_return 0;
  }();
  (void)g.next();
  EXPECT_EQ(g.close(), 5);
}

}  // namespace
