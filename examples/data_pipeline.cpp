// The guide, "7. Chained Generators (Pipeline Pattern)" › "Complete Data Pipeline".
//
// The data: 1,000 sensor readings `id,value,timestamp` generated with a seeded xorshift64 and
// written to a temporary file (the guide's 'massive_dataset.csv', removed at the end), with a
// header comment, and here and there a blank line, a comment, or a defect: too few fields, a value
// that is not a number, a negative value, a missing id or timestamp.
//
// The stages are the guide's: read_data is a generator over the file's lines; parse_data,
// validate_data and transform_data are yieldpipe stages, composed before any source is known, and
// build_pipeline chains them; save_to_warehouse aggregates per sensor. Where the guide drops a short
// line silently and lets float() stop the whole pipeline on a bad number, here parse and validation
// failures go to an error policy: a bad line never costs its good neighbours, and is counted (skip)
// or handed to a dead-letter queue with its reason. Blank lines and comments are not errors and are
// dropped, as in the guide. One line and one record are in memory at a time.
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

// Named (not anonymous) so that the error counts read "data_pipeline::parse_error".
namespace data_pipeline {

/// A line that cannot be parsed into a record.
class parse_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// A record that parses but fails the quality rules.
class validation_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace data_pipeline

namespace {

namespace fs = std::filesystem;

// xorshift64 (13, 7, 17): every number below is derived from its raw output.
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

constexpr int readings = 1000;

std::string timestamp(int seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2024-03-01T%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return buf;
}

std::string fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void write_dataset(const fs::path& path) {
  std::ofstream out(path);
  out << "# id,value,timestamp\n";
  xorshift rng(7);
  for (int i = 0; i < readings; ++i) {
    const std::string id = "sensor-" + std::to_string(rng.below(6) + 1);
    const std::string value = fixed2(rng.below(100000) / 100.0);
    const std::string ts = timestamp(i * 61);
    switch (rng.below(250)) {  // a defect in about one line in 36
      case 0: out << "\n"; break;
      case 1: out << "# checkpoint " << i << "\n"; break;
      case 2: out << id << ',' << value << "\n"; break;
      case 3: out << id << ",n/a," << ts << "\n"; break;
      case 4: out << id << ",-" << value << ',' << ts << "\n"; break;
      case 5: out << ',' << value << ',' << ts << "\n"; break;
      case 6: out << id << ',' << value << ",\n"; break;
      default: out << id << ',' << value << ',' << ts << "\n";
    }
  }
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

struct temp_file {
  fs::path path;
  ~temp_file() {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
};

struct record {
  std::string id;
  double value;
  std::string timestamp;
};

/// Stage 1: Read raw data (the file stays open while the generator is suspended).
yieldpipe::generator<std::string> read_data(fs::path filename) {
  std::ifstream file(filename);
  if (!file) throw std::runtime_error("cannot open " + filename.string());
  std::string line;
  while (std::getline(file, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    const auto last = line.find_last_not_of(" \t\r");
    line = first == std::string::npos ? std::string() : line.substr(first, last - first + 1);
    co_yield line;
  }
}

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = line.find(sep, start);
    parts.push_back(line.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

record parse_record(const std::string& line) {
  const auto parts = split(line, ',');
  if (parts.size() < 3) throw data_pipeline::parse_error("expected 3 fields, got " + std::to_string(parts.size()));
  double value = 0;
  const auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), value);
  if (ec != std::errc{} || end != parts[1].data() + parts[1].size())
    throw data_pipeline::parse_error("value is not a number: '" + std::string(parts[1]) + "'");
  return {std::string(parts[0]), value, std::string(parts[2])};
}

/// Stage 2: Parse data format (blank lines and comments are skipped, as in the guide; a line that
/// does not parse goes to the policy).
template <class Sink>
auto parse_data(yieldpipe::error_policy<Sink> policy) {
  return yieldpipe::filter([](const std::string& line) { return !line.empty() && !line.starts_with('#'); }) |
         yieldpipe::try_map(parse_record, std::move(policy));
}

record check_record(const record& r) {
  if (r.value < 0) throw data_pipeline::validation_error("negative value " + fixed2(r.value));
  if (r.id.empty()) throw data_pipeline::validation_error("missing id");
  if (r.timestamp.empty()) throw data_pipeline::validation_error("missing timestamp");
  return r;
}

/// Stage 3: Validate data quality
template <class Sink>
auto validate_data(yieldpipe::error_policy<Sink> policy) {
  return yieldpipe::try_map(check_record, std::move(policy));
}

// What the warehouse stores: the reading, bucketed by hour.
struct warehouse_row {
  std::string sensor;
  int hour;
  double value;
};

/// Stage 4: Transform to the warehouse's shape.
auto transform_data() {
  return yieldpipe::map([](const record& r) {
    return warehouse_row{r.id, std::stoi(r.timestamp.substr(11, 2)), r.value};
  });
}

// Build complete pipeline
template <class Sink>
auto build_pipeline(const fs::path& filename, const yieldpipe::error_policy<Sink>& policy) {
  return read_data(filename) | parse_data(policy) | validate_data(policy) | transform_data();
}

// Stage 5, the guide's save_to_warehouse: aggregates per sensor, in O(1) memory per sensor.
struct warehouse {
  std::map<std::string, yieldpipe::running_stats> by_sensor;
  std::map<int, long long> by_hour;

  void save(const warehouse_row& row) {
    by_sensor[row.sensor].push(row.value);
    ++by_hour[row.hour];
  }
  void print() const {
    long long rows = 0;
    for (const auto& [sensor, s] : by_sensor) {
      std::printf("  %s: %4zu readings, mean %7.2f, min %6.2f, max %7.2f\n", sensor.c_str(), s.count(), s.mean(),
                  s.min(), s.max());
      rows += static_cast<long long>(s.count());
    }
    std::printf("  %lld rows in %zu hourly buckets (%02d:00 to %02d:00)\n", rows, by_hour.size(),
                by_hour.begin()->first, by_hour.rbegin()->first);
  }
};

// How a dead letter is shown: the raw line, or the parsed record.
std::string describe(const std::string& line) { return "line '" + line + "'"; }
std::string describe(const record& r) { return "record {" + r.id + ", " + fixed2(r.value) + ", " + r.timestamp + "}"; }

}  // namespace

YIELDPIPE_EXAMPLE(220, data_pipeline, "Complete Data Pipeline") {
  const temp_file file{fs::temp_directory_path() /
                       ("yieldpipe_massive_dataset_" + std::to_string(::getpid()) + ".csv")};
  write_dataset(file.path);
  std::printf("Wrote massive_dataset.csv: %d readings\n", readings);

  // Process efficiently: bad lines are skipped and counted.
  {
    auto skip = yieldpipe::on_error::skip();
    warehouse w;
    for (const warehouse_row& processed_record : build_pipeline(file.path, skip)) w.save(processed_record);
    std::puts("Warehouse (on_error::skip):");
    w.print();
    std::printf("  skipped %s\n", skip.counts().summary().c_str());
  }

  // The same pipeline with a dead-letter queue: the rejected lines and records, with the reason.
  {
    std::vector<std::string> dead_letters;
    auto dead_letter = yieldpipe::on_error::dead_letter([&](const auto& rejected, std::string_view reason) {
      dead_letters.push_back(describe(rejected) + ": " + std::string(reason));
    });
    const long long saved = build_pipeline(file.path, dead_letter) | yieldpipe::count();
    std::printf("With on_error::dead_letter: %lld rows saved, %zu dead letters:\n", saved, dead_letters.size());
    for (const std::string& letter : dead_letters) std::printf("  %s\n", letter.c_str());
    for (const auto& [reason, n] : dead_letter.counts().by_reason())
      std::printf("  %s: %llu\n", reason.c_str(), static_cast<unsigned long long>(n));
  }
}
