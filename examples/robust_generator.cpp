// The guide, "Best Practices for Big Data" › "2. Error Handling".
//
// The data: readings in degrees Celsius as text, a few of them bad ("n/a", an empty string, a
// value below absolute zero), and a source that loses its connection part-way.
// tests/examples/python/robust_generator.py runs the guide's code on the same items, with its
// placeholders (process_item, ProcessingError, logger, cleanup_resources) defined as here.
//
// robust_generator keeps the guide's shape: a bad item is a processing_error, handed to an error
// policy and skipped; any other exception is logged as critical and propagates; the guide's
// `finally: cleanup_resources()` is a local whose destructor runs however the generator ends. The
// policy here is a dead letter whose sink is the guide's `logger.error(...)`; it counts the errors.
// The same robustness without writing the loop is `source | try_map(process_item, policy)`, shown
// last (its on_error::log lines are yieldpipe's format, so that part is not compared with Python).
#include <charconv>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

// Named (not anonymous) so that the error counts read "error_handling::processing_error".
namespace error_handling {

/// A bad item: skipped, the pipeline goes on.
class processing_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace error_handling

namespace {

using error_handling::processing_error;

// The guide's logger, writing "LEVEL: message" lines to stdout.
struct logger_t {
  void error(const std::string& message) const { std::printf("ERROR: %s\n", message.c_str()); }
  void critical(const std::string& message) const { std::printf("CRITICAL: %s\n", message.c_str()); }
} const logger;

void cleanup_resources() { std::puts("Cleaning up resources"); }

// Celsius text → Fahrenheit, or a processing_error.
double process_item(const std::string& item) {
  double celsius = 0;
  const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), celsius);
  if (item.empty() || ec != std::errc{} || end != item.data() + item.size())
    throw processing_error("not a number: '" + item + "'");
  if (celsius < -273.15) throw processing_error("below absolute zero: " + item);
  return celsius * 9 / 5 + 32;
}

/// Generator with proper error handling
template <class Source, class Sink>
yieldpipe::generator<double> robust_generator(Source data_source, yieldpipe::error_policy<Sink> policy) {
  struct finally {
    ~finally() { cleanup_resources(); }
  } const cleanup;
  try {
    for (const std::string& item : data_source) {
      try {
        const double processed = process_item(item);
        co_yield processed;
      } catch (const processing_error& e) {
        policy.handle(item, "item", "processing_error", e.what());
        continue;
      }
    }
  } catch (const std::exception& e) {
    logger.critical(std::string("Critical error: ") + e.what());
    throw;
  }
}

yieldpipe::generator<std::string> readings(std::vector<std::string> items) {
  for (std::string& item : items) co_yield item;
}

// A source that fails part-way, as a network stream would.
yieldpipe::generator<std::string> flaky_readings() {
  co_yield "18.5";
  co_yield "bad";
  co_yield "19.5";
  throw std::runtime_error("connection lost after 3 items");
}

}  // namespace

YIELDPIPE_EXAMPLE(301, robust_generator, "2. Error Handling") {
  const std::vector<std::string> items = {"21.5", "19.0", "n/a", "22.4", "-400", "23.1", "", "20.8"};
  auto to_logger = yieldpipe::on_error::dead_letter([](const std::string&, std::string_view message) {
    logger.error("Error processing item: " + std::string(message));
  });

  std::puts("Processing 8 readings:");
  for (double fahrenheit : robust_generator(readings(items), to_logger)) std::printf("  %.1f F\n", fahrenheit);
  std::printf("Errors: %llu, items skipped\n", static_cast<unsigned long long>(to_logger.counts().total()));

  std::puts("Processing a stream that fails:");
  try {
    for (double fahrenheit : robust_generator(flaky_readings(), to_logger)) std::printf("  %.1f F\n", fahrenheit);
  } catch (const std::runtime_error& e) {
    std::printf("Stopped: %s\n", e.what());
  }
  std::printf("Errors: %llu, items skipped\n", static_cast<unsigned long long>(to_logger.counts().total()));

  // The same, as a stage: on_error::log writes yieldpipe's line for each bad item, with its index.
  std::puts("As a stage, readings | try_map(process_item, on_error::log(std::cout)):");
  auto log = yieldpipe::on_error::log(std::cout);
  const double total = readings(items) | yieldpipe::try_map(process_item, log) | yieldpipe::sum(0.0);
  std::printf("Sum of the good readings: %.1f F; %s\n", total, log.counts().summary().c_str());
}
