// yieldpipe::task: a lazy coroutine with one result.
#include <gtest/gtest.h>

#include <coroutine>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <yieldpipe/core/sync_wait.hpp>
#include <yieldpipe/core/task.hpp>

#include "support/awaitables.hpp"
#include "support/counted.hpp"

namespace {

using yieldpipe::sync_wait;
using yieldpipe::task;
using log_t = std::vector<std::string>;

task<int> forty_two(log_t* log) {
  log->push_back("ran");
  co_return 42;
}

TEST(task, nothing_runs_until_it_is_awaited) {
  log_t log;
  auto t = forty_two(&log);
  EXPECT_TRUE(log.empty());
  EXPECT_FALSE(t.is_ready());
  EXPECT_EQ(sync_wait(t), 42);
  EXPECT_EQ(log, (log_t{"ran"}));
  EXPECT_TRUE(t.is_ready());
}

TEST(task, an_lvalue_task_can_be_awaited_again_and_gives_the_same_result) {
  log_t log;
  auto t = forty_two(&log);
  EXPECT_EQ(sync_wait(t), 42);
  EXPECT_EQ(sync_wait(t), 42);
  EXPECT_EQ(log.size(), 1u);  // ran once
}

task<void> fails() {
  throw std::runtime_error("boom");
  co_return;
}

TEST(task, an_exception_reaches_the_awaiter) {
  EXPECT_THROW(sync_wait(fails()), std::runtime_error);
  auto outer = []() -> task<std::string> {
    try {
      co_await fails();
    } catch (const std::runtime_error& e) {
      co_return std::string("caught ") + e.what();
    }
    co_return "";
  };
  EXPECT_EQ(sync_wait(outer()), "caught boom");
}

task<int&> reference_to(int* x) { co_return *x; }

TEST(task, a_reference_result_refers_to_the_object) {
  int x = 1;
  int& r = sync_wait(reference_to(&x));
  r = 5;
  EXPECT_EQ(x, 5);
}

task<std::unique_ptr<int>> make_unique_value() { co_return std::make_unique<int>(3); }

TEST(task, an_rvalue_task_moves_its_result_out) {
  auto p = sync_wait(make_unique_value());
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 3);
}

task<int> one() { co_return 1; }

TEST(task, awaiting_a_million_tasks_in_a_loop_does_not_grow_the_stack) {
  auto loop = []() -> task<long> {
    long total = 0;
    for (int i = 0; i < 1'000'000; ++i) total += co_await one();
    co_return total;
  };
  EXPECT_EQ(sync_wait(loop()), 1'000'000);
}

TEST(task, a_task_that_completes_on_another_thread_resumes_its_awaiter) {
  auto hop = []() -> task<std::thread::id> {
    co_await yieldpipe::test::on_new_thread{};
    co_return std::this_thread::get_id();
  };
  auto chain = [&]() -> task<int> {
    int hops = 0;
    for (int i = 0; i < 100; ++i)
      if (co_await hop() != std::thread::id()) ++hops;
    co_return hops;
  };
  EXPECT_EQ(sync_wait(chain()), 100);
}

TEST(task, an_empty_task_is_an_error_when_awaited) {
  task<int> empty;
  EXPECT_TRUE(empty.is_ready());
  EXPECT_THROW(sync_wait(empty), yieldpipe::generator_misuse);
}

TEST(task, a_task_that_never_ran_is_destroyed_with_its_parameters) {
  yieldpipe::test::counted::reset();
  {
    auto t = [](yieldpipe::test::counted c) -> task<int> { co_return c.value; }(yieldpipe::test::counted(4));
    EXPECT_EQ(yieldpipe::test::counted::alive, 1);
  }
  EXPECT_EQ(yieldpipe::test::counted::alive, 0);
}

}  // namespace
