// The guide, "Generator Anti-Patterns to Avoid" › "2. Multiple Iterations".
//
// tests/examples/python/multiple_iterations.py runs the guide's code; its last lines are the Python
// counterpart of yieldpipe::reiterable (a class whose __iter__ calls the generator function).
//
// A yieldpipe::generator is single-pass, like Python's: once exhausted, iterating it again yields
// nothing, so a second sum is 0. The guide's fix is to call the generator function again for each
// pass; `yieldpipe::reiterable(fn, args...)` packages that: a range that makes a fresh generator at
// every begin().
#include <cstdio>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

// The guide's generator expression `(x**2 for x in range(n))`, as a generator function.
yieldpipe::generator<long long> squares(long long n) {
  for (long long x = 0; x < n; ++x) co_yield x* x;
}

// ✅ Good - Create generator function
yieldpipe::generator<long long> squares_generator() { return squares(1000); }

}  // namespace

YIELDPIPE_EXAMPLE(351, multiple_iterations, "2. Multiple Iterations") {
  {
    // ❌ Bad - Generator exhausted
    auto gen = squares(1000);
    const long long sum1 = gen | yieldpipe::sum(0LL);  // Works
    const long long sum2 = gen | yieldpipe::sum(0LL);  // Returns 0
    std::printf("Bad:  sum1 = %lld, sum2 = %lld\n", sum1, sum2);
  }
  {
    const long long sum1 = squares_generator() | yieldpipe::sum(0LL);
    const long long sum2 = squares_generator() | yieldpipe::sum(0LL);
    std::printf("Good: sum1 = %lld, sum2 = %lld\n", sum1, sum2);
  }
  {
    // A reiterable range: each pass (each begin()) calls squares(1000) anew.
    auto squares_again = yieldpipe::reiterable(squares, 1000LL);
    const long long sum1 = squares_again | yieldpipe::sum(0LL);
    const long long sum2 = squares_again | yieldpipe::sum(0LL);
    long long count = 0;
    for ([[maybe_unused]] long long x : squares_again) ++count;
    std::printf("reiterable(squares, 1000): sum1 = %lld, sum2 = %lld, a third pass sees %lld items\n", sum1, sum2,
                count);
  }
}
