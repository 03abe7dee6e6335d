#pragma once
// yieldpipe::async_generator: Python's async generators (PEP 525): `co_yield` and `co_await` in
// one body, consumed with `co_await gen.next()`.

#include <coroutine>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "yieldpipe/core/detail/async_frame.hpp"
#include "yieldpipe/core/exceptions.hpp"
#include "yieldpipe/core/gen_state.hpp"
#include "yieldpipe/core/task.hpp"

namespace yieldpipe {

/// An async generator whose owner let go of it while it was suspended at a `co_yield`, handed to
/// the finalizer hook (Python's `sys.set_asyncgen_hooks(finalizer=...)`), which owns it from then
/// on. `co_await g.aclose()` closes it as the owner could have (generator_exit at the `co_yield`,
/// the body may `co_await` while it cleans up); destroying it without closing destroys its frame
/// (RAII cleanup runs, `catch (generator_exit)` handlers do not).
class abandoned_async_generator {
 public:
  explicit abandoned_async_generator(detail::async_frame* frame) noexcept : frame_(frame) {}
  abandoned_async_generator(abandoned_async_generator&& other) noexcept
      : frame_(std::exchange(other.frame_, nullptr)) {}
  abandoned_async_generator& operator=(abandoned_async_generator&&) = delete;
  ~abandoned_async_generator() {
    if (frame_ != nullptr) frame_->handle_.destroy();
  }

  [[nodiscard]] gen_state state() const noexcept { return frame_ ? frame_->state() : gen_state::closed; }
  /// Python's `agen.aclose()`; the object must outlive the awaitable.
  [[nodiscard]] detail::async_frame::aclose_awaiter aclose() noexcept {
    return detail::async_frame::aclose_awaiter{frame_};
  }

 private:
  detail::async_frame* frame_;
};

/// Called with every async generator that is destroyed while suspended at a `co_yield`, on the
/// thread that destroys it. Must not throw.
using async_generator_finalizer = std::function<void(abandoned_async_generator)>;

/// Sets the calling thread's finalizer hook and returns the previous one (empty: none). Without a
/// hook, a suspended async generator's frame is destroyed with it: RAII cleanup runs, nothing is
/// awaited. `yieldpipe::async::run` installs a hook that closes such generators on its io_context.
async_generator_finalizer set_async_generator_finalizer(async_generator_finalizer hook);

namespace detail {
template <class Send>
struct async_sent {
  std::optional<Send> value;
};
template <>
struct async_sent<void> {};
}  // namespace detail

/// An asynchronous generator (PEP 525): a coroutine that may both `co_await` (timers, sockets,
/// tasks, any awaitable) and `co_yield` elements of type `Yield`, consumed from another coroutine:
///
///   async_generator<int> ticks(asio::steady_timer& t) {
///     for (int i = 0;; ++i) { t.expires_after(10ms); co_await t.async_wait(async::use_task); co_yield i; }
///   }
///   while (auto v = co_await gen.next()) use(*v);
///
/// | Python | yieldpipe |
/// | --- | --- |
/// | `await anext(g)`, StopAsyncIteration | `co_await g.next()` → `std::optional<Yield>`, empty at the end and after |
/// | `await anext(g, d)` / `await anext(g)` | `co_await anext(g, d)` / `co_await anext(g)` (throws
/// `stop_async_iteration`) | | `x = yield v`; `await g.asend(s)` | `auto x = co_yield v;` (`std::optional<Send>`);
/// `co_await g.asend(s)` | | `await g.athrow(e)` | `co_await g.athrow(e)`: the next element if the body handles `e`,
/// empty if it ends | | `await g.aclose()` | `co_await g.aclose()`: `generator_exit` at the `co_yield` | |
/// `inspect.getasyncgenstate(g)` | `g.state()`: running for the whole of a step, awaits included |
///
/// Nothing runs until the first operation. Each operation returns a single-use awaitable (awaiting
/// it twice throws `awaitable_reused`); starting an operation while another is pending, or from
/// inside the body, throws `async_generator_already_running`. `athrow` on a closed generator does
/// nothing (CPython 3.8–3.13); on a created one it closes the generator and rethrows. `asend` of a
/// value to a created generator throws `invalid_send`. An exception that escapes the body reaches
/// the awaiter and closes the generator. There is no `Return` type and no `yield_from`: Python
/// forbids `return value` and `yield from` in async generators.
///
/// Steps: the consumer resumes the body inline, so a body that yields without suspending costs a
/// few nanoseconds per element and the stack never grows with the number of elements. Where the
/// body suspends, it resumes wherever its awaitable completes it (an `io_context`'s thread), and
/// resumes the consumer from there.
///
/// Lifetime: destroying a suspended generator hands it to the thread's finalizer hook
/// (`set_async_generator_finalizer`) or, without one, destroys its frame (RAII cleanup, no
/// generator_exit). Destroying it during a step (its consumer was destroyed while awaiting) lets
/// the step finish and then disposes of the frame the same way: never undefined behaviour, never
/// a leaked frame. Take the coroutine's parameters by value. The generator object must outlive
/// the awaitables of its operations.
template <class Yield, class Send = void>
class [[nodiscard]] async_generator {
  static_assert(std::is_object_v<Yield> && !std::is_const_v<Yield> && !std::is_volatile_v<Yield>,
                "async_generator<Yield>: Yield must be a non-const object type");

