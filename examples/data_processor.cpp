// The guide, "How Yield Works Internally" › "Practical Example: Coroutine Communication".
//
// The guide's coroutine yields its final statistics from `except GeneratorExit`. A generator may
// not yield while it is being closed, so Python's `processor.close()` raises
// "RuntimeError: generator ignored GeneratorExit" and the guide's script ends with that
// traceback; yieldpipe's close() throws generator_ignored_exit, caught and printed here.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>
#include <yieldpipe/core.hpp>

#include "example.hpp"

namespace {

// The guide's statistics dict, key for key.
struct statistics {
  long long count;
  std::variant<long long, double> average;  // the int 0 before any data, a float after
  const char* values_key;                   // "last_values" while processing, "all_values" at the end
  std::vector<long long> values;
  const char* status;
};

// Python's repr() of a float: the shortest text that reads back the same, with ".0" when it
// would look like an int. Exact for the averages here; for very large or small magnitudes
// Python chooses between fixed and exponent notation by its own rule, not reproduced.
std::string py_repr(double v) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, ec == std::errc{} ? end : buf);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string py_repr(const std::variant<long long, double>& number) {
  if (const auto* i = std::get_if<long long>(&number)) return std::to_string(*i);
  return py_repr(std::get<double>(number));
}

std::string py_repr(const std::vector<long long>& list) {
  std::string out = "[";
  for (long long v : list) out += (out.size() > 1 ? ", " : "") + std::to_string(v);
  return out + "]";
}

// Python's print() of what the coroutine yields: None, or the dict.
std::string py_str(const std::optional<statistics>& s) {
  if (!s) return "None";
  return "{'count': " + std::to_string(s->count) + ", 'average': " + py_repr(s->average) + ", '" + s->values_key +
         "': " + py_repr(s->values) + ", 'status': '" + s->status + "'}";
}

// The guide's dict literal. Built by a function rather than as `statistics{...}` in the co_yield
// operand: g++ 12 destroys the members of an aggregate temporary there twice (a double free).
statistics make_statistics(long long count, long long total, const char* values_key, std::vector<long long> values,
                           const char* status) {
  std::variant<long long, double> average = 0LL;
  if (count > 0) average = static_cast<double>(total) / static_cast<double>(count);
  return {count, average, values_key, std::move(values), status};
}

/// Coroutine that processes data and maintains running statistics
yieldpipe::generator<std::optional<statistics>, long long> data_processor() {
  long long count = 0;
  long long total = 0;
  std::vector<long long> values;

  // Initialize - first yield for priming
  [[maybe_unused]] auto result = co_yield std::nullopt;

  bool closing = false;
  try {
    while (true) {
      // Receive data
      const auto last = static_cast<std::ptrdiff_t>(std::min<std::size_t>(values.size(), 5));  // Last 5 values
      auto data =
          co_yield make_statistics(count, total, "last_values", {values.end() - last, values.end()}, "processing");

      if (data) {
        count += 1;
        total += *data;
        values.push_back(*data);
      }
    }

  } catch (const yieldpipe::generator_exit&) {
    closing = true;
  }
  // C++ forbids co_yield inside a handler, so the except clause's yield is made just after it.
  if (closing) co_yield make_statistics(count, total, "all_values", values, "completed");
}

}  // namespace

YIELDPIPE_EXAMPLE(90, data_processor, "Practical Example: Coroutine Communication") {
  // Usage example
  auto processor = data_processor();
  processor.next();  // Prime the coroutine

  // Send data and receive statistics
  auto stats1 = processor.send(10);
  std::printf("After sending 10: %s\n", py_str(*stats1).c_str());

  auto stats2 = processor.send(20);
  std::printf("After sending 20: %s\n", py_str(*stats2).c_str());

  auto stats3 = processor.send(30);
  std::printf("After sending 30: %s\n", py_str(*stats3).c_str());

  // Close and get final statistics
  try {
    processor.close();
  } catch (const yieldpipe::generator_ignored_exit& e) {
    // Where the guide's script stops with its traceback (see the top of this file).
    std::printf("yieldpipe::generator_ignored_exit: %s\n", e.what());
  }
}
