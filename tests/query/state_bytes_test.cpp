// Aggregate states as bytes and back: every state the same after the round trip, to the last bit.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <yieldpipe/query/state_bytes.hpp>

namespace {

using namespace yieldpipe::query;

template <class State>
State round_trip(const State& state) {
  std::string bytes = "prefix";
  save_state(bytes, state);
  bytes += "suffix";
  std::string_view in = bytes;
  in.remove_prefix(6);
  State copy;
  load_state(in, copy);
  EXPECT_EQ(in, "suffix") << "load reads exactly what save wrote";
  return copy;
}

const double values[] = {1.5, -2.25, 1e300, 1e-300, 3.0, std::numeric_limits<double>::denorm_min(), -7e15, 0.1};

TEST(state_bytes, sums_and_moments_keep_every_bit_including_wide_sums) {
  sum_state narrow, wide;
  variance_state moments;
  narrow.add(1.5);
  narrow.add(-0.25);
  for (double x : values) {
    wide.add(x);
    moments.add(x);
  }
  ASSERT_TRUE(wide.sum.is_wide());
  for (const sum_state* s : {&narrow, &wide}) {
    const sum_state copy = round_trip(*s);
    EXPECT_EQ(copy.n, s->n);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(*copy.total()), std::bit_cast<std::uint64_t>(*s->total()));
    // The copy goes on as the original would.
    sum_state a = copy, b = *s;
    a.add(1e-300);
    b.add(1e-300);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(*a.total()), std::bit_cast<std::uint64_t>(*b.total()));
  }
  const variance_state copy = round_trip(moments);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(*copy.variance(true)), std::bit_cast<std::uint64_t>(*moments.variance(true)));
  EXPECT_EQ(copy.moments.count(), moments.moments.count());
}

TEST(state_bytes, counts_extremes_texts_sets_and_samples) {
  count_state count;
  count.n = 41;
  EXPECT_EQ(round_trip(count).n, 41u);
  min_state low;
  EXPECT_FALSE(round_trip(low).result());
  low.add(-3.5);
  EXPECT_EQ(round_trip(low).result(), -3.5);
  first_state first;
  EXPECT_FALSE(round_trip(first).result());
  first.add(std::string(100, 'x') + std::string("\0z", 2));
  EXPECT_EQ(*round_trip(first).result(), *first.result());
  distinct_state distinct;
  for (const char* v : {"a", "b", "", "a much longer text than fifteen bytes"}) distinct.add(v);
  EXPECT_EQ(round_trip(distinct).values, distinct.values);
  quantile_state sample;
  for (double x : values) sample.add(x);
  EXPECT_EQ(round_trip(sample).values, sample.values);
}

TEST(state_bytes, bytes_cut_short_are_an_error) {
  sum_state s;
  for (double x : values) s.add(x);
  std::string bytes;
  save_state(bytes, s);
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, bytes.size() - 1}) {
    std::string_view in(bytes.data(), cut);
    sum_state copy;
    EXPECT_THROW(load_state(in, copy), query_error) << cut;
  }
}

}  // namespace
