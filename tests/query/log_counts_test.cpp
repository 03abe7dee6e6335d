// The log counting table: key lists, group order, merging in input order, changed groups.
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <yieldpipe/io/log_record.hpp>
#include <yieldpipe/query/log_counts.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace {

using namespace yieldpipe;
using namespace yieldpipe::query;

constexpr std::string_view sample[] = {
    "2024-03-01 12:00:07 INFO api: request took 12 ms",
    "2024-03-01 12:10:00 ERROR db.pool: connection refused",
    "2024-03-01 12:20:00 INFO auth: user says ERROR in the message",
    "2024-03-01 13:05:00 WARNING api: slow request",
    "2024-03-01 13:06:00 CRITICAL db.pool: no connection left",
    "2024-03-01 13:59:59 ERROR api: upstream timeout",
    "2024-03-02 00:00:00 DEBUG auth: token refreshed",
};

// The table's records as text lines, "a,b,count".
std::vector<std::string> records(log_counts& counts, std::span<const std::string> files = {}, bool changed = false) {
  std::vector<std::string> out;
  const auto emit = [&](std::span<const io::field> record) {
    std::string line;
    for (const io::field& f : record) {
      if (!line.empty()) line += ',';
      if (f.type() == io::field::kind::string)
        line += std::string(f.as_string());
      else
        line += std::to_string(f.as_uint());
    }
    out.push_back(line);
  };
  if (changed)
    counts.for_each_changed(files, emit);
  else
    counts.for_each_sorted(files, emit);
  return out;
}

void add(log_counts& counts, std::size_t from, std::size_t to, std::size_t file = 0) {
  for (std::size_t i = from; i < to; ++i) counts.add(*io::parse_log_line(sample[i]), file);
}

TEST(log_counts, keys_are_parsed_in_their_order) {
  EXPECT_EQ(parse_log_keys("level,hour"), (std::vector<log_key>{log_key::level, log_key::hour}));
  EXPECT_EQ(parse_log_keys("day,component,file"),
            (std::vector<log_key>{log_key::day, log_key::component, log_key::file}));
  EXPECT_EQ(to_string(log_key::component), "component");
}

TEST(log_counts, an_unknown_or_repeated_key_is_a_query_error_naming_it) {
  try {
    (void)parse_log_keys("hour,week");
    FAIL() << "no error";
  } catch (const query_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "expected hour, day, level, component, file, host, client, method, path or status, got 'week'");
  }
  try {
    (void)parse_log_keys("hour,hour");
    FAIL() << "no error";
  } catch (const query_error& e) {
    EXPECT_EQ(std::string(e.what()), "'hour' given twice");
  }
  EXPECT_THROW((void)parse_log_keys(""), query_error);
}

TEST(log_counts, groups_by_hour_and_level_are_ordered_by_time_then_severity) {
  log_counts counts(parse_log_keys("hour,level"));
  add(counts, 0, 7);
  EXPECT_EQ(counts.columns(), (std::vector<std::string>{"hour", "level", "count"}));
  EXPECT_EQ(records(counts), (std::vector<std::string>{"2024-03-01 12:00,INFO,2", "2024-03-01 12:00,ERROR,1",
                                                       "2024-03-01 13:00,WARNING,1", "2024-03-01 13:00,ERROR,1",
                                                       "2024-03-01 13:00,CRITICAL,1", "2024-03-02 00:00,DEBUG,1"}));
}

TEST(log_counts, groups_by_level_then_day_follow_the_keys_order) {
  log_counts counts(parse_log_keys("level,day"));
  add(counts, 0, 7);
  EXPECT_EQ(records(counts),
            (std::vector<std::string>{"DEBUG,2024-03-02,1", "INFO,2024-03-01,2", "WARNING,2024-03-01,1",
                                      "ERROR,2024-03-01,2", "CRITICAL,2024-03-01,1"}));
}

TEST(log_counts, files_are_ordered_by_number_and_named_by_the_caller) {
  log_counts counts(parse_log_keys("file,component"));
  add(counts, 0, 1, 1);
  add(counts, 0, 7, 0);
  const std::vector<std::string> files = {"b.log", "a.log"};
  EXPECT_EQ(records(counts, files),
            (std::vector<std::string>{"b.log,api,3", "b.log,auth,2", "b.log,db.pool,2", "a.log,api,1"}));
  log_counts unnamed(parse_log_keys("file"));
  add(unnamed, 0, 2, 3);
  EXPECT_EQ(records(unnamed), (std::vector<std::string>{"3,2"}));
}

TEST(log_counts, no_keys_is_one_group_the_total) {
  log_counts counts;
  add(counts, 0, 7);
  EXPECT_EQ(counts.columns(), (std::vector<std::string>{"count"}));
  EXPECT_EQ(records(counts), (std::vector<std::string>{"7"}));
}

TEST(log_counts, tables_over_consecutive_parts_merge_into_the_one_table_answer) {
  for (const char* keys : {"hour,level", "component", "day,file", "level,component,hour"}) {
    log_counts whole(parse_log_keys(keys));
    add(whole, 0, 7, 0);
    add(whole, 2, 5, 1);
    const auto expected = records(whole);
    for (std::size_t cut = 0; cut <= 7; ++cut) {
      log_counts result(parse_log_keys(keys));
      log_counts first(parse_log_keys(keys));
      log_counts second(parse_log_keys(keys));
      log_counts third(parse_log_keys(keys));
      add(first, 0, cut, 0);
      add(second, cut, 7, 0);
      add(third, 2, 5, 1);
      result.merge(first);
      result.merge(second);
      result.merge(third);
      EXPECT_EQ(second.groups(), 0u);
      EXPECT_EQ(records(result), expected) << keys << " cut at " << cut;
    }
  }
}

