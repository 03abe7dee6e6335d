// Log lines: parsed records, validated timestamps, user formats, errors with their column.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
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
  EXPECT_EQ(error_of("2024-01-02X03:04:05 INFO a: b").reason, "expected a space");
  EXPECT_EQ(error_of("2024-01-02X03:04:05 INFO a: b").column, 11u);
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
      "2024-03-01T12:00:07.123+02:00 INFO api: ok",
      "2024-03-01T00:30:00,5Z ERROR a: b",
      "2024-03-01 12:00:07-0700 WARN x: y",
  };
  const std::string alphabet = "0123456789-: \tINFOWARNERRDEBUGCRITICALFATALx\rTZ+.,";
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
  const std::string iso = "2024-03-01T12:00:07.123+02:00 ERROR db.pool: connection refused";
  const auto combined = io::log_format::preset("combined");
  const auto syslog = io::log_format::preset("syslog", {.year = 2024});
  const std::string access = R"(10.0.0.1 - - [01/Mar/2024:12:00:07 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.0")";
  const std::string sys = "<34>Mar  1 12:00:07 web01 sshd[42]: session opened";
  const std::size_t before = test::allocations;
  std::size_t ok = 0;
  for (int i = 0; i < 100; ++i) {
    ok += io::parse_log_line(good).has_value();
    ok += io::parse_log_line(bad).has_value();
    ok += custom.parse(other).has_value();
    ok += io::parse_log_line(iso).has_value();
    ok += combined.parse(access).has_value();
    ok += syslog.parse(sys).has_value();
  }
  EXPECT_EQ(test::allocations, before);
  EXPECT_EQ(ok, 500u);
}

// ---- ISO-8601 timestamps ----

TEST(log_record, iso_8601_timestamps_parse_in_the_default_format_and_zones_convert_to_utc) {
  const auto r = parsed("2024-03-01T12:00:07 INFO api: ok");
  EXPECT_EQ(r.timestamp, at(2024, 3, 1, 12, 0, 7));
  EXPECT_EQ(r.timestamp_text, "2024-03-01T12:00:07");
  EXPECT_EQ(r.component, "api");
  const std::vector<std::pair<std::string, sys_seconds>> cases{
      {"2024-03-01T12:00:07.123", at(2024, 3, 1, 12, 0, 7)},     // a fraction is dropped
      {"2024-03-01 12:00:07,123456", at(2024, 3, 1, 12, 0, 7)},  // a decimal comma
      {"2024-03-01T12:00:07.999Z", at(2024, 3, 1, 12, 0, 7)},    // floored, not rounded
      {"2024-03-01T12:00:07z", at(2024, 3, 1, 12, 0, 7)},
      {"2024-03-01T14:00:07+02:00", at(2024, 3, 1, 12, 0, 7)},
      {"2024-03-01T14:00:07+0200", at(2024, 3, 1, 12, 0, 7)},
      {"2024-03-01T05:00:07-07", at(2024, 3, 1, 12, 0, 7)},
      {"2024-03-01T08:30:07.25-03:30", at(2024, 3, 1, 12, 0, 7)},
      {"2024-03-01 00:30:00+01:00", at(2024, 2, 29, 23, 30, 0)},  // the day before in UTC
      {"2016-12-31T23:59:60Z", at(2016, 12, 31, 23, 59, 59)},
  };
  for (const auto& [stamp, expected] : cases) {
    const std::string line = stamp + " WARN x: y";  // the record views into it
    const io::log_record z = parsed(line);
    EXPECT_EQ(z.timestamp, expected) << stamp;
    EXPECT_EQ(z.timestamp_text, stamp);
    EXPECT_EQ(z.message, "y") << stamp;
  }
  EXPECT_EQ(io::hour_bucket(parsed("2024-03-01 00:30:00+01:00 INFO a: b")), at(2024, 2, 29, 23, 0, 0));
}

