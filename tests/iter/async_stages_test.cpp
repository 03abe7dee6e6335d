// The iter stages on async generators.
#include <gtest/gtest.h>

#include <coroutine>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#include <yieldpipe/core/async_generator.hpp>
#include <yieldpipe/core/sync_wait.hpp>
#include <yieldpipe/core/task.hpp>
#include <yieldpipe/iter/async_stages.hpp>

#include "support/awaitables.hpp"

namespace {

using yieldpipe::async_generator;
using yieldpipe::sync_wait;
using yieldpipe::task;

using yieldpipe::test::on_new_thread;

// Each element arrives after a hop to another thread: a stream that really suspends.
async_generator<int> numbers(int n, int* pulled = nullptr) {
  for (int i = 0; i < n; ++i) {
    co_await on_new_thread{};
    if (pulled != nullptr) ++*pulled;
    co_yield i;
  }
}

TEST(async_stages, map_filter_and_take_compose_on_an_async_stream) {
  int pulled = 0;
  auto evens_squared = numbers(100, &pulled) | yieldpipe::filter([](int x) { return x % 2 == 0; }) |
                       yieldpipe::map([](int x) { return std::to_string(x * x); }) | yieldpipe::take(3);
  EXPECT_EQ(sync_wait(yieldpipe::to_vector(std::move(evens_squared))), (std::vector<std::string>{"0", "4", "16"}));
  EXPECT_EQ(pulled, 5);  // 0..4: take pulls nothing past its last element
}

task<int> doubled_later(int x) {
  co_await on_new_thread{};
  co_return 2 * x;
}

TEST(async_stages, map_awaits_a_function_that_returns_a_task) {
  auto g = numbers(4) | yieldpipe::map(doubled_later);
  EXPECT_EQ(sync_wait(yieldpipe::to_vector(std::move(g))), (std::vector<int>{0, 2, 4, 6}));
}

TEST(async_stages, filterfalse_keeps_the_rejected_elements) {
  auto g = numbers(6) | yieldpipe::filterfalse([](int x) { return x < 4; });
  EXPECT_EQ(sync_wait(yieldpipe::to_vector(std::move(g))), (std::vector<int>{4, 5}));
}

TEST(async_stages, islice_and_drop_follow_python) {
  EXPECT_EQ(sync_wait(yieldpipe::to_vector(numbers(10) | yieldpipe::islice(1, 8, 3))), (std::vector<int>{1, 4, 7}));
  EXPECT_EQ(sync_wait(yieldpipe::to_vector(numbers(5) | yieldpipe::drop(3))), (std::vector<int>{3, 4}));
  EXPECT_TRUE(sync_wait(yieldpipe::to_vector(numbers(5) | yieldpipe::take(0))).empty());
}

TEST(async_stages, batched_gives_full_batches_then_a_short_one) {
  auto g = numbers(7) | yieldpipe::batched(3);
  EXPECT_EQ(sync_wait(yieldpipe::to_vector(std::move(g))), (std::vector<std::vector<int>>{{0, 1, 2}, {3, 4, 5}, {6}}));
  auto exact = numbers(6) | yieldpipe::batched(3);
  EXPECT_EQ(sync_wait(yieldpipe::to_vector(std::move(exact))).size(), 2u);
  auto strict = numbers(7) | yieldpipe::batched(3, {.strict = true});
  EXPECT_THROW(sync_wait(yieldpipe::to_vector(std::move(strict))), std::invalid_argument);
}

TEST(async_stages, enumerate_pairs_each_element_with_its_index) {
  auto g = numbers(3) | yieldpipe::map([](int x) { return x * 10; }) | yieldpipe::enumerate(1);
  EXPECT_EQ(sync_wait(yieldpipe::to_vector(std::move(g))),
            (std::vector<std::pair<int, int>>{{1, 0}, {2, 10}, {3, 20}}));
}

TEST(async_stages, for_each_calls_the_function_in_order_and_awaits_it) {
  std::vector<int> seen;
  sync_wait(yieldpipe::for_each(numbers(3), [&](int x) { seen.push_back(x); }));
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  std::vector<int> later;
  sync_wait(yieldpipe::for_each(numbers(3), [&](int x) -> task<void> {
    co_await on_new_thread{};
    later.push_back(x);
  }));
  EXPECT_EQ(later, (std::vector<int>{0, 1, 2}));
}

TEST(async_stages, an_exception_in_a_stage_reaches_the_consumer) {
  auto g = numbers(5) | yieldpipe::map([](int x) {
             if (x == 2) throw std::runtime_error("bad element");
             return x;
           });
  EXPECT_THROW(sync_wait(yieldpipe::to_vector(std::move(g))), std::runtime_error);
}

}  // namespace
