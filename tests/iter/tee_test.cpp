// tee: semantics 78-80, and the dropped-tee part of 77.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/tee.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using ints = std::vector<int>;

generator<int> counting(int n, int* pulled, bool* finished = nullptr) {
  struct on_exit {
    bool* flag;
    ~on_exit() {
      if (flag != nullptr) *flag = true;
    }
  } guard{finished};
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

// Python's list(t): everything a consumer has left.
template <class T>
auto rest(T& consumer) {
  std::vector<typename T::value_type> out;
  for (const auto& v : consumer) out.push_back(v);
  return out;
}

TEST(tee, semantics_78_independent_consumers_of_one_source) {
  auto ts = tee(range(5));
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_EQ(rest(ts[0]), (ints{0, 1, 2, 3, 4}));
  EXPECT_EQ(rest(ts[1]), (ints{0, 1, 2, 3, 4}));
}

TEST(tee, semantics_78_nothing_is_pulled_at_creation_and_the_second_reads_the_buffer) {
  int pulled = 0;
  auto src = counting(5, &pulled);
  auto [a, b] = tee<2>(src);
  EXPECT_EQ(pulled, 0);
  auto ia = a.begin();  // next(a)
  EXPECT_EQ(*ia, 0);
  EXPECT_EQ(pulled, 1);
  auto ib = b.begin();  // next(b): served from the buffer
  EXPECT_EQ(*ib, 0);
  EXPECT_EQ(pulled, 1);
  ++ib;
  EXPECT_EQ(*ib, 1);
  EXPECT_EQ(pulled, 2);
  ++ia;
  EXPECT_EQ(*ia, 1);
  EXPECT_EQ(pulled, 2);
}

TEST(tee, semantics_79_elements_taken_from_the_source_elsewhere_are_lost_to_both) {
  int pulled = 0;
  auto src = counting(6, &pulled);
  auto [a, b] = tee<2>(src);
  auto ia = a.begin();  // next(a) -> 0
  EXPECT_EQ(*ia, 0);
  EXPECT_EQ(src.next(), 1);  // next(src)
  ints a_rest;
  for (++ia; ia != a.end(); ++ia) a_rest.push_back(*ia);
  EXPECT_EQ(a_rest, (ints{2, 3, 4, 5}));
  EXPECT_EQ(rest(b), (ints{0, 2, 3, 4, 5}));  // the buffered 0 survives, the 1 is gone
}

TEST(tee, semantics_80_tee_edge_cases) {
  EXPECT_TRUE(tee(range(3), 0).empty());  // tee(x, 0) -> ()
  try {
    (void)tee(range(3), -1);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "n must be >= 0");
  }
  auto three = tee(range(3), 3);  // a tuple of n
  ASSERT_EQ(three.size(), 3u);
  for (auto& t : three) EXPECT_EQ(rest(t), (ints{0, 1, 2}));

  // copy(teeobj) starts at the same position.
  auto [a, b] = tee<2>(range(4));
  auto ia = a.begin();
  EXPECT_EQ(*ia, 0);
  auto c = a.copy();
  EXPECT_EQ(rest(c), (ints{1, 2, 3}));
  ints a_rest;
  for (++ia; ia != a.end(); ++ia) a_rest.push_back(*ia);
  EXPECT_EQ(a_rest, (ints{1, 2, 3}));
  EXPECT_EQ(rest(b), (ints{0, 1, 2, 3}));
}

TEST(tee, semantics_80_a_tee_of_a_tee_gives_independent_copies) {
  // CPython after gh-123884: a, b = tee('abc'); c, d = tee(a); next(a) -> list(c) == list(d) == abc.
  const std::string abc = "abc";
  auto [a, b] = tee<2>(abc);
  auto [c, d] = tee<2>(a);
  auto ia = a.begin();
  EXPECT_EQ(*ia, 'a');
  EXPECT_EQ(rest(c), (std::vector<char>{'a', 'b', 'c'}));
  EXPECT_EQ(rest(d), (std::vector<char>{'a', 'b', 'c'}));
  // Copies made after a has moved start where a is.
  auto later = tee(a, 2);
  EXPECT_EQ(rest(later[0]), (std::vector<char>{'b', 'c'}));
  EXPECT_EQ(rest(later[1]), (std::vector<char>{'b', 'c'}));
  ++ia;
  EXPECT_EQ(*ia, 'b');
  EXPECT_EQ(rest(b), (std::vector<char>{'a', 'b', 'c'}));
  EXPECT_TRUE(tee(a, 0).empty());
  EXPECT_THROW((void)tee(a, -1), std::invalid_argument);
}

