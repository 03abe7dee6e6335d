// yieldpipe::sync_wait: awaiting from ordinary code.
#include <gtest/gtest.h>

#include <atomic>
#include <coroutine>
#include <stdexcept>
#include <string>
#include <thread>
#include <yieldpipe/core/sync_wait.hpp>
#include <yieldpipe/core/task.hpp>

namespace {

// An awaitable (not a task) that completes on another thread with a value.
struct answer_from_thread {
  int value;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    std::thread([h] { h.resume(); }).detach();
  }
  int await_resume() const noexcept { return value; }
};

TEST(sync_wait, returns_the_result_of_any_awaitable) {
  EXPECT_EQ(yieldpipe::sync_wait(answer_from_thread{7}), 7);
  yieldpipe::sync_wait(std::suspend_never{});  // a void awaitable that never suspends
}

TEST(sync_wait, blocks_until_a_completion_on_another_thread) {
  auto t = []() -> yieldpipe::task<std::string> {
    int a = co_await answer_from_thread{1};
    int b = co_await answer_from_thread{2};
    co_return std::to_string(a + b);
  };
  for (int i = 0; i < 50; ++i) EXPECT_EQ(yieldpipe::sync_wait(t()), "3");
}

TEST(sync_wait, rethrows_what_the_awaitable_throws) {
  auto t = []() -> yieldpipe::task<int> {
    co_await answer_from_thread{1};
    throw std::invalid_argument("bad");
  };
  EXPECT_THROW(yieldpipe::sync_wait(t()), std::invalid_argument);
}

}  // namespace
