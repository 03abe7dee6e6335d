#pragma once
// The part of an async generator's frame that does not depend on its element type: the step
// protocol between the generator and whoever awaits it, and aclose(), which the finalizer hook
// runs on generators whose type it does not know.

#include <atomic>
#include <coroutine>
#include <exception>
#include <string>
#include <utility>

#include "yieldpipe/core/detail/awaitable_traits.hpp"
#include "yieldpipe/core/detail/handoff.hpp"
#include "yieldpipe/core/exceptions.hpp"
#include "yieldpipe/core/frame_allocator.hpp"
#include "yieldpipe/core/gen_state.hpp"

namespace yieldpipe::detail {

// States (Python's inspect.getasyncgenstate):
//
//   created ──next/asend/athrow──▶ running ──co_yield──▶ suspended ──next/asend/athrow/aclose──▶ running
//      │                              │  ▲                                │
//      │                              ▼  │ (co_await inside the body: still running)
//      └──aclose/athrow──▶ closed ◀───┴──end of body/exception────────────┘
//
// `running` covers a whole step, including the time the body spends suspended on a `co_await`:
// a second operation during it is an error, as in Python.
struct async_frame : frame_allocation {
  std::coroutine_handle<> handle_;
  std::coroutine_handle<> continuation_;  // the consumer awaiting the current step
  handoff handoff_;
  std::exception_ptr exception_;  // what escaped the body
  std::exception_ptr pending_;    // raised at the suspension point when the body resumes
  // Set by the consumer for a step, cleared by the generator when it yields or ends. Relaxed: it
  // detects misuse, the handoff orders everything else.
  std::atomic<bool> running_{false};
  bool started_ = false;
  bool closed_before_start_ = false;  // aclose() or athrow() on a created generator
  bool closing_ = false;              // aclose() raised generator_exit: a yield now is an error
  bool went_async_ = false;           // the body suspended on a co_await during this step

  [[nodiscard]] bool finished() const noexcept { return closed_before_start_ || handle_.done(); }

  [[nodiscard]] gen_state state() const noexcept {
    if (running_.load(std::memory_order_relaxed)) return gen_state::running;
    if (finished()) return gen_state::closed;
    return started_ ? gen_state::suspended : gen_state::created;
  }

  // The consumer's side of a step. `enter` claims the generator for an operation named `op`.
  void enter(const char* op) {
    if (running_.load(std::memory_order_relaxed)) [[unlikely]]
      throw_already_running(op);
    running_.store(true, std::memory_order_relaxed);
  }
  void leave() noexcept { running_.store(false, std::memory_order_relaxed); }
  [[noreturn, gnu::noinline, gnu::cold]] static void throw_already_running(const char* op) {
    throw async_generator_already_running(std::string(op) + ": asynchronous generator is already running");
  }

  // Resumes the body inline; true if the consumer must suspend until the body's step ends.
  bool run_step(std::coroutine_handle<> consumer) noexcept {
    continuation_ = consumer;
    went_async_ = false;
    handoff_.arm();
    handle_.resume();
    return handoff_.consumer_must_suspend();
  }

  // The generator's side: at a co_yield or at the end of the body. Returns the coroutine to
  // resume next.
  std::coroutine_handle<> end_step() noexcept {
    leave();
    if (!went_async_) {
      handoff_.produce_inline();
      return std::noop_coroutine();
    }
    switch (handoff_.produce()) {
      case handoff::waiting: return continuation_;
      case handoff::owner_gone: dispose_orphan(); return std::noop_coroutine();
      default: return std::noop_coroutine();
    }
  }

  void raise_pending() {
    if (pending_) [[unlikely]]
      std::rethrow_exception(std::exchange(pending_, nullptr));
  }

  // The generator's owner was destroyed during a step: hand the frame to this thread's finalizer
  // (a generator suspended at a co_yield) or free it.
  void dispose_orphan() noexcept;
  // Whether the owner should hand the frame to a finalizer rather than destroy it.
  [[nodiscard]] bool wants_finalizer() const noexcept;
  // Hands a suspended frame to this thread's finalizer hook; false if there is none.
  bool finalize() noexcept;

  // The awaiters' shared bookkeeping: single use, and a pending step abandoned if the awaiter is
  // destroyed (its coroutine was) while waiting.
  struct awaiter_base {
    async_frame* frame_ = nullptr;
    bool used_ = false;
    bool waiting_ = false;

    explicit awaiter_base(async_frame* f) noexcept : frame_(f) {}
    awaiter_base(awaiter_base&& other) noexcept
        : frame_(std::exchange(other.frame_, nullptr)),
          used_(other.used_),
          waiting_(std::exchange(other.waiting_, false)) {}
    awaiter_base& operator=(awaiter_base&&) = delete;
    ~awaiter_base() {
      if (waiting_) frame_->handoff_.abandon();
    }
    void claim() {
      if (used_) [[unlikely]]
        throw_reused();
      used_ = true;
    }
    [[noreturn, gnu::noinline, gnu::cold]] static void throw_reused() { throw awaitable_reused(); }
    bool await_suspend(std::coroutine_handle<> consumer) noexcept {
      // Set before: once run_step returns true, the generator may already have resumed the
      // consumer on another thread, and nothing here may touch the awaiter any more.
      waiting_ = true;
      if (frame_->run_step(consumer)) return true;
      waiting_ = false;
      return false;
    }
  };

  // The awaiter of aclose().
  class aclose_awaiter : awaiter_base {
   public:
    using awaiter_base::await_suspend;
    using awaiter_base::awaiter_base;

    bool await_ready() {
      claim();
      if (frame_ == nullptr || frame_->finished()) return true;
      frame_->enter("aclose()");
      if (!frame_->started_) {  // runs no code
        frame_->closed_before_start_ = true;
        frame_->leave();
        return true;
      }
      frame_->pending_ = std::make_exception_ptr(generator_exit());
      frame_->closing_ = stepped_ = true;
      return false;
    }
    void await_resume() {
      waiting_ = false;
      if (!stepped_) return;
      frame_->closing_ = false;
      if (!frame_->handle_.done()) throw async_generator_ignored_exit();
      if (std::exception_ptr e = std::exchange(frame_->exception_, nullptr)) {
        try {
          std::rethrow_exception(e);
        } catch (const generator_exit&) {
          // the expected way to end
        }
      }
    }

   private:
    bool stepped_ = false;
  };

  // Wraps what the body awaits, to learn whether the body suspended during the step.
  template <class Inner>
  struct tracked_awaiter {
    async_frame* frame;
    Inner inner;

    bool await_ready() { return inner.await_ready(); }
    template <class Promise>
    auto await_suspend(std::coroutine_handle<Promise> self) {
      frame->went_async_ = true;  // before: `inner` may resume the body on another thread at once
      return inner.await_suspend(self);
    }
    decltype(auto) await_resume() { return inner.await_resume(); }
  };

  template <class A>
  auto track(A&& a) {
    using got = decltype(get_awaiter(std::forward<A>(a)));
    using inner = std::conditional_t<std::is_lvalue_reference_v<got>, got, std::remove_cvref_t<got>>;
    return tracked_awaiter<inner>{this, get_awaiter(std::forward<A>(a))};
  }
};

}  // namespace yieldpipe::detail
