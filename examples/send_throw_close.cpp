// The guide, "How Yield Works Internally" › "Advanced: Send, Throw, and Close".
//
// Python's `except GeneratorExit` is `catch (const yieldpipe::generator_exit&)` (which, like
// GeneratorExit, is not a std::exception), `except Exception` is `catch (const std::exception&)`,
// and `finally` is the destructor of a guard, which runs however the body ends: returned, left by
// an exception, or destroyed while suspended.
#include <cstdio>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <yieldpipe/core.hpp>

#include "example.hpp"

namespace {

struct cleanup_on_exit {
  cleanup_on_exit() = default;
  cleanup_on_exit(const cleanup_on_exit&) = delete;
  cleanup_on_exit& operator=(const cleanup_on_exit&) = delete;
  ~cleanup_on_exit() { std::puts("Generator cleanup"); }
};

// Python's str() of a value that may be None.
std::string py_str(const std::optional<std::string>& s) { return s ? *s : "None"; }

// Return type optional: the body returns a value only when it is closed (Python's implicit
// `return None` otherwise).
yieldpipe::generator<std::string, std::string, std::optional<std::string>> advanced_generator() {
  const cleanup_on_exit finally;
  std::optional<std::string> handled_error;
  try {
    std::puts("Generator started");
    std::optional<std::string> received;

    while (true) {
      std::printf("About to yield, last received: %s\n", py_str(received).c_str());
      received = co_yield "Current state: " + py_str(received);

      if (received == "stop") break;
    }

  } catch (const yieldpipe::generator_exit&) {
    std::puts("Generator is being closed");
    co_return "Cleanup completed";
  } catch (const std::exception& e) {
    std::printf("Exception received: %s\n", e.what());
    handled_error = e.what();
  }
  // C++ forbids co_yield inside a handler, so the except clause's yield is made just after it.
  if (handled_error) co_yield "Handled exception: " + *handled_error;
  co_return std::nullopt;
}

}  // namespace

YIELDPIPE_EXAMPLE(80, send_throw_close, "Advanced: Send, Throw, and Close") {
  auto gen = advanced_generator();

  // Initialize
  auto result1 = gen.next();
  std::printf("1. %s\n", result1->c_str());

  // Send values
  auto result2 = gen.send("Hello");
  std::printf("2. %s\n", result2->c_str());

  auto result3 = gen.send("World");
  std::printf("3. %s\n", result3->c_str());

  // Throw exception (Python's ValueError). An empty result is Python's StopIteration.
  if (auto result4 = gen.throw_(std::invalid_argument("Test error"))) std::printf("4. %s\n", result4->c_str());

  // Close generator
  gen.close();
  std::puts("Generator closed");
}
