// The yieldpipe side of the io benchmark (bench/io/run.sh): reads one file the way a user's program
// would and prints the answer the peers print, as one line of JSON.
//
//   io_throughput lines FILE   → {"lines": N}               (N as `wc -l`; .gz/.zst read transparently)
//   io_throughput csv FILE     → {"rows", "sum_value", "sum_temperature", "count_humidity", "sum_quality_score"}
//   io_throughput jsonl FILE   → the same answer from JSON lines
//
// Sums are plain double additions in file order, as the peers' (Python's `+=`), so answers compare.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/jsonl.hpp>
#include <yieldpipe/io/lines.hpp>
#include <yieldpipe/iter/terminals.hpp>

namespace {

using namespace yieldpipe;

struct sums {
  long long rows = 0;
  double value = 0, temperature = 0, quality = 0;
  long long humidity = 0;
};

void print(std::string_view task, const sums& s, std::string_view how) {
  std::printf(
      "{\"tool\": \"yieldpipe\", \"task\": \"%.*s\", \"answer\": {\"rows\": %lld, \"sum_value\": %.17g, "
      "\"sum_temperature\": %.17g, \"count_humidity\": %lld, \"sum_quality_score\": %.17g}, \"how\": \"%.*s\"}\n",
      static_cast<int>(task.size()), task.data(), s.rows, s.value, s.temperature, s.humidity, s.quality,
      static_cast<int>(how.size()), how.data());
}

sums read_csv_typed(const std::string& path) {
  auto rows = io::read_csv(path);
  const std::size_t value = rows.column("value"), temperature = rows.column("temperature"),
                    humidity = rows.column("humidity"), quality = rows.column("quality_score");
  sums s;
  for (const io::csv_row& row : rows) {
    ++s.rows;
    s.value += row.get<double>(value);
    s.temperature += row.get<double>(temperature);
    if (auto h = row.get_optional<double>(humidity)) {
      ++s.humidity;
      (void)*h;
    }
    s.quality += row.get<double>(quality);
  }
  return s;
}

sums read_jsonl_typed(const std::string& path) {
  sums s;
  for (const io::json_record& r : io::read_jsonl(path)) {
    ++s.rows;
    s.value += r.get<double>("value");
    s.temperature += r.get<double>("temperature");
    if (r.get_optional<double>("humidity")) ++s.humidity;
    s.quality += r.get<double>("quality_score");
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: io_throughput lines|csv|jsonl FILE\n");
    return 2;
  }
  const std::string mode = argv[1], path = argv[2];
  try {
    if (mode == "lines") {
      const long long n = io::read_lines(path) | count();
      std::printf(
          "{\"tool\": \"yieldpipe\", \"task\": \"lines\", \"answer\": {\"lines\": %lld}, \"how\": "
          "\"io::read_lines(path) "
          "| count()\"}\n",
          n);
    } else if (mode == "csv") {
      print("csv", read_csv_typed(path), "io::read_csv + row.get<double>(column) on every numeric column");
    } else if (mode == "jsonl") {
      print("jsonl", read_jsonl_typed(path), "io::read_jsonl + record.get<double>(key)");
    } else {
      std::fprintf(stderr, "io_throughput: unknown mode '%s' (lines, csv or jsonl)\n", mode.c_str());
      return 2;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "io_throughput: %s\n", e.what());
    return 1;
  }
  return 0;
}
