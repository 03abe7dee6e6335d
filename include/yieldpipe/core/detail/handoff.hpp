#pragma once
// The meeting point of a consumer awaiting a step of a coroutine (a task's result, an async
// generator's next element) and that coroutine, the producer.
//
// The consumer resumes the producer inline, from its await_suspend, instead of transferring to it
// symmetrically. If the producer finishes the step before it returns (it never suspended on
// anything else), the consumer goes on without suspending: the stack unwinds after every step,
// so a loop of a million steps does not grow it even where g++ 12 does not turn symmetric
// transfer into a tail call (-O0 and AddressSanitizer). If the producer suspended on something
// else (a timer, a socket), the consumer suspends, and whichever side comes second decides who
// resumes the consumer: one atomic exchange each, because the producer may finish on another
// thread while the consumer is still on its way into suspension.
//
//   idle ──consumer suspends──▶ waiting ──producer finishes──▶ produced (producer resumes consumer)
//     └──producer finishes first──▶ produced (consumer goes on inline)
//   waiting ──awaiter destroyed──▶ abandoned      (the step's result is dropped)
//   idle/waiting ──owner destroyed──▶ owner_gone  (the producer disposes of itself when it stops)

#include <atomic>
#include <coroutine>

namespace yieldpipe::detail {

class handoff {
 public:
  enum state : unsigned char { idle, waiting, produced, abandoned, owner_gone };

  /// Before the consumer resumes the producer for a step.
  void arm() noexcept { s_.store(idle, std::memory_order_relaxed); }
  /// Whether a step is in progress (armed and not yet produced).
  [[nodiscard]] bool in_step() const noexcept { return s_.load(std::memory_order_acquire) != produced; }

  /// Consumer, after the producer returned control: true if the consumer must suspend (the
  /// producer will resume it), false if the step is already done.
  bool consumer_must_suspend() noexcept {
    if (s_.load(std::memory_order_acquire) == produced) return false;
    state expected = idle;
    return s_.compare_exchange_strong(expected, waiting, std::memory_order_acq_rel, std::memory_order_acquire);
  }

  /// Producer, finishing a step inline: the consumer is still inside its await_suspend.
  void produce_inline() noexcept { s_.store(produced, std::memory_order_release); }
  /// Producer, finishing a step after it suspended elsewhere: the state it found.
  state produce() noexcept { return s_.exchange(produced, std::memory_order_acq_rel); }

  /// The consumer's awaiter is destroyed while it waits (its coroutine was destroyed).
  void abandon() noexcept {
    state expected = waiting;
    s_.compare_exchange_strong(expected, abandoned, std::memory_order_acq_rel, std::memory_order_acquire);
  }
  /// The producer's owner is destroyed during a step: true if the producer will dispose of itself
  /// when the step ends, false if the step had already ended (the owner destroys the frame).
  bool leave_to_producer() noexcept {
    state s = s_.load(std::memory_order_acquire);
    while (s != produced)
      if (s_.compare_exchange_weak(s, owner_gone, std::memory_order_acq_rel, std::memory_order_acquire)) return true;
    return false;
  }

 private:
  std::atomic<state> s_{produced};
};

}  // namespace yieldpipe::detail
