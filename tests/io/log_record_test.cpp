// Log lines: parsed records, validated timestamps, user formats, errors with their column.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/log_record.hpp>
#include <yieldpipe/iter/error_policy.hpp>
#include <yieldpipe/iter/pipe.hpp>

#include "support/allocation_counter.hpp"

namespace {

using namespace yieldpipe;
using namespace std::chrono;
using io::log_level;

sys_seconds at(int y, unsigned m, unsigned d, int h, int mi, int s) {
  return sys_days(year{y} / month{m} / day{d}) + hours{h} + minutes{mi} + seconds{s};
}

io::log_record parsed(std::string_view line) {
  const auto r = io::parse_log_line(line);
  EXPECT_TRUE(r) << line << " -> column " << r.error().column << ": " << r.error().reason;
  return r ? *r : io::log_record{};
}

io::log_parse_error error_of(std::string_view line, const io::log_format& format = {}) {
  const auto r = format.parse(line);
  EXPECT_FALSE(r) << line;
  return r ? io::log_parse_error{} : r.error();
}

TEST(log_record, a_default_line_is_split_into_timestamp_level_component_and_message) {
  const std::string line = "2024-03-01 12:00:07 ERROR db.pool: connection refused: port 5432";
  const io::log_record r = parsed(line);
  EXPECT_EQ(r.timestamp, at(2024, 3, 1, 12, 0, 7));
  EXPECT_EQ(r.timestamp_text, "2024-03-01 12:00:07");
  EXPECT_EQ(r.level, log_level::error);
  EXPECT_EQ(r.level_text, "ERROR");
  EXPECT_EQ(r.component, "db.pool");
  EXPECT_EQ(r.message, "connection refused: port 5432");
}

TEST(log_record, the_fields_are_views_into_the_line) {
  const std::string line = "2024-03-01 12:00:07 INFO api: ok";
  const io::log_record r = parsed(line);
  const auto inside = [&](std::string_view v) {
    return v.data() >= line.data() && v.data() + v.size() <= line.data() + line.size();
  };
  EXPECT_TRUE(inside(r.timestamp_text));
  EXPECT_TRUE(inside(r.level_text));
  EXPECT_TRUE(inside(r.component));
  EXPECT_TRUE(inside(r.message));
}

TEST(log_record, every_level_and_its_aliases_parse_case_insensitively) {
  const std::vector<std::pair<std::string, log_level>> cases{
      {"DEBUG", log_level::debug},       {"INFO", log_level::info},   {"WARNING", log_level::warning},
      {"WARN", log_level::warning},      {"ERROR", log_level::error}, {"CRITICAL", log_level::critical},
      {"FATAL", log_level::critical},    {"debug", log_level::debug}, {"Warn", log_level::warning},
      {"critical", log_level::critical},
  };
  for (const auto& [text, level] : cases) {
    const std::string line = "2024-01-02 03:04:05 " + text + " svc: hello";
    const io::log_record r = parsed(line);
    EXPECT_EQ(r.level, level) << text;
    EXPECT_EQ(r.level_text, text);
  }
}

TEST(log_record, levels_are_ordered_by_severity_and_have_canonical_names) {
  EXPECT_LT(log_level::debug, log_level::info);
  EXPECT_LT(log_level::info, log_level::warning);
  EXPECT_LT(log_level::warning, log_level::error);
  EXPECT_LT(log_level::error, log_level::critical);
  EXPECT_EQ(io::to_string(log_level::warning), "WARNING");
  EXPECT_EQ(io::to_string(log_level::critical), "CRITICAL");
  EXPECT_EQ(io::parse_log_level("fatal"), log_level::critical);
  EXPECT_EQ(io::parse_log_level("TRACE"), std::nullopt);
  EXPECT_EQ(io::parse_log_level("INFO "), std::nullopt);
  EXPECT_EQ(io::parse_log_level(""), std::nullopt);
}

TEST(log_record, a_message_that_mentions_error_does_not_make_an_info_line_an_error) {
  const io::log_record r = parsed("2024-01-02 03:04:05 INFO retry: previous ERROR cleared; CRITICAL path ok");
  EXPECT_EQ(r.level, log_level::info);
  EXPECT_EQ(r.message, "previous ERROR cleared; CRITICAL path ok");
  // Nor does a component named like a level.
  EXPECT_EQ(parsed("2024-01-02 03:04:05 DEBUG ERROR: x").level, log_level::debug);
}

TEST(log_record, an_unknown_level_is_an_error_at_the_level_column) {
  const auto e = error_of("2024-01-02 03:04:05 NOTICE svc: hello");
  EXPECT_EQ(e.column, 21u);
  EXPECT_NE(e.reason.find("unknown level"), std::string_view::npos);
}

TEST(log_record, february_29_is_valid_only_in_leap_years) {
  EXPECT_EQ(parsed("2024-02-29 00:00:00 INFO a: b").timestamp, at(2024, 2, 29, 0, 0, 0));
  EXPECT_EQ(parsed("2000-02-29 00:00:00 INFO a: b").timestamp, at(2000, 2, 29, 0, 0, 0));
  const auto e = error_of("2023-02-29 00:00:00 INFO a: b");
  EXPECT_EQ(e.column, 9u);
  EXPECT_EQ(e.reason, "day out of range for the month");
  EXPECT_EQ(error_of("1900-02-29 00:00:00 INFO a: b").column, 9u);  // a century that is not a leap year
}

TEST(log_record, every_month_has_its_own_last_day) {
  EXPECT_TRUE(io::parse_log_line("2023-04-30 00:00:00 INFO a: b"));
  EXPECT_FALSE(io::parse_log_line("2023-04-31 00:00:00 INFO a: b"));
  EXPECT_TRUE(io::parse_log_line("2023-12-31 23:59:59 INFO a: b"));
  EXPECT_FALSE(io::parse_log_line("2023-12-32 00:00:00 INFO a: b"));
  EXPECT_FALSE(io::parse_log_line("2023-12-00 00:00:00 INFO a: b"));
}

TEST(log_record, out_of_range_fields_are_errors_at_their_column) {
  EXPECT_EQ(error_of("2024-13-01 00:00:00 INFO a: b").column, 6u);
  EXPECT_EQ(error_of("2024-13-01 00:00:00 INFO a: b").reason, "month out of range (01-12)");
  EXPECT_EQ(error_of("2024-00-01 00:00:00 INFO a: b").column, 6u);
  EXPECT_EQ(error_of("2024-01-01 24:00:00 INFO a: b").column, 12u);
  EXPECT_EQ(error_of("2024-01-01 24:00:00 INFO a: b").reason, "hour out of range (00-23)");
  EXPECT_EQ(error_of("2024-01-01 23:60:00 INFO a: b").column, 15u);
  EXPECT_EQ(error_of("2024-01-01 23:00:61 INFO a: b").column, 18u);
}

TEST(log_record, a_leap_second_is_accepted_only_at_minute_59_and_stays_in_its_minute) {
  const io::log_record r = parsed("2016-12-31 23:59:60 WARN clock: leap");
  EXPECT_EQ(r.timestamp, at(2016, 12, 31, 23, 59, 59));
  EXPECT_EQ(r.timestamp_text, "2016-12-31 23:59:60");
  EXPECT_EQ(io::hour_bucket(r), at(2016, 12, 31, 23, 0, 0));
  EXPECT_EQ(error_of("2016-12-31 23:58:60 WARN clock: leap").column, 18u);
}

TEST(log_record, a_missing_component_colon_is_an_error_where_the_colon_should_be) {
  // The component ends at the first blank; a ':' must follow it.
  const auto e = error_of("2024-01-02 03:04:05 INFO db connection up");
  EXPECT_EQ(e.column, 28u);
  EXPECT_EQ(e.reason, "expected ':'");
  EXPECT_EQ(error_of("2024-01-02 03:04:05 INFO db").column, 28u);
  EXPECT_EQ(error_of("2024-01-02 03:04:05 INFO : msg").reason, "expected a component");
}

TEST(log_record, runs_of_spaces_and_tabs_between_fields_are_one_separator) {
  const io::log_record r = parsed("2024-01-02  03:04:05   WARN\tdisk:    almost full  ");
  EXPECT_EQ(r.level, log_level::warning);
  EXPECT_EQ(r.component, "disk");
  EXPECT_EQ(r.message, "almost full  ");  // the message is kept as written after the separator
  EXPECT_EQ(r.timestamp_text, "2024-01-02  03:04:05");
}

TEST(log_record, an_empty_message_parses) {
  EXPECT_EQ(parsed("2024-01-02 03:04:05 INFO svc:").message, "");
  EXPECT_EQ(parsed("2024-01-02 03:04:05 INFO svc: ").message, "");
}

TEST(log_record, malformed_lines_name_the_column_and_what_was_expected) {
  EXPECT_EQ(error_of("").column, 1u);
  EXPECT_EQ(error_of("").reason, "expected a 4-digit year");
  EXPECT_EQ(error_of("24-01-02 03:04:05 INFO a: b").column, 3u);
  EXPECT_EQ(error_of("2024/01/02 03:04:05 INFO a: b").reason, "expected '-'");
  EXPECT_EQ(error_of("2024-01-02T03:04:05 INFO a: b").reason, "expected a space");
  EXPECT_EQ(error_of("2024-01-02T03:04:05 INFO a: b").column, 11u);
  EXPECT_EQ(error_of("2024-1-02 03:04:05 INFO a: b").column, 7u);
  EXPECT_EQ(error_of("2024-01-02 03:04:05").column, 20u);
  EXPECT_EQ(error_of("2024-01-02 03:04:05").reason, "expected a level");
  EXPECT_EQ(error_of("2024-01-02 03:04:05 INFO").reason, "expected a component");
  EXPECT_EQ(error_of("2024-01-02 03:04:05 INFO\r").column, 21u);  // a stray CR is not a blank
}

TEST(log_record, a_custom_format_with_brackets_and_parentheses) {
  const io::log_format format("[%Y-%m-%dT%H:%M:%S] %L (%C) %*");
  const io::log_record r = format.parse("[2024-06-30T23:59:58] warn (auth) token expired (user 7)").value();
  EXPECT_EQ(r.timestamp, at(2024, 6, 30, 23, 59, 58));
  EXPECT_EQ(r.timestamp_text, "2024-06-30T23:59:58");
  EXPECT_EQ(r.level, log_level::warning);
  EXPECT_EQ(r.component, "auth");
  EXPECT_EQ(r.message, "token expired (user 7)");
  EXPECT_EQ(format.pattern(), "[%Y-%m-%dT%H:%M:%S] %L (%C) %*");

  const auto e = error_of("[2024-06-30T23:59:58] INFO auth) x", format);
  EXPECT_EQ(e.column, 28u);
  EXPECT_EQ(e.reason, "expected '('");
  EXPECT_EQ(error_of("[2024-06-30 23:59:58] INFO (auth) x", format).reason, "expected 'T'");
}

TEST(log_record, a_custom_format_may_order_the_date_differently_and_omit_seconds_and_component) {
  const io::log_format format("%d/%m/%Y %H:%M|%L|%*");
  const io::log_record r = format.parse("29/02/2024 07:30|ERROR|disk full|retrying").value();
  EXPECT_EQ(r.timestamp, at(2024, 2, 29, 7, 30, 0));
  EXPECT_EQ(r.component, "");
  EXPECT_EQ(r.message, "disk full|retrying");
  EXPECT_EQ(error_of("29/02/2023 07:30|ERROR|x", format).column, 1u);  // the day's column
}

TEST(log_record, a_message_before_a_literal_ends_at_that_literal) {
  const io::log_format format("%Y-%m-%d %H:%M:%S %L <%*> %C");
  const io::log_record r = format.parse("2024-01-01 00:00:00 INFO <hello world> main").value();
  EXPECT_EQ(r.message, "hello world");
  EXPECT_EQ(r.component, "main");
  EXPECT_EQ(error_of("2024-01-01 00:00:00 INFO <hello world main", format).reason, "expected '>'");
  EXPECT_EQ(error_of("2024-01-01 00:00:00 INFO <hi> main extra", format).reason,
            "unexpected text after the last field");
}

TEST(log_record, a_literal_percent_is_written_twice) {
  const io::log_format format("%Y-%m-%d %H:%M %L %%%C: %*");
  EXPECT_EQ(format.parse("2024-01-01 00:00 INFO %cpu: 93").value().component, "cpu");
}

TEST(log_record, a_bad_pattern_is_rejected_with_its_position) {
  const auto rejects = [](std::string_view pattern, std::string_view why) {
    try {
      io::log_format f(pattern);
      ADD_FAILURE() << pattern << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string_view(e.what()).find(why), std::string_view::npos) << e.what();
    }
  };
  rejects("%Y-%m-%d %H:%M:%S %L %Q %*", "position 22: unknown field %Q");
  rejects("%Y-%m-%d %H:%M:%S %L %C: %", "'%' at the end");
  rejects("%Y-%m-%d %H:%M:%S %L %L", "appears twice");
  rejects("%Y-%m-%d %H:%M:%S %L%C", "a field right after %L");
  rejects("%Y-%m-%d %H:%M:%S %C: %*", "missing %L");
  rejects("%m-%d %H:%M %L", "missing %Y");
}

