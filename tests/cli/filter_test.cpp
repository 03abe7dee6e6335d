// `yieldpipe filter`, through the built executable: rows, columns, formats, error policy, exit codes.
#include <gmock/gmock.h>
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
#include "support/compress.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class filter_test : public yieldpipe::test::cli_fixture {
 protected:
  // Runs `yieldpipe filter ARGS` in the test's directory; the exit status.
  int filter(const std::string& args) { return yieldpipe("filter " + args); }
};

constexpr std::string_view readings =
    "id,sensor,t,status\n"
    "1,s1,1.5,active\n"
    "2,s2,,active\n"
    "3,s1,42,idle\n"
    "4,s3,-7,active\n"
    "5,\"s,4\",100,active\n";

TEST_F(filter_test, an_empty_input_is_a_clear_usage_error_not_a_crash) {
  write("empty.csv", "");
  EXPECT_EQ(filter("- --where 'x > 1' <empty.csv"), 2);
  EXPECT_NE(err().find("unknown column 'x' (the input has no header: it is empty)"), std::string::npos) << err();
  EXPECT_EQ(yieldpipe("stats empty.csv"), 0);
  EXPECT_EQ(out(), "count\n0\n");
}

TEST_F(filter_test, where_keeps_the_matching_rows_whole) {
  write("r.csv", std::string(readings));
  ASSERT_EQ(filter("r.csv --where 'status == \"active\" and t > 0'"), 0) << err();
  EXPECT_EQ(out(), "id,sensor,t,status\n1,s1,1.5,active\n5,\"s,4\",100,active\n");
  EXPECT_EQ(err(), "");
}

TEST_F(filter_test, without_a_condition_every_row_is_copied_as_it_is) {
  write("r.csv", std::string(readings));
  ASSERT_EQ(filter("r.csv"), 0) << err();
  EXPECT_EQ(out(), readings);
}

TEST_F(filter_test, select_picks_and_computes_columns) {
  write("r.csv", std::string(readings));
  ASSERT_EQ(filter("r.csv --select 'sensor,id,t_f=t*1.8+32,hot=t > 40,name=upper(sensor)' --where 'id <= 3'"), 0)
      << err();
  EXPECT_EQ(out(),
            "sensor,id,t_f,hot,name\n"
            "s1,1,34.7,False,S1\n"
            "s2,2,,,S2\n"
            "s1,3,107.60000000000001,True,S1\n");
}

TEST_F(filter_test, an_unnamed_expression_is_named_by_its_text_and_commas_inside_it_do_not_split) {
  write("r.csv", std::string(readings));
  ASSERT_EQ(filter("r.csv --select 'id * 10,s=sensor in [\"s1\", \"s3\"],len(sensor)' --head 1"), 0) << err();
  EXPECT_EQ(out(), "id * 10,s,len(sensor)\n10,True,2\n");
}

TEST_F(filter_test, head_stops_after_n_rows) {
  write("r.csv", std::string(readings));
  ASSERT_EQ(filter("r.csv --head 2 --select id"), 0) << err();
  EXPECT_EQ(out(), "id\n1\n2\n");
  ASSERT_EQ(filter("r.csv --head 0 --select id"), 0) << err();
  EXPECT_EQ(out(), "id\n");
  ASSERT_EQ(filter("r.csv --head 1 --where 'status == \"idle\"' --select id"), 0) << err();
  EXPECT_EQ(out(), "id\n3\n");
}

TEST_F(filter_test, jsonl_keeps_text_as_text_and_computed_numbers_as_numbers) {
  write("r.csv", std::string(readings));
  ASSERT_EQ(filter("r.csv --format jsonl --head 2 --select 'id,t,twice=t*2,ok=t is not null'"), 0) << err();
  EXPECT_EQ(out(),
            "{\"id\":\"1\",\"t\":\"1.5\",\"twice\":3,\"ok\":true}\n"
            "{\"id\":\"2\",\"t\":\"\",\"twice\":null,\"ok\":false}\n");
}

