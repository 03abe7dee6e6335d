#include "stop_signals.hpp"

#include <utility>

namespace yieldpipe::cli {

std::atomic<int> stop_signal{0};

namespace {
extern "C" void on_stop_signal(int sig) { stop_signal = sig; }
int scopes = 0;  // stop_signals alive: only the outermost clears the flag (a signal before an inner one counts)
}  // namespace

stop_signals::stop_signals(bool restart_calls) {
  if (scopes++ == 0) stop_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = restart_calls ? SA_RESTART : 0;
  sigemptyset(&sa.sa_mask);
  for (auto [sig, old] : {std::pair{SIGINT, &old_int_}, std::pair{SIGTERM, &old_term_}}) {
    ::sigaction(sig, &sa, old);
    if (old->sa_handler == SIG_IGN) ::sigaction(sig, old, nullptr);
  }
}

stop_signals::~stop_signals() {
  --scopes;
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
}

}  // namespace yieldpipe::cli