TEST(log_record, a_bad_fraction_or_zone_is_an_error_at_its_column) {
  const std::vector<std::tuple<std::string, std::size_t, std::string>> cases{
      {"2024-03-01T12:00:07. INFO a: b", 21, "expected digits after the decimal mark of the seconds"},
      {"2024-03-01T12:00:07+2 INFO a: b", 21, "expected a 2-digit zone hour (Z, +HH, +HHMM or +HH:MM)"},
      {"2024-03-01T12:00:07+24:00 INFO a: b", 21, "zone hour out of range (00-23)"},
      {"2024-03-01T12:00:07+02:7 INFO a: b", 24, "expected 2-digit zone minutes"},
      {"2024-03-01T12:00:07+02:60 INFO a: b", 24, "zone minutes out of range (00-59)"},
      {"2024-03-01T12:00:07+02:00x INFO a: b", 26, "expected a space"},
      {"2024-03-01T12:00:07X INFO a: b", 20, "expected a space"},
      {"2024-03-01TT12:00:07 INFO a: b", 12, "expected a 2-digit hour"},
  };
  for (const auto& [line, column, reason] : cases) {
    const auto e = error_of(line);
    EXPECT_EQ(e.column, column) << line;
    EXPECT_EQ(e.reason, reason) << line;
  }
}

TEST(log_record, a_literal_after_the_seconds_of_a_pattern_is_not_read_as_a_zone) {
  const io::log_format format("%Y-%m-%d %H:%M:%S-%L %*");
  const io::log_record r = format.parse("2024-01-01 10:00:00-INFO hello").value();
  EXPECT_EQ(r.timestamp, at(2024, 1, 1, 10, 0, 0));
  EXPECT_EQ(r.level, log_level::info);
  // A `T` stands for the space between the day and the hour of any pattern.
  EXPECT_EQ(io::log_format("%Y/%m/%d %H:%M %L %*").parse("2024/03/01T10:00 INFO x").value().timestamp,
            at(2024, 3, 1, 10, 0, 0));
}

// ---- presets ----

TEST(log_record, presets_are_chosen_by_name_and_an_unknown_name_is_rejected) {
  EXPECT_EQ(io::log_format::preset("combined").kind(), io::log_format_kind::combined);
  EXPECT_EQ(io::log_format::preset("common").kind(), io::log_format_kind::combined);
  EXPECT_EQ(io::log_format::preset("syslog").kind(), io::log_format_kind::syslog);
  EXPECT_EQ(io::log_format::preset("json").kind(), io::log_format_kind::json);
  EXPECT_EQ(io::log_format::preset("default").kind(), io::log_format_kind::pattern);
  EXPECT_EQ(io::log_format::preset("default").pattern(), "%Y-%m-%d %H:%M:%S %L %C: %*");
  EXPECT_EQ(io::log_format().kind(), io::log_format_kind::pattern);
  EXPECT_TRUE(io::log_format::is_preset("json"));
  EXPECT_FALSE(io::log_format::is_preset("%Y %L"));
  EXPECT_THROW((void)io::log_format::preset("apache"), std::invalid_argument);
  EXPECT_THROW((void)io::log_format::preset("syslog", {.year = 10000}), std::invalid_argument);
}

io::log_record parsed_with(const io::log_format& format, std::string_view line) {
  const auto r = format.parse(line);
  EXPECT_TRUE(r) << line << " -> column " << r.error().column << ": " << r.error().reason;
  return r ? *r : io::log_record{};
}

io::log_parse_error error_with(const io::log_format& format, std::string_view line) {
  const auto r = format.parse(line);
  EXPECT_FALSE(r) << line;
  return r ? io::log_parse_error{} : r.error();
}

