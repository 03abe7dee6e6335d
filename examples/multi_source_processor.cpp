// The guide, "3. Built-in Generators" › "Zip Generator": multi_source_processor.
//
// Three generated streams (seeded xorshift64, written identically in
// tests/examples/python/multi_source_processor.py): sensor readings and weather data, 1,000 each,
// and locations, only 750 — zip stops at the shortest, as Python's does. The guide's placeholders
// calculate_correlation and store_correlated_data are defined the same way in both languages.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ranges>
#include <string>
#include <utility>
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

struct sensor_data {
  long long sensor_id;
  double temperature;
};
struct weather_data {
  double air_temperature;
  long long humidity;
};
struct location_data {
  std::string site;
  long long altitude;
};

// The sources are built with functions, not braced temporaries in the co_yield operand (g++ 12).
sensor_data make_sensor(xorshift& rng) {
  const long long id = rng.below(8);
  return {id, 15 + static_cast<double>(rng.below(200)) / 10};
}
weather_data make_weather(xorshift& rng) {
  const double air = 14 + static_cast<double>(rng.below(220)) / 10;
  return {air, rng.below(100)};
}
location_data make_location(xorshift& rng) {
  std::string site = "site-" + std::to_string(rng.below(12));
  return {std::move(site), rng.below(2000)};
}

yieldpipe::generator<sensor_data> sensor_data_generator() {
  xorshift rng(11);
  for (int i = 0; i < 1000; ++i) co_yield make_sensor(rng);
}
yieldpipe::generator<weather_data> weather_data_generator() {
  xorshift rng(22);
  for (int i = 0; i < 1000; ++i) co_yield make_weather(rng);
}
yieldpipe::generator<location_data> location_data_generator() {
  xorshift rng(33);
  for (int i = 0; i < 750; ++i) co_yield make_location(rng);
}

// How well the sensor agrees with the weather station, discounted with altitude: 1 for the same
// temperature at sea level, 0 from 10 degrees apart.
double calculate_correlation(const sensor_data& data1, const weather_data& data2, const location_data& data3) {
  const double agreement = std::max(0.0, 1 - std::abs(data1.temperature - data2.air_temperature) / 10);
  return agreement * (1 - static_cast<double>(data3.altitude) / 4000);
}

struct combined_record {
  sensor_data sensor;
  weather_data weather;
  location_data location;
  double correlation_score;
};

combined_record make_combined(const sensor_data& data1, const weather_data& data2, const location_data& data3) {
  return {data1, data2, data3, calculate_correlation(data1, data2, data3)};
}

// Zip multiple data sources
/// Process data from multiple sources simultaneously
template <std::ranges::input_range S1, std::ranges::input_range S2, std::ranges::input_range S3>
yieldpipe::generator<combined_record> multi_source_processor(S1 source1, S2 source2, S3 source3) {
  for (auto&& [data1, data2, data3] : yieldpipe::zip(std::move(source1), std::move(source2), std::move(source3))) {
    co_yield make_combined(data1, data2, data3);
  }
}

struct store {
  long long records = 0;
  double score_sum = 0;
  long long strong = 0;
};

void store_correlated_data(store& db, const combined_record& combined) {
  if (db.records < 3)
    std::printf("record %lld: sensor %lld %.1f C, weather %.1f C %lld%%, %s at %lld m -> correlation %.3f\n",
                db.records, combined.sensor.sensor_id, combined.sensor.temperature, combined.weather.air_temperature,
                combined.weather.humidity, combined.location.site.c_str(), combined.location.altitude,
                combined.correlation_score);
  db.records += 1;
  db.score_sum += combined.correlation_score;
  if (combined.correlation_score >= 0.8) db.strong += 1;
}

}  // namespace

YIELDPIPE_EXAMPLE(190, multi_source_processor, "Zip Generator") {
  // Process multiple streams efficiently
  auto sensor_stream = sensor_data_generator();
  auto weather_stream = weather_data_generator();
  auto location_stream = location_data_generator();

  store db;
  for (const combined_record& combined :
       multi_source_processor(std::move(sensor_stream), std::move(weather_stream), std::move(location_stream))) {
    store_correlated_data(db, combined);
  }
  std::printf("Stored %lld records (the location stream has 750)\n", db.records);
  std::printf("Mean correlation %.4f; %lld records at 0.8 or above\n", db.score_sum / static_cast<double>(db.records),
              db.strong);
}
