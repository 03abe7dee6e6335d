#pragma once
// SIGINT and SIGTERM as a flag that a command's loop checks, so that it can end cleanly: keep what it
// wrote, remove what it must (logs, demo), and exit 128 + the signal.

#include <atomic>
#include <csignal>

namespace yieldpipe::cli {

/// The signal caught while a `stop_signals` lives (0: none yet). Cheap to read in a loop, on any
/// thread: a lock-free atomic (so async-signal-safe to set), which the worker threads of a command
/// read too.
extern std::atomic<int> stop_signal;
static_assert(std::atomic<int>::is_always_lock_free);

/// Catches SIGINT and SIGTERM into `stop_signal` while it lives (the outermost one clears the flag), and
/// puts the previous handlers back at the end, so that scopes nest (demo runs logs). A signal ignored
/// on entry stays ignored: a shell starts background jobs with SIGINT ignored.
class stop_signals {
 public:
  /// `restart_calls`: SA_RESTART, so that reads and writes go on and the loop checks the flag at its
  /// pace; false for a loop that sleeps in poll() and must wake up at once (logs --follow).
  explicit stop_signals(bool restart_calls);
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;
  ~stop_signals();

  /// A descriptor that becomes readable when a signal is caught (the handler writes a byte to a
  /// pipe), for a loop that waits in an event loop rather than in poll() (logs --follow on an
  /// io_context: asio retries its epoll_wait after EINTR). Non-blocking; owned by the process: do
  /// not close it (dup() it to hand it to an owner).
  [[nodiscard]] int wake_fd() const noexcept;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace yieldpipe::cli
