#include <gtest/gtest.h>

#include <yieldpipe/core/generator.hpp>

namespace {
yieldpipe::generator<int> count_to(int n) {
  for (int i = 0; i < n; ++i) co_yield i;
}
TEST(generator, yields_in_order) {
  std::vector<int> got;
  for (int x : count_to(3)) got.push_back(x);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2}));
}
}  // namespace
