// The guide, "3. Built-in Generators" › "Enumerate Generator": custom_enumerate and
// process_with_progress.
//
// custom_enumerate is the guide's generator function, written as a C++ generator over any range;
// process_with_progress uses yieldpipe::enumerate (Python's built-in, as the guide does). The
// dataset is 5,000 records from a seeded xorshift64, and the guide's placeholder process_record
// adds them up; tests/examples/python/custom_enumerate.py does the same with the same generator.
//
// Last, the `progress` stage on the same dataset: it writes its log lines to a stream that the
// example passes in, and reads a simulated clock in which every record takes 1 ms, so that its
// count, rate and ETA are the same at every run (by default it draws a bar on stderr with the real
// clock). The Python counterpart prints those lines from a small generator written for the
// comparison, in the stage's log format.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ranges>
#include <sstream>
#include <string>
#include <utility>
#include <vector>
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

// Built-in enumerate is a generator
/// Custom implementation of enumerate. The iterable is taken by value (moved in, or copied): a
/// generator's parameters live in its frame, so nothing the caller owns must outlive it.
template <std::ranges::input_range Iterable>
yieldpipe::generator<std::pair<long long, std::ranges::range_value_t<Iterable>>> custom_enumerate(Iterable iterable,
                                                                                                  long long start = 0) {
  long long index = start;
  for (auto&& item : iterable) {
    co_yield std::make_pair(index, item);
    index += 1;
  }
}

struct record {
  long long id;
  long long amount;
};

std::vector<record> make_dataset() {
  xorshift rng(1000);
  std::vector<record> dataset;
  for (long long id = 0; id < 5000; ++id) dataset.push_back(record{id, rng.below(10000)});
  return dataset;
}

struct processing_totals {
  long long records = 0;
  long long amount = 0;
};

// Big data usage
void process_with_progress(const std::vector<record>& large_dataset, processing_totals& totals) {
  const auto process_record = [&totals](const record& r) {
    totals.records += 1;
    totals.amount += r.amount;
  };
  const auto total = static_cast<double>(large_dataset.size());
  for (auto [index, record] : large_dataset | yieldpipe::enumerate()) {
    // Process record
    process_record(record);

    // Show progress every 1000 records
    if (index % 1000 == 0) {
      const double progress = (static_cast<double>(index) / total) * 100;
      std::printf("Progress: %.1f%%\n", progress);
    }
  }
}

}  // namespace

YIELDPIPE_EXAMPLE(180, custom_enumerate, "Enumerate Generator") {
  const std::vector<std::string> sensors{"sensor-a", "sensor-b", "sensor-c"};
  for (const auto& [index, item] : custom_enumerate(sensors, 1)) std::printf("%lld %s\n", index, item.c_str());

  const std::vector<record> large_dataset = make_dataset();
  processing_totals totals;
  process_with_progress(large_dataset, totals);
  std::printf("Processed %lld records, total amount %lld\n", totals.records, totals.amount);

  // The progress stage: a log line per simulated second, then a final line.
  using clock_type = yieldpipe::progress_options::clock_type;
  clock_type::time_point now{};
  std::ostringstream log;
  yieldpipe::progress_options options;
  options.label = "records";
  options.total = large_dataset.size();
  options.out = &log;
  options.terminal = false;
  options.log_interval = std::chrono::seconds(1);
  options.check_every = 1;
  options.clock = [&now] { return now; };
  long long amount = 0;
  for (const record& r : large_dataset | yieldpipe::progress(options)) {
    amount += r.amount;
    now += std::chrono::milliseconds(1);  // each record takes 1 ms
  }
  std::printf("progress stage log:\n");
  std::istringstream lines(log.str());
  for (std::string line; std::getline(lines, line);) std::printf("  %s\n", line.c_str());
  std::printf("Total amount %lld\n", amount);
}