TEST_F(filter_test, jsonl_is_exactly_what_pythons_csv_module_reads) {
  if (shell("python3 -c 'import csv, json' 2>/dev/null") != 0) GTEST_SKIP() << "no python3";
  // Random fields with quotes, commas, line breaks, unicode, control characters and empty ones.
  write("make.py",
        "import csv, random\n"
        "random.seed(7)\n"
        "alphabet = ['a', 'b', ' ', ',', '\"', '\\n', '\\r\\n', '\\t', '\\u00e9', '\\u20ac', '\\U0001F600', '1', '.', "
        "'-', "
        "'\\x01', '\\\\', '{', '}']\n"
        "with open('in.csv', 'w', newline='', encoding='utf-8') as f:\n"
        "    w = csv.writer(f)\n"
        "    w.writerow(['id', 'text', 'a b', 'quote\"d', 'n'])\n"
        "    for i in range(2000):\n"
        "        w.writerow([i] + [''.join(random.choice(alphabet) for _ in range(random.randrange(0, 12))) for _ in "
        "range(3)]"
        " + [random.choice(['', '1e3', '-0', 'nan', '007', str(random.random())])])\n");
  write("check.py",
        "import csv, json, sys\n"
        "with open('in.csv', newline='', encoding='utf-8') as f:\n"
        "    expected = list(csv.DictReader(f))\n"
        "with open('stdout', encoding='utf-8', newline='') as f:\n"
        "    lines = f.read().split('\\n')\n"
        "assert lines[-1] == '', 'no final newline'\n"
        "got = [json.loads(line) for line in lines[:-1]]\n"
        "assert len(got) == len(expected), (len(got), len(expected))\n"
        "for e, g in zip(expected, got):\n"
        "    assert list(g.keys()) == list(e.keys()) and g == e, (e, g)\n"
        "print('ok', len(got))\n");
  ASSERT_EQ(shell("cd '" + root_.string() + "' && python3 make.py"), 0);
  ASSERT_EQ(filter("in.csv --format jsonl"), 0) << err();
  EXPECT_EQ(shell("cd '" + root_.string() + "' && python3 check.py >check.out 2>&1"), 0) << slurp(root_ / "check.out");
}

TEST_F(filter_test, reads_standard_input_and_compressed_files) {
  write("r.csv", std::string(readings));
  ASSERT_EQ(filter("- --where 'sensor == \"s1\"' --select id <r.csv"), 0) << err();
  EXPECT_EQ(out(), "id\n1\n3\n");
  ASSERT_EQ(shell("cd '" + root_.string() + "' && gzip -k r.csv"), 0);
  ASSERT_EQ(filter("r.csv.gz --where 'sensor == \"s1\"' --select id"), 0) << err();
  EXPECT_EQ(out(), "id\n1\n3\n");
}

TEST_F(filter_test, a_bad_value_goes_to_the_dead_letter_file_and_the_run_goes_on) {
  std::string csv = "id,t\n";
  for (int i = 1; i <= 1000; ++i) csv += std::to_string(i) + "," + (i == 500 ? "n/a" : std::to_string(i % 7)) + "\n";
  write("big.csv", csv);
  ASSERT_EQ(filter("big.csv --where 't >= 0' --select id --on-error dead-letter=bad.csv -o out.csv"), 0) << err();
  const std::string written = slurp(root_ / "out.csv");
  EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 1 + 999);
  EXPECT_THAT(written, Not(HasSubstr("\n500\n")));
  // Line 501 (the header is line 1); its offset is the bytes of what precedes it.
  const std::size_t offset = csv.find("500,n/a");
  EXPECT_EQ(slurp(root_ / "bad.csv"),
            "file,line,offset,reason,message,record\n"
            "big.csv,501," +
                std::to_string(offset) +
                ",type error,"
                "\"big.csv:501:5: column 't': cannot read \"\"n/a\"\" as a number\",\"500,n/a\"\n");
  EXPECT_EQ(err(), "yieldpipe filter: 1 record rejected: 1 type error (written to bad.csv)\n");
}

