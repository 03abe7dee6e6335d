// The log filter: level names and lists, time texts, the half-open range, time formatting.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <yieldpipe/io/log_record.hpp>
#include <yieldpipe/query/log_filter.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace {

using namespace yieldpipe;
using namespace yieldpipe::query;
using namespace std::chrono;

sys_seconds at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s);
}

TEST(log_filter, one_level_passes_that_level_and_above) {
  EXPECT_EQ(parse_log_levels("ERROR"), (std::array<bool, 5>{false, false, false, true, true}));
  EXPECT_EQ(parse_log_levels("warn"), (std::array<bool, 5>{false, false, true, true, true}));
  EXPECT_EQ(parse_log_levels(""), (std::array<bool, 5>{true, true, true, true, true}));
}

TEST(log_filter, a_list_passes_exactly_those_levels) {
  EXPECT_EQ(parse_log_levels("WARNING,ERROR"), (std::array<bool, 5>{false, false, true, true, false}));
  EXPECT_EQ(parse_log_levels("DEBUG,FATAL"), (std::array<bool, 5>{true, false, false, false, true}));
}

TEST(log_filter, a_word_that_is_not_a_level_is_a_query_error_naming_it) {
  try {
    (void)parse_log_levels("INFO,TRACE");
    FAIL() << "no error";
  } catch (const query_error& e) {
    EXPECT_EQ(std::string(e.what()), "expected DEBUG, INFO, WARNING, ERROR or CRITICAL, got 'TRACE'");
  }
  EXPECT_THROW((void)parse_log_levels("ERROR,"), query_error);
}

TEST(log_filter, times_are_a_day_a_minute_or_a_second_with_a_space_or_a_t) {
  EXPECT_EQ(parse_log_time("2024-03-01"), at(2024, 3, 1));
  EXPECT_EQ(parse_log_time("2024-03-01 12:10"), at(2024, 3, 1, 12, 10));
  EXPECT_EQ(parse_log_time("2024-03-01T13:59:59"), at(2024, 3, 1, 13, 59, 59));
  EXPECT_EQ(parse_log_time("2024-02-29"), at(2024, 2, 29));
  for (const char* bad : {"2023-02-29", "2024-02-30", "2024-03-01 25:00", "2024-03-01 12:60", "2024-03-01 12:00:60",
                          "2024-3-01", "2024-03-01 12", "2024-03-01X12:00", "", "tomorrow"})
    EXPECT_FALSE(parse_log_time(bad)) << bad;
}

TEST(log_filter, a_time_with_a_zone_is_converted_to_utc) {
  EXPECT_EQ(parse_log_time("2024-03-01T12:00:00Z"), at(2024, 3, 1, 12));
  EXPECT_EQ(parse_log_time("2024-03-01 14:00:00+02:00"), at(2024, 3, 1, 12));
  EXPECT_EQ(parse_log_time("2024-03-01T14:30+0230"), at(2024, 3, 1, 12));
  EXPECT_EQ(parse_log_time("2024-03-01 05:00-07"), at(2024, 3, 1, 12));
  EXPECT_EQ(parse_log_time("2024-03-01 00:30:00+01:00"), at(2024, 2, 29, 23, 30));
  for (const char* bad : {"2024-03-01Z", "2024-03-01 12:00:00+2", "2024-03-01 12:00:00+24:00", "2024-03-01 12:00+02:7",
                          "2024-03-01 12:00:00+02:60", "2024-03-01 12:00:00ZZ", "2024-03-01 12:00:00 +02:00"})
    EXPECT_FALSE(parse_log_time(bad)) << bad;
}

TEST(log_filter, the_range_is_half_open_and_levels_are_fields) {
  log_filter filter{.levels = parse_log_levels("ERROR"),
                    .since = parse_log_time("2024-03-01 12:00"),
                    .until = parse_log_time("2024-03-01 13:00")};
  io::log_record r;
  r.level = io::log_level::error;
  r.timestamp = at(2024, 3, 1, 12);
  EXPECT_TRUE(filter.passes(r));
  r.timestamp = at(2024, 3, 1, 12, 59, 59);
  EXPECT_TRUE(filter.passes(r));
  r.timestamp = at(2024, 3, 1, 13);
  EXPECT_FALSE(filter.passes(r));
  r.timestamp = at(2024, 3, 1, 11, 59, 59);
  EXPECT_FALSE(filter.passes(r));
  r.timestamp = at(2024, 3, 1, 12, 30);
  r.level = io::log_level::warning;
  EXPECT_FALSE(filter.passes(r));
  EXPECT_TRUE(log_filter{}.passes(r));
}

TEST(log_filter, times_are_formatted_whole_or_to_the_hour_or_the_day) {
  char text[20] = {};
  format_log_time(at(2024, 3, 1, 9, 5, 7), text);
  EXPECT_EQ(std::string(text, 19), "2024-03-01 09:05:07");
  format_log_time(at(987, 12, 31, 23), text, 16);
  EXPECT_EQ(std::string(text, 16), "0987-12-31 23:00");
  format_log_time(at(2024, 3, 1, 9), text, 10);
  EXPECT_EQ(std::string(text, 10), "2024-03-01");
}

}  // namespace
