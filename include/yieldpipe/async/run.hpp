#pragma once
// yieldpipe::async::run: drives an io_context until an awaitable completes (Python's asyncio.run).

// Before Asio: see detail/before_asio.hpp.
#include "yieldpipe/async/detail/before_asio.hpp"
// (its own block, so that include sorting keeps it first)

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "yieldpipe/core/async_generator.hpp"
#include "yieldpipe/core/detail/awaitable_traits.hpp"
#include "yieldpipe/core/sync_wait.hpp"

namespace yieldpipe::async {

namespace detail {

// A coroutine nobody awaits: it starts at once and frees its frame when it ends.
struct detached {
  struct promise_type {
    detached get_return_object() const noexcept { return {}; }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    [[noreturn]] void unhandled_exception() const noexcept { std::terminate(); }  // bodies catch all
  };
};

// What run() keeps while it drives its io_context: the async generators abandoned meanwhile,
// closed on the io_context (asyncio's finalizer hook and shutdown_asyncgens).
class run_state {
 public:
  explicit run_state(asio::io_context& ctx) : ctx_(ctx) {}

  void close_later(abandoned_async_generator g) {
    ++closing_;
    asio::post(ctx_, [this, g = std::move(g)]() mutable { close(std::move(g), this); });
  }
  [[nodiscard]] bool closing() const noexcept { return closing_ > 0; }
  std::exception_ptr cleanup_error() const noexcept { return cleanup_error_; }

 private:
  // By value: the frame owns the abandoned generator until it is closed.
  static detached close(abandoned_async_generator g, run_state* self) {
    try {
      co_await g.aclose();
    } catch (...) {
      if (!self->cleanup_error_) self->cleanup_error_ = std::current_exception();
    }
    --self->closing_;
  }

  asio::io_context& ctx_;
  std::size_t closing_ = 0;
  std::exception_ptr cleanup_error_;
};

}  // namespace detail

/// Runs `ctx` on the calling thread until `a` (a task, an async generator's `next()`, any
/// awaitable) completes, and returns its result or rethrows its exception (Python's
/// `asyncio.run`). While it runs, an async generator that this thread destroys while suspended is
/// closed on `ctx` with `aclose()` (its cleanup may `co_await`), and `run` returns only after
/// every such close has finished; an exception escaping one is rethrown after a successful
/// result. Other handlers still queued on `ctx` when it returns stay queued. Throws
/// `std::runtime_error` if `ctx` is stopped before `a` completes; the coroutines then waiting on
/// `ctx` stay suspended, and finish (a task whose owner let go frees itself) if `ctx` is run again.
template <awaitable A>
decltype(auto) run(asio::io_context& ctx, A&& a) {
  using result = await_result_t<A>;
  yieldpipe::detail::sync_wait_outcome<result> out;
  detail::run_state state(ctx);

  struct hook_scope {
    async_generator_finalizer previous;
    ~hook_scope() { set_async_generator_finalizer(std::move(previous)); }
  } hook{set_async_generator_finalizer([&state](abandoned_async_generator g) { state.close_later(std::move(g)); })};

  {
    auto work = asio::make_work_guard(ctx);
    if (ctx.stopped()) ctx.restart();
    auto driver = yieldpipe::detail::await_into<A, result>(a, out);
    driver.start(out.done);
    while (!out.done.load(std::memory_order_acquire) || state.closing()) {
      // A completion on this thread ends inside the handler run_one_for ran; one on another thread
      // is seen at the next check. Nothing is posted from that thread to wake this one: the
      // io_context may be destroyed as soon as run returns, while that thread would still be in
      // Asio's post (ThreadSanitizer).
      if (ctx.run_one_for(std::chrono::milliseconds(10)) == 0 && ctx.stopped())
        throw std::runtime_error("yieldpipe::async::run: the io_context was stopped before the awaitable completed");
    }
  }
  if (out.error) std::rethrow_exception(out.error);
  if (std::exception_ptr e = state.cleanup_error()) std::rethrow_exception(e);
  if constexpr (std::is_reference_v<result>)
    return static_cast<result>(**out.value);
  else if constexpr (!std::is_void_v<result>)
    return result(std::move(*out.value));
}

}  // namespace yieldpipe::async