TEST(log_record, combined_reads_an_apache_access_line_with_its_zone_applied) {
  const auto format = io::log_format::preset("combined");
  const std::string line = R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 )"
                           R"x("http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)")x";
  const io::log_record r = parsed_with(format, line);
  ASSERT_TRUE(r.access);
  EXPECT_EQ(r.timestamp, at(2000, 10, 10, 20, 55, 36));
  EXPECT_EQ(r.timestamp_text, "10/Oct/2000:13:55:36 -0700");
  EXPECT_EQ(r.access->client, "127.0.0.1");
  EXPECT_EQ(r.access->user, "frank");
  EXPECT_EQ(r.access->method, "GET");
  EXPECT_EQ(r.access->path, "/apache_pb.gif");
  EXPECT_EQ(r.access->protocol, "HTTP/1.0");
  EXPECT_EQ(r.access->status, 200);
  EXPECT_EQ(r.access->bytes, 2326u);
  EXPECT_EQ(r.access->referrer, "http://www.example.com/start.html");
  EXPECT_EQ(r.access->agent, "Mozilla/4.08 [en] (Win98; I ;Nav)");
  EXPECT_EQ(r.level, log_level::info);
  EXPECT_EQ(r.level_text, "200");
  EXPECT_EQ(r.message, "GET /apache_pb.gif HTTP/1.0");
  EXPECT_EQ(r.component, "");
}

TEST(log_record, combined_reads_the_common_format_and_maps_status_classes_to_levels) {
  const auto format = io::log_format::preset("common");
  const io::log_record r = parsed_with(format, R"(::1 - - [29/Feb/2024:23:30:00 +0100] "HEAD / HTTP/1.1" 304 -)");
  ASSERT_TRUE(r.access);
  EXPECT_EQ(r.timestamp, at(2024, 2, 29, 22, 30, 0));
  EXPECT_EQ(r.access->client, "::1");
  EXPECT_EQ(r.access->user, "");
  EXPECT_EQ(r.access->bytes, 0u);  // '-': no bytes sent
  EXPECT_EQ(r.access->referrer, "");
  EXPECT_EQ(r.access->agent, "");
  const auto level_of = [&](std::string_view status) {
    return parsed_with(format, R"(h - - [01/Mar/2024:00:00:00 +0000] "GET / HTTP/1.1" )" + std::string(status) + " 1")
        .level;
  };
  EXPECT_EQ(level_of("101"), log_level::info);
  EXPECT_EQ(level_of("301"), log_level::info);
  EXPECT_EQ(level_of("404"), log_level::warning);
  EXPECT_EQ(level_of("499"), log_level::warning);
  EXPECT_EQ(level_of("500"), log_level::error);
  EXPECT_EQ(level_of("503"), log_level::error);
}

TEST(log_record, combined_keeps_odd_requests_escaped_quotes_and_ignores_appended_fields) {
  const auto format = io::log_format::preset("combined");
  std::deque<std::string> lines;  // the records view into them
  const auto request_of = [&](std::string_view request) {
    lines.push_back(R"(h - - [01/Mar/2024:00:00:00 +0000] ")" + std::string(request) + R"(" 400 0 "-" "-")");
    return parsed_with(format, lines.back());
  };
  const io::log_record dash = request_of("-");
  ASSERT_TRUE(dash.access);
  EXPECT_EQ(dash.access->method, "");
  EXPECT_EQ(dash.access->path, "");
  const io::log_record probe = request_of(R"(\x16\x03\x01\x00)");
  ASSERT_TRUE(probe.access);
  EXPECT_EQ(probe.access->method, "");
  EXPECT_EQ(probe.access->path, R"(\x16\x03\x01\x00)");
  const io::log_record old = request_of("GET /index.html");
  ASSERT_TRUE(old.access);
  EXPECT_EQ(old.access->method, "GET");
  EXPECT_EQ(old.access->path, "/index.html");
  EXPECT_EQ(old.access->protocol, "");
  const io::log_record r = parsed_with(
      format, R"(h - - [01/Mar/2024:00:00:00 +0000] "GET /a HTTP/2.0" 200 5 "-" "say \"hi\"" "10.0.0.1" 0.003)");
  ASSERT_TRUE(r.access);
  EXPECT_EQ(r.access->agent, R"(say \"hi\")");
  EXPECT_EQ(r.access->protocol, "HTTP/2.0");
}

