// `yieldpipe stats` through the built executable: grouping, formats, the error policy, limits, exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "support/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;

class stats_test : public yieldpipe::test::cli_fixture {
 protected:
  // Runs `yieldpipe stats ARGS` in the test's directory; the exit status.
  int stats(const std::string& args, const std::string& stdin_from = "/dev/null") {
    return yieldpipe("stats " + args, stdin_from);
  }
};

constexpr std::string_view sample =
    "city,kind,temp,note\n"
    "paris,a,10,x\n"
    "berlin,b,20,\n"
    "paris,b,,y\n"
    "athens,a,30,z\n"
    "paris,a,14,x\n";

TEST_F(stats_test, without_by_one_record_for_the_whole_input) {
  const auto file = write("s.csv", std::string(sample));
  ASSERT_EQ(stats(file.string() + " --agg count,sum:temp,mean:temp,min:temp,max:temp,count:temp"), 0) << err();
  EXPECT_EQ(out(), "count,sum_temp,mean_temp,min_temp,max_temp,count_temp\n5,74.0,18.5,10.0,30.0,4\n");
  ASSERT_EQ(stats(file.string()), 0) << err();
  EXPECT_EQ(out(), "count\n5\n") << "count is the default";
}

TEST_F(stats_test, by_one_column_sorted_by_key) {
  const auto file = write("s.csv", std::string(sample));
  ASSERT_EQ(stats(file.string() + " --by city --agg count,mean:temp,count_distinct:note,first:note,last:note"), 0)
      << err();
  EXPECT_EQ(out(),
            "city,count,mean_temp,count_distinct_note,first_note,last_note\n"
            "athens,1,30.0,1,z,z\n"
            "berlin,1,20.0,0,,\n"
            "paris,3,12.0,2,x,x\n");
}

TEST_F(stats_test, by_two_columns) {
  const auto file = write("s.csv", std::string(sample));
  ASSERT_EQ(stats(file.string() + " --by city,kind --agg count,max:temp"), 0) << err();
  EXPECT_EQ(out(), "city,kind,count,max_temp\nathens,a,1,30.0\nberlin,b,1,20.0\nparis,a,2,14.0\nparis,b,1,\n");
  ASSERT_EQ(stats(file.string() + " --by kind --by city --agg count"), 0) << err();
  EXPECT_EQ(out(), "kind,city,count\na,athens,1\na,paris,2\nb,berlin,1\nb,paris,1\n");
}

TEST_F(stats_test, formats_and_standard_input) {
  const auto file = write("s.csv", std::string(sample));
  ASSERT_EQ(stats("- --by kind --agg count,mean:temp --format jsonl", file.string()), 0) << err();
  EXPECT_EQ(out(),
            "{\"kind\":\"a\",\"count\":3,\"mean_temp\":18.0}\n{\"kind\":\"b\",\"count\":2,\"mean_temp\":20.0}\n");
  ASSERT_EQ(stats(file.string() + " --by kind --agg count,mean:temp --format tsv"), 0) << err();
  EXPECT_EQ(out(), "kind\tcount\tmean_temp\na\t3\t18.0\nb\t2\t20.0\n");
  ASSERT_EQ(stats(file.string() + " --by kind --agg count,mean:temp --format table"), 0) << err();
  EXPECT_EQ(out(), "kind  count  mean_temp\n----  -----  ---------\na         3       18.0\nb         2       20.0\n");
  const fs::path result = root_ / "result.csv";
  ASSERT_EQ(stats(file.string() + " --by kind -o " + result.string()), 0) << err();
  EXPECT_EQ(slurp(result), "kind,count\na,3\nb,2\n");
}

TEST_F(stats_test, numbers_print_in_the_shortest_form_that_reads_back) {
  // 0.1 + 0.2 is not 0.3: the mean keeps every digit it has, and no more.
  const auto file = write("n.csv", "v\n0.1\n0.2\n1e300\n-1e300\n");
  ASSERT_EQ(stats(file.string() + " --agg sum:v,max:v"), 0) << err();
  EXPECT_EQ(out(), "sum_v,max_v\n0.30000000000000004,1e+300\n");
  const auto third = write("t.csv", "v\n1\n1\n2\n");
  ASSERT_EQ(stats(third.string() + " --agg mean:v"), 0) << err();
  const std::string text = out().substr(out().find('\n') + 1);
  EXPECT_EQ(std::strtod(text.c_str(), nullptr), 4.0 / 3.0);
  EXPECT_EQ(text, "1.3333333333333333\n");
}