 public:
  using value_type = Yield;
  using send_type = Send;
  class promise_type;
  class next_awaiter;
  class step_awaiter;

  async_generator() noexcept = default;
  async_generator(async_generator&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  async_generator& operator=(async_generator&& other) noexcept {
    if (this != &other) {
      destroy();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  ~async_generator() { destroy(); }

  /// Python's `inspect.getasyncgenstate`. A default-constructed or moved-from generator is closed.
  [[nodiscard]] gen_state state() const noexcept { return frame_ ? frame().state() : gen_state::closed; }

  /// Python's `anext(g)`: the next element, or an empty optional at the end (and at every call
  /// after it).
  [[nodiscard]] next_awaiter next() noexcept { return next_awaiter{frame_ptr()}; }

  /// Python's `g.asend(v)`: resumes the body with `v` as the value of its `co_yield`.
  template <class U = Send>
    requires(!std::is_void_v<Send>) && std::is_constructible_v<Send, U&&>
  [[nodiscard]] step_awaiter asend(U&& v) {
    step_awaiter a{frame_ptr(), step_awaiter::kind::send};
    a.sent_.emplace(std::forward<U>(v));
    return a;
  }

  /// Python's `g.athrow(e)`: raises `e` at the `co_yield`.
  [[nodiscard]] step_awaiter athrow(std::exception_ptr e) noexcept {
    step_awaiter a{frame_ptr(), step_awaiter::kind::raise};
    a.raise_ = std::move(e);
    return a;
  }
  template <class E>
    requires(!std::is_same_v<std::decay_t<E>, std::exception_ptr>)
  [[nodiscard]] step_awaiter athrow(E&& e) {
    return athrow(std::make_exception_ptr(std::forward<E>(e)));
  }

  /// Python's `g.aclose()`: raises `generator_exit` at the `co_yield`; the body may `co_await`
  /// while it cleans up. Throws `async_generator_ignored_exit` if the body yields instead, and
  /// rethrows any other exception that escapes it. Does nothing on a closed generator; a created
  /// one becomes closed without running.
  [[nodiscard]] detail::async_frame::aclose_awaiter aclose() noexcept {
    return detail::async_frame::aclose_awaiter{frame_ptr()};
  }

 private:
  explicit async_generator(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}

  promise_type& frame() const noexcept { return frame_.promise(); }
  promise_type* frame_ptr() const noexcept { return frame_ ? &frame_.promise() : nullptr; }

  void destroy() noexcept {
    if (!frame_) return;
    promise_type& p = frame();
    if (p.running_.load(std::memory_order_relaxed) && p.handoff_.leave_to_producer()) {
      frame_ = {};  // mid-step: disposed of when the step ends
      return;
    }
    if (p.wants_finalizer() && p.finalize()) {
      frame_ = {};
      return;
    }
    std::exchange(frame_, {}).destroy();
  }

  std::coroutine_handle<promise_type> frame_;
};

template <class Yield, class Send>
class async_generator<Yield, Send>::promise_type : public detail::async_frame {
  friend class async_generator;

  struct initial_awaiter {
    promise_type* self;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const noexcept { self->started_ = true; }
  };

  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> self) const noexcept {
      return self.promise().end_step();
    }
    void await_resume() const noexcept {}
  };

  struct yield_awaiter {
    promise_type* self;
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<>) const noexcept { return self->end_step(); }
    auto await_resume() const {
      self->raise_pending();
      if constexpr (!std::is_void_v<Send>) return std::exchange(self->sent_.value, std::nullopt);
    }
  };

  // `co_yield` of a const lvalue or of another type: the awaiter holds the element.
  struct copy_awaiter : yield_awaiter {
    Yield element;
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> h) noexcept {
      this->self->value_ = std::addressof(element);
      this->self->value_movable_ = true;
      return yield_awaiter::await_suspend(h);
    }
  };

 public:
  async_generator get_return_object() noexcept {
    auto h = std::coroutine_handle<promise_type>::from_promise(*this);
    handle_ = h;
    return async_generator{h};
  }
  initial_awaiter initial_suspend() noexcept { return {this}; }
  final_awaiter final_suspend() noexcept { return {}; }
  void return_void() const noexcept {}

  void unhandled_exception() {
    try {
      throw;
    } catch (const stop_iteration&) {
      nest_stop("async generator raised stop_iteration");
    } catch (const stop_async_iteration&) {
      nest_stop("async generator raised stop_async_iteration");
    } catch (...) {
      exception_ = std::current_exception();
    }
  }

