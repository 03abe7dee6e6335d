// The guide, "7. Chained Generators (Pipeline Pattern)" › "Parallel Pipeline Processing".
//
// The guide cuts the stream into chunks of 1,000 items, runs every pipeline stage over each chunk in a
// process pool of `num_processes` workers and yields the results chunk by chunk, in submission order.
// Here the chunks go through yieldpipe's exec::parallel_map on `num_processes` threads (oneTBB): the
// generator is read on the consuming thread, a chunk is handed to a worker as soon as it is cut, the
// workers apply process_chunk (parse → validate → enrich → transform) and the results come back in
// chunk order, so the output is the same for any thread count. Unlike the guide, which submits every
// chunk before it yields the first result (all of the input in memory at once), the stage keeps at
// most 4 × num_processes chunks in flight. (The guide's own code cannot run as written:
// ProcessPoolExecutor must pickle process_chunk, a nested function, so there is no Python counterpart
// to compare with.)
//
// The data: 4,321 raw click events `user,amount,kind` generated with a seeded xorshift64, some of
// them invalid (a negative amount), dropped by validate_data.
#include <cstdint>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/exec/parallel_map.hpp>
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

constexpr int events = 4321;
constexpr const char* kinds[] = {"view", "click", "purchase"};

// The data source: raw text lines, as a generator.
yieldpipe::generator<std::string> data_source() {
  xorshift rng(42);
  for (int i = 0; i < events; ++i) {
    const int user = rng.below(50);
    const int cents = rng.below(20000) - 500;  // a few negative amounts: invalid
    const char* kind = kinds[rng.below(3)];
    const int magnitude = cents < 0 ? -cents : cents;
    char line[64];
    std::snprintf(line, sizeof line, "user-%02d,%s%d.%02d,%s", user, cents < 0 ? "-" : "", magnitude / 100,
                  magnitude % 100, kind);
    std::string text = line;
    co_yield text;
  }
}

struct event {
  std::string user;
  double amount;
  std::string kind;
  std::string tier;  // set by enrich_data
};

// The pipeline stages, as in the guide: each applied to one item.
event parse_data(std::string_view line) {
  const auto a = line.find(',');
  const auto b = line.find(',', a + 1);
  return {std::string(line.substr(0, a)),
          std::stod(std::string(line.substr(a + 1, b - a - 1))),
          std::string(line.substr(b + 1)),
          {}};
}
bool validate_data(const event& e) { return e.amount >= 0; }
event enrich_data(event e) {
  e.tier = e.amount >= 150 ? "gold" : e.amount >= 50 ? "silver" : "bronze";
  return e;
}
event transform_data(event e) {
  if (e.kind == "purchase") e.amount *= 1.2;  // with tax
  return e;
}

/// Process a chunk of data through pipeline
std::vector<event> process_chunk(const std::vector<std::string>& chunk) {
  std::vector<event> results;
  for (const std::string& item : chunk) {
    // Apply all pipeline stages
    event parsed = parse_data(item);
    if (!validate_data(parsed)) continue;
    results.push_back(transform_data(enrich_data(std::move(parsed))));
  }
  return results;
}

/// Process data pipeline in parallel: chunks of `chunk_size` items, each processed whole on one of
/// `num_processes` threads, their results yielded one by one in chunk order (the guide's
/// `for future in futures: for result in future.result(): yield result`).
template <class Source>
auto parallel_pipeline_processor(Source data_source, int num_processes = 4) {
  // Create chunks for parallel processing
  constexpr long long chunk_size = 1000;
  return std::move(data_source) | yieldpipe::batched(chunk_size) |
         yieldpipe::exec::parallel_map(process_chunk, {.threads = num_processes, .ordered = true}) |
         yieldpipe::chain_from();
}

}  // namespace

YIELDPIPE_EXAMPLE(221, parallel_pipeline, "Parallel Pipeline Processing") {
  constexpr int num_processes = 4;
  std::printf("(the chunks run on %d threads; results in chunk order)\n", num_processes);
  long long results = 0;
  std::map<std::string, double> revenue_by_tier;
  std::map<std::string, long long> count_by_kind;
  for (const event& e : parallel_pipeline_processor(data_source(), num_processes)) {
    if (results < 3)
      std::printf("result %lld: %s %s %.2f (%s)\n", results + 1, e.user.c_str(), e.kind.c_str(), e.amount,
                  e.tier.c_str());
    ++results;
    if (e.kind == "purchase") revenue_by_tier[e.tier] += e.amount;
    ++count_by_kind[e.kind];
  }
  std::printf("%d raw events, %lld valid results, %lld dropped by validation\n", events, results, events - results);
  for (const auto& [kind, n] : count_by_kind) std::printf("  %-8s %lld\n", kind.c_str(), n);
  for (const auto& [tier, revenue] : revenue_by_tier)
    std::printf("  purchase revenue, %-6s %.2f\n", tier.c_str(), revenue);
}
