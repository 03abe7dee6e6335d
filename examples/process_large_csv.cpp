// The guide, "1. Function Generators" › "Big Data Scenario: CSV File Processor".
//
// The data: a sensor CSV of 3,500 rows (id, timestamp, sensor, category, value, temperature,
// humidity, status, quality_score), generated with a seeded xorshift64 and written to a temporary
// file, which is removed at the end. tests/examples/python/process_large_csv.py writes the same file
// with the same generator (each number derived from the raw 64-bit output, so both languages draw
// identical rows) and runs the guide's code on it.
//
// The guide reads rows with csv.DictReader and builds the batches by hand; here `io::csv_batches`
// is that generator: batches of 1000 records read with Python's csv rules, each record typed by
// column name. Only one batch (and the reader's buffers) is in memory at a time.
#include <unistd.h>

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
#include <utility>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/io/csv_batches.hpp>
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

constexpr int rows = 3500;
constexpr std::array<const char*, 4> categories{"indoor", "outdoor", "industrial", "lab"};
constexpr std::string_view header = "id,timestamp,sensor,category,value,temperature,humidity,status,quality_score";

std::string timestamp(long long seconds_since_2024) {
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
void write_sensor_csv(const std::filesystem::path& path) {
  std::ofstream out(path);
  out << header << '\n';
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

// One CSV row, typed: what csv.DictReader's dict holds, as strings there. A field that is not a
// number is an io_error naming the file, line, column and text.
struct sensor_row {
  long long id = 0;
  std::string category;
  double value = 0, temperature = 0;
  std::string status;
};

sensor_row typed(const yieldpipe::io::csv_row& row) {
  return {row.get<long long>("id"), row.get<std::string>("category"), row.get<double>("value"),
          row.get<double>("temperature"), row.get<std::string>("status")};
}

/// Process massive CSV files without loading into memory: the guide's generator, from the io layer
/// (`csv_batches(path, chunk_size)` is `process_large_csv(filename, chunk_size)`).
auto process_large_csv(const std::filesystem::path& filename, std::size_t chunk_size = 1000) {
  return yieldpipe::io::csv_batches(filename.string(), chunk_size);
}

// The guide's placeholders.
struct processed_record {
  long long id;
  std::string category;
  double value;
  double temperature_f;  // converted from Celsius
  bool active;
};

processed_record transform_record(const sensor_row& record) {
  return {record.id, record.category, record.value, record.temperature * 9 / 5 + 32, record.status == "active"};
}

struct database {
  int batches = 0;
  long long records = 0;
  long long active = 0;
  std::array<long long, categories.size()> per_category{};
};

void save_to_database(database& db, const std::vector<processed_record>& batch) {
  double value_sum = 0;
  double temperature_sum = 0;
  long long active = 0;
  for (const auto& r : batch) {
    value_sum += r.value;
    temperature_sum += r.temperature_f;
    active += r.active ? 1 : 0;
    for (std::size_t c = 0; c < categories.size(); ++c)
      if (r.category == categories[c]) ++db.per_category[c];
  }
  db.batches += 1;
  db.records += static_cast<long long>(batch.size());
  db.active += active;
  const auto n = static_cast<double>(batch.size());
  std::printf("Saved batch %d: %zu records (ids %lld-%lld), %lld active, mean value %.2f, mean temperature %.2f F\n",
              db.batches, batch.size(), batch.front().id, batch.back().id, active, value_sum / n, temperature_sum / n);
}

// Removes the temporary file however the example ends.
struct temp_file {
  std::filesystem::path path;
  ~temp_file() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

}  // namespace

YIELDPIPE_EXAMPLE(120, process_large_csv, "Big Data Scenario: CSV File Processor") {
  const temp_file file{std::filesystem::temp_directory_path() /
                       ("yieldpipe_massive_data_" + std::to_string(::getpid()) + ".csv")};
  write_sensor_csv(file.path);
  std::printf("Wrote massive_data.csv: %d rows\n", rows);

  database db;
  // Process the CSV file efficiently
  for (const yieldpipe::io::csv_batch& batch : process_large_csv(file.path)) {
    // Process each batch of 1000 records
    std::vector<processed_record> processed_batch;
    processed_batch.reserve(batch.size());
    for (const auto& record : batch) processed_batch.push_back(transform_record(typed(record)));
    save_to_database(db, processed_batch);
  }

  std::printf("Total: %lld records in %d batches, %lld active\n", db.records, db.batches, db.active);
  for (std::size_t c = 0; c < categories.size(); ++c)
    std::printf("  %s: %lld records\n", categories[c], db.per_category[c]);
}
