// The guide, "Generator Anti-Patterns to Avoid" › "3. Premature Optimization".
//
// The guide's point holds in C++: for ten items, laziness saves nothing worth having (ten results
// fit in a few cache lines), while a generator gives up what a container offers — its size, indexing,
// sorting, any number of passes — and costs a coroutine frame. For a small, bounded dataset return
// a std::vector; keep generators for data that is large, unbounded or produced over time.
// tests/examples/python/premature_optimization.py runs the guide's code with the same
// complex_processing.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

long long complex_processing(long long i) { return i * i * i - 7 * i; }

// ❌ Bad - Unnecessary complexity for small datasets
yieldpipe::generator<long long> small_data_generator() {
  for (long long i = 0; i < 10; ++i)  // Small dataset
    co_yield complex_processing(i);
}

// ✅ Good - Use list for small datasets
std::vector<long long> small_data_processor() {
  std::vector<long long> out;
  for (long long i = 0; i < 10; ++i) out.push_back(complex_processing(i));
  return out;
}

}  // namespace

YIELDPIPE_EXAMPLE(352, premature_optimization, "3. Premature Optimization") {
  auto gen = small_data_generator();
  std::printf("Generator:");
  for (long long v : gen) std::printf(" %lld", v);
  std::printf("\n  no size, no indexing; a second pass sees %zu items\n",
              static_cast<std::size_t>(gen | yieldpipe::count()));

  std::vector<long long> results = small_data_processor();
  std::printf("List:");
  for (long long v : results) std::printf(" %lld", v);
  std::printf("\n  %zu items, [3] = %lld, a second pass sees %zu items, sum %lld\n", results.size(), results[3],
              static_cast<std::size_t>(results | yieldpipe::count()), results | yieldpipe::sum(0LL));
  std::sort(results.begin(), results.end(), std::greater<>());
  std::printf("  sorted, largest first: %lld %lld %lld\n", results[0], results[1], results[2]);
}
