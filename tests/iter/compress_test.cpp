// compress: Python's itertools.compress(data, selectors), as a source and as a stage.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/compress.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using namespace std::string_literals;
using yieldpipe::test::counted;

generator<int> count_to(int n, int* pulled) {
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

std::string joined(auto&& r) {
  std::string s;
  for (auto&& x : r) s += x;
  return s;
}

TEST(compress_semantics, semantics_91_compress_stops_at_the_shorter_input) {
  EXPECT_EQ((joined(compress("ABCDEF"s, std::vector<int>{1, 0, 1, 0, 1, 1}))), "ACEF");
  EXPECT_EQ((joined(compress("ABCDEF"s, std::vector<int>{1, 1}))), "AB");                 // selectors shorter
  EXPECT_EQ((joined(compress("AB"s, std::vector<bool>{true, false, true, true}))), "A");  // data shorter
  EXPECT_EQ(joined(compress(""s, std::vector<int>{1})), "");
  EXPECT_EQ(joined(compress("AB"s, std::vector<int>{})), "");
}

TEST(compress, pulls_a_datum_then_its_selector_as_python_does) {
  int data_pulled = 0, sel_pulled = 0;
  auto sel = count_to(10, &sel_pulled);
  EXPECT_EQ(compress(count_to(3, &data_pulled), sel) | to_vector(), (std::vector<int>{1, 2}));
  EXPECT_EQ(sel_pulled, 3);  // not pulled again once the data ended
  EXPECT_EQ(sel.next(), 3);
  // Selectors shorter: the datum pulled before finding them exhausted is lost.
  data_pulled = 0;
  auto data = count_to(10, &data_pulled);
  EXPECT_EQ((compress(data, std::vector<int>{1, 1}) | count()), 2u);
  EXPECT_EQ(data_pulled, 3);
  EXPECT_EQ(data.next(), 3);
}

TEST(compress, as_a_stage_with_borrowed_copied_or_moved_selectors) {
  std::vector<int> mask{0, 1, 1};
  auto pick = compress(mask);
  EXPECT_EQ(range(10) | pick | to_vector(), (std::vector<int>{1, 2}));
  mask[0] = 1;  // borrowed: the stage sees the change
  EXPECT_EQ(range(10) | pick | to_vector(), (std::vector<int>{0, 1, 2}));
  auto owned = compress(std::vector<int>{1, 0, 1}) | map([](int x) { return x * 10; });
  EXPECT_EQ(range(5) | owned | to_vector(), (std::vector<int>{0, 20}));
  EXPECT_EQ(range(5) | owned | to_vector(), (std::vector<int>{0, 20}));  // copied per application
  int pulled = 0;
  auto once = compress(count_to(4, &pulled));  // a generator moves into the first pipeline
  EXPECT_EQ((std::vector<int>{7, 8, 9, 10} | once | to_vector()), (std::vector<int>{8, 9, 10}));
  EXPECT_THROW((void)(std::vector<int>{1} | once), std::logic_error);
}

TEST(compress, passes_lvalue_data_by_reference) {
  std::vector<counted> data(4);
  std::vector<bool> sel{true, false, true, false};
  counted::reset();
  for (counted& c : data | compress(sel)) c.value = 1;
  EXPECT_EQ(counted::copies + counted::moves, 0);
  EXPECT_EQ(data[2].value, 1);
  EXPECT_EQ(data[1].value, 0);
}

}  // namespace
