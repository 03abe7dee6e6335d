// The guide, "4. Coroutines" › "Advanced Coroutine: Real-time Data Processor".
//
// The data: live_sensor_feed() is 600 readings around 50 (seeded xorshift64, steps of 0.25;
// tests/examples/python/real_time_anomaly_detector.py draws the same) with five injected spikes.
//
// yieldpipe::real_time_anomaly_detector is the guide's coroutine, with Python's protocol (see
// yieldpipe/iter/coroutines.hpp): `send(v)` returns the analysis of `v` (None until more than 10
// values are known), and the `next(detector)` after it always returns None — so the guide's loop,
// which reads `analysis = next(detector)`, never raises an alert, in Python as here. The example
// runs that loop as written, then the same loop reading the analysis from send(), then the
// `| zscore_anomalies(100, 2.5)` stage on the same feed, which yields only the anomalies.
// The statistics are O(1) per value here (the guide recomputes them over its 100 values).
#include <cstdint>
#include <cstdio>
#include <optional>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

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

// Noise of +-5 around 50; spikes at readings 150, 300, 301, 420 and 555.
yieldpipe::generator<double> live_sensor_feed() {
  xorshift rng(314);
  for (int i = 0; i < 600; ++i) {
    double reading = 45.0 + static_cast<double>(rng.below(41)) / 4;
    if (i == 150 || i == 420) reading += 25;
    if (i == 300 || i == 301) reading -= 20;
    if (i == 555) reading += 40;
    co_yield reading;
  }
}

void trigger_alert(long long index, double value, double z_score, double mean, double std_dev) {
  std::printf("  ALERT at reading %lld: value %.2f, z-score %.2f (mean %.2f, std_dev %.2f)\n", index, value, z_score,
              mean, std_dev);
}

}  // namespace

YIELDPIPE_EXAMPLE(197, real_time_anomaly_detector, "Advanced Coroutine: Real-time Data Processor") {
  {
    // Real-time processing, as the guide writes it.
    auto detector = yieldpipe::real_time_anomaly_detector(2.5);
    detector.next();  // Prime
    long long alerts = 0;
    for (double sensor_reading : live_sensor_feed()) {
      detector.send(sensor_reading);
      const std::optional<yieldpipe::anomaly_analysis> analysis = *detector.next();
      if (analysis && analysis->is_anomaly) ++alerts;
    }
    std::printf("The guide's loop (analysis = next(detector)): %lld alerts\n", alerts);
  }

  {
    std::printf("Alerts from the coroutine (the analysis is what send() returns):\n");
    auto detector = yieldpipe::real_time_anomaly_detector(2.5);
    detector.next();  // Prime
    long long analysed = 0;
    long long alerts = 0;
    for (auto [index, sensor_reading] : live_sensor_feed() | yieldpipe::enumerate()) {
      const std::optional<yieldpipe::anomaly_analysis> analysis = *detector.send(sensor_reading);
      detector.next();
      if (analysis) ++analysed;
      if (analysis && analysis->is_anomaly) {
        trigger_alert(index, analysis->value, analysis->z_score, analysis->mean, analysis->std_dev);
        ++alerts;
      }
    }
    std::printf("%lld readings analysed, %lld alerts\n", analysed, alerts);
  }

  {
    // The stage measures the projected reading and yields the whole element: here the pair
    // {index, reading}.
    std::printf("Alerts from | zscore_anomalies(100, 2.5):\n");
    long long alerts = 0;
    for (const auto& a : live_sensor_feed() | yieldpipe::enumerate() |
                             yieldpipe::zscore_anomalies(100, 2.5, [](const auto& p) { return p.second; })) {
      trigger_alert(a.value.first, a.value.second, a.z_score, a.mean, a.std_dev);
      ++alerts;
    }
    std::printf("%lld alerts\n", alerts);
  }
}