TEST_F(stats_test, sums_do_not_drift_with_the_row_count) {
  std::string csv = "v\n100000000\n";
  for (int i = 0; i < 1'000'000; ++i) csv += "0.1\n";
  const auto file = write("drift.csv", csv);
  ASSERT_EQ(stats(file.string() + " --agg sum:v"), 0) << err();
  EXPECT_EQ(out(), "sum_v\n100100000.0\n");  // a plain sum gives 100099999.99403954
}

TEST_F(stats_test, one_bad_number_among_a_thousand_rows_goes_to_the_dead_letter_file) {
  std::string csv = "k,v\n";
  for (int i = 1; i <= 1000; ++i) csv += (i == 500 ? std::string("a,n/a") : "a," + std::to_string(i)) + "\n";
  const auto file = write("bad.csv", csv);
  const fs::path dead = root_ / "dead.csv";
  ASSERT_EQ(stats(file.string() + " --by k --agg count,sum:v --on-error dead-letter=" + dead.string()), 0) << err();
  EXPECT_EQ(out(), "k,count,sum_v\na,999,500000.0\n");
  const std::string letters = slurp(dead);
  EXPECT_NE(letters.find("file,line,offset,reason,message,record"), std::string::npos) << letters;
  EXPECT_NE(letters.find(",501,"), std::string::npos) << letters;
  EXPECT_NE(letters.find("type error"), std::string::npos) << letters;
  EXPECT_NE(letters.find("a,n/a"), std::string::npos) << letters;
  EXPECT_NE(err().find("1 record rejected: 1 type error"), std::string::npos) << err();

  ASSERT_EQ(stats(file.string() + " --by k --agg count --agg sum:v --on-error skip"), 0) << err();
  EXPECT_EQ(out(), "k,count,sum_v\na,999,500000.0\n");
}

TEST_F(stats_test, a_bad_number_fails_the_run_by_default_with_no_partial_output) {
  const auto file = write("bad.csv", "k,v\na,1\na,oops\n");
  const fs::path result = root_ / "result.csv";
  ASSERT_EQ(stats(file.string() + " --agg sum:v -o " + result.string()), 1);
  EXPECT_NE(err().find("bad.csv:3:3: column 'v': cannot read \"oops\" as a number"), std::string::npos) << err();
  EXPECT_FALSE(fs::exists(result));
  ASSERT_EQ(stats(file.string() + " --agg sum:v"), 1);
  EXPECT_EQ(out(), "");
}

TEST_F(stats_test, where_filters_the_rows_first) {
  const auto file = write("s.csv", std::string(sample));
  ASSERT_EQ(stats(file.string() + " --where 'temp >= 14 and kind == \"a\"' --by city --agg count,mean:temp"), 0)
      << err();
  EXPECT_EQ(out(), "city,count,mean_temp\nathens,1,30.0\nparis,1,14.0\n");
  EXPECT_EQ(stats(file.string() + " --where 'temp >>= 3'"), 2);
  EXPECT_NE(err().find('^'), std::string::npos) << err();
}

