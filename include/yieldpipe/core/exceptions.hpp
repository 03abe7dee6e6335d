#pragma once
// The exceptions of yieldpipe's generator model, each the counterpart of a Python one.

#include <stdexcept>
#include <string>

namespace yieldpipe {

/// Raised inside a generator by `close()` at its suspension point (Python's GeneratorExit).
///
/// It deliberately does not derive from `std::exception`: GeneratorExit is a BaseException in
/// Python, so `catch (const std::exception&)` in a generator body must not swallow it, while
/// RAII cleanup and `catch (...)` still see it.
struct generator_exit {
  [[nodiscard]] const char* what() const noexcept { return "generator_exit"; }
};

/// Thrown by `yieldpipe::next(gen)` at the end of a generator (Python's StopIteration).
/// Escaping a generator body it becomes `generator_raised_stop_iteration` (PEP 479).
class stop_iteration : public std::exception {
 public:
  [[nodiscard]] const char* what() const noexcept override { return "stop_iteration"; }
};

/// A generator used against its contract: the base of the misuse errors below.
class generator_misuse : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// A generator was resumed (next, send, throw_, close, ++, begin) while it was already running:
/// from inside its own body, or from a second thread (Python's "ValueError: generator already
/// executing"). Detection is a check, not a lock: generators are not thread-safe.
class generator_already_executing : public generator_misuse {
 public:
  generator_already_executing() : generator_misuse("generator already executing") {}
};

/// `send(v)` into a generator that has not started (Python's "TypeError: can't send non-None value
/// to a just-started generator"). The generator stays created; `next()` starts it.
class invalid_send : public generator_misuse {
 public:
  using generator_misuse::generator_misuse;
};

/// A `stop_iteration` escaped a generator body (PEP 479). The original is nested
/// (`std::rethrow_if_nested`).
class generator_raised_stop_iteration : public std::runtime_error {
 public:
  generator_raised_stop_iteration() : std::runtime_error("generator raised stop_iteration") {}
};

/// A generator yielded while it was being closed (Python's "RuntimeError: generator ignored
/// GeneratorExit").
class generator_ignored_exit : public std::runtime_error {
 public:
  generator_ignored_exit() : std::runtime_error("generator ignored generator_exit") {}
};

/// Thrown by `yieldpipe::anext(gen)` at the end of an async generator (Python's
/// StopAsyncIteration). Escaping an async generator body it becomes
/// `async_generator_raised_stop_iteration`.
class stop_async_iteration : public std::exception {
 public:
  [[nodiscard]] const char* what() const noexcept override { return "stop_async_iteration"; }
};

/// An async generator was resumed (next, asend, athrow, aclose) while an earlier operation on it
/// was still pending, or from inside its own body (Python's "RuntimeError: anext(): asynchronous
/// generator is already running"). The message names the operation.
class async_generator_already_running : public generator_misuse {
 public:
  using generator_misuse::generator_misuse;
};

/// The awaitable returned by `next()`, `asend()`, `athrow()` or `aclose()` was awaited a second
/// time (Python's "RuntimeError: cannot reuse already awaited __anext__()/asend()").
class awaitable_reused : public generator_misuse {
 public:
  awaitable_reused() : generator_misuse("cannot reuse an already awaited next()/asend()/athrow()/aclose()") {}
};

/// An async generator yielded while `aclose()` was closing it (Python's "RuntimeError: async
/// generator ignored GeneratorExit"). It stays suspended at that `co_yield`.
class async_generator_ignored_exit : public std::runtime_error {
 public:
  async_generator_ignored_exit() : std::runtime_error("async generator ignored generator_exit") {}
};

/// A `stop_iteration` or `stop_async_iteration` escaped an async generator body (Python's
/// "RuntimeError: async generator raised StopAsyncIteration"). The original is nested.
class async_generator_raised_stop_iteration : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace yieldpipe