TEST(log_record, a_malformed_access_line_names_its_column_and_reason) {
  const auto format = io::log_format::preset("combined");
  const std::string good_start = R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] )";
  const std::vector<std::tuple<std::string, std::size_t, std::string>> cases{
      {"", 1, "expected the client address"},
      {"127.0.0.1 - frank 10/Oct/2000", 19, "expected '[' before the time"},
      {R"(127.0.0.1 - frank [10/Foo/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1)", 23,
       "expected a month name (Jan-Dec)"},
      {R"(127.0.0.1 - frank [31/Apr/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1)", 20,
       "day out of range for the month"},
      {R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700 ] "GET / HTTP/1.0" 200 1)", 46, "expected ']' after the time"},
      {R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 0700] "GET / HTTP/1.0" 200 1)", 41,
       "expected the zone (+hhmm or -hhmm)"},
      {good_start + R"(GET / HTTP/1.0 200 1)", 48, "expected '\"' before the request line"},
      {good_start + R"("GET / HTTP/1.0 200 1)", 69, "expected the closing '\"'"},
      {good_start + R"("GET / HTTP/1.0" 20x 1)", 65, "expected a 3-digit HTTP status (100-999)"},
      {good_start + R"("GET / HTTP/1.0" 200 12k)", 69, "expected the byte count (digits or '-')"},
      {good_start + R"("GET / HTTP/1.0" 200 1 -)", 71, "expected '\"' before the referrer"},
      {good_start + R"("GET / HTTP/1.0" 200 1 "-")", 74, "expected a space"},
  };
  for (const auto& [line, column, reason] : cases) {
    const auto e = error_with(format, line);
    EXPECT_EQ(e.column, column) << line;
    EXPECT_EQ(e.reason, reason) << line;
  }
}

