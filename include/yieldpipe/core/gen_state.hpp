#pragma once

#include <string_view>

namespace yieldpipe {

/// The state of a generator, as `inspect.getgeneratorstate` reports it.
///
///   created ──next/begin──▶ running ──co_yield──▶ suspended ──next/send/throw_──▶ running
///      │                       │                      │
///      └──close──▶ closed ◀────┴──return/exception────┘◀──close (generator_exit not ignored)
enum class gen_state : unsigned char { created, running, suspended, closed };

/// "created", "running", "suspended" or "closed".
constexpr std::string_view to_string(gen_state s) noexcept {
  switch (s) {
    case gen_state::created: return "created";
    case gen_state::running: return "running";
    case gen_state::suspended: return "suspended";
    case gen_state::closed: return "closed";
  }
  return "unknown";
}

}  // namespace yieldpipe
