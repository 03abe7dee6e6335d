// The guide, "2. Generator Expressions" › "Conditional Generator Expressions": quality_filter and
// sensor_data_filter.
//
// The data: sensor_stream() generates 2,000 readings with a seeded xorshift64 (written identically
// in tests/examples/python/conditional_generator_expressions.py, which builds the guide's dicts):
// some temperatures and humidities are missing (None) or out of range, some statuses are not
// "active" or missing, some quality scores missing (the guide's `.get('quality_score', 0)`).
// Missing values are empty std::optionals. Each filter is a lazy `filter` stage over the stream it
// is given: nothing is read until the result is.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <ranges>
#include <string>
#include <utility>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>
#include <yieldpipe/iter/islice.hpp>

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

struct reading {
  long long id = 0;
  std::optional<double> temperature;
  std::optional<double> humidity;
  std::optional<std::string> sensor_status;
  std::optional<double> quality_score;
};

// Built by a function: g++ 12 mishandles a braced aggregate temporary in a co_yield operand.
reading make_reading(long long id, xorshift& rng) {
  reading r;
  r.id = id;
  if (rng.below(20) != 0) r.temperature = static_cast<double>(rng.below(2000) - 800) / 10;
  if (rng.below(20) != 0) r.humidity = static_cast<double>(rng.below(1300) - 100) / 10;
  const long long status = rng.below(10);
  if (status < 7)
    r.sensor_status = "active";
  else if (status == 7)
    r.sensor_status = "inactive";
  else if (status == 8)
    r.sensor_status = "maintenance";
  if (rng.below(10) != 0) r.quality_score = static_cast<double>(rng.below(101)) / 100;
  return r;
}

yieldpipe::generator<reading> sensor_stream() {
  xorshift rng(2024);
  for (long long id = 1; id <= 2000; ++id) co_yield make_reading(id, rng);
}

// Data quality filtering
/// Filter data based on quality score
template <std::ranges::input_range Stream>
auto quality_filter(Stream data_stream, double min_quality = 0.8) {
  return std::move(data_stream) | yieldpipe::filter([min_quality](const reading& record) {
           return record.quality_score.value_or(0) >= min_quality;
         });
}

// Multi-condition filtering
/// Complex filtering for sensor data
template <std::ranges::input_range Stream>
auto sensor_data_filter(Stream sensor_stream) {
  return std::move(sensor_stream) | yieldpipe::filter([](const reading& r) {
           return r.temperature.has_value() && -50 <= *r.temperature && *r.temperature <= 100 &&
                  r.humidity.has_value() && 0 <= *r.humidity && *r.humidity <= 100 && r.sensor_status == "active";
         });
}

// How many readings a filtered stream has, and the ids of the first eight.
void summarise(const char* name, std::ranges::input_range auto&& first_eight, std::size_t total) {
  std::string ids;
  for (const reading& r : first_eight) ids += (ids.empty() ? "" : ", ") + std::to_string(r.id);
  std::printf("%s: %zu readings; first ids: %s\n", name, total, ids.c_str());
}

}  // namespace

YIELDPIPE_EXAMPLE(160, conditional_generator_expressions, "Conditional Generator Expressions") {
  std::printf("sensor_stream: %zu readings\n", sensor_stream() | yieldpipe::count());
  // Each stream is generated afresh (a generator is single-pass), the first eight taken lazily.
  summarise("quality_filter(min_quality=0.8)", quality_filter(sensor_stream()) | yieldpipe::take(8),
            quality_filter(sensor_stream()) | yieldpipe::count());
  summarise("sensor_data_filter", sensor_data_filter(sensor_stream()) | yieldpipe::take(8),
            sensor_data_filter(sensor_stream()) | yieldpipe::count());
  // The filters compose: a stream filtered by one is a stream for the other.
  summarise("quality_filter(sensor_data_filter(...), 0.9)",
            quality_filter(sensor_data_filter(sensor_stream()), 0.9) | yieldpipe::take(8),
            quality_filter(sensor_data_filter(sensor_stream()), 0.9) | yieldpipe::count());
}