TEST(log_record, value_of_an_error_result_throws_logic_error_naming_the_reason) {
  const auto r = io::parse_log_line("nonsense");
  EXPECT_THROW((void)r.value(), std::logic_error);
}

TEST(log_record, hour_bucket_floors_to_the_hour) {
  EXPECT_EQ(io::hour_bucket(parsed("2024-03-01 12:59:59 INFO a: b")), at(2024, 3, 1, 12, 0, 0));
  EXPECT_EQ(io::hour_bucket(parsed("2024-03-01 13:00:00 INFO a: b")), at(2024, 3, 1, 13, 0, 0));
  EXPECT_EQ(io::hour_bucket(parsed("1969-12-31 23:30:00 INFO a: b")), at(1969, 12, 31, 23, 0, 0));
}

TEST(log_record, counts_per_hour_and_level) {
  const std::vector<std::string> lines{
      "2024-03-01 12:00:01 INFO a: ERROR in text",
      "2024-03-01 12:10:00 ERROR a: x",
      "2024-03-01 12:59:59 ERROR b: y",
      "2024-03-01 13:00:00 ERROR a: z",
  };
  std::map<std::pair<sys_seconds, log_level>, int> counts;
  for (const auto& line : lines) {
    const io::log_record r = parsed(line);
    ++counts[{io::hour_bucket(r), r.level}];
  }
  const std::map<std::pair<sys_seconds, log_level>, int> expected{
      {{at(2024, 3, 1, 12, 0, 0), log_level::info}, 1},
      {{at(2024, 3, 1, 12, 0, 0), log_level::error}, 2},
      {{at(2024, 3, 1, 13, 0, 0), log_level::error}, 1},
  };
  EXPECT_EQ(counts, expected);
}