  yield_awaiter yield_value(Yield& v) noexcept {
    value_ = std::addressof(v);
    value_movable_ = false;
    return {this};
  }
  yield_awaiter yield_value(Yield&& v) noexcept {
    value_ = std::addressof(v);
    value_movable_ = true;
    return {this};
  }
  copy_awaiter yield_value(const Yield& v)
    requires std::is_copy_constructible_v<Yield>
  {
    return {{this}, Yield(v)};
  }
  template <class U>
    requires(!std::is_same_v<std::remove_cvref_t<U>, Yield>) && std::is_constructible_v<Yield, U&&>
  copy_awaiter yield_value(U&& v) {
    return {{this}, Yield(std::forward<U>(v))};
  }

  template <class A>
  auto await_transform(A&& a) {
    return track(std::forward<A>(a));
  }

  // After a step: the end (an empty optional, or the exception that escaped the body) or the
  // element, moved out of a temporary or a move-only lvalue and copied from any other lvalue.
  static std::optional<Yield> take_result(promise_type* p) {
    if (p == nullptr || p->finished()) {
      if (p != nullptr && p->exception_) std::rethrow_exception(std::exchange(p->exception_, nullptr));
      return std::nullopt;
    }
    if constexpr (std::is_copy_constructible_v<Yield>) {
      if (!p->value_movable_) return std::optional<Yield>(*p->value_);
    }
    return std::optional<Yield>(std::move(*p->value_));
  }

  // Read by take_result.
  Yield* value_ = nullptr;
  bool value_movable_ = false;
  detail::async_sent<Send> sent_;

 private:
  void nest_stop(const char* what) {
    try {
      std::throw_with_nested(async_generator_raised_stop_iteration(what));
    } catch (...) {
      exception_ = std::current_exception();
    }
  }
};

/// The awaitable of `next()`: `co_await` gives `std::optional<Yield>`. Apart from `step_awaiter`
/// so that the per-element path carries nothing of asend's and athrow's (1.5 ns of a 6.4 ns round
/// trip, bench/generator_matrix.cpp).
template <class Yield, class Send>
class async_generator<Yield, Send>::next_awaiter : detail::async_frame::awaiter_base {
  friend class async_generator;

 public:
  using awaiter_base::await_suspend;

  bool await_ready() {
    claim();
    promise_type* p = promise();
    if (p == nullptr || p->finished()) return true;
    p->enter("next()");
    return false;
  }
  std::optional<Yield> await_resume() {
    waiting_ = false;
    return promise_type::take_result(promise());
  }

 private:
  explicit next_awaiter(promise_type* p) noexcept : awaiter_base(p) {}
  promise_type* promise() const noexcept { return static_cast<promise_type*>(frame_); }
};

/// The awaitable of `asend()` and `athrow()`: `co_await` gives `std::optional<Yield>`.
template <class Yield, class Send>
class async_generator<Yield, Send>::step_awaiter : detail::async_frame::awaiter_base {
  friend class async_generator;
  enum class kind : unsigned char { send, raise };

 public:
  using awaiter_base::await_suspend;

  bool await_ready() {
    claim();
    promise_type* p = promise();
    if (p == nullptr || p->finished()) return true;  // athrow on a closed generator: a no-op (item 63)
    p->enter(kind_ == kind::send ? "asend()" : "athrow()");
    if (!p->started_) {
      if (kind_ == kind::send) {
        p->leave();
        throw invalid_send("asend() of a value to an async generator that has not started: call next() first");
      }
      if (kind_ == kind::raise) {  // raised at once; the generator is closed without running
        p->closed_before_start_ = raise_at_once_ = true;
        p->leave();
        return true;
      }
    }
    if constexpr (!std::is_void_v<Send>) {
      if (kind_ == kind::send) p->sent_.value = std::move(sent_);
    }
    if (kind_ == kind::raise) p->pending_ = std::exchange(raise_, nullptr);
    return false;
  }

  std::optional<Yield> await_resume() {
    waiting_ = false;
    promise_type* p = promise();
    if (raise_at_once_) std::rethrow_exception(std::exchange(raise_, nullptr));
    return promise_type::take_result(p);
  }

 private:
  step_awaiter(promise_type* p, kind k) noexcept : awaiter_base(p), kind_(k) {}
  promise_type* promise() const noexcept { return static_cast<promise_type*>(frame_); }

  kind kind_;
  bool raise_at_once_ = false;
  std::exception_ptr raise_;
  [[no_unique_address]] std::conditional_t<std::is_void_v<Send>, std::nullptr_t, std::optional<Send>> sent_{};
};

/// Python's `await anext(g)`: the next element, or `stop_async_iteration` at the end. `g` must
/// outlive the task.
template <class Y, class S>
task<Y> anext(async_generator<Y, S>& g) {
  if (auto v = co_await g.next()) co_return std::move(*v);
  throw stop_async_iteration();
}

/// Python's `await anext(g, default)`. `g` must outlive the task.
template <class Y, class S, class D>
task<Y> anext(async_generator<Y, S>& g, D fallback) {
  if (auto v = co_await g.next()) co_return std::move(*v);
  co_return Y(std::move(fallback));
}

}  // namespace yieldpipe
