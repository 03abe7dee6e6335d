// batched: semantics 90.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/batched.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/counted.hpp"

namespace {

using namespace yieldpipe;
using ints = std::vector<int>;
using strings = std::vector<std::string>;

generator<int> counting(int n, int* pulled) {
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

// Each batch as a string (Python's tuples of characters, joined).
template <class R>
strings batches_of(R&& r) {
  strings out;
  for (const std::vector<char>& b : r) out.emplace_back(b.begin(), b.end());
  return out;
}

template <class F>
std::string invalid_argument_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

TEST(batched, semantics_90_batched) {
  const std::string abc = "ABCDEFG";
  EXPECT_EQ(batches_of(abc | batched(3)), (strings{"ABC", "DEF", "G"}));               // the last batch is short
  EXPECT_EQ(batches_of(std::string("ABCDEF") | batched(3)), (strings{"ABC", "DEF"}));  // no empty tail
  EXPECT_EQ(batches_of(std::string() | batched(3)), strings{});
  EXPECT_EQ(batches_of(abc | batched(10)), strings{"ABCDEFG"});  // n > len: one short batch
  EXPECT_EQ(invalid_argument_of([] { (void)batched(0); }), "n must be at least one");
  EXPECT_EQ(invalid_argument_of([] { (void)batched(-1); }), "n must be at least one");
}

TEST(batched, semantics_90_reads_lazily_one_batch_at_a_time) {
  int pulled = 0;
  auto it = counting(10, &pulled);
  auto view = it | batched(4);
  EXPECT_EQ(pulled, 0);
  auto b = view.begin();
  EXPECT_EQ(*b, (ints{0, 1, 2, 3}));
  EXPECT_EQ(pulled, 4);
  EXPECT_EQ(it.next(), 4);  // Python: next(it) == 4 after the first batch of batched(it, 4)

  auto it3 = counting(10, &pulled);
  auto view3 = it3 | batched(3);
  EXPECT_EQ(*view3.begin(), (ints{0, 1, 2}));
  EXPECT_EQ(it3.next(), 3);
}

TEST(batched, semantics_90_strict_gives_full_batches_then_fails) {
  strings seen;
  const std::string abc = "ABCDEFG";
  auto view = abc | batched(3, {.strict = true});
  EXPECT_EQ(invalid_argument_of([&] {
              for (const auto& b : view) seen.emplace_back(b.begin(), b.end());
            }),
            "batched(): incomplete batch");
  EXPECT_EQ(seen, (strings{"ABC", "DEF"}));
  // An exact multiple is fine.
  EXPECT_EQ(range(6) | batched(3, {.strict = true}) | to_vector(), (std::vector<ints>{{0, 1, 2}, {3, 4, 5}}));
}

TEST(batched, memory_is_one_batch_reused) {
  // The batch vector is refilled in place: one allocation for the whole run.
  std::vector<const int*> buffers;
  for (const ints& b : range(100) | batched(10)) buffers.push_back(b.data());
  ASSERT_EQ(buffers.size(), 10u);
  for (const int* p : buffers) EXPECT_EQ(p, buffers.front());

  // Each element is copied once, into its batch, and never moved around.
  test::counted::reset();
  {
    std::vector<test::counted> source;
    source.reserve(10);
    for (int i = 0; i < 10; ++i) source.emplace_back(i);
    int total = 0;
    for (const auto& batch : source | batched(3))
      for (const auto& c : batch) total += c.value;
    EXPECT_EQ(total, 45);
    EXPECT_EQ(test::counted::copies, 10);
    EXPECT_EQ(test::counted::moves, 0);
  }
  EXPECT_EQ(test::counted::alive, 0);
}

TEST(batched, a_batch_can_be_moved_out) {
  test::counted::reset();
  std::vector<std::vector<test::counted>> kept;
  {
    std::vector<test::counted> source(7);
    auto view = source | batched(3);
    for (auto it = view.begin(); it != view.end(); ++it) kept.push_back(std::move(*it));
    EXPECT_EQ(test::counted::copies, 7);
    EXPECT_EQ(test::counted::moves, 0);  // the vectors moved, not their elements
  }
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].size(), 3u);
  EXPECT_EQ(kept[2].size(), 1u);
}

TEST(batched, the_guides_bulk_insert) {
  // process_large_csv: rows in batches of 1000, each handed to a bulk insert.
  std::vector<std::size_t> inserted;
  range(2500) | map([](int i) { return std::to_string(i); }) | batched(1000) |
      for_each([&](const strings& batch) { inserted.push_back(batch.size()); });
  EXPECT_EQ(inserted, (std::vector<std::size_t>{1000, 1000, 500}));
}

}  // namespace
