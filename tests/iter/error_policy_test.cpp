// Error policies and try_map: the guide's robust generator as a stage.
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/error_policy.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/pipe.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using strings = std::vector<std::string>;

// std::stoi throws std::invalid_argument("stoi") for "abc" and std::out_of_range("stoi") for a
// number that does not fit.
const strings records{"1", "abc", "3", "99999999999999999999", "", "6"};
int parse(const std::string& s) { return std::stoi(s); }

generator<std::string> lines_of(strings v, int* pulled) {
  for (auto& s : v) {
    ++*pulled;
    co_yield s;
  }
}

TEST(try_map, skip_keeps_every_good_element_and_counts_the_bad_ones_by_type) {
  auto policy = on_error::skip();
  EXPECT_EQ(records | try_map(parse, policy) | to_vector(), (std::vector<int>{1, 3, 6}));
  EXPECT_EQ(policy.counts().total(), 3u);
  EXPECT_EQ(policy.counts().count("std::invalid_argument"), 2u);
  EXPECT_EQ(policy.counts().count("std::out_of_range"), 1u);
  EXPECT_EQ(policy.counts().summary(), "3 errors: 2 std::invalid_argument, 1 std::out_of_range");
}

TEST(try_map, fail_rethrows_the_first_error_after_the_good_elements_before_it) {
  auto policy = on_error::fail();
  std::vector<int> seen;
  EXPECT_THROW(
      {
        for (int v : records | try_map(parse, policy)) seen.push_back(v);
      },
      std::invalid_argument);
  EXPECT_EQ(seen, (std::vector<int>{1}));
  EXPECT_EQ(policy.counts().total(), 1u);
}

TEST(try_map, log_writes_one_line_per_error_with_the_index_and_the_element) {
  std::ostringstream log;
  auto policy = on_error::log(log);
  EXPECT_EQ(records | try_map(parse, policy) | to_vector(), (std::vector<int>{1, 3, 6}));
  EXPECT_EQ(log.str(),
            "error: element 1 (abc): stoi [std::invalid_argument]\n"
            "error: element 3 (99999999999999999999): stoi [std::out_of_range]\n"
            "error: element 4 (): stoi [std::invalid_argument]\n");
  EXPECT_EQ(policy.counts().total(), 3u);
}

TEST(try_map, dead_letter_hands_each_bad_element_and_its_message_to_the_sink) {
  std::vector<std::pair<std::string, std::string>> dead;
  auto policy = on_error::dead_letter(
      [&](const std::string& record, std::string_view why) { dead.emplace_back(record, std::string(why)); });
  EXPECT_EQ(records | try_map(parse, policy) | to_vector(), (std::vector<int>{1, 3, 6}));
  EXPECT_EQ(dead, (std::vector<std::pair<std::string, std::string>>{
                      {"abc", "stoi"}, {"99999999999999999999", "stoi"}, {"", "stoi"}}));
  EXPECT_EQ(policy.counts().total(), 3u);
}

TEST(try_map, a_bad_element_never_costs_its_neighbours) {
  // Every other element fails, including the first and the last.
  auto policy = on_error::skip();
  auto half = [](int x) {
    if (x % 2 == 0) throw std::domain_error("even");
    return x * 10;
  };
  EXPECT_EQ(range(0, 11) | try_map(half, policy) | to_vector(), (std::vector<int>{10, 30, 50, 70, 90}));
  EXPECT_EQ(policy.counts().count("std::domain_error"), 6u);
  // All bad: an empty result, not an error.
  auto all_bad = on_error::skip();
  EXPECT_EQ(range(0, 4) | try_map([](int) -> int { throw std::runtime_error("no"); }, all_bad) | count(), 0u);
  EXPECT_EQ(all_bad.counts().total(), 4u);
}

TEST(try_map, counts_are_shared_by_every_copy_of_the_policy_and_every_run_of_the_stage) {
  auto policy = on_error::skip();
  auto parse_ints = try_map(parse, policy);  // a stage stored before any source: holds a copy
  EXPECT_EQ(records | parse_ints | sum(), 10);
  EXPECT_EQ(records | parse_ints | sum(), 10);
  EXPECT_EQ(policy.counts().total(), 6u);
}

TEST(try_map, a_non_standard_exception_is_counted_as_unknown) {
  std::ostringstream log;
  auto policy = on_error::log(log);
  struct opaque {};
  auto fn = [](opaque) -> int { throw 42; };
  std::vector<opaque> in(2);
  EXPECT_EQ(in | try_map(fn, policy) | count(), 0u);
  EXPECT_EQ(policy.counts().count("unknown exception"), 2u);
  // The element cannot be written to a stream: only its index is shown.
  EXPECT_EQ(log.str(), "error: element 0: unknown exception\nerror: element 1: unknown exception\n");
}

TEST(try_map, is_lazy_and_calls_the_function_once_per_element) {
  int pulled = 0;
  int calls = 0;
  auto counted_parse = [&](const std::string& s) {
    ++calls;
    return std::stoi(s);
  };
  auto policy = on_error::skip();
  auto view = lines_of(records, &pulled) | try_map(counted_parse, policy);
  EXPECT_EQ(pulled, 0);
  auto it = view.begin();
  EXPECT_EQ(*it, 1);
  EXPECT_EQ(*it, 1);
  EXPECT_EQ(pulled, 1);
  ++it;  // skips "abc" to reach "3"
  EXPECT_EQ(*it, 3);
  EXPECT_EQ(pulled, 3);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(policy.counts().total(), 1u);
}

TEST(try_map, keeps_the_result_in_place_without_copies) {
  test::counted::reset();
  {
    auto policy = on_error::skip();
    auto make = [](int x) {
      if (x == 1) throw std::invalid_argument("one");
      return test::counted(x);
    };
    int total = 0;
    for (test::counted& c : range(0, 4) | try_map(make, policy)) total += c.value + c.value;
    EXPECT_EQ(total, 2 * (0 + 2 + 3));
  }
  EXPECT_EQ(test::counted::copies, 0);
  EXPECT_EQ(test::counted::alive, 0);
}

TEST(try_map, passes_references_through) {
  std::vector<std::string> words{"a", "b"};
  auto policy = on_error::fail();
  for (std::string& s : words | try_map([](std::string& w) -> std::string& { return w; }, policy)) s += "!";
  EXPECT_EQ(words, (strings{"a!", "b!"}));
}

TEST(try_map, composes_with_other_stages) {
  auto policy = on_error::skip();
  auto clean = map([](const std::string& s) { return s + "0"; }) | try_map(parse, policy);
  EXPECT_EQ(records | clean | to_vector(), (std::vector<int>{10, 30, 0, 60}));
  EXPECT_EQ(policy.counts().count("std::invalid_argument"), 1u);  // "0" parses; "abc0" does not
  EXPECT_EQ(policy.counts().count("std::out_of_range"), 1u);
}

TEST(error_counts, summary_of_no_and_one_error) {
  error_counts counts;
  EXPECT_EQ(counts.summary(), "no errors");
  counts.add("Permission denied");
  EXPECT_EQ(counts.summary(), "1 error: 1 Permission denied");
  EXPECT_EQ(counts.count("other"), 0u);
  EXPECT_EQ(counts.by_reason().size(), 1u);
}

}  // namespace