TEST(tee, semantics_77_dropped_tee_objects_do_not_close_the_source) {
  int pulled = 0;
  bool finished = false;
  auto src = counting(100, &pulled, &finished);
  {
    auto [a, b] = tee<2>(src);
    auto ia = a.begin();
    ++ia;
    EXPECT_EQ(*ia, 1);
  }
  EXPECT_EQ(pulled, 2);
  EXPECT_EQ(src.state(), gen_state::suspended);
  EXPECT_FALSE(finished);
  EXPECT_EQ(src.next(), 2);
}

TEST(tee, two_consumers_in_lockstep_buffer_one_item) {
  test::counted::reset();
  {
    auto values = []() -> generator<test::counted> {
      for (int i = 0; i < 10000; ++i) co_yield test::counted(i);
    };
    auto [a, b] = tee<2>(values());
    auto ia = a.begin();
    auto ib = b.begin();
    int max_alive = 0;
    std::size_t max_buffered = 0;
    long long total = 0;
    while (ia != a.end() && ib != b.end()) {
      EXPECT_EQ((*ia).value, (*ib).value);
      total += (*ia).value;
      max_buffered = std::max(max_buffered, a.buffered());
      max_alive = std::max(max_alive, test::counted::alive);
      ++ia;
      max_buffered = std::max(max_buffered, a.buffered());
      max_alive = std::max(max_alive, test::counted::alive);
      ++ib;
    }
    EXPECT_EQ(total, 49995000);
    EXPECT_LE(max_buffered, 2u);  // the element both are on, and the one a is ahead with
    EXPECT_LE(max_alive, 3);      // those two, and the generator's own
  }
  EXPECT_EQ(test::counted::alive, 0);
}

TEST(tee, the_buffer_holds_the_lag_between_the_slowest_and_the_fastest) {
  auto [a, b] = tee<2>(range(1000));
  for (auto it = a.begin(); it != a.end(); ++it) {
  }
  EXPECT_EQ(a.buffered(), 1000u);  // b has read nothing yet
  auto ib = b.begin();
  for (int i = 0; i < 500; ++i) ++ib;
  EXPECT_EQ(b.buffered(), 500u);  // b is on element 500
  for (; ib != b.end(); ++ib) {
  }
  EXPECT_EQ(b.buffered(), 0u);
}

TEST(tee, a_destroyed_consumer_does_not_keep_the_buffer_growing) {
  auto ts = tee(range(1000), 2);
  ts.pop_back();  // drop b before it reads anything
  std::size_t max_buffered = 0;
  for (auto it = ts[0].begin(); it != ts[0].end(); ++it) max_buffered = std::max(max_buffered, ts[0].buffered());
  EXPECT_LE(max_buffered, 1u);

  // Dropping the slow consumer part-way releases what only it needed.
  auto [a, b] = tee<2>(range(100));
  auto ia = a.begin();
  for (int i = 0; i < 50; ++i) ++ia;
  EXPECT_EQ(a.buffered(), 51u);
  { auto gone = std::move(b); }
  EXPECT_EQ(a.buffered(), 1u);
  // Short-lived copies: what they pulled ahead stays only because a still needs it.
  for (int i = 0; i < 100; ++i) {
    auto copy = a.copy();
    auto it = copy.begin();
    EXPECT_EQ(*it, 51);
  }
  EXPECT_EQ(a.buffered(), 2u);  // 50 (a is on it) and 51 (pulled by the copies, not read by a)
  ++ia;
  EXPECT_EQ(*ia, 51);
  EXPECT_EQ(a.buffered(), 1u);
}

TEST(tee, a_consumer_is_borrowed_by_a_pipeline_and_advances) {
  auto [a, b] = tee<2>(range(6));
  auto doubled = a | map([](int x) { return x * 2; });
  auto first = doubled.begin();
  EXPECT_EQ(*first, 0);
  // A consumer is single-pass like a generator: a new begin() goes on with its next element.
  EXPECT_EQ(rest(a), (ints{1, 2, 3, 4, 5}));
  EXPECT_EQ(b | map([](int x) { return x + 1; }) | sum(), 21);
  EXPECT_EQ(rest(b), ints{});
}

TEST(tee, an_owned_source_lives_as_long_as_a_consumer) {
  std::vector<std::string> out;
  {
    auto ts = tee(std::vector<std::string>{"x", "y"}, 3);
    auto last = std::move(ts[2]);
    ts.clear();
    for (const std::string& s : last) out.push_back(s);
  }
  EXPECT_EQ(out, (std::vector<std::string>{"x", "y"}));
}

}  // namespace
