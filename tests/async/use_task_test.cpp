// yieldpipe::async::use_task: Asio operations awaited inside tasks and async generators.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>
#include <yieldpipe/async/run.hpp>
#include <yieldpipe/async/use_task.hpp>
#include <yieldpipe/core/async_generator.hpp>
#include <yieldpipe/core/task.hpp>

namespace {

using namespace std::chrono_literals;
using yieldpipe::async_generator;
using yieldpipe::task;
using yieldpipe::async::use_task;

TEST(use_task, a_timer_is_awaited_inside_a_task) {
  asio::io_context ctx;
  auto wait = [](asio::io_context& c) -> task<std::chrono::steady_clock::duration> {
    asio::steady_timer timer(c, 20ms);
    const auto start = std::chrono::steady_clock::now();
    co_await timer.async_wait(use_task);
    co_return std::chrono::steady_clock::now() - start;
  };
  EXPECT_GE(yieldpipe::async::run(ctx, wait(ctx)), 20ms);
}

async_generator<int> ticks(asio::io_context& ctx, int n) {
  asio::steady_timer timer(ctx);
  for (int i = 0; i < n; ++i) {
    timer.expires_after(1ms);
    co_await timer.async_wait(use_task);
    co_yield i;
  }
}

TEST(use_task, an_async_generator_awaits_timers_between_its_elements) {
  asio::io_context ctx;
  auto collect = [](async_generator<int> g) -> task<std::vector<int>> {
    std::vector<int> out;
    while (auto v = co_await g.next()) out.push_back(*v);
    co_return out;
  };
  EXPECT_EQ(yieldpipe::async::run(ctx, collect(ticks(ctx, 5))), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(use_task, an_error_code_is_thrown_as_a_system_error) {
  asio::io_context ctx;
  auto cancelled = [](asio::io_context& c) -> task<std::error_code> {
    asio::steady_timer timer(c, 10s);
    asio::post(c, [&timer] { timer.cancel(); });
    try {
      co_await timer.async_wait(use_task);
    } catch (const std::system_error& e) {
      co_return e.code();
    }
    co_return std::error_code();
  };
  EXPECT_EQ(yieldpipe::async::run(ctx, cancelled(ctx)), asio::error::operation_aborted);
}

TEST(use_task, a_completion_value_is_returned_and_bytes_cross_a_pipe) {
  asio::io_context ctx;
  std::array<int, 2> fds{};
  ASSERT_EQ(::pipe(fds.data()), 0);
  auto transfer = [](asio::io_context& c, int in, int out) -> task<std::string> {
    asio::posix::stream_descriptor reader(c, in);
    asio::posix::stream_descriptor writer(c, out);
    const std::string message = "hello through a pipe";
    std::size_t written = co_await asio::async_write(writer, asio::buffer(message), use_task);
    writer.close();
    std::string got(written, '\0');
    std::size_t n = co_await asio::async_read(reader, asio::buffer(got), use_task);
    got.resize(n);
    co_return got;
  };
  EXPECT_EQ(yieldpipe::async::run(ctx, transfer(ctx, fds[0], fds[1])), "hello through a pipe");
}

TEST(use_task, post_completes_with_no_value) {
  asio::io_context ctx;
  auto hop = [](asio::io_context& c) -> task<int> {
    co_await asio::post(c, use_task);
    co_return 1;
  };
  EXPECT_EQ(yieldpipe::async::run(ctx, hop(ctx)), 1);
}

}  // namespace
