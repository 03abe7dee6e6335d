#pragma once
// yieldpipe::sync_wait: runs an awaitable from ordinary code and blocks until it completes.

#include <atomic>
#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "yieldpipe/core/detail/awaitable_traits.hpp"

namespace yieldpipe {

namespace detail {

template <class R>
struct sync_wait_outcome {
  using stored = std::conditional_t<std::is_reference_v<R>, std::remove_reference_t<R>*, R>;
  std::optional<stored> value;
  std::exception_ptr error;
  std::atomic<bool> done{false};
};
template <>
struct sync_wait_outcome<void> {
  std::exception_ptr error;
  std::atomic<bool> done{false};
};

// The coroutine that awaits on sync_wait's behalf. Its frame is freed by sync_wait once `done` is
// set; the final awaiter touches nothing of the frame after setting it.
class sync_wait_driver {
 public:
  struct promise_type {
    std::atomic<bool>* done_ = nullptr;

    sync_wait_driver get_return_object() noexcept {
      return sync_wait_driver{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    auto final_suspend() const noexcept {
      struct signal {
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<promise_type> self) const noexcept {
          std::atomic<bool>* done = self.promise().done_;
          done->store(true, std::memory_order_release);  // the frame may be freed from here on
          done->notify_one();
        }
        void await_resume() const noexcept {}
      };
      return signal{};
    }
    void return_void() const noexcept {}
    [[noreturn]] void unhandled_exception() const noexcept { std::terminate(); }  // the body catches all
  };

  sync_wait_driver(sync_wait_driver&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  sync_wait_driver& operator=(sync_wait_driver&&) = delete;
  ~sync_wait_driver() {
    if (frame_) frame_.destroy();
  }

  void start(std::atomic<bool>& done) {
    frame_.promise().done_ = &done;
    frame_.resume();
  }

 private:
  explicit sync_wait_driver(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}
  std::coroutine_handle<promise_type> frame_;
};

// Takes its arguments by reference on purpose: sync_wait blocks until this coroutine has finished,
// so both outlive it.
template <class A, class R>
sync_wait_driver await_into(A& awaitable, sync_wait_outcome<R>& out) {
  try {
    if constexpr (std::is_void_v<R>)
      co_await std::forward<A>(awaitable);
    else if constexpr (std::is_reference_v<R>)
      out.value.emplace(std::addressof(co_await std::forward<A>(awaitable)));
    else
      out.value.emplace(co_await std::forward<A>(awaitable));
  } catch (...) {
    out.error = std::current_exception();
  }
}

template <class A, class R>
void wait_for(A& awaitable, sync_wait_outcome<R>& out) {
  sync_wait_driver driver = await_into<A, R>(awaitable, out);
  driver.start(out.done);
  while (!out.done.load(std::memory_order_acquire)) out.done.wait(false, std::memory_order_acquire);
}

}  // namespace detail

/// Awaits `a` (a task, an async generator's `next()`, any awaitable) from a function that is not a
/// coroutine, blocking the calling thread until it completes, and returns its result or rethrows
/// its exception. Whatever `a` waits on must complete without this thread's help: an awaitable
/// that needs an `asio::io_context` run by this thread is driven with `yieldpipe::async::run`.
template <awaitable A>
decltype(auto) sync_wait(A&& a) {
  using result = await_result_t<A>;
  detail::sync_wait_outcome<result> out;
  detail::wait_for<A, result>(a, out);
  if (out.error) std::rethrow_exception(out.error);
  if constexpr (std::is_reference_v<result>)
    return static_cast<result>(**out.value);
  else if constexpr (!std::is_void_v<result>)
    return result(std::move(*out.value));
}

}  // namespace yieldpipe