TEST(log_record, parse_or_throw_raises_io_error_with_path_line_column_and_reason) {
  const io::log_format format;
  try {
    (void)format.parse_or_throw("2024-13-01 00:00:00 INFO a: b", "app.log", 42);
    FAIL() << "no exception";
  } catch (const io::io_error& e) {
    EXPECT_EQ(e.path(), "app.log");
    EXPECT_EQ(e.line(), 42u);
    EXPECT_EQ(e.column(), 6u);
    EXPECT_EQ(std::string(e.what()), "app.log:42:6: month out of range (01-12) in \"2024-13-01 00:00:00 INFO a: b\"");
  }
  try {
    (void)format.parse_or_throw("bad\x01line", "<stdin>");
    FAIL() << "no exception";
  } catch (const io::io_error& e) {
    EXPECT_FALSE(e.line());
    EXPECT_EQ(std::string(e.what()), "<stdin>: column 1: expected a 4-digit year in \"bad?line\"");
  }
}

TEST(log_record, a_long_bad_line_is_shown_shortened_in_the_error) {
  const std::string line = "x" + std::string(500, 'y');
  try {
    (void)io::log_format().parse_or_throw(line, "big.log", 1);
    FAIL() << "no exception";
  } catch (const io::io_error& e) {
    EXPECT_LT(std::string_view(e.what()).size(), 200u);
    EXPECT_NE(std::string_view(e.what()).find("...\""), std::string_view::npos);
  }
}

