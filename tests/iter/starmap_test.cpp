// starmap: Python's itertools.starmap(fn, iterable).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/enumerate.hpp>
#include <yieldpipe/iter/filter.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/starmap.hpp>
#include <yieldpipe/iter/terminals.hpp>
#include <yieldpipe/iter/zip.hpp>

namespace {

using namespace yieldpipe;

TEST(starmap, applies_the_function_to_the_elements_of_each_tuple) {
  // Python's doc example: starmap(pow, [(2,5), (3,2), (10,3)]) -> 32 9 1000
  std::vector<std::pair<int, int>> args{{2, 5}, {3, 2}, {10, 3}};
  auto ipow = [](int base, int exp) {
    int r = 1;
    while (exp-- > 0) r *= base;
    return r;
  };
  EXPECT_EQ(args | starmap(ipow) | to_vector(), (std::vector<int>{32, 9, 1000}));
  std::vector<std::tuple<std::string, int>> reps{{"ab", 2}, {"c", 3}};
  auto repeat_str = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  EXPECT_EQ(reps | starmap(repeat_str) | to_vector(), (std::vector<std::string>{"abab", "ccc"}));
  std::vector<std::array<int, 3>> triples{{1, 2, 3}, {4, 5, 6}};
  EXPECT_EQ(triples | starmap([](int a, int b, int c) { return a * b * c; }) | to_vector(), (std::vector<int>{6, 120}));
  EXPECT_EQ(std::vector<std::tuple<>>(2) | starmap([] { return 1; }) | sum(), 2);
}

TEST(starmap, over_zip_and_enumerate_passes_references) {
  std::vector<int> a{1, 2, 3};
  std::vector<int> b{10, 20, 30};
  EXPECT_EQ(zip(a, b) | starmap(std::plus<>{}) | to_vector(), (std::vector<int>{11, 22, 33}));
  auto doubled = zip(a, b) | starmap([](int& x, int y) -> int& { return x += y; });
  for (int& x : doubled) x *= 2;
  EXPECT_EQ(a, (std::vector<int>{22, 44, 66}));
  EXPECT_EQ(b | enumerate() | starmap([](std::ptrdiff_t i, int x) { return static_cast<int>(i) * x; }) | sum(),
            0 + 20 + 60);
}

TEST(starmap, calls_the_function_once_per_element) {
  int calls = 0;
  auto out = zip(range(6), range(6)) | starmap([&](int x, int y) {
               ++calls;
               return x * y;
             }) |
             filter([](int p) { return p % 2 == 0; }) | to_vector();
  EXPECT_EQ(out, (std::vector<int>{0, 4, 16}));
  EXPECT_EQ(calls, 6);
}

}  // namespace