TEST(log_record, syslog_reads_rfc_3164_with_and_without_pri) {
  const auto format = io::log_format::preset("syslog", {.year = 2003});
  const io::log_record r =
      parsed_with(format, "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
  EXPECT_EQ(r.timestamp, at(2003, 10, 11, 22, 14, 15));
  EXPECT_EQ(r.timestamp_text, "Oct 11 22:14:15");
  EXPECT_EQ(r.level, log_level::critical);  // 34 = facility 4, severity 2
  EXPECT_EQ(r.level_text, "34");
  EXPECT_EQ(r.host, "mymachine");
  EXPECT_EQ(r.component, "su");
  EXPECT_EQ(r.message, "'su root' failed for lonvick on /dev/pts/8");
  EXPECT_FALSE(r.access);  // only access records have access fields

  const io::log_record plain = parsed_with(format, "Mar  1 07:05:09 web01 sshd[1234]: Accepted publickey for git");
  EXPECT_EQ(plain.timestamp, at(2003, 3, 1, 7, 5, 9));
  EXPECT_EQ(plain.level, log_level::info);
  EXPECT_EQ(plain.level_text, "");
  EXPECT_EQ(plain.host, "web01");
  EXPECT_EQ(plain.component, "sshd");
  EXPECT_EQ(plain.message, "Accepted publickey for git");

  const io::log_record untagged = parsed_with(format, "<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!");
  EXPECT_EQ(untagged.host, "10.0.0.99");
  EXPECT_EQ(untagged.component, "");
  EXPECT_EQ(untagged.message, "Use the BFG!");
}

TEST(log_record, syslog_severities_map_to_levels) {
  const auto format = io::log_format::preset("syslog", {.year = 2024});
  const std::vector<log_level> expected{log_level::critical, log_level::critical, log_level::critical,
                                        log_level::error,    log_level::warning,  log_level::info,
                                        log_level::info,     log_level::debug};
  for (int severity = 0; severity < 8; ++severity) {
    // Appended, not `"<" + std::to_string(...) + ...`: g++ 12 -O3 warns a false -Wrestrict there (GCC bug 105651).
    std::string line = "<";
    line += std::to_string(8 + severity);
    line += ">Mar  1 00:00:00 h t: m";  // facility 1
    EXPECT_EQ(parsed_with(format, line).level, expected[static_cast<std::size_t>(severity)]) << line;
  }
  EXPECT_EQ(parsed_with(format, "<191>Mar  1 00:00:00 h t: m").level, log_level::debug);
}

TEST(log_record, rfc_3164_lines_take_the_year_of_now_or_the_year_before_for_a_date_ahead) {
  const auto format = io::log_format::preset("syslog", {.now = at(2025, 1, 5, 12, 0, 0)});
  EXPECT_EQ(parsed_with(format, "Dec 31 23:00:00 h t: m").timestamp, at(2024, 12, 31, 23, 0, 0));
  EXPECT_EQ(parsed_with(format, "Jan  5 10:00:00 h t: m").timestamp, at(2025, 1, 5, 10, 0, 0));
  EXPECT_EQ(parsed_with(format, "Jan  6 12:00:00 h t: m").timestamp, at(2025, 1, 6, 12, 0, 0));  // a day ahead
  EXPECT_EQ(parsed_with(format, "Jan  6 12:00:01 h t: m").timestamp, at(2024, 1, 6, 12, 0, 1));
  EXPECT_EQ(parsed_with(format, "Feb 29 12:00:00 h t: m").timestamp, at(2024, 2, 29, 12, 0, 0));  // 2025 has none
  const auto fixed = io::log_format::preset("syslog", {.year = 2023});
  const auto e = error_with(fixed, "Feb 29 12:00:00 h t: m");
  EXPECT_EQ(e.column, 5u);
  EXPECT_NE(e.reason.find("--year"), std::string_view::npos) << e.reason;
}

TEST(log_record, syslog_reads_rfc_5424_and_rsyslog_file_stamps) {
  const auto format = io::log_format::preset("syslog", {.year = 2024});
  const io::log_record r = parsed_with(
      format, R"(<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" )"
              R"(eventSource="Application" eventID="1011"] An application event log entry...)");
  EXPECT_EQ(r.timestamp, at(2003, 10, 11, 22, 14, 15));
  EXPECT_EQ(r.timestamp_text, "2003-10-11T22:14:15.003Z");
  EXPECT_EQ(r.level, log_level::info);  // severity 5
  EXPECT_EQ(r.host, "mymachine.example.com");
  EXPECT_EQ(r.component, "evntslog");
  EXPECT_EQ(r.message, "An application event log entry...");

  const io::log_record zoned =
      parsed_with(format, "<34>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - \xEF\xBB\xBF%% It's time");
  EXPECT_EQ(zoned.timestamp, at(2003, 8, 24, 12, 14, 15));
  EXPECT_EQ(zoned.component, "myproc");
  EXPECT_EQ(zoned.message, "%% It's time");  // without the BOM

  const io::log_record nil = parsed_with(format, R"(<14>1 2024-03-01T12:00:00Z - - - - [a b="x\"]y"][c])");
  EXPECT_EQ(nil.host, "");
  EXPECT_EQ(nil.component, "");
  EXPECT_EQ(nil.message, "");

  const io::log_record file = parsed_with(format, "2024-03-01T12:00:07.123456+01:00 web01 kernel: [ 0.000] Linux");
  EXPECT_EQ(file.timestamp, at(2024, 3, 1, 11, 0, 7));
  EXPECT_EQ(file.level, log_level::info);
  EXPECT_EQ(file.host, "web01");
  EXPECT_EQ(file.component, "kernel");
  EXPECT_EQ(file.message, "[ 0.000] Linux");
}