TEST(log_record, log_line_parser_under_try_map_skips_bad_lines_and_reports_their_line_numbers) {
  const std::vector<std::string> lines{
      "2024-03-01 12:00:01 INFO a: one",
      "garbage",
      "2024-03-01 12:00:03 ERROR b: three",
      "2024-02-30 12:00:04 INFO a: four",
  };
  std::vector<std::string> dead;
  auto policy = on_error::dead_letter([&](const std::string&, std::string_view why) { dead.emplace_back(why); });
  std::vector<std::string> messages;
  for (const io::log_record& r : lines | try_map(io::log_line_parser(io::log_format(), "app.log"), policy))
    messages.emplace_back(r.message);
  EXPECT_EQ(messages, (std::vector<std::string>{"one", "three"}));
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0], "app.log:2:1: expected a 4-digit year in \"garbage\"");
  EXPECT_EQ(dead[1], "app.log:4:9: day out of range for the month in \"2024-02-30 12:00:04 INFO a: four\"");
  EXPECT_EQ(policy.counts().count("yieldpipe::io::io_error"), 2u);
}

TEST(log_record, log_line_parser_under_fail_stops_at_the_first_bad_line) {
  const std::vector<std::string> lines{"2024-03-01 12:00:01 INFO a: one", "garbage"};
  std::size_t seen = 0;
  EXPECT_THROW(
      {
        for (const io::log_record& r : lines | try_map(io::log_line_parser(), on_error::fail())) {
          (void)r;
          ++seen;
        }
      },
      io::io_error);
  EXPECT_EQ(seen, 1u);
}

