#pragma once
// The sensor CSV of the CSV examples (the guide's 'massive_data.csv', in miniature): 3,500 rows of
// id, timestamp, sensor, category, value, temperature, humidity, status, quality_score, drawn from a
// seeded xorshift64 — tests/examples/python/process_large_csv.py writes the same file with the same
// generator (each number derived from the raw 64-bit output, so both languages draw identical rows).

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "xorshift.hpp"

namespace yieldpipe::examples {

inline constexpr int rows = 3500;
inline constexpr std::array<const char*, 4> categories{"indoor", "outdoor", "industrial", "lab"};
inline constexpr std::string_view sensor_csv_header =
    "id,timestamp,sensor,category,value,temperature,humidity,status,quality_score";

inline std::string timestamp(long long seconds_since_2024) {
  using namespace std::chrono;
  const sys_seconds t = sys_days{year{2024} / January / 1} + seconds{seconds_since_2024};
  const year_month_day date{floor<days>(t)};
  const hh_mm_ss time{t - floor<days>(t)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buf;
}

// Writes the generated CSV (the guide's 'massive_data.csv', in miniature).
inline void write_sensor_csv(const std::filesystem::path& path) {
  std::ofstream out(path);
  out << sensor_csv_header << '\n';
  xorshift rng(20240101);
  for (int i = 0; i < rows; ++i) {
    const std::string sensor = "sensor-" + std::to_string(100 + rng.below(16)).substr(1);
    const char* category = categories[static_cast<std::size_t>(rng.below(4))];
    const double value = static_cast<double>(rng.below(100000)) / 100;
    const double temperature = static_cast<double>(rng.below(18000) - 6000) / 100;
    const double humidity = static_cast<double>(rng.below(11500) - 500) / 100;
    const long long s = rng.below(10);
    const char* status = s < 8 ? "active" : s == 8 ? "inactive" : "maintenance";
    const double quality = static_cast<double>(rng.below(101)) / 100;
    char numbers[96];
    std::snprintf(numbers, sizeof numbers, "%.2f,%.2f,%.2f", value, temperature, humidity);
    char quality_text[16];
    std::snprintf(quality_text, sizeof quality_text, "%.2f", quality);
    out << i + 1 << ',' << timestamp(i * 37LL) << ',' << sensor << ',' << category << ',' << numbers << ',' << status
        << ',' << quality_text << '\n';
  }
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

// Removes the temporary file however the example ends.
struct temp_file {
  std::filesystem::path path;
  ~temp_file() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

}  // namespace yieldpipe::examples
