#include <gtest/gtest.h>

#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/core/reiterable.hpp>

namespace {

using yieldpipe::generator;

generator<int> count_from(int start, int n, int* created) {
  ++*created;
  for (int i = 0; i < n; ++i) co_yield start + i;
}

// The guide's anti-pattern 2: iterating an exhausted generator a second time yields nothing.
TEST(reiterable, a_plain_generator_is_exhausted_after_one_pass) {
  int created = 0;
  auto g = count_from(5, 3, &created);
  int first = 0, second = 0;
  for (int v : g) first += v;
  for (int v : g) second += v;
  EXPECT_EQ(first, 18);
  EXPECT_EQ(second, 0);
}

TEST(reiterable, makes_a_fresh_generator_at_every_begin) {
  int created = 0;
  auto numbers = yieldpipe::reiterable(count_from, 5, 3, &created);
  EXPECT_EQ(created, 0);  // lazy until begin()
  for (int pass = 0; pass < 3; ++pass) {
    std::vector<int> got;
    for (int v : numbers) got.push_back(v);
    EXPECT_EQ(got, (std::vector<int>{5, 6, 7}));
  }
  EXPECT_EQ(created, 3);
}

TEST(reiterable, stores_copies_of_its_arguments) {
  std::string word = "ab";
  auto letters = yieldpipe::reiterable(
      [](std::string s) -> generator<char> {
        for (char c : s) co_yield c;
      },
      word);
  word = "zz";
  std::string got;
  for (char c : letters) got += c;
  for (char c : letters) got += c;
  EXPECT_EQ(got, "abab");
}

}  // namespace