TEST(log_record, a_malformed_syslog_line_names_its_column_and_reason) {
  const auto format = io::log_format::preset("syslog", {.year = 2024});
  const std::vector<std::tuple<std::string, std::size_t, std::string>> cases{
      {"<192>Oct 11 22:14:15 h t: m", 2, "PRI out of range (0-191)"},
      {"<34Oct 11 22:14:15 h t: m", 4, "expected '>' after the PRI (1-3 digits)"},
      {"<>Oct 11 22:14:15 h t: m", 2, "expected the PRI's digits after '<'"},
      {"Foo 11 22:14:15 h t: m", 1, "expected a month name (Jan-Dec), an RFC 5424 version or a date"},
      {"Oct 11 25:14:15 h t: m", 8, "hour out of range (00-23)"},
      {"Oct 11 22:14:15", 16, "expected a space"},
      {"<34>1 - h a - - - m", 7, "the timestamp is '-' (NILVALUE): a log record needs a time"},
      {"<34>1 2024-13-01T00:00:00Z h a - - - m", 12, "month out of range (01-12)"},
      {"<34>1 2024-03-01T00:00:00Z h a - - [x y=\"]", 43, "expected ']' to close the STRUCTURED-DATA element"},
      {"<34>1 2024-03-01T00:00:00Z h a - - x", 36, "expected STRUCTURED-DATA ('-' or '[')"},
      {"1 2024-03-01T00:00:00Z h a - - - m", 1, "expected <PRI> before the version of an RFC 5424 line"},
  };
  for (const auto& [line, column, reason] : cases) {
    const auto e = error_with(format, line);
    EXPECT_EQ(e.column, column) << line;
    EXPECT_EQ(e.reason, reason) << line;
  }
}

TEST(log_record, json_reads_time_level_message_and_component_by_member_name) {
  const auto format = io::log_format::preset("json");
  const io::log_record r = parsed_with(
      format, R"({"ts":"2024-03-01T12:00:07.5+01:00","level":"warn","logger":"db","msg":"slow \"query\"","n":1})");
  EXPECT_EQ(r.timestamp, at(2024, 3, 1, 11, 0, 7));
  EXPECT_EQ(r.timestamp_text, "2024-03-01T12:00:07.5+01:00");
  EXPECT_EQ(r.level, log_level::warning);
  EXPECT_EQ(r.level_text, "warn");
  EXPECT_EQ(r.component, "db");
  EXPECT_EQ(r.message, "slow \"query\"");  // escapes decoded

  // `time` before `timestamp`, `ts` and `@timestamp`, whatever their order in the line.
  const io::log_record first = parsed_with(
      format, R"({"@timestamp":"2020-01-01 00:00:00","time":"2024-03-01 12:00:07","message":"m","name":"svc"})");
  EXPECT_EQ(first.timestamp, at(2024, 3, 1, 12, 0, 7));
  EXPECT_EQ(first.level, log_level::info);  // no level
  EXPECT_EQ(first.message, "m");
  EXPECT_EQ(first.component, "svc");
}

TEST(log_record, json_times_are_iso_strings_or_epoch_numbers_in_seconds_to_nanoseconds) {
  const auto format = io::log_format::preset("json");
  const sys_seconds t = at(2024, 3, 1, 12, 0, 7);
  for (const std::string stamp : {"1709294407", "1709294407.9", "1709294407123", "1709294407123456",
                                  "1709294407123456789", "1.7092944079e9", "\"2024-03-01T12:00:07Z\""}) {
    const io::log_record r = parsed_with(format, R"({"time":)" + stamp + R"(,"msg":"x"})");
    EXPECT_EQ(r.timestamp, t) << stamp;
  }
  EXPECT_EQ(parsed_with(format, R"({"time":1709294407123,"msg":"x"})").timestamp_text, "1709294407123");
  EXPECT_EQ(parsed_with(format, R"({"time":-1.5})").timestamp, at(1969, 12, 31, 23, 59, 58));
}