TEST(log_counts, a_moved_table_goes_on_counting) {
  log_counts counts(parse_log_keys("level"));
  add(counts, 0, 3);
  log_counts moved(std::move(counts));
  add(moved, 3, 7);
  log_counts assigned;
  assigned = std::move(moved);
  add(assigned, 0, 1);
  EXPECT_EQ(records(assigned), (std::vector<std::string>{"DEBUG,1", "INFO,3", "WARNING,1", "ERROR,2", "CRITICAL,1"}));
}

TEST(log_counts, changed_groups_are_those_counted_since_the_last_listing) {
  log_counts counts(parse_log_keys("level"));
  add(counts, 0, 2);
  EXPECT_TRUE(counts.any_changed());
  EXPECT_EQ(records(counts, {}, true), (std::vector<std::string>{"INFO,1", "ERROR,1"}));
  EXPECT_FALSE(counts.any_changed());
  EXPECT_EQ(records(counts, {}, true), std::vector<std::string>{});
  add(counts, 5, 6);  // ERROR
  log_counts later(parse_log_keys("level"));
  add(later, 6, 7);  // DEBUG
  counts.merge(later);
  EXPECT_EQ(records(counts, {}, true), (std::vector<std::string>{"DEBUG,1", "ERROR,2"}));
  EXPECT_EQ(records(counts), (std::vector<std::string>{"DEBUG,1", "INFO,1", "ERROR,2"}));
}

constexpr std::string_view access_sample[] = {
    R"(10.0.0.7 - - [01/Mar/2024:12:00:07 +0000] "GET /a HTTP/1.1" 200 5 "-" "x")",
    R"(10.0.0.7 - - [01/Mar/2024:12:00:08 +0000] "POST /login HTTP/1.1" 404 5 "-" "x")",
    R"(10.0.0.10 - - [01/Mar/2024:12:00:09 +0000] "GET /a HTTP/1.1" 1000 5 "-" "x")",
    R"(10.0.0.10 - - [01/Mar/2024:13:00:09 +0100] "GET /b HTTP/1.1" 503 5 "-" "x")",
    R"(10.0.0.7 - - [01/Mar/2024:12:00:10 +0000] "GET /a HTTP/1.1" 200 5 "-" "x")",
};

TEST(log_counts, access_records_group_by_status_as_a_number_and_by_method_client_and_path_as_bytes) {
  const auto format = io::log_format::preset("combined");
  log_counts counts(parse_log_keys("status,method"));
  log_counts clients(parse_log_keys("client,path"));
  std::size_t parsed = 0;
  for (std::string_view line : access_sample) {
    const auto r = format.parse(line);
    if (!r) continue;  // status 1000 has four digits
    ++parsed;
    counts.add(*r);
    clients.add(*r);
  }
  EXPECT_EQ(parsed, 4u);
  EXPECT_EQ(counts.columns(), (std::vector<std::string>{"status", "method", "count"}));
  EXPECT_EQ(records(counts), (std::vector<std::string>{"200,GET,2", "404,POST,1", "503,GET,1"}));
  EXPECT_EQ(records(clients), (std::vector<std::string>{"10.0.0.10,/b,1", "10.0.0.7,/a,2", "10.0.0.7,/login,1"}));
}

TEST(log_counts, syslog_records_group_by_host) {
  const auto format = io::log_format::preset("syslog", {.year = 2024});
  log_counts counts(parse_log_keys("host,component"));
  for (std::string_view line : {"<34>Mar  1 12:00:07 web01 su: a", "Mar  1 12:00:08 web02 sshd[1]: b",
                                "<14>1 2024-03-01T12:00:09Z web01 su - - - c"})
    counts.add(format.parse(line).value());
  EXPECT_EQ(records(counts), (std::vector<std::string>{"web01,su,2", "web02,sshd,1"}));
}

TEST(log_counts, each_format_has_the_keys_its_records_fill) {
  using io::log_format_kind;
  for (const log_key k : {log_key::hour, log_key::day, log_key::level, log_key::file})
    for (const auto kind :
         {log_format_kind::pattern, log_format_kind::combined, log_format_kind::syslog, log_format_kind::json})
      EXPECT_TRUE(has_log_key(kind, k));
  EXPECT_TRUE(has_log_key(log_format_kind::pattern, log_key::component));
  EXPECT_TRUE(has_log_key(log_format_kind::json, log_key::component));
  EXPECT_TRUE(has_log_key(log_format_kind::syslog, log_key::component));
  EXPECT_FALSE(has_log_key(log_format_kind::combined, log_key::component));
  EXPECT_TRUE(has_log_key(log_format_kind::syslog, log_key::host));
  EXPECT_FALSE(has_log_key(log_format_kind::pattern, log_key::host));
  for (const log_key k : {log_key::client, log_key::method, log_key::path, log_key::status}) {
    EXPECT_TRUE(has_log_key(log_format_kind::combined, k));
    EXPECT_FALSE(has_log_key(log_format_kind::syslog, k));
    EXPECT_FALSE(has_log_key(log_format_kind::json, k));
  }
}

}  // namespace