TEST_F(filter_test, skip_counts_ragged_rows_and_bad_values) {
  write("r.csv", "id,t\n1,2\n2,3,extra\n3,x\n4,5\n");
  ASSERT_EQ(filter("r.csv --where 't > 0' --on-error skip"), 0) << err();
  EXPECT_EQ(out(), "id,t\n1,2\n4,5\n");
  EXPECT_THAT(err(), HasSubstr("2 records rejected"));
  EXPECT_THAT(err(), HasSubstr("1 type error"));
  EXPECT_THAT(err(), HasSubstr("1 ragged row"));
}

TEST_F(filter_test, by_default_a_bad_value_fails_the_run_and_writes_no_file) {
  write("r.csv", "id,t\n1,2\n2,oops\n");
  EXPECT_EQ(filter("r.csv --where 't > 0' -o out.csv"), 1);
  EXPECT_EQ(err(), "yieldpipe filter: r.csv:3:3: column 't': cannot read \"oops\" as a number\n");
  EXPECT_FALSE(fs::exists(root_ / "out.csv"));
}

TEST_F(filter_test, a_bad_expression_is_a_usage_error_with_a_caret) {
  write("r.csv", std::string(readings));
  EXPECT_EQ(filter("r.csv --where 'stauts == 1' -o out.csv"), 2);
  EXPECT_EQ(err(), "yieldpipe filter: --where: unknown column 'stauts' (did you mean 'status'?)\n  stauts == 1\n  ^\n");
  EXPECT_FALSE(fs::exists(root_ / "out.csv"));
  EXPECT_EQ(filter("r.csv --select 'id,x=t +'"), 2);
  EXPECT_EQ(
      err(),
      "yieldpipe filter: --select: expected a value, a column or '(', got end of the expression\n  t +\n     ^\n");
  EXPECT_EQ(filter("r.csv --where 't * 2'"), 2);
  EXPECT_THAT(err(), HasSubstr("a condition must be true or false, not a number"));
}

TEST_F(filter_test, a_missing_file_is_named) {
  EXPECT_EQ(filter("nowhere.csv"), 1);
  EXPECT_THAT(err(), HasSubstr("yieldpipe filter: nowhere.csv"));
}

TEST_F(filter_test, an_output_in_a_missing_directory_fails_and_leaves_no_file) {
  write("r.csv", std::string(readings));
  EXPECT_EQ(filter("r.csv -o missing/out.csv"), 1);
  EXPECT_THAT(err(), HasSubstr("missing/out.csv"));
  EXPECT_FALSE(fs::exists(root_ / "missing"));
}

TEST_F(filter_test, a_closed_standard_output_ends_the_run_quietly) {
  ASSERT_EQ(shell(std::string(YIELDPIPE_CLI) + " gen sensors --rows 200000 -o '" + (root_ / "s.csv").string() + "'"),
            0);
  const std::string status = (root_ / "status").string();
  ASSERT_EQ(shell("cd '" + root_.string() + "' && { " + YIELDPIPE_CLI +
                  " filter s.csv --where 'quality_score >= 0' 2>stderr; echo $? >status; } | head -1 >stdout"),
            0);
  EXPECT_EQ(slurp(status), "0\n");
  EXPECT_EQ(err(), "");
  EXPECT_THAT(out(), HasSubstr("id,timestamp"));
}

TEST_F(filter_test, help_shows_examples) {
  ASSERT_EQ(filter("--help"), 0);
  EXPECT_THAT(out(), HasSubstr("Examples:"));
  EXPECT_THAT(out(), HasSubstr("--where"));
}

