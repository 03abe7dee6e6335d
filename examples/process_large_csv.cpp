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
//
// The guide's save_to_database is the db layer's `db::into` terminal: each processed batch goes into
// the table "readings" of an SQLite file in a temporary folder (or of the database that
// YIELDPIPE_EXAMPLE_DB names, e.g. a PostgreSQL URI) in one transaction; the totals at the end are
// read back from the table with SQL.
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
#include <tuple>
#include <utility>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/db/database.hpp>
#include <yieldpipe/db/table_sink.hpp>
#include <yieldpipe/io/csv_batches.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"
#include "example_database.hpp"
#include "sensor_csv.hpp"

namespace {

using yieldpipe::examples::categories;
using yieldpipe::examples::rows;
using yieldpipe::examples::temp_file;
using yieldpipe::examples::write_sensor_csv;
namespace db = yieldpipe::db;

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

// What the guide's save_to_database reports of a batch, once it is in the database.
void report_saved(int number, const std::vector<processed_record>& batch) {
  double value_sum = 0;
  double temperature_sum = 0;
  long long active = 0;
  for (const auto& r : batch) {
    value_sum += r.value;
    temperature_sum += r.temperature_f;
    active += r.active ? 1 : 0;
  }
  const auto n = static_cast<double>(batch.size());
  std::printf("Saved batch %d: %zu records (ids %lld-%lld), %lld active, mean value %.2f, mean temperature %.2f F\n",
              number, batch.size(), batch.front().id, batch.back().id, active, value_sum / n, temperature_sum / n);
}

// The guide's loop, as the stream of batches the database reads: the sink inserts each processed
// batch in one transaction, then asks for the next one, and only then is the batch reported.
yieldpipe::generator<std::vector<processed_record>> processed_batches(std::filesystem::path filename) {
  int number = 0;
  for (const yieldpipe::io::csv_batch& batch : process_large_csv(filename)) {
    // Process each batch of 1000 records
    std::vector<processed_record> processed_batch;
    processed_batch.reserve(batch.size());
    for (const auto& record : batch) processed_batch.push_back(transform_record(typed(record)));
    co_yield processed_batch;  // save_to_database(processed_batch)
    report_saved(++number, processed_batch);
  }
}

// Every processed batch into the table "readings" of `database` (made anew); the rows loaded.
std::uint64_t save_to_database(const std::string& database,
                               yieldpipe::generator<std::vector<processed_record>> batches) {
  return std::move(batches) | db::into(database, {.table = "readings", .mode = db::load_mode::replace},
                                       {"id", "category", "value", "temperature_f", "active"},
                                       [](const processed_record& r) {
                                         return std::tuple(r.id, r.category, r.value, r.temperature_f, r.active);
                                       });
}

}  // namespace

YIELDPIPE_EXAMPLE(120, process_large_csv, "Big Data Scenario: CSV File Processor") {
  const temp_file file{std::filesystem::temp_directory_path() /
                       ("yieldpipe_massive_data_" + std::to_string(::getpid()) + ".csv")};
  write_sensor_csv(file.path);
  std::printf("Wrote massive_data.csv: %d rows\n", rows);

  // Process the CSV file efficiently
  const yieldpipe::examples::example_database database("readings.db");
  save_to_database(database.target(), processed_batches(file.path));

  // What the database holds: its load state counts the transactions, SQL the rows.
  const db::load_state state = db::open_database(database.target())->read_state("readings").value();
  const auto totals = database.row("SELECT count(*), sum(active) FROM readings");
  std::printf("Total: %s records in %llu batches, %s active\n", totals[0].c_str(),
              static_cast<unsigned long long>(state.batches), totals[1].c_str());
  for (const char* category : categories) {
    const auto count = database.row("SELECT count(*) FROM readings WHERE category = '" + std::string(category) + "'");
    std::printf("  %s: %s records\n", category, count[0].c_str());
  }
}
