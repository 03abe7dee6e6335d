// zip_strict: Python's zip(a, b, ..., strict=True).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>
#include <yieldpipe/iter/zip_strict.hpp>

namespace {

using namespace yieldpipe;

// Everything the zip yields, as strings, then the error message ("" if none).
template <class Z>
std::pair<std::vector<std::string>, std::string> drain(Z&& z) {
  std::vector<std::string> out;
  try {
    for (auto&& t : z)
      out.push_back(std::apply([](const auto&... x) { return (std::string{} + ... + std::string(1, x)); }, t));
  } catch (const std::invalid_argument& e) {
    return {out, e.what()};
  }
  return {out, ""};
}

using strings = std::vector<std::string>;

TEST(zip_strict_semantics, semantics_85_full_tuples_come_before_the_error) {
  const std::string abc = "abc", xy = "xy";
  EXPECT_EQ(drain(zip_strict(abc, xy)),
            (std::pair<strings, std::string>{{"ax", "by"}, "zip() argument 2 is shorter than argument 1"}));
  EXPECT_EQ(drain(zip_strict(xy, abc)),
            (std::pair<strings, std::string>{{"xa", "yb"}, "zip() argument 2 is longer than argument 1"}));
  EXPECT_EQ(drain(zip_strict(std::string("ab"), std::string("xy"), std::string("q"))),
            (std::pair<strings, std::string>{{"axq"}, "zip() argument 3 is shorter than arguments 1-2"}));
  EXPECT_EQ(drain(zip_strict(std::string("ab"), std::string("xy"), std::string("pqr"))),
            (std::pair<strings, std::string>{{"axp", "byq"}, "zip() argument 3 is longer than arguments 1-2"}));
  EXPECT_EQ(drain(zip_strict(abc, std::string("xyz"))), (std::pair<strings, std::string>{{"ax", "by", "cz"}, ""}));
}

TEST(zip_strict, messages_number_the_culprit_among_many_inputs) {
  const std::string two = "ab", one = "a";
  EXPECT_EQ(drain(zip_strict(two, two, two, one)).second, "zip() argument 4 is shorter than arguments 1-3");
  EXPECT_EQ(drain(zip_strict(one, one, two, one)).second, "zip() argument 3 is longer than arguments 1-2");
  EXPECT_EQ(drain(zip_strict(two, one, one)).second, "zip() argument 2 is shorter than argument 1");
}

TEST(zip_strict, an_empty_first_input_is_checked_at_begin) {
  const std::string empty, x = "x";
  EXPECT_EQ(drain(zip_strict(empty, x)),
            (std::pair<strings, std::string>{{}, "zip() argument 2 is longer than argument 1"}));
  EXPECT_EQ(drain(zip_strict(x, empty)),
            (std::pair<strings, std::string>{{}, "zip() argument 2 is shorter than argument 1"}));
  EXPECT_EQ(drain(zip_strict(empty, empty)), (std::pair<strings, std::string>{{}, ""}));
  EXPECT_EQ(zip_strict() | count(), 0u);
}

generator<int> numbers(int n) {
  for (int i = 0; i < n; ++i) co_yield i;
}

TEST(zip_strict, over_generators_the_error_comes_from_the_increment_after_the_last_tuple) {
  auto z = zip_strict(numbers(3), numbers(2));
  auto it = z.begin();
  EXPECT_EQ(*it, (std::tuple<int, int>{0, 0}));
  ++it;
  EXPECT_EQ(*it, (std::tuple<int, int>{1, 1}));
  try {
    ++it;
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "zip() argument 2 is shorter than argument 1");
  }
  EXPECT_TRUE(it == std::default_sentinel);
  EXPECT_EQ((zip_strict(numbers(4), range(4), std::vector<int>{1, 2, 3, 4}) | count()), 4u);
}

}  // namespace
