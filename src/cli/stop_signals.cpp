#include "stop_signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace yieldpipe::cli {

std::atomic<int> stop_signal{0};

namespace {
// The self-pipe of wake_fd(): made once, kept for the life of the process (a handler may still be
// writing to it while a scope ends).
int wake_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int sig) {
  stop_signal = sig;
  if (wake_pipe[1] >= 0) {
    const int saved = errno;
    [[maybe_unused]] const ssize_t n = ::write(wake_pipe[1], "", 1);  // full: already readable
    errno = saved;
  }
}
int scopes = 0;  // stop_signals alive: only the outermost clears the flag (a signal before an inner one counts)

void drain_wake_pipe() {
  char bytes[64];
  while (::read(wake_pipe[0], bytes, sizeof bytes) > 0) {
  }
}
}  // namespace

stop_signals::stop_signals(bool restart_calls) {
  if (wake_pipe[0] < 0 && ::pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) wake_pipe[0] = wake_pipe[1] = -1;
  if (scopes++ == 0) {
    stop_signal = 0;
    if (wake_pipe[0] >= 0) drain_wake_pipe();
  }
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = restart_calls ? SA_RESTART : 0;
  sigemptyset(&sa.sa_mask);
  for (auto [sig, old] : {std::pair{SIGINT, &old_int_}, std::pair{SIGTERM, &old_term_}}) {
    ::sigaction(sig, &sa, old);
    if (old->sa_handler == SIG_IGN) ::sigaction(sig, old, nullptr);
  }
}

int stop_signals::wake_fd() const noexcept { return wake_pipe[0]; }

stop_signals::~stop_signals() {
  --scopes;
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
}

}  // namespace yieldpipe::cli