TEST_F(stats_test, too_many_groups_for_max_memory_with_no_spill_exit_1_naming_the_operator_and_the_figure) {
  std::string csv = "id,v\n";
  for (int i = 0; i < 20'000; ++i) csv += std::to_string(i) + ",1\n";
  const auto file = write("many.csv", csv);
  ASSERT_EQ(stats(file.string() + " --by id --max-memory 100kB --threads 1 --no-spill"), 1);
  EXPECT_NE(err().find("--by id"), std::string::npos) << err();
  EXPECT_NE(err().find("--max-memory 100kB (100,000 bytes)"), std::string::npos) << err();
  EXPECT_EQ(out(), "");
  // With threads, each piece's table has its share, and the message says so.
  ASSERT_EQ(stats(file.string() + " --by id --max-memory 100kB --threads 2 --no-spill"), 1);
  EXPECT_NE(err().find("--max-memory 100kB / 2 threads (50,000 bytes)"), std::string::npos) << err();
  EXPECT_EQ(out(), "");
  ASSERT_EQ(stats(file.string() + " --agg p99:v --max-memory 100kB"), 1);
  EXPECT_NE(err().find("p99:v would pass --max-memory"), std::string::npos) << err();
  ASSERT_EQ(stats(file.string() + " --by id --max-memory 100MB"), 0) << err();
}

TEST_F(stats_test, bad_usage_exits_2) {
  const auto file = write("s.csv", std::string(sample));
  EXPECT_EQ(stats(file.string() + " --agg median:temp"), 2);
  EXPECT_NE(err().find("unknown function 'median'"), std::string::npos) << err();
  EXPECT_EQ(stats(file.string() + " --agg mean"), 2);
  EXPECT_EQ(stats(file.string() + " --max-memory lots"), 2);
  EXPECT_EQ(stats(file.string() + " --format xml"), 2);
  EXPECT_EQ(stats(file.string() + " --on-error maybe"), 2);
}

TEST_F(stats_test, an_unknown_column_exits_2_naming_the_columns) {
  const auto file = write("s.csv", std::string(sample));
  EXPECT_EQ(stats(file.string() + " --by town"), 2);
  EXPECT_NE(err().find("--by: no column named 'town' (columns: city, kind, temp, note)"), std::string::npos) << err();
  EXPECT_EQ(stats(file.string() + " --agg mean:tmp"), 2);
  EXPECT_NE(err().find("'tmp'"), std::string::npos) << err();
}

TEST_F(stats_test, a_missing_file_exits_1_naming_it) {
  const fs::path missing = root_ / "missing.csv";
  EXPECT_EQ(stats(missing.string()), 1);
  EXPECT_NE(err().find(missing.string()), std::string::npos) << err();
}

TEST_F(stats_test, help_shows_examples) {
  ASSERT_EQ(stats("--help"), 0);
  EXPECT_NE(out().find("yieldpipe stats sensors.csv --by category --agg count,mean:value"), std::string::npos) << out();
  EXPECT_NE(out().find("mean_value"), std::string::npos) << out();
}

}  // namespace

namespace {

// --threads reads the file in pieces (exec layer): the same bytes out, sums, means and deviations included
// (their sums are exact), and the same rejects.
TEST_F(stats_test, any_thread_count_gives_the_bytes_and_the_dead_letters_of_one_thread) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 90000 --seed 5 -o gen.csv"), 0) << err();
  std::string text = slurp(root_ / "gen.csv");
  // Bad rows in the middle of pieces: a ragged one and one whose value is not a number.
  const std::size_t third = text.find('\n', text.size() / 3) + 1;
  text.insert(third, "1,2,3\n");
  const std::size_t two_thirds = text.find('\n', text.size() * 2 / 3) + 1;
  const std::size_t value_at = text.find(',', text.find(',', text.find(',', text.find(',', two_thirds) + 1) + 1) + 1);
  text.insert(value_at + 1, "n/a");
  const auto file = write("big.csv", text).string();
  const std::string query =
      " --where 'quality_score >= 0.5' --by category,status --agg "
      "count,sum:value,mean:value,min:temperature,max:temperature,std:value,first:id,last:id,"
      "p90:value,count_distinct:sensor";
  ASSERT_EQ(stats(file + query + " --on-error dead-letter=one.csv --threads 1"), 0) << err();
  const std::string one = out();
  const std::string one_err = err();
  for (const char* threads : {"2", "3", "4", "7", "8", ""}) {  // "": the default, one per core
    SCOPED_TRACE(std::string("--threads ") + threads);
    ASSERT_EQ(stats(file + query + " --on-error dead-letter=many.csv" + (*threads ? " --threads " : "") + threads), 0)
        << err();
    EXPECT_EQ(out(), one);
    EXPECT_EQ(err(), one_err.substr(0, one_err.find("one.csv")) + "many.csv)\n");
    EXPECT_EQ(slurp(root_ / "many.csv"), slurp(root_ / "one.csv"));
  }
  EXPECT_NE(one_err.find("2 records rejected"), std::string::npos) << one_err;
  // Under fail, the first bad row stops the run with the message one thread gives.
  EXPECT_EQ(stats(file + query + " --threads 4"), 1);
  EXPECT_NE(err().find(file + ":"), std::string::npos) << err();
  const std::string fail_many = err();
  EXPECT_EQ(stats(file + query + " --threads 1"), 1);
  EXPECT_EQ(err(), fail_many);
}

