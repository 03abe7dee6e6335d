// The guide, "Best Practices for Big Data" › "3. Progress Monitoring".
//
// First the guide's progress_generator as it is written (a print every 1,000 items), then
// yieldpipe's `| progress(options)` stage, which reports count, percent, rate and ETA on stderr (a
// bar on a terminal, a log line every few seconds otherwise). Here its output goes to a
// std::ostringstream and its clock is injected: a simulated clock that advances 0.5 ms per
// processed item, as if each row took that long. So the report — rate, ETA, elapsed time — is
// deterministic, and is printed after the run.
#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

/// Generator with progress monitoring (the guide's, line for line).
template <class Iterable>
yieldpipe::generator<long long> progress_generator(Iterable iterable, std::optional<long long> total = {}) {
  long long count = 0;
  for (long long item : iterable) {
    count += 1;
    if (count % 1000 == 0) {
      if (total) {
        const double progress = static_cast<double>(count) / static_cast<double>(*total) * 100;
        std::printf("Progress: %.1f%% (%lld/%lld)\n", progress, count, *total);
      } else {
        std::printf("Processed: %lld items\n", count);
      }
    }
    co_yield item;
  }
}

// A clock that the "work" advances: 0.5 ms per item.
struct simulated_clock {
  std::chrono::steady_clock::time_point now{};
  void work(std::chrono::microseconds cost) { now += cost; }
};

}  // namespace

YIELDPIPE_EXAMPLE(302, progress_monitoring, "3. Progress Monitoring") {
  std::puts("The guide's progress_generator over 3,500 items, total known:");
  long long sum = 0;
  for (long long item : progress_generator(yieldpipe::range(3500LL), 3500)) sum += item;
  std::printf("sum %lld\n", sum);
  std::puts("and without a total:");
  sum = progress_generator(yieldpipe::range(2500LL)) | yieldpipe::sum(0LL);
  std::printf("sum %lld\n", sum);

  // yieldpipe's stage: log lines (terminal = false) at most once per simulated second.
  simulated_clock clock;
  std::ostringstream report;
  const auto options = [&](std::optional<std::uint64_t> total) {
    return yieldpipe::progress_options{
        .label = "rows",
        .total = total,
        .out = &report,
        .terminal = false,
        .log_interval = std::chrono::seconds(1),
        .clock = [&clock] { return clock.now; },
        .check_every = 500,  // read the clock every 500 items (0 adapts it to the real rate)
    };
  };
  sum = 0;
  for (long long item : yieldpipe::range(10000LL) | yieldpipe::progress(options(10000))) {
    sum += item;
    clock.work(std::chrono::microseconds(500));
  }
  std::printf("| progress({.total = 10000}) over 10,000 items at 0.5 ms each (sum %lld), reported:\n%s", sum,
              report.str().c_str());

  report.str("");
  for ([[maybe_unused]] long long item : yieldpipe::range(5000LL) | yieldpipe::progress(options(std::nullopt)))
    clock.work(std::chrono::microseconds(500));
  std::printf("| progress() without a total, 5,000 items, reported:\n%s", report.str().c_str());
}
