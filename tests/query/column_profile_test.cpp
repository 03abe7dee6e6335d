// query::column_profile: the type of each value, widening, empties, the example, merging.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>
#include <yieldpipe/query/column_profile.hpp>

namespace {

using yieldpipe::query::column_profile;
using yieldpipe::query::type_of;
using yieldpipe::query::value_type;
using yieldpipe::query::widen;

TEST(column_profile, each_value_has_its_narrowest_type) {
  EXPECT_EQ(type_of(""), value_type::none);
  EXPECT_EQ(type_of("TRUE"), value_type::boolean);
  EXPECT_EQ(type_of("false"), value_type::boolean);
  EXPECT_EQ(type_of("42"), value_type::integer);
  EXPECT_EQ(type_of("-7"), value_type::integer);
  EXPECT_EQ(type_of("0"), value_type::integer);
  EXPECT_EQ(type_of("9223372036854775808"), value_type::real);  // beyond 64 bits
  EXPECT_EQ(type_of("2.5"), value_type::real);
  EXPECT_EQ(type_of("-1e-3"), value_type::real);
  EXPECT_EQ(type_of("0.5"), value_type::real);
  EXPECT_EQ(type_of("nan"), value_type::real);
  EXPECT_EQ(type_of("2024-02-29"), value_type::date);
  EXPECT_EQ(type_of("2023-02-29"), value_type::text);  // not a leap year
  EXPECT_EQ(type_of("2024-03-01 12:00:07"), value_type::timestamp);
  EXPECT_EQ(type_of("2024-03-01T12:00:07.123Z"), value_type::timestamp);
  EXPECT_EQ(type_of("2024-03-01T12:00+02:00"), value_type::timestamp);
  EXPECT_EQ(type_of("2024-03-01T25:00"), value_type::text);
  EXPECT_EQ(type_of("paris"), value_type::text);
}

TEST(column_profile, identifiers_with_leading_zeros_and_padded_numbers_stay_text) {
  EXPECT_EQ(type_of("007"), value_type::text);
  EXPECT_EQ(type_of("-01"), value_type::text);
  EXPECT_EQ(type_of("00.5"), value_type::text);
  EXPECT_EQ(type_of(" 12"), value_type::text);
  EXPECT_EQ(type_of("12 "), value_type::text);
}

TEST(column_profile, types_widen_within_their_family_and_to_text_across) {
  EXPECT_EQ(widen(value_type::integer, value_type::real), value_type::real);
  EXPECT_EQ(widen(value_type::real, value_type::integer), value_type::real);
  EXPECT_EQ(widen(value_type::date, value_type::timestamp), value_type::timestamp);
  EXPECT_EQ(widen(value_type::none, value_type::boolean), value_type::boolean);
  EXPECT_EQ(widen(value_type::integer, value_type::date), value_type::text);
  EXPECT_EQ(widen(value_type::boolean, value_type::integer), value_type::text);
}

TEST(column_profile, counts_empty_values_and_keeps_the_first_example) {
  column_profile p;
  for (std::string_view v : {"", "3", "", "4.5", "1"}) p.add(v);
  EXPECT_EQ(p.type(), value_type::real);
  EXPECT_EQ(p.values(), 5u);
  EXPECT_EQ(p.empty(), 2u);
  EXPECT_EQ(p.example(), "3");
  column_profile none;
  none.add("");
  EXPECT_EQ(none.type(), value_type::none);
}

TEST(column_profile, merging_pieces_in_file_order_is_adding_their_values) {
  const std::vector<std::string_view> values = {"", "2024-01-01", "", "2024-01-02 10:00", "2024-01-03"};
  column_profile whole;
  for (auto v : values) whole.add(v);
  for (std::size_t cut = 0; cut <= values.size(); ++cut) {
    column_profile first, second;
    for (std::size_t i = 0; i < values.size(); ++i) (i < cut ? first : second).add(values[i]);
    first.merge(second);
    EXPECT_EQ(first.type(), whole.type());
    EXPECT_EQ(first.values(), whole.values());
    EXPECT_EQ(first.empty(), whole.empty());
    EXPECT_EQ(first.example(), whole.example());
  }
  EXPECT_EQ(whole.type(), value_type::timestamp);
}

}  // namespace
