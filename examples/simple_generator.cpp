// The guide, "1. Function Generators" › "Basic Function Generator".
#include <cstdio>
#include <yieldpipe/core.hpp>

#include "example.hpp"

namespace {

/// Most basic generator function
yieldpipe::generator<int> simple_generator() {
  co_yield 1;
  co_yield 2;
  co_yield 3;
}

}  // namespace

YIELDPIPE_EXAMPLE(110, simple_generator, "Basic Function Generator") {
  // Usage. yieldpipe::next(gen) is Python's next(gen): a fourth call would throw
  // yieldpipe::stop_iteration (gen.next() returns an empty optional instead).
  auto gen = simple_generator();
  std::printf("%d\n", yieldpipe::next(gen));  // 1
  std::printf("%d\n", yieldpipe::next(gen));  // 2
  std::printf("%d\n", yieldpipe::next(gen));  // 3
}
