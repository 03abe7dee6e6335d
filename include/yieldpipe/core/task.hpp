#pragma once
// yieldpipe::task: a lazy coroutine that computes one value for whoever awaits it.

#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "yieldpipe/core/detail/handoff.hpp"
#include "yieldpipe/core/exceptions.hpp"
#include "yieldpipe/core/frame_allocator.hpp"

namespace yieldpipe {

template <class T = void>
class task;

namespace detail {

struct task_promise_base : frame_allocation {
  std::coroutine_handle<> continuation_;
  handoff handoff_;
  std::exception_ptr exception_;

  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) const noexcept {
      task_promise_base& p = self.promise();
      switch (p.handoff_.produce()) {
        case handoff::waiting: return p.continuation_;
        case handoff::owner_gone: self.destroy(); return std::noop_coroutine();
        default: return std::noop_coroutine();  // the awaiter is still inside its await_suspend
      }
    }
    void await_resume() const noexcept {}
  };

  std::suspend_always initial_suspend() const noexcept { return {}; }
  final_awaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { exception_ = std::current_exception(); }
  void rethrow_if_failed() const {
    if (exception_) std::rethrow_exception(exception_);
  }
};

template <class T>
struct task_result : task_promise_base {
  std::optional<T> value_;
  template <class U = T>
    requires std::is_convertible_v<U&&, T>
  void return_value(U&& v) {
    value_.emplace(std::forward<U>(v));
  }
  T& result() & {
    rethrow_if_failed();
    return *value_;
  }
};
template <class T>
struct task_result<T&> : task_promise_base {
  T* value_ = nullptr;
  void return_value(T& v) noexcept { value_ = std::addressof(v); }
  T& result() & {
    rethrow_if_failed();
    return *value_;
  }
};
template <>
struct task_result<void> : task_promise_base {
  void return_void() noexcept {}
  void result() & { rethrow_if_failed(); }
};

}  // namespace detail

/// A coroutine that runs when it is first awaited (`co_await t`, or `sync_wait(t)`) and completes
/// with a `T` (`co_return v;`) or an exception, rethrown to the awaiter.
///
/// Cost: one frame (from the per-thread frame cache, or the allocator given with
/// `std::allocator_arg_t`, as for `generator`). A task that finishes without suspending returns
/// to its awaiter without growing the stack, so awaiting tasks in a loop is safe in every build.
/// Awaiting an rvalue task yields its result by value (moved out), an lvalue task by reference.
/// A task can be awaited again after it finished (the result is read again); awaiting it while it
/// runs throws `generator_misuse`. Destroying a task that is suspended in the middle of its work
/// (its awaiter was destroyed) lets it finish on its own and free itself; a task that never ran is
/// simply freed. Parameters of the coroutine live in its frame only if taken by value.
template <class T>
class [[nodiscard]] task {
 public:
  using value_type = T;
  class promise_type : public detail::task_result<T> {
   public:
    task get_return_object() noexcept { return task{std::coroutine_handle<promise_type>::from_promise(*this)}; }
  };

  task() noexcept = default;
  task(task&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      destroy();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  ~task() { destroy(); }

  /// True once the task has completed (with a value or an exception).
  [[nodiscard]] bool is_ready() const noexcept { return !frame_ || frame_.done(); }

  auto operator co_await() & noexcept { return awaiter<false>{frame_}; }
  auto operator co_await() && noexcept { return awaiter<true>{frame_}; }

 private:
  explicit task(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}

  template <bool Move>
  struct awaiter {
    std::coroutine_handle<promise_type> frame;

    bool await_ready() const noexcept { return !frame || frame.done(); }
    bool await_suspend(std::coroutine_handle<> consumer) const {
      promise_type& p = frame.promise();
      if (p.handoff_.in_step()) throw generator_misuse("a task was awaited while it was already running");
      p.continuation_ = consumer;
      p.handoff_.arm();
      frame.resume();
      return p.handoff_.consumer_must_suspend();
    }
    decltype(auto) await_resume() const {
      if (!frame) throw generator_misuse("an empty (default-constructed or moved-from) task was awaited");
      if constexpr (std::is_void_v<T>)
        frame.promise().result();
      else if constexpr (Move && !std::is_reference_v<T>)
        return T(std::move(frame.promise().result()));
      else
        return static_cast<T&>(frame.promise().result());
    }
  };

  void destroy() noexcept {
    if (!frame_) return;
    if (frame_.promise().handoff_.leave_to_producer()) {
      frame_ = {};  // suspended mid-work: it frees itself when it finishes
      return;
    }
    std::exchange(frame_, {}).destroy();
  }

  std::coroutine_handle<promise_type> frame_;
};

}  // namespace yieldpipe