// The default pattern has a hand-written fast path; "  " compiles to the same single blank-run step
// as " ", so this pattern is the same format run by the general interpreter.
bool same(const io::log_parse_result& a, const io::log_parse_result& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return a.error().column == b.error().column && a.error().reason == b.error().reason;
  return a->timestamp == b->timestamp && a->timestamp_text == b->timestamp_text && a->level == b->level &&
         a->level_text == b->level_text && a->component == b->component && a->message == b->message;
}

TEST(log_record, the_default_fast_path_agrees_with_the_general_parser_on_mutated_lines) {
  const io::log_format fast;
  const io::log_format general("%Y-%m-%d  %H:%M:%S %L %C: %*");
  const std::vector<std::string> seeds{
      "2024-03-01 12:00:07 ERROR db.pool: connection refused",
      "2016-12-31 23:59:60 WARN clock: leap",
      "2024-02-29 00:00:00 fatal x:",
      "2023-02-28 23:59:59 INFO  a:\tb c",
      "1999-12-31 00:00:00 DEBUG svc: ",
  };
  const std::string alphabet = "0123456789-: \tINFOWARNERRDEBUGCRITICALFATALx\r";
  std::mt19937 rng(7);
  std::size_t agreed_ok = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string line = seeds[rng() % seeds.size()];
    for (int edits = static_cast<int>(rng() % 3); edits >= 0; --edits) {
      const std::size_t at_pos = line.empty() ? 0 : rng() % line.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 4) {
        case 0:
          if (!line.empty()) line[at_pos] = c;
          break;
        case 1: line.insert(line.begin() + static_cast<std::ptrdiff_t>(at_pos), c); break;
        case 2:
          if (!line.empty()) line.erase(at_pos, 1);
          break;
        default: line.resize(at_pos); break;
      }
    }
    const auto a = fast.parse(line);
    ASSERT_TRUE(same(a, general.parse(line))) << '"' << line << '"';
    agreed_ok += a.has_value();
  }
  EXPECT_GT(agreed_ok, 10000u);  // both outcomes were exercised
}

TEST(log_record, parsing_a_line_allocates_nothing) {
  const io::log_format custom("[%Y-%m-%dT%H:%M:%S] %L (%C) %*");
  (void)io::parse_log_line("");  // the default format is compiled on first use
  const std::string good = "2024-03-01 12:00:07 ERROR db.pool: connection refused";
  const std::string bad = "2024-03-01 12:00:07 ERROR db.pool connection refused";
  const std::string other = "[2024-06-30T23:59:58] warn (auth) token expired";
  const std::size_t before = test::allocations;
  std::size_t ok = 0;
  for (int i = 0; i < 100; ++i) {
    ok += io::parse_log_line(good).has_value();
    ok += io::parse_log_line(bad).has_value();
    ok += custom.parse(other).has_value();
  }
  EXPECT_EQ(test::allocations, before);
  EXPECT_EQ(ok, 200u);
}

}  // namespace