// One group per row (and per two text keys): the table of each piece merged in file order gives the bytes
// of one thread, at any thread count.
TEST_F(stats_test, a_group_per_row_gives_the_same_bytes_at_any_thread_count) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 120000 --seed 9 -o ids.csv"), 0) << err();
  const auto file = (root_ / "ids.csv").string();
  for (const char* query : {" --by id --agg count,mean:value,sum:temperature,first:sensor,last:status",
                            " --by timestamp,sensor --agg count,mean:value,max:humidity"}) {
    SCOPED_TRACE(query);
    ASSERT_EQ(stats(file + query + " --threads 1"), 0) << err();
    const std::string one = out();
    EXPECT_GT(std::count(one.begin(), one.end(), '\n'), 100'000);
    for (const char* threads : {"2", "3", "8"}) {
      ASSERT_EQ(stats(file + query + " --threads " + threads), 0) << err();
      EXPECT_EQ(out(), one) << "--threads " << threads;
    }
  }
}

TEST_F(stats_test, groups_past_max_memory_spill_and_give_the_same_bytes) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 60000 --seed 4 -o g.csv"), 0) << err();
  const auto file = (root_ / "g.csv").string();
  const fs::path spill = root_ / "spill";
  fs::create_directories(spill);
  for (const char* query : {" --by id --agg count,mean:value,first:sensor,last:status,count_distinct:status,p50:value",
                            " --by sensor,status --agg count,std:value,p90:humidity,first:id,last:id"}) {
    SCOPED_TRACE(query);
    ASSERT_EQ(stats(file + query + " --threads 1 --max-memory 0"), 0) << err();
    const std::string expected = out();
    for (const char* threads : {"1", "2", "3"}) {
      ASSERT_EQ(
          stats(file + query + " --threads " + threads + " --max-memory 1MB --verbose --temp-dir " + spill.string()), 0)
          << err();
      EXPECT_EQ(out(), expected) << "--threads " << threads;
      EXPECT_TRUE(fs::is_empty(spill)) << "the runs' files have no name";
    }
  }
  ASSERT_EQ(stats(file + " --by id --threads 1 --max-memory 1MB --verbose --temp-dir " + spill.string()), 0);
  EXPECT_NE(err().find("sorted runs spilled to " + spill.string()), std::string::npos) << err();
}

TEST_F(stats_test, a_temporary_folder_that_fills_up_exits_1_naming_it_with_no_output) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 60000 --seed 4 -o g.csv"), 0) << err();
  // A file size limit of 1 MiB stands for a full disk (writes past it fail with EFBIG, as they would
  // with ENOSPC); the result, written only once the input is read whole, would be smaller.
  const std::string command = "cd '" + root_.string() + "' && trap '' XFSZ && ulimit -f 1024 && " +
                              std::string(YIELDPIPE_CLI) +
                              " stats g.csv --by id --agg count,first:location --threads 1 --max-memory 1MB "
                              "--temp-dir . >stdout 2>stderr";
  EXPECT_EQ(shell(command), 1) << err();
  EXPECT_NE(err().find(".: cannot write a temporary file"), std::string::npos) << err();
  EXPECT_NE(err().find("--temp-dir"), std::string::npos) << err();
  EXPECT_EQ(out(), "") << "nothing is written before the input is read whole";
  for (const auto& entry : fs::directory_iterator(root_)) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "g.csv" || name == "stdout" || name == "stderr") << name << " left in the temporary folder";
  }
}

TEST_F(stats_test, no_spill_and_temp_dir_are_checked) {
  const auto file = write("s.csv", std::string(sample));
  EXPECT_EQ(stats(file.string() + " --by city --temp-dir /nonexistent/folder"), 2);
  EXPECT_NE(err().find("--temp-dir /nonexistent/folder"), std::string::npos) << err();
  ASSERT_EQ(stats(file.string() + " --by city --no-spill --max-memory 1MB"), 0) << err();
  EXPECT_EQ(out(), "city,count\nathens,1\nberlin,1\nparis,3\n");
}

}  // namespace