// --threads: pieces formatted on worker threads, written in file order: the bytes of one thread, the
// same dead letters, the same error under fail.
TEST_F(filter_test, any_thread_count_writes_the_bytes_and_the_dead_letters_of_one_thread) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 60000 --seed 9 -o gen.csv"), 0) << err();
  std::string text = slurp(root_ / "gen.csv");
  text.insert(text.find('\n', text.size() / 3) + 1, "1,2,3\n");  // a ragged row inside a piece
  const std::string big = write("big.csv", text).string();
  write("big.csv.gz", yieldpipe::test::gzip(text));
  const std::string query = " --where 'value > 50' --select 'id,sensor,value,temp_f=temperature*1.8+32'";
  for (const char* format : {"csv", "jsonl"}) {
    SCOPED_TRACE(format);
    const std::string args = query + " --format " + format;
    ASSERT_EQ(filter(big + args + " --threads 1 --on-error dead-letter=one.csv"), 0) << err();
    const std::string one = out();
    EXPECT_GT(one.size(), std::size_t{1} << 20);
    for (const char* threads : {"2", "3", "8", ""}) {  // "": the default, one per core
      SCOPED_TRACE(std::string("--threads ") + threads);
      const std::string t = *threads ? std::string(" --threads ") + threads : "";
      ASSERT_EQ(filter(big + args + t + " --on-error dead-letter=many.csv"), 0) << err();
      EXPECT_TRUE(out() == one);
      EXPECT_EQ(slurp(root_ / "many.csv"), slurp(root_ / "one.csv"));
      ASSERT_EQ(filter((root_ / "big.csv.gz").string() + args + t + " --on-error skip"), 0) << err();
      EXPECT_TRUE(out() == one);
      ASSERT_EQ(shell(std::string(YIELDPIPE_CLI) + " filter - " + args + t + " --on-error skip < '" + big + "' > '" +
                      (root_ / "stdin.out").string() + "'"),
                0);
      EXPECT_TRUE(slurp(root_ / "stdin.out") == one);
    }
  }
  // Under fail, the ragged row stops every run with the same message and no output file.
  ASSERT_EQ(filter(big + query + " --threads 1 -o f1.csv"), 1);
  const std::string fail_one = err();
  EXPECT_THAT(fail_one, HasSubstr(big + ":"));
  ASSERT_EQ(filter(big + query + " --threads 3 -o f3.csv"), 1);
  EXPECT_EQ(err(), fail_one);
  EXPECT_FALSE(fs::exists(root_ / "f3.csv"));
}

// Records built to put a quoted line break, a doubled quote, \r\r\n and a quote inside a value at every
// possible cut: a file of several pieces filtered on threads is the file filtered on one.
TEST_F(filter_test, adversarial_records_at_piece_cuts_give_the_bytes_of_one_thread) {
  std::string text =
      "\xEF\xBB\xBF"
      "id,note,value\n";
  for (int i = 0; text.size() < (std::size_t{5} << 20); ++i) {
    switch (i % 5) {
      case 0: text += std::to_string(i) + ",\"two\nlines\"," + std::to_string(i % 97) + "\n"; break;
      case 1: text += std::to_string(i) + ",\"a \"\"quote\"\"\nand more\"," + std::to_string(i % 89) + "\r\n"; break;
      case 2: text += std::to_string(i) + ",mid\"quote," + std::to_string(i % 83) + "\n"; break;
      case 3: text += std::to_string(i) + ",\"\n\n\"," + std::to_string(i % 79) + "\r\r\n"; break;
      default:
        text += std::to_string(i) + ",\"" + std::string(static_cast<std::size_t>(i % 300), 'x') + "\"," +
                std::to_string(i % 71) + "\n";
    }
  }
  text += "last,no line break,60";
  const std::string path = write("adversarial.csv", text).string();
  for (const char* args : {" --where 'value > 40'", " --select 'note,id' --format jsonl", ""}) {
    SCOPED_TRACE(args);
    ASSERT_EQ(filter(path + args + " --threads 1 --on-error dead-letter=one.csv"), 0) << err();
    const std::string one = out();
    for (const char* threads : {"2", "3", "8"}) {
      ASSERT_EQ(filter(path + args + " --threads " + threads + " --on-error dead-letter=many.csv"), 0) << err();
      EXPECT_TRUE(out() == one) << "--threads " << threads;
      EXPECT_EQ(slurp(root_ / "many.csv"), slurp(root_ / "one.csv"));
    }
  }
}

}  // namespace
