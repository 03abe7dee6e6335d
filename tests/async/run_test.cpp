// yieldpipe::async::run: asyncio.run's counterpart, finalizer hook included (semantics item 71).
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <yieldpipe/async/run.hpp>
#include <yieldpipe/async/use_task.hpp>
#include <yieldpipe/core/async_generator.hpp>
#include <yieldpipe/core/task.hpp>

#include "support/awaitables.hpp"

namespace {

using namespace std::chrono_literals;
using yieldpipe::async_generator;
using yieldpipe::task;
using yieldpipe::async::use_task;
using log_t = std::vector<std::string>;

async_generator<int> cleans_up_with_a_timer(asio::io_context& ctx, log_t* log) {
  bool closing = false;
  try {
    for (int i = 0;; ++i) co_yield i;
  } catch (const yieldpipe::generator_exit&) {
    closing = true;
  }
  if (closing) {
    asio::steady_timer timer(ctx, 5ms);
    co_await timer.async_wait(use_task);
    log->push_back("closed after awaiting");
  }
}

TEST(run, an_async_generator_dropped_while_suspended_is_closed_on_the_io_context) {
  asio::io_context ctx;
  log_t log;
  auto take_one = [](asio::io_context& c, log_t* l) -> task<int> {
    auto g = cleans_up_with_a_timer(c, l);
    auto first = co_await g.next();
    co_return *first;  // g is destroyed suspended: the hook closes it (asyncio's finalizer)
  };
  EXPECT_EQ(yieldpipe::async::run(ctx, take_one(ctx, &log)), 0);
  EXPECT_EQ(log, (log_t{"closed after awaiting"}));  // run() waited for the close
}

TEST(run, rethrows_the_exception_of_the_awaitable) {
  asio::io_context ctx;
  auto fails = [](asio::io_context& c) -> task<void> {
    asio::steady_timer timer(c, 1ms);
    co_await timer.async_wait(use_task);
    throw std::domain_error("after the timer");
  };
  EXPECT_THROW(yieldpipe::async::run(ctx, fails(ctx)), std::domain_error);
}

TEST(run, an_awaitable_completed_from_another_thread_wakes_the_loop) {
  asio::io_context ctx;
  auto t = []() -> task<int> {
    co_await yieldpipe::test::on_new_thread{5ms};
    co_return 9;
  };
  EXPECT_EQ(yieldpipe::async::run(ctx, t()), 9);
}

TEST(run, a_stopped_io_context_is_an_error_not_a_hang) {
  asio::io_context ctx;
  bool finished = false;
  auto stops = [](asio::io_context& c, bool* done) -> task<void> {
    asio::steady_timer timer(c, 20ms);
    c.stop();
    co_await timer.async_wait(use_task);
    *done = true;
  };
  EXPECT_THROW(yieldpipe::async::run(ctx, stops(ctx, &finished)), std::runtime_error);
  EXPECT_FALSE(finished);
  // The task is still waiting on ctx (its owner let go of it): running ctx again finishes it, and
  // it frees its own frame.
  ctx.restart();
  ctx.run();
  EXPECT_TRUE(finished);
}

}  // namespace
