// The guide, "8. Specialized Generator Patterns" › "Tee Generator (Multiple Consumers)".
//
// The data: 2,000 sensor readings from a generator driven by a seeded xorshift64;
// tests/examples/python/tee_multiple_consumers.py draws the same readings and runs the guide's code,
// with its placeholders (calculate_analytics, run_ml_prediction, generate_report and the three
// stores) defined as here.
//
// `yieldpipe::tee<3>(source)` is the guide's itertools.tee(data_stream, 3). A tee must keep every
// element that one consumer has read and another has not: its buffer is the lag between the
// fastest and the slowest consumer. The program measures that lag the same way in both languages —
// elements pulled from the source minus elements read by the slowest consumer — at every step
// (tee_view::buffered(), which Python has no counterpart for, reports the same figures).
// The guide consumes the three result streams one after the other, so the first one reads the whole
// source while the other two have read nothing: the tee holds all 2,000 readings. Consumed in
// lockstep (a zip of the three), it holds one.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

class xorshift {
 public:
  explicit xorshift(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

 private:
  std::uint64_t state_;
};

struct reading {
  int id;
  std::string sensor;
  double value;
};

// What the tee holds: elements pulled from the source but not yet read by every consumer.
struct lag_meter {
  long long pulled = 0;
  std::array<long long, 3> consumed{};
  long long max_lag = 0;
  void step(std::size_t consumer) {
    ++consumed[consumer];
    max_lag = std::max(max_lag, pulled - *std::min_element(consumed.begin(), consumed.end()));
  }
};

lag_meter meter;

yieldpipe::generator<reading> large_data_generator(int n = 2000) {
  xorshift rng(5);
  for (int i = 1; i <= n; ++i) {
    reading r{i, "sensor-" + std::to_string(rng.below(4)), rng.below(1000) / 10.0};
    ++meter.pulled;
    co_yield r;
  }
}

// The guide's placeholders.
struct analytic {
  std::string sensor;
  double value;
};
analytic calculate_analytics(const reading& item) { return {item.sensor, item.value}; }
bool run_ml_prediction(const reading& item) { return item.value >= 95.0; }  // an anomaly?
std::string generate_report(const reading& item) { return item.sensor; }

/// Split data stream for multiple consumers
template <std::size_t N, class Stream>
auto tee_processor(Stream data_stream) {
  return yieldpipe::tee<N>(std::move(data_stream));
}

// Different processing for each stream (each consumer is moved into its processor).
template <class Stream>
yieldpipe::generator<analytic> analytics_processor(Stream stream) {
  for (const reading& item : stream) {
    meter.step(0);
    co_yield calculate_analytics(item);
  }
}
template <class Stream>
yieldpipe::generator<bool> ml_processor(Stream stream) {
  for (const reading& item : stream) {
    meter.step(1);
    co_yield run_ml_prediction(item);
  }
}
template <class Stream>
yieldpipe::generator<std::string> reporting_processor(Stream stream) {
  for (const reading& item : stream) {
    meter.step(2);
    co_yield generate_report(item);
  }
}

/// Process same data through multiple pipelines
template <class Source>
auto multi_consumer_pipeline(Source data_source) {
  // Split stream into multiple iterators
  auto [stream1, stream2, stream3] = tee_processor<3>(std::move(data_source));

  // Process streams independently
  auto analytics_results = analytics_processor(std::move(stream1));
  auto ml_results = ml_processor(std::move(stream2));
  auto reporting_results = reporting_processor(std::move(stream3));

  return std::tuple{std::move(analytics_results), std::move(ml_results), std::move(reporting_results)};
}

// The stores: sums and counts that the summary prints.
struct stores {
  long long analytics = 0;
  double value_sum = 0;
  long long predictions = 0;
  long long anomalies = 0;
  std::map<std::string, long long> dashboard;

  void store_analytics(const analytic& a) {
    ++analytics;
    value_sum += a.value;
  }
  void store_prediction(bool anomaly) {
    ++predictions;
    anomalies += anomaly ? 1 : 0;
  }
  void generate_dashboard(const std::string& report) { ++dashboard[report]; }

  void print() const {
    std::printf("  analytics: %lld stored, mean value %.3f\n", analytics, value_sum / static_cast<double>(analytics));
    std::printf("  predictions: %lld stored, %lld anomalies\n", predictions, anomalies);
    std::printf("  dashboard:");
    for (const auto& [sensor, n] : dashboard) std::printf(" %s=%lld", sensor.c_str(), n);
    std::printf("\n");
  }
};

}  // namespace

YIELDPIPE_EXAMPLE(242, tee_multiple_consumers, "Tee Generator (Multiple Consumers)") {
  // Multi-purpose data processing
  {
    meter = {};
    stores s;
    auto data_source = large_data_generator();
    auto [analytics, predictions, reports] = multi_consumer_pipeline(std::move(data_source));

    // Consume results independently
    for (const analytic& a : analytics) s.store_analytics(a);
    for (bool prediction : predictions) s.store_prediction(prediction);
    for (const std::string& report : reports) s.generate_dashboard(report);

    std::puts("Consumed one after the other (the guide's order):");
    s.print();
    std::printf("  readings pulled: %lld, most held by the tee at once: %lld\n", meter.pulled, meter.max_lag);
  }
  {
    meter = {};
    stores s;
    auto [analytics, predictions, reports] = multi_consumer_pipeline(large_data_generator());

    // The three consumers advance together: the tee holds one reading at a time.
    for (auto&& [a, prediction, report] : yieldpipe::zip(analytics, predictions, reports)) {
      s.store_analytics(a);
      s.store_prediction(prediction);
      s.generate_dashboard(report);
    }

    std::puts("Consumed in lockstep (zip):");
    s.print();
    std::printf("  readings pulled: %lld, most held by the tee at once: %lld\n", meter.pulled, meter.max_lag);
  }
}
