// The guide, "1. Function Generators" › "Advanced: Stateful Generator with Memory".
//
// The data: live_sensor_stream() is 60 readings from a seeded xorshift64 (written identically in
// tests/examples/python/moving_average_generator.py), in steps of 0.25 so that every sum over the
// window is exact in binary and both languages compute the same averages; readings 30 to 37 are a
// warm spell that lifts the moving average above the alert threshold.
//
// How the guide's protocol behaves (see yieldpipe/iter/coroutines.hpp): `avg_gen.send(v)` returns
// the moving average, and the `next(avg_gen)` after it returns None, so the guide's
// `current_avg = next(avg_gen)` followed by `if current_avg > threshold` raises TypeError in
// Python 3 at the first reading. This example shows the calls one by one, then the alert loop
// reading the average that send() returns, then the same stream through the `| moving_average(5)`
// stage, and last the guide's loop as written: the Python script ends there with its TypeError;
// the C++ prints a counterpart line (next() returns an empty optional, which C++ would compare
// silently as less than any number — the example stops instead).
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>
#include <yieldpipe/iter/tee.hpp>

#include "example.hpp"

namespace {

// xorshift64 (13, 7, 17), written identically in the Python counterpart.
class xorshift {
 public:
  explicit xorshift(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  long long below(long long n) { return static_cast<long long>(next() % static_cast<std::uint64_t>(n)); }

 private:
  std::uint64_t state_;
};

// The guide's placeholder: 60 temperature readings, a warm spell at readings 30 to 37.
yieldpipe::generator<double> live_sensor_stream() {
  xorshift rng(7);
  for (int i = 0; i < 60; ++i) {
    const double warm = (i >= 30 && i < 38) ? 6.0 : 0.0;
    co_yield 18.0 + static_cast<double>(rng.below(25)) / 4 + warm;
  }
}

constexpr double threshold = 25.0;

void trigger_alert(long long index, double reading, double average) {
  std::printf("  ALERT at reading %lld: %.2f, moving average %.2f > %.1f\n", index, reading, average, threshold);
}

std::string show(const std::optional<double>& v) {
  if (!v) return "None";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *v);
  return buf;
}

}  // namespace

YIELDPIPE_EXAMPLE(130, moving_average_generator, "Advanced: Stateful Generator with Memory") {
  // yieldpipe::moving_average_generator is the guide's coroutine (O(1) per value instead of the
  // guide's sum() and pop(0) over the window).
  {
    std::printf("The guide's protocol, call by call:\n");
    auto avg_gen = yieldpipe::moving_average_generator(5);
    avg_gen.next();  // Initialize
    auto stream = live_sensor_stream();
    for (int i = 0; i < 3; ++i) {
      const double sensor_reading = *stream.next();
      // Each call returns an optional of what the coroutine yields, itself an optional (None).
      const std::optional<double> sent = *avg_gen.send(sensor_reading);
      const std::optional<double> after = *avg_gen.next();
      std::printf("  avg_gen.send(%.2f) -> %s; next(avg_gen) -> %s\n", sensor_reading, show(sent).c_str(),
                  show(after).c_str());
    }
  }

  {
    std::printf("Alerts from the coroutine (the average is what send() returns):\n");
    auto avg_gen = yieldpipe::moving_average_generator(5);
    avg_gen.next();  // Initialize
    long long alerts = 0;
    for (auto [index, sensor_reading] : live_sensor_stream() | yieldpipe::enumerate()) {
      const double current_avg = **avg_gen.send(sensor_reading);
      avg_gen.next();  // ready for the next send(), as the guide's loop does
      if (current_avg > threshold) {
        trigger_alert(index, sensor_reading, current_avg);
        ++alerts;
      }
    }
    std::printf("%lld alerts\n", alerts);
  }

  {
    // The same stream as a pipeline: tee gives the readings twice (in lockstep, so it buffers
    // one reading), one copy through the moving-average stage, zipped back with the readings.
    std::printf("Alerts from | moving_average(5):\n");
    auto copies = yieldpipe::tee(live_sensor_stream(), 2);
    auto averaged = yieldpipe::zip(copies[0], copies[1] | yieldpipe::moving_average(5)) | yieldpipe::enumerate();
    long long alerts = 0;
    for (auto [index, pair] : averaged) {
      const auto [sensor_reading, current_avg] = pair;
      if (current_avg > threshold) {
        trigger_alert(index, sensor_reading, current_avg);
        ++alerts;
      }
    }
    std::printf("%lld alerts\n", alerts);
  }

  {
    std::printf("The guide's loop as written:\n");
    auto avg_gen = yieldpipe::moving_average_generator(5);
    avg_gen.next();  // Initialize
    for (double sensor_reading : live_sensor_stream()) {
      avg_gen.send(sensor_reading);
      const std::optional<double> current_avg = *avg_gen.next();
      if (!current_avg) {
        std::printf(
            "next(avg_gen) returned an empty optional (None): Python's `current_avg > threshold` raises "
            "TypeError here\n");
        break;
      }
      if (*current_avg > threshold) trigger_alert(0, sensor_reading, *current_avg);
    }
  }
}
