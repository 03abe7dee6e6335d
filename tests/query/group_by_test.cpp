// The group-by table: keys in byte order, bad numbers, memory budgets, merging.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/query/group_by.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace {

using namespace yieldpipe;
using namespace yieldpipe::query;
namespace fs = std::filesystem;

class group_by_test : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / ("yieldpipe_agg_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".csv");
  }
  void TearDown() override { fs::remove(path_); }

  // Runs the table over `csv` and returns its records, as text (null as "~").
  std::vector<std::vector<std::string>> run(const std::string& csv, std::vector<std::string> by,
                                            const std::string& aggs, std::uint64_t max_memory = 0) {
    std::ofstream(path_, std::ios::binary) << csv;
    io::csv_reader reader(path_.string());
    group_by table(*reader.header(), std::move(by), parse_aggregates(aggs), max_memory, std::to_string(max_memory));
    while (const io::csv_row* row = reader.next()) table.add(*row);
    std::vector<std::vector<std::string>> out;
    out.push_back(table.columns());
    table.for_each_sorted([&](std::span<const io::field> record) {
      auto& line = out.emplace_back();
      for (const io::field& f : record) {
        switch (f.type()) {
          case io::field::kind::null: line.push_back("~"); break;
          case io::field::kind::string: line.emplace_back(f.as_string()); break;
          case io::field::kind::unsigned_integer: line.push_back(std::to_string(f.as_uint())); break;
          case io::field::kind::floating: {
            char buf[64];
            line.emplace_back(buf, std::to_chars(buf, buf + sizeof buf, f.as_double()).ptr);
            break;
          }
          default: line.push_back("?");
        }
      }
    });
    return out;
  }

  fs::path path_;
};

using table = std::vector<std::vector<std::string>>;

TEST_F(group_by_test, groups_by_one_column_in_byte_order_of_the_keys) {
  const auto out = run("k,v\nb,1\na,2\nB,3\nb,4\n\xc3\xa9,5\na,\n", {"k"}, "count,sum:v,count:v,mean:v");
  EXPECT_EQ(out, (table{{"k", "count", "sum_v", "count_v", "mean_v"},
                        {"B", "1", "3", "1", "3"},
                        {"a", "2", "2", "1", "2"},
                        {"b", "2", "5", "2", "2.5"},
                        {"\xc3\xa9", "1", "5", "1", "5"}}));
}

TEST_F(group_by_test, groups_by_two_columns_sorted_column_by_column) {
  // "a" + "bc" and "ab" + "c" are different keys; ("a", "z") sorts before ("ab", "c").
  const auto out = run("x,y,v\nab,c,1\na,bc,2\na,z,3\nab,c,4\n", {"x", "y"}, "count,max:v");
  EXPECT_EQ(out,
            (table{{"x", "y", "count", "max_v"}, {"a", "bc", "1", "2"}, {"a", "z", "1", "3"}, {"ab", "c", "2", "4"}}));
}

TEST_F(group_by_test, without_by_one_record_even_for_no_rows) {
  EXPECT_EQ(run("v\n", {}, "count,mean:v,min:v"), (table{{"count", "mean_v", "min_v"}, {"0", "~", "~"}}));
  // nan is a missing number, but count:v counts non-empty fields; a blank line is no record.
  EXPECT_EQ(run("v\n1\nnan\n\n3\n", {}, "count,count:v,mean:v"),
            (table{{"count", "count_v", "mean_v"}, {"3", "3", "2"}}));
}

TEST_F(group_by_test, a_field_that_is_not_a_number_throws_before_the_row_counts) {
  std::ofstream(path_, std::ios::binary) << "k,a,b\nx,1,2\nx,3,oops\n";
  io::csv_reader reader(path_.string());
  group_by t({"k"}, {0}, parse_aggregates("count,sum:a,sum:b"), {0, 1, 2});
  t.add(*reader.next());
  EXPECT_THROW(t.add(*reader.next()), io::io_error);
  table out;
  t.for_each_sorted([&](std::span<const io::field> r) { out.push_back({std::to_string(r[1].as_uint())}); });
  EXPECT_EQ(out, (table{{"1"}}));
}

TEST_F(group_by_test, shared_states_give_each_aggregate_its_own_result) {
  const auto out = run("v\n1\n2\n3\n4\n", {}, "p50:v,p100:v,p0:v,var:v,std_pop:v,sum:v,mean:v");
  EXPECT_EQ(out[1],
            (std::vector<std::string>{"2.5", "4", "1", "1.6666666666666667", "1.118033988749895", "10", "2.5"}));
}

TEST_F(group_by_test, too_many_groups_stop_with_the_operator_and_the_figure) {
  std::string csv = "k\n";
  for (int i = 0; i < 10'000; ++i) csv += std::to_string(i) + "\n";
  try {
    run(csv, {"k"}, "count", 100'000);
    FAIL();
  } catch (const memory_limit_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("--by k"), std::string::npos) << what;
    EXPECT_NE(what.find("100,000 bytes"), std::string::npos) << what;
    EXPECT_NE(what.find("groups"), std::string::npos) << what;
  }
}

TEST_F(group_by_test, stored_values_count_against_the_budget) {
  std::string csv = "v\n";
  for (int i = 0; i < 100'000; ++i) csv += std::to_string(i) + "\n";
  try {
    run(csv, {}, "p50:v", 200'000);
    FAIL();
  } catch (const memory_limit_error& e) {
    EXPECT_NE(std::string(e.what()).find("p50:v"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("stored values"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(run(csv, {}, "p50:v", 2'000'000));
}

TEST_F(group_by_test, merging_two_tables_gives_the_table_of_both_inputs) {
  std::ofstream(path_, std::ios::binary) << "k,v\nb,1\na,2\nb,3\nc,4\na,5\n";
  const auto specs = parse_aggregates("count,sum:v,first:v,last:v,p50:v");
  group_by first_half({"k"}, {0}, specs, {0, 1, 1, 1, 1}), second_half({"k"}, {0}, specs, {0, 1, 1, 1, 1});
  io::csv_reader reader(path_.string());
  int i = 0;
  while (const io::csv_row* row = reader.next()) (i++ < 2 ? first_half : second_half).add(*row);
  first_half.merge(second_half);
  table out;
  first_half.for_each_sorted([&](std::span<const io::field> r) {
    out.push_back({std::string(r[0].as_string()), std::to_string(r[1].as_uint()), std::to_string(r[2].as_double()),
                   std::string(r[3].as_string()), std::string(r[4].as_string()), std::to_string(r[5].as_double())});
  });
  EXPECT_EQ(out, (table{{"a", "2", "7.000000", "2", "5", "3.500000"},
                        {"b", "2", "4.000000", "1", "3", "2.000000"},
                        {"c", "1", "4.000000", "4", "4", "4.000000"}}));
}

TEST(group_by, a_column_the_header_does_not_have_is_a_query_error_naming_it) {
  const io::csv_header header({"city", "temp"});
  try {
    group_by(header, {"town"}, parse_aggregates("count"));
    FAIL() << "no query_error";
  } catch (const query_error& e) {
    EXPECT_STREQ(e.what(), "group by: no column named 'town' (columns: city, temp)");
  }
  try {
    group_by(header, {"city"}, parse_aggregates("count,mean:tmp"));
    FAIL() << "no query_error";
  } catch (const query_error& e) {
    EXPECT_STREQ(e.what(), "aggregate mean:tmp: no column named 'tmp' (columns: city, temp)");
  }
}

}  // namespace
