#pragma once
// Things for coroutine tests to await: completions without I/O, on another thread or when the test
// says so.

#include <atomic>
#include <chrono>
#include <coroutine>
#include <thread>

namespace yieldpipe::test {

/// Resumes the awaiting coroutine on a new (detached) thread, after `delay`: a completion that
/// arrives from elsewhere, as an io_context run by another thread would deliver it.
struct on_new_thread {
  std::chrono::milliseconds delay{0};
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const {
    std::thread([h, d = delay] {
      if (d.count() > 0) std::this_thread::sleep_for(d);
      h.resume();
    }).detach();
  }
  void await_resume() const noexcept {}
};

/// Suspends its awaiter until the test opens it; `has_waiter` and `open` may be called from another
/// thread.
class gate {
 public:
  auto wait() {
    struct awaiter {
      gate* g;
      bool await_ready() const noexcept { return g->open_.load(); }
      void await_suspend(std::coroutine_handle<> h) noexcept { g->waiter_.store(h.address()); }
      void await_resume() const noexcept {}
    };
    return awaiter{this};
  }
  [[nodiscard]] bool has_waiter() const noexcept { return waiter_.load() != nullptr; }
  void open() {
    open_.store(true);
    if (void* w = waiter_.exchange(nullptr)) std::coroutine_handle<>::from_address(w).resume();
  }

 private:
  std::atomic<bool> open_{false};
  std::atomic<void*> waiter_{nullptr};
};

}  // namespace yieldpipe::test