TEST(log_record, json_levels_are_names_or_pino_numbers_and_fields_can_be_named) {
  const auto format = io::log_format::preset("json");
  const auto level_of = [&](std::string_view level) {
    return parsed_with(format, R"({"time":0,"level":)" + std::string(level) + "}").level;
  };
  EXPECT_EQ(level_of(R"("ERROR")"), log_level::error);
  EXPECT_EQ(level_of(R"("trace")"), log_level::debug);
  EXPECT_EQ(level_of(R"("notice")"), log_level::info);
  EXPECT_EQ(level_of(R"("panic")"), log_level::critical);
  EXPECT_EQ(level_of("10"), log_level::debug);
  EXPECT_EQ(level_of("30"), log_level::info);
  EXPECT_EQ(level_of("40"), log_level::warning);
  EXPECT_EQ(level_of("50"), log_level::error);
  EXPECT_EQ(level_of("60"), log_level::critical);
  EXPECT_EQ(level_of("null"), log_level::info);

  const auto named = io::log_format::preset("json", {.time_field = "when", .level_field = "sev"});
  const io::log_record r = parsed_with(
      named, R"({"time":"1999-01-01 00:00:00","when":"2024-03-01 12:00:07","level":"debug","sev":"error"})");
  EXPECT_EQ(r.timestamp, at(2024, 3, 1, 12, 0, 7));
  EXPECT_EQ(r.level, log_level::error);
  EXPECT_EQ(error_with(named, R"({"time":"2024-03-01 12:00:07"})").reason,
            "no time member (the one the time field option names)");
}

TEST(log_record, a_malformed_json_line_names_its_column_and_reason) {
  const auto format = io::log_format::preset("json");
  const auto invalid = error_with(format, R"({"time":1,)");
  EXPECT_EQ(invalid.column, 1u);
  EXPECT_TRUE(invalid.reason.starts_with("invalid JSON: ")) << invalid.reason;
  EXPECT_EQ(error_with(format, "[1,2]").reason, "expected a JSON object");
  const std::vector<std::tuple<std::string, std::size_t, std::string>> cases{
      {R"({"msg":"x"})", 1, "no time member (time, timestamp, ts or @timestamp)"},
      {R"({"msg":"x", "ts": "2024-13-01T00:00:00Z"})", 25, "month out of range (01-12)"},
      {R"({"ts":"2024-03-01T00:00:00Z!"})", 28, "unexpected text after the time"},
      {R"({"ts":true})", 7, "the time is neither a string nor a number"},
      {R"({"ts":1e30})", 7, "time out of range (years 0000-9999)"},
      {R"({"ts":0,"level":"loud"})", 17, "unknown level (expected DEBUG, INFO, WARNING, ERROR or CRITICAL)"},
      {R"({"ts":0,"level":[1]})", 17, "the level is neither a string nor a number"},
      {R"({"ts":0,"msg":{"a":1}})", 15, "the message is not a string"},
  };
  for (const auto& [line, column, reason] : cases) {
    const auto e = error_with(format, line);
    EXPECT_EQ(e.column, column) << line;
    EXPECT_EQ(e.reason, reason) << line;
  }
}

TEST(log_record, json_records_on_different_threads_do_not_share_their_strings) {
  const auto format = io::log_format::preset("json");
  std::string a_message, b_message;
  std::thread other([&] {
    const io::log_record b = parsed_with(format, R"({"time":0,"msg":"from \"b\""})");
    b_message = std::string(b.message);
  });
  const io::log_record a = parsed_with(format, R"({"time":0,"msg":"from \"a\""})");
  other.join();
  a_message = std::string(a.message);  // read after the other thread's parse
  EXPECT_EQ(a_message, "from \"a\"");
  EXPECT_EQ(b_message, "from \"b\"");
}

}  // namespace
