// The guide, "Best Practices for Big Data" › "1. Memory Management".
//
// The data: 1,000,000 sensor records from a generator driven by a seeded xorshift64 (the guide's
// read_large_file(), whose records would come from a file). The good version streams them through
// transform_record; the bad one first makes a list of all records, then a list of all results.
// Both compute the same total.
//
// What each holds is printed exactly (records × size, and the lists' capacities); what the process
// holds (resident memory, read from the system) varies from run to run and with what ran before in
// the same process (the demo), so those figures are masked in the output check.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>
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

constexpr long long records = 1'000'000;

struct record {
  long long id;
  double celsius;
  double humidity;
};

struct result {
  long long id;
  double fahrenheit;
};

yieldpipe::generator<record> read_large_file() {
  xorshift rng(11);
  for (long long id = 0; id < records; ++id) co_yield record{id, rng.below(5000) / 100.0, rng.below(10000) / 100.0};
}

result transform_record(const record& r) { return {r.id, r.celsius * 1.8 + 32}; }

// ✅ Good - Memory efficient
yieldpipe::generator<result> process_large_dataset() {
  for (const record& r : read_large_file()) co_yield transform_record(r);
}

// ❌ Bad - Loads everything in memory
std::vector<result> process_large_dataset_bad(std::size_t& held_bytes, std::uint64_t& rss_held) {
  const std::vector<record> all_records = read_large_file() | yieldpipe::to_vector();
  std::vector<result> out = all_records | yieldpipe::map(transform_record) | yieldpipe::to_vector();
  held_bytes = all_records.capacity() * sizeof(record) + out.capacity() * sizeof(result);
  rss_held = yieldpipe::current_rss_bytes();  // while both lists are alive
  std::printf("  all_records: %zu records, %s; results: %zu, %s\n", all_records.size(),
              yieldpipe::format_bytes(all_records.capacity() * sizeof(record)).c_str(), out.size(),
              yieldpipe::format_bytes(out.capacity() * sizeof(result)).c_str());
  return out;
}

double fahrenheit(const result& r) { return r.fahrenheit; }

std::string grew(std::uint64_t before, std::uint64_t after) {
  // Appended rather than `"+" + ...`: g++ 12 warns falsely there (-Wrestrict, GCC bug 105651).
  std::string text = "+";
  text += yieldpipe::format_bytes(after > before ? after - before : 0);
  return text;
}

}  // namespace

YIELDPIPE_EXAMPLE(300, memory_management, "1. Memory Management") {
  std::printf("read_large_file(): %lld records of %zu bytes\n", records, sizeof(record));

  // Streamed: one record and one result alive at a time. The resident memory is sampled along the way.
  const std::uint64_t rss_start = yieldpipe::current_rss_bytes();
  std::uint64_t rss_streamed = rss_start;
  long long seen = 0;
  const double good_total = process_large_dataset() | yieldpipe::map([&](const result& r) {
                              if (++seen % 250'000 == 0)
                                rss_streamed = std::max(rss_streamed, yieldpipe::current_rss_bytes());
                              return r.fahrenheit;
                            }) |
                            yieldpipe::sum(0.0);
  std::printf("Good (streamed): total %.2f F over %lld results, 1 record (%zu bytes) held at a time\n", good_total,
              seen, sizeof(record));

  std::puts("Bad (lists):");
  std::size_t held = 0;
  std::uint64_t rss_lists = 0;
  double bad_total = 0;
  {
    const std::vector<result> all = process_large_dataset_bad(held, rss_lists);
    bad_total = all | yieldpipe::map(fahrenheit) | yieldpipe::sum(0.0);
  }
  std::printf("  total %.2f F, %s held at once\n", bad_total, yieldpipe::format_bytes(held).c_str());
  std::printf("Same result: %s\n", good_total == bad_total ? "yes" : "no");

  std::printf("Resident memory: streamed pass %s, with the lists %s\n", grew(rss_start, rss_streamed).c_str(),
              grew(rss_start, rss_lists).c_str());
  std::printf("%s\n", yieldpipe::memory_report().c_str());
}
