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
#include "sensor_csv.hpp"

namespace {

using yieldpipe::examples::categories;
using yieldpipe::examples::rows;
using yieldpipe::examples::temp_file;
using yieldpipe::examples::write_sensor_csv;

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
