// The guide, "How Yield Works Internally" › "State Management and Memory".
#include <cstdio>
#include <optional>
#include <string>
#include <vector>
#include <yieldpipe/core.hpp>

#include "example.hpp"

namespace {

// Python's repr() of a str, for the plain strings sent here: single quotes unless the text holds
// one and no double quote, backslash and the chosen quote escaped.
std::string py_repr(const std::string& s) {
  const char quote = s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == '\\' || c == quote) out += '\\';
    out += c;
  }
  return out + quote;
}

// Python's repr() of a list of str.
std::string py_repr(const std::vector<std::string>& list) {
  std::string out = "[";
  for (const auto& item : list) out += (out.size() > 1 ? ", " : "") + py_repr(item);
  return out + "]";
}

// Sends a std::string into each `co_yield`, which evaluates to an empty optional (Python's None)
// when the generator is resumed by next() instead.
yieldpipe::generator<int, std::string, std::string> stateful_generator() {
  // Local variables are preserved across yields: they live in the coroutine frame.
  int counter = 0;
  std::vector<std::string> data_buffer;

  while (counter < 5) {
    std::printf("Counter: %d, Buffer: %s\n", counter, py_repr(data_buffer).c_str());

    // Receive input and pause execution
    std::optional<std::string> received = co_yield counter;

    // Resume here with preserved state
    if (received) data_buffer.push_back(*received);

    counter += 1;
  }

  co_return "Final buffer: " + py_repr(data_buffer);
}

}  // namespace

YIELDPIPE_EXAMPLE(30, state_preservation, "State Management and Memory") {
  // Demonstrate state preservation
  auto gen = stateful_generator();

  // Initialize generator
  std::puts("Initializing:");
  auto first_value = gen.next();  // Counter: 0, Buffer: []

  // Send data and observe state preservation
  std::puts("\nSending 'A':");
  auto second_value = gen.send("A");  // Counter: 1, Buffer: ['A']

  std::puts("\nSending 'B':");
  auto third_value = gen.send("B");  // Counter: 2, Buffer: ['A', 'B']

  std::printf("Values received: %d, %d, %d\n", *first_value, *second_value, *third_value);
}
