#include <gtest/gtest.h>

#include <yieldpipe/db/column_type.hpp>

using yieldpipe::db::column_type;
using yieldpipe::db::value_type;

TEST(column_type, json_integers_that_fit_in_64_bits_are_integers) {
  for (const char* v : {"0", "-0", "7", "-12", "9223372036854775807", "-9223372036854775808"})
    EXPECT_EQ(value_type(v), column_type::integer) << v;
}

TEST(column_type, other_json_numbers_are_reals) {
  for (const char* v : {"1.5", "-0.25", "2e10", "-2E-3", "0.0", "1e+5", "9223372036854775808.0"})
    EXPECT_EQ(value_type(v), column_type::real) << v;
}

TEST(column_type, what_a_number_would_change_stays_text) {
  // Leading zeros, signs, spaces, digits past 64 bits, forms JSON does not have, and overflow.
  for (const char* v : {"007",
                        "00.5",
                        "+1",
                        " 1",
                        "1 ",
                        "1.",
                        ".5",
                        "0x1F",
                        "nan",
                        "inf",
                        "-",
                        "1e",
                        "1e+",
                        "9223372036854775808",
                        "-9223372036854775809",
                        "1e400",
                        "1,5",
                        "abc",
                        "12a",
                        "--1"})
    EXPECT_EQ(value_type(v), column_type::text) << v;
}

TEST(column_type, widening_goes_integer_real_text) {
  using yieldpipe::db::fits;
  using yieldpipe::db::wider;
  EXPECT_EQ(wider(column_type::integer, column_type::real), column_type::real);
  EXPECT_EQ(wider(column_type::text, column_type::integer), column_type::text);
  EXPECT_TRUE(fits(column_type::integer, column_type::real));
  EXPECT_FALSE(fits(column_type::real, column_type::integer));
  EXPECT_TRUE(fits(column_type::real, column_type::text));
}

TEST(column_type, names_parse_in_any_case_and_others_do_not) {
  using yieldpipe::db::parse_column_type;
  EXPECT_EQ(parse_column_type("BIGINT"), column_type::integer);
  EXPECT_EQ(parse_column_type("Double"), column_type::real);
  EXPECT_EQ(parse_column_type("string"), column_type::text);
  EXPECT_FALSE(parse_column_type("date"));
  EXPECT_FALSE(parse_column_type(""));
  EXPECT_EQ(yieldpipe::db::to_string(column_type::real), "real");
}
