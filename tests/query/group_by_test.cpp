// The group-by table: keys in byte order, bad numbers, memory budgets, merging.
#include <gtest/gtest.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/query/group_by.hpp>
#include <yieldpipe/query/query_error.hpp>
#include <yieldpipe/query/reproducible_sum.hpp>

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

  // Runs the table over `csv` and returns its records, as text (null as "~"). `spill_to`: where the
  // table spills past `max_memory` (empty: it stops instead); `runs`: how many runs it ended with.
  std::vector<std::vector<std::string>> run(const std::string& csv, std::vector<std::string> by,
                                            const std::string& aggs, std::uint64_t max_memory = 0,
                                            const std::string& spill_to = {}, std::size_t* runs = nullptr) {
    std::ofstream(path_, std::ios::binary) << csv;
    io::csv_reader reader(path_.string());
    group_by table(*reader.header(), std::move(by), parse_aggregates(aggs), max_memory, std::to_string(max_memory));
    if (!spill_to.empty()) table.spill_to(spill_to);
    while (const io::csv_row* row = reader.next()) table.add(*row);
    if (runs) *runs = table.runs();
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

// A random key: texts that share long prefixes (the radix sort's runs), differ in trailing NUL bytes,
// hold bytes above 0x7f, or are empty.
std::string random_key(std::mt19937_64& g, std::uint64_t space) {
  const std::uint64_t n = g() % space;
  switch (n % 8) {
    case 0: return std::to_string(n);
    case 1: return "sensor_with_a_long_common_prefix_" + std::to_string(n % 400'000);
    case 2: return std::string("k") + std::string(n % 4, '\0');
    case 3: return "\xc3\xa9t\xc3\xa9_" + std::to_string(n % 100);
    case 4: return n % 16 == 4 ? std::string() : std::to_string(n * 7919);
    default: return "g" + std::to_string(n % 4'000'037);
  }
}

std::string csv_quoted(std::string_view text) { return '"' + std::string(text) + '"'; }

// The reference: a std::map of key texts, in the byte order of the texts column by column.
struct reference_group {
  std::uint64_t rows = 0;
  yieldpipe::query::reproducible_sum sum;
  std::uint64_t values = 0;
  double min = 0;
};

std::string number_text(double x) {
  char buf[64];
  return {buf, std::to_chars(buf, buf + sizeof buf, x).ptr};
}

TEST_F(group_by_test, a_million_random_groups_match_an_ordered_map) {
  std::mt19937_64 g(42);
  std::map<std::pair<std::string, std::string>, reference_group> want;
  std::string csv = "a,b,v\n";
  for (int i = 0; i < 1'700'000; ++i) {
    const std::string a = random_key(g, 20'000'000), b = (g() % 3 == 0) ? random_key(g, 8) : std::string("x");
    std::string v;
    if (g() % 10 != 0) v = number_text(static_cast<double>(static_cast<std::int64_t>(g() % 200'001) - 100'000) / 100);
    csv += csv_quoted(a) + "," + csv_quoted(b) + "," + v + "\n";
    reference_group& r = want[{a, b}];
    ++r.rows;
    if (!v.empty()) {
      const double x = std::stod(v);
      r.sum.add(x);
      r.min = r.values++ == 0 ? x : std::min(r.min, x);
    }
  }
  ASSERT_GT(want.size(), 1'000'000u);
  const auto out = run(csv, {"a", "b"}, "count,mean:v,min:v");
  ASSERT_EQ(out.size(), want.size() + 1);
  EXPECT_EQ(out[0], (std::vector<std::string>{"a", "b", "count", "mean_v", "min_v"}));
  std::size_t i = 1;
  for (const auto& [key, r] : want) {
    const std::vector<std::string> expected{
        key.first, key.second, std::to_string(r.rows),
        r.values ? number_text(r.sum.result() / static_cast<double>(r.values)) : "~",
        r.values ? number_text(r.min) : "~"};
    ASSERT_EQ(out[i], expected) << "record " << i;
    ++i;
  }
}

TEST_F(group_by_test, a_table_per_piece_merged_in_order_gives_the_one_table_answer_at_any_cut) {
  std::mt19937_64 g(7);
  std::string csv = "k,v\n";
  for (int i = 0; i < 200'000; ++i)
    csv +=
        csv_quoted(random_key(g, 300'000)) + "," + std::to_string(g() % 1000) + "." + std::to_string(g() % 10) + "\n";
  const std::string aggs = "count,sum:v,mean:v,max:v,first:v,last:v,std:v,p50:v,count_distinct:v";
  const auto whole = run(csv, {"k"}, aggs);
  std::ofstream(path_, std::ios::binary) << csv;
  for (const int pieces : {2, 3, 17}) {
    SCOPED_TRACE(std::to_string(pieces) + " pieces");
    io::csv_reader reader(path_.string());
    const auto specs = parse_aggregates(aggs);
    std::vector<std::unique_ptr<group_by>> tables;
    for (int p = 0; p < pieces; ++p)
      tables.push_back(std::make_unique<group_by>(*reader.header(), std::vector<std::string>{"k"}, specs));
    // Random cuts: piece p takes the rows between cut p - 1 and cut p.
    std::vector<int> cuts;
    for (int p = 0; p + 1 < pieces; ++p) cuts.push_back(static_cast<int>(g() % 200'000));
    std::sort(cuts.begin(), cuts.end());
    int row_number = 0;
    while (const io::csv_row* row = reader.next()) {
      const auto piece = std::upper_bound(cuts.begin(), cuts.end(), row_number++) - cuts.begin();
      tables[static_cast<std::size_t>(piece)]->add(*row);
    }
    // Into an empty table first (as `stats --threads` does), then each later piece in order.
    auto merged = std::make_unique<group_by>(*reader.header(), std::vector<std::string>{"k"}, specs);
    for (int p = 0; p < pieces; ++p) merged->merge(*tables[static_cast<std::size_t>(p)]);
    tables[0] = std::move(merged);
    table out;
    out.push_back(tables[0]->columns());
    tables[0]->for_each_sorted([&](std::span<const io::field> record) {
      auto& line = out.emplace_back();
      for (const io::field& f : record) {
        switch (f.type()) {
          case io::field::kind::null: line.push_back("~"); break;
          case io::field::kind::string: line.emplace_back(f.as_string()); break;
          case io::field::kind::unsigned_integer: line.push_back(std::to_string(f.as_uint())); break;
          case io::field::kind::floating: line.push_back(number_text(f.as_double())); break;
          default: line.push_back("?");
        }
      }
    });
    EXPECT_EQ(out, whole);
  }
}

TEST_F(group_by_test, a_count_and_mean_group_costs_tens_of_bytes) {
  std::string csv = "id,v\n";
  // Each id twice: the keys repeat, so the table stays one (a group per row would turn into runs).
  for (int i = 0; i < 300'000; ++i)
    for (int twice = 0; twice < 2; ++twice)
      csv += std::to_string(1'000'000 + i) + "," + std::to_string(i % 1000) + ".25\n";
  std::ofstream(path_, std::ios::binary) << csv;
  io::csv_reader reader(path_.string());
  group_by t(*reader.header(), {"id"}, parse_aggregates("count,mean:v"));
  while (const io::csv_row* row = reader.next()) t.add(*row);
  ASSERT_EQ(t.groups(), 300'000u);
  ASSERT_EQ(t.runs(), 0u);
  // 16 (key's place) + 7 (its bytes) + 8 (count) + 40 (mean) + 8 to 21 (the index) + the blocks' slack.
  const double per_group = static_cast<double>(t.memory()) / 300'000;
  EXPECT_GT(per_group, 16 + 7 + 8 + 40 + 8);
  EXPECT_LT(per_group, 100);
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

// Rows of `keys` distinct keys in a shuffled order, each key several times, with values, texts and
// empty fields: what a spilled table must give back exactly as one in memory.
std::string many_groups_csv(int rows, int keys) {
  std::mt19937 random(42);
  std::string csv = "k,city,v,t\n";
  const char* cities[] = {"Oslo", "Rome", "Lima"};
  for (int i = 0; i < rows; ++i) {
    const auto key = static_cast<int>(random() % static_cast<unsigned>(keys));
    csv += "u" + std::to_string(key) + "," + cities[random() % 3] + ",";
    if (random() % 20 != 0) csv += std::to_string(static_cast<int>(random() % 20001) - 10000) + ".5";
    csv += ",t" + std::to_string(random() % 7) + "\n";
  }
  return csv;
}

constexpr const char* every_aggregate =
    "count,count:v,sum:v,mean:v,min:v,max:v,var:v,std_pop:v,first:t,last:t,count_distinct:t,p50:v,p90:v";

TEST_F(group_by_test, a_table_that_spills_gives_the_answer_of_one_in_memory) {
  const std::string csv = many_groups_csv(60'000, 9'000);
  const fs::path dir = fs::temp_directory_path() / ("yieldpipe_spill_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const std::vector<std::string>& by : {std::vector<std::string>{"k"}, std::vector<std::string>{"k", "city"}}) {
    const auto expected = run(csv, by, every_aggregate);
    std::size_t runs = 0;
    // 256 KB: many runs, several levels of merging (more than 128 runs).
    EXPECT_EQ(run(csv, by, every_aggregate, 256'000, dir.string(), &runs), expected);
    EXPECT_GT(runs, 1u);
    EXPECT_EQ(run(csv, by, every_aggregate, 4'000'000, dir.string(), &runs), expected);
    EXPECT_TRUE(fs::is_empty(dir)) << "the runs' files have no name";
  }
  // Without spill_to, the same budget stops the table.
  EXPECT_THROW(run(csv, {"k"}, every_aggregate, 256'000), memory_limit_error);
  fs::remove_all(dir);
}

TEST_F(group_by_test, a_group_per_row_becomes_runs_in_memory_with_the_same_answer) {
  // 300,000 keys, each once: the table turns into runs at 131,072 groups, without a budget.
  std::string csv = "k,v\n";
  std::vector<std::string> keys;
  for (std::uint64_t i = 0; i < 300'000; ++i) keys.push_back(std::to_string(i * 7919 % 300'000));
  for (const std::string& k : keys) csv += k + "," + k + "\n";
  std::size_t runs = 0;
  const auto out = run(csv, {"k"}, "count,sum:v,first:v", 0, {}, &runs);
  EXPECT_GE(runs, 2u);
  std::sort(keys.begin(), keys.end());
  ASSERT_EQ(out.size(), keys.size() + 1);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(out[i + 1][0], keys[i]);
    ASSERT_EQ(out[i + 1][1], "1");
    ASSERT_EQ(out[i + 1][3], keys[i]);
  }
}

TEST_F(group_by_test, tables_with_runs_merge_in_input_order) {
  // Four parts of one input, each its own table (spilling, sealed as a worker does), merged in
  // order: first and last as over the whole input.
  const std::string csv = many_groups_csv(200'000, 70'000);
  const auto expected = run(csv, {"k"}, every_aggregate);
  const fs::path dir = fs::temp_directory_path() / ("yieldpipe_spill_merge_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(path_, std::ios::binary) << csv;
  io::csv_reader reader(path_.string());
  const auto specs = parse_aggregates(every_aggregate);
  auto make = [&](std::uint64_t budget) {
    group_by t(*reader.header(), {"k"}, specs, budget, "test");
    t.spill_to(dir.string());
    return t;
  };
  group_by result = make(1'000'000);
  std::vector<group_by> parts;
  for (std::uint64_t budget : {std::uint64_t{300'000}, std::uint64_t{0}, std::uint64_t{2'000'000}, std::uint64_t{0}})
    parts.push_back(make(budget));
  std::size_t row_number = 0;
  while (const io::csv_row* row = reader.next()) parts[row_number++ * 4 / 200'000].add(*row);
  for (group_by& part : parts) {
    part.seal();
    result.merge(part);
  }
  EXPECT_GT(result.runs(), 0u);
  std::vector<std::vector<std::string>> out{result.columns()};
  result.for_each_sorted([&](std::span<const io::field> record) {
    auto& line = out.emplace_back();
    for (const io::field& f : record) {
      if (f.type() == io::field::kind::null)
        line.push_back("~");
      else if (f.type() == io::field::kind::string)
        line.emplace_back(f.as_string());
      else if (f.type() == io::field::kind::unsigned_integer)
        line.push_back(std::to_string(f.as_uint()));
      else {
        char buf[64];
        line.emplace_back(buf, std::to_chars(buf, buf + sizeof buf, f.as_double()).ptr);
      }
    }
  });
  EXPECT_EQ(out, expected);
  fs::remove_all(dir);
}

TEST_F(group_by_test, a_temporary_folder_that_cannot_be_written_is_an_io_error_naming_it) {
  const std::string csv = many_groups_csv(20'000, 9'000);
  try {
    run(csv, {"k"}, "count", 100'000, "/nonexistent/yieldpipe-spill");
    FAIL();
  } catch (const io::io_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/yieldpipe-spill"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("temporary file"), std::string::npos) << e.what();
  }
}

TEST_F(group_by_test, runs_merged_in_parts_on_threads_give_the_records_of_one_merge) {
  const std::string csv = many_groups_csv(200'000, 1'000'000);
  std::ofstream(path_, std::ios::binary) << csv;
  const auto make_table = [&] {
    io::csv_reader reader(path_.string());
    auto t = std::make_unique<group_by>(*reader.header(), std::vector<std::string>{"k", "city"},
                                        parse_aggregates(every_aggregate));
    while (const io::csv_row* row = reader.next()) t->add(*row);
    return t;
  };
  const auto text = [](std::span<const io::field> record) {
    std::string line;
    for (const io::field& f : record) {
      if (f.type() == io::field::kind::string)
        line += f.as_string();
      else if (f.type() == io::field::kind::unsigned_integer)
        line += std::to_string(f.as_uint());
      else if (f.type() == io::field::kind::floating)
        line += std::to_string(f.as_double());
      line += ',';
    }
    return line;
  };
  std::vector<std::string> serial;
  auto one = make_table();
  ASSERT_GE(one->runs(), 1u);  // and the groups after its last run: two to merge
  one->for_each_sorted([&](std::span<const io::field> record) { serial.push_back(text(record)); });
  for (unsigned threads : {1u, 2u, 3u}) {
    std::vector<std::vector<std::string>> parts;
    std::vector<std::size_t> order;
    make_table()->for_each_sorted_in_parts(
        threads, [&](std::size_t n) { parts.resize(n); },
        [&](std::size_t p, std::span<const io::field> record) { parts[p].push_back(text(record)); },
        [&](std::size_t p) { order.push_back(p); });
    if (threads > 1) {
      EXPECT_GT(parts.size(), 4u);
    }
    std::vector<std::string> joined;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      EXPECT_EQ(order[p], p) << "finished in key order";
      joined.insert(joined.end(), parts[p].begin(), parts[p].end());
    }
    EXPECT_EQ(joined, serial) << threads << " threads";
  }
  // An error in a part reaches the caller, once the workers have stopped.
  EXPECT_THROW(make_table()->for_each_sorted_in_parts(
                   2, [](std::size_t) {},
                   [](std::size_t p, std::span<const io::field>) {
                     if (p == 3) throw std::runtime_error("part 3");
                   },
                   [](std::size_t) {}),
               std::runtime_error);
}

TEST_F(group_by_test, keys_that_repeat_far_apart_keep_one_table_after_a_few_runs) {
  // 300,000 keys, each about 4 times, in random order: every stretch of 131,072 groups looks new, but
  // the distinct keys seen fall behind the rows, and the table then grows rather than writing a run
  // every 150,000 rows (which would hold about as many records as rows).
  const std::string csv = many_groups_csv(1'200'000, 300'000);
  std::size_t runs = 0;
  const auto out = run(csv, {"k"}, "count", 0, {}, &runs);
  EXPECT_GE(runs, 1u);
  EXPECT_LE(runs, 4u);
  std::uint64_t rows = 0;
  for (std::size_t i = 1; i < out.size(); ++i) rows += std::stoull(out[i][1]);
  EXPECT_EQ(rows, 1'200'000u);
  EXPECT_GT(out.size(), 290'000u);
}

}  // namespace
