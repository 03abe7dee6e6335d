// Every error path of every data command, through the built executable: the exit code (0 done, 1 bad
// data or failed I/O, 2 bad usage), the message on stderr (`yieldpipe CMD: FILE:LINE:COLUMN: reason`)
// and what a failed run leaves behind: neither its -o file nor a temporary next to it.
//
// Where each cell of the matrix is tested ("here": this file; other names: tests/cli/NAME_test.cpp;
// "n/a": the command has no such input).
//
// malformed row
//   filter, stats, anomalies, moving-average, graph: here (ragged row and unterminated quote under fail;
//     the quote still fails under skip and dead-letter; the ragged row under dead-letter); filter: filter_test
//     (skip counts ragged rows). logs: logs_test (a line that does not parse, under fail, skip and
//     dead-letter); here (no partial file). walk: its bad records are filesystem errors: walk_graph_test
//     (loop, unreadable directory), here (no partial file, a missing DIR under skip). gen: n/a.
// bad number (a field that is not a number where one is needed; an option that is not one)
//   filter: filter_test (--where, fail and dead-letter), here (--select, --head, --threads). stats:
//   stats_test (an aggregate), here (--where, under fail and skip; --max-memory). anomalies:
//   anomalies_test (the column), here (no partial file, --window, --threshold). moving-average:
//   anomalies_test (skip), here (fail, inf, --window). logs: logs_test (a bad date in a line, --since),
//   here (--threads). walk: here (--max-depth). graph: here (--max-depth, --head). gen: gen_test
//   (--rows, --seed).
// bad expression (syntax, wrong type, unknown function; with the caret line)
//   filter: filter_test (syntax, a condition that is a number), here (wrong type, unknown function,
//   unterminated string). stats: stats_test (a caret is shown), here (the whole message). logs: logs_test
//   (--log-format). anomalies, moving-average, walk, graph, gen: n/a (no expressions).
// unknown column
//   filter: filter_test (--where), here (--select). stats: stats_test (--by, --agg), here (--where).
//   anomalies: anomalies_test (--column: the exit code), here (--column, --key, --by, an empty input).
//   moving-average: here (--column, --key). graph: here (an edge list with one column). logs: logs_test
//   (--by). walk, gen: n/a.
// missing file (and a directory given as a file; a glob matching nothing)
//   filter, stats: filter_test, stats_test; here (a directory). logs: logs_test (missing file, glob),
//   here (a directory). anomalies, moving-average, graph: here (missing file, a directory). walk: here
//   (missing DIR, a file as DIR). gen: n/a.
// unwritable output
//   all eight commands: here (-o in a missing folder, -o a directory, -o in a read-only folder, -o
//   /dev/full, standard output on /dev/full); filter and gen also in filter_test and gen_test. A
//   dead-letter file that cannot be written: here, for the seven commands with --on-error. Standard
//   output closed early (`| head -1`): filter_test, gen_test; here for the six others. A failure after
//   megabytes of results (the temporary already written): here, for filter, anomalies, moving-average,
//   logs and walk (stats and graph write nothing before their input is read whole).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>
#include <yieldpipe/io/printable.hpp>

#include "support/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Matcher;

// Row 3 (line 3, byte 19) has two fields instead of three; rows 2 and 4 are good.
constexpr const char* ragged_csv = "id,t,status\n1,2,ok\n2,3\n3,4,ok\n";
// The quote opened at line 3, column 3 is never closed: it runs to the end of the file.
constexpr const char* quoted_csv = "id,t,status\n1,2,ok\n2,\"unterminated,ok\n3,4,ok\n";
// Line 3 holds a t that is not a number.
constexpr const char* bad_number_csv = "id,t,status\n1,2,ok\n2,x,ok\n3,4,ok\n";
constexpr const char* good_csv = "id,t,status\n1,2,ok\n3,4,ok\n";
constexpr const char* ragged_edges = "source,target\na,b\nb\nb,c\n";
constexpr const char* quoted_edges = "source,target\na,b\nb,\"c\nc,d\n";
constexpr const char* good_edges = "source,target\na,b\nb,c\n";
constexpr const char* good_log = "2024-03-01 12:00:07 INFO api: fine\n2024-03-01 12:10:00 ERROR db: refused\n";
constexpr const char* bad_log = "2024-03-01 12:00:07 INFO api: fine\nnot a log line\n";

class error_paths_test : public yieldpipe::test::cli_fixture {
 protected:
  void SetUp() override {
    cli_fixture::SetUp();
    fs::create_directory(root_ / "out");
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(root_ / "out" / "ro", fs::perms::owner_all, ec);
    cli_fixture::TearDown();
  }

  // The names in `dir` (root_/out by default): a failed run must leave none there, neither its result
  // nor the temporary `.result.csv.tmp.XXXXXX` it was writing.
  std::vector<std::string> left_in(const fs::path& dir = {}) const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.empty() ? root_ / "out" : dir))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  // Runs `yieldpipe ARGS` in the test's directory and checks a failed run: exit `code`, stderr as
  // `message` says, nothing on stdout, nothing in out/.
  void expect_failure(const std::string& args, int code, const Matcher<const std::string&>& message) {
    SCOPED_TRACE("yieldpipe " + args);
    EXPECT_EQ(yieldpipe(args), code);
    EXPECT_THAT(err(), message);
    EXPECT_EQ(out(), "");
    EXPECT_THAT(left_in(), IsEmpty());
  }

  // Writes the inputs the commands below read.
  void write_inputs() {
    write("ragged.csv", ragged_csv);
    write("quoted.csv", quoted_csv);
    write("bad_number.csv", bad_number_csv);
    write("good.csv", good_csv);
    write("ragged_edges.csv", ragged_edges);
    write("quoted_edges.csv", quoted_edges);
    write("edges.csv", good_edges);
    write("app.log", good_log);
    write("bad.log", bad_log);
    fs::create_directories(root_ / "tree" / "sub");
    write("tree/a.py", "abc");
    write("tree/sub/b.py", "b");
    fs::create_directory(root_ / "adir");
  }

  // True when a folder's mode keeps this process from creating files in it (false for root).
  static bool permissions_bind(const fs::path& read_only_dir) {
    const fs::path probe = read_only_dir / "probe";
    if (std::ofstream(probe).is_open()) {
      fs::remove(probe);
      return false;
    }
    return true;
  }

  // tree/ with `files` empty files at the bottom of a chain of 14 directories of 240 characters: walk
  // writes about 3.4 kB per file (creating files is slow on some disks, long paths are not).
  void make_deep_tree(int files) const {
    fs::path deepest = root_ / "tree";
    for (char level = 'a'; level < 'a' + 14; ++level) deepest /= std::string(240, level);
    fs::create_directories(deepest);
    for (int i = 0; i < files; ++i) std::ofstream(deepest / ("f" + std::to_string(i)));
  }

  // Runs `yieldpipe ARGS | head -1` with bash in the test's directory: yieldpipe's exit status as
  // PIPESTATUS gives it (-1 if there is none), its stderr in err(), head's line in out().
  int yieldpipe_into_head(const std::string& args) {
    write("pipe.sh", "cd '" + root_.string() + "' || exit 1\n" + YIELDPIPE_CLI + " " + args +
                         " 2>stderr | head -1 >stdout\necho \"${PIPESTATUS[0]}\" >status\n");
    if (shell("bash '" + (root_ / "pipe.sh").string() + "'") != 0) return -1;
    const std::string status = slurp(root_ / "status");
    return status.empty() || status == "\n" ? -1 : std::stoi(status);
  }
};

// A CSV command: its name and what follows the input file on its command line.
struct csv_command {
  const char* name;
  const char* ragged_input;
  const char* quoted_input;
  const char* args;
};

const csv_command csv_commands[] = {
    {"filter", "ragged.csv", "quoted.csv", ""},
    {"stats", "ragged.csv", "quoted.csv", "--agg count,sum:t"},
    {"anomalies", "ragged.csv", "quoted.csv", "--column t"},
    {"anomalies", "ragged.csv", "quoted.csv", "--column t --by status"},
    {"moving-average", "ragged.csv", "quoted.csv", "--column t"},
    {"graph", "ragged_edges.csv", "quoted_edges.csv", "--from a"},
};

// ---- malformed rows ----

TEST_F(error_paths_test, a_ragged_row_fails_every_csv_command_with_its_file_line_and_column) {
  write_inputs();
  for (const csv_command& c : csv_commands) {
    const std::string input = c.ragged_input;
    const std::string expected =
        c.name == std::string("graph") ? "expected 2 fields, found 1" : "expected 3 fields, found 2";
    expect_failure(std::string(c.name) + " " + input + " " + c.args + " -o out/result.csv", 1,
                   "yieldpipe " + std::string(c.name) + ": " + input + ":3:1: " + expected + "\n");
  }
}

TEST_F(error_paths_test, an_unterminated_quote_fails_every_csv_command_whatever_the_error_policy) {
  // The quote runs to the end of the file: there is no record boundary to resume at, so even skip
  // and dead-letter stop (csv_reader's documented difference from Python), and leave no dead-letter file.
  // (--quote: the sniffer, seeing a quote that is never closed, would read the file without quoting.)
  write_inputs();
  for (const csv_command& c : csv_commands)
    for (const char* policy : {"fail", "skip", "dead-letter=out/dead.csv"}) {
      const std::string input = c.quoted_input;
      expect_failure(std::string(c.name) + " " + input + " " + c.args + " --quote '\"' --on-error " + policy +
                         " -o out/result.csv",
                     1,
                     "yieldpipe " + std::string(c.name) + ": " + input +
                         ":3:3: unterminated quoted field: the quote here is never closed\n");
    }
}

TEST_F(error_paths_test, under_dead_letter_the_good_rows_come_out_and_the_ragged_one_is_listed) {
  write_inputs();
  struct expected_run {
    const char* command;
    const char* result;
    const char* dead_letter_row;
  };
  const expected_run runs[] = {
      {"filter ragged.csv", "id,t,status\n1,2,ok\n3,4,ok\n",
       "ragged.csv,3,19,ragged row,\"ragged.csv:3:1: expected 3 fields, found 2\",\"2,3\"\n"},
      {"stats ragged.csv --agg count,sum:t", "count,sum_t\n2,6.0\n",
       "ragged.csv,3,19,ragged row,\"ragged.csv:3:1: expected 3 fields, found 2\",\"2,3\"\n"},
      {"anomalies ragged.csv --column t --by status", "status,rows,anomalies\nok,2,0\n",
       "ragged.csv,3,19,ragged row,\"ragged.csv:3:1: expected 3 fields, found 2\",\"2,3\"\n"},
      {"moving-average ragged.csv --column t", "t,moving_average,count\n2,2.0,1\n4,3.0,2\n",
       "ragged.csv,3,19,ragged row,\"ragged.csv:3:1: expected 3 fields, found 2\",\"2,3\"\n"},
      {"graph ragged_edges.csv --from a", "node,depth\na,0\nb,1\nc,2\n",
       "ragged_edges.csv,3,18,ragged row,\"ragged_edges.csv:3:1: expected 2 fields, found 1\",b\n"},
  };
  for (const expected_run& run : runs) {
    SCOPED_TRACE(run.command);
    const std::string name = std::string(run.command).substr(0, std::string(run.command).find(' '));
    ASSERT_EQ(yieldpipe(std::string(run.command) + " --on-error dead-letter=out/dead.csv -o out/result.csv"), 0)
        << err();
    EXPECT_EQ(slurp(root_ / "out" / "result.csv"), run.result);
    EXPECT_EQ(slurp(root_ / "out" / "dead.csv"),
              std::string("file,line,offset,reason,message,record\n") + run.dead_letter_row);
    EXPECT_EQ(err(), "yieldpipe " + name + ": 1 record rejected: 1 ragged row (written to out/dead.csv)\n");
    EXPECT_EQ(left_in(), (std::vector<std::string>{"dead.csv", "result.csv"}));
    fs::remove(root_ / "out" / "result.csv");
    fs::remove(root_ / "out" / "dead.csv");
  }
}

TEST_F(error_paths_test, walk_of_a_missing_directory_goes_to_the_error_policy) {
  expect_failure("walk missing -o out/result.csv", 1, "yieldpipe walk: missing: No such file or directory\n");
  ASSERT_EQ(yieldpipe("walk missing --on-error skip -o out/result.csv"), 0) << err();
  EXPECT_EQ(slurp(root_ / "out" / "result.csv"), "path,type,size,depth\n");
  EXPECT_EQ(err(), "yieldpipe walk: 1 record rejected: 1 No such file or directory\n");
}

// ---- bad numbers ----

TEST_F(error_paths_test, a_field_that_is_not_a_number_fails_with_its_place_and_leaves_no_file) {
  write_inputs();
  const std::string reason = "bad_number.csv:3:3: column 't': cannot read \"x\" as a number\n";
  expect_failure("filter bad_number.csv --select 'id,twice=t*2' -o out/result.csv", 1, "yieldpipe filter: " + reason);
  expect_failure("stats bad_number.csv --where 't > 1' -o out/result.csv", 1, "yieldpipe stats: " + reason);
  expect_failure("anomalies bad_number.csv --column t -o out/result.csv", 1, "yieldpipe anomalies: " + reason);
  expect_failure("moving-average bad_number.csv --column t -o out/result.csv", 1,
                 "yieldpipe moving-average: " + reason);
  // inf reads as a number but would poison the window.
  write("inf.csv", "t\n1\ninf\n");
  expect_failure("moving-average inf.csv --column t -o out/result.csv", 1,
                 "yieldpipe moving-average: inf.csv:3:1: column 't': not a finite number: \"inf\"\n");
}

TEST_F(error_paths_test, a_field_that_is_not_a_number_in_stats_where_goes_to_skip) {
  write_inputs();
  ASSERT_EQ(yieldpipe("stats bad_number.csv --where 't > 1' --on-error skip -o out/result.csv"), 0) << err();
  EXPECT_EQ(slurp(root_ / "out" / "result.csv"), "count\n2\n");
  EXPECT_EQ(err(), "yieldpipe stats: 1 record rejected: 1 type error\n");
}

TEST_F(error_paths_test, an_option_that_is_not_a_number_is_bad_usage_naming_the_option) {
  write_inputs();
  struct bad_option {
    const char* args;
    const char* says;
  };
  const bad_option cases[] = {
      {"filter good.csv --head -1", "--head: expected a whole number >= 0, got '-1'"},
      {"stats good.csv --threads 0", "--threads: expected a whole number >= 1, got '0'"},
      {"anomalies good.csv --column t --window x", "--window: expected a whole number >= 1, got 'x'"},
      {"moving-average good.csv --column t --window 0", "--window: expected a whole number >= 1, got '0'"},
      {"anomalies good.csv --column t --threshold high", "--threshold = high"},
      {"stats good.csv --threads many", "--threads: expected a whole number >= 1, got 'many'"},
      {"filter good.csv --threads 0", "--threads: expected a whole number >= 1, got '0'"},
      {"walk tree --max-depth deep", "--max-depth = deep"},
      {"graph edges.csv --from a --max-depth x", "--max-depth = x"},
      {"graph edges.csv --from a --head x", "--head = x"},
      {"stats good.csv --max-memory lots", "--max-memory: not a size: lots"},
  };
  for (const bad_option& c : cases) expect_failure(std::string(c.args) + " -o out/result.csv", 2, HasSubstr(c.says));
}

// ---- bad expressions ----

TEST_F(error_paths_test, a_bad_expression_is_shown_with_a_caret_under_the_place) {
  write_inputs();
  expect_failure("filter good.csv --where 'lower(t) > 1' -o out/result.csv", 2,
                 "yieldpipe filter: --where: cannot compare text with a number\n  lower(t) > 1\n           ^\n");
  expect_failure("filter good.csv --where 'foo(t) == 1' -o out/result.csv", 2,
                 "yieldpipe filter: --where: unknown function 'foo' (functions: lower, upper, len, contains, "
                 "starts_with, ends_with, abs)\n  foo(t) == 1\n  ^\n");
  expect_failure("filter good.csv --where 'status == \"ok' -o out/result.csv", 2,
                 "yieldpipe filter: --where: unterminated string\n  status == \"ok\n            ^\n");
  expect_failure("stats good.csv --where 't > ' -o out/result.csv", 2,
                 "yieldpipe stats: --where: expected a value, a column or '(', got end of the expression\n"
                 "  t > \n      ^\n");
  expect_failure("stats good.csv --where 'lower(t) > 1' -o out/result.csv", 2,
                 "yieldpipe stats: --where: cannot compare text with a number\n  lower(t) > 1\n           ^\n");
  expect_failure("stats good.csv --where 't + 1' -o out/result.csv", 2,
                 HasSubstr("yieldpipe stats: --where: a condition must be true or false, not a number\n"));
}

// ---- unknown columns ----

TEST_F(error_paths_test, an_unknown_column_is_bad_usage_naming_the_option_and_the_columns) {
  write_inputs();
  expect_failure("filter good.csv --select 'id,nope' -o out/result.csv", 2,
                 "yieldpipe filter: --select: unknown column 'nope' (columns: id, t, status)\n  nope\n  ^\n");
  expect_failure("filter good.csv --select stauts -o out/result.csv", 2,
                 "yieldpipe filter: --select: unknown column 'stauts' (did you mean 'status'?)\n  stauts\n  ^\n");
  expect_failure("stats good.csv --where 'tt > 1' -o out/result.csv", 2,
                 "yieldpipe stats: --where: unknown column 'tt' (did you mean 't'?)\n  tt > 1\n  ^\n");
  const std::string columns = " (columns: id, t, status)\n";
  expect_failure("anomalies good.csv --column value -o out/result.csv", 2,
                 "yieldpipe anomalies: --column: no column named 'value'" + columns);
  expect_failure("anomalies good.csv --column t --key sensor -o out/result.csv", 2,
                 "yieldpipe anomalies: --key: no column named 'sensor'" + columns);
  expect_failure("anomalies good.csv --column t --by category -o out/result.csv", 2,
                 "yieldpipe anomalies: --by: no column named 'category'" + columns);
  expect_failure("moving-average good.csv --column value -o out/result.csv", 2,
                 "yieldpipe moving-average: --column: no column named 'value'" + columns);
  expect_failure("moving-average good.csv --column t --key sensor -o out/result.csv", 2,
                 "yieldpipe moving-average: --key: no column named 'sensor'" + columns);
  write("empty.csv", "");
  expect_failure(
      "moving-average empty.csv -o out/result.csv", 2,
      "yieldpipe moving-average: --column: no column named 'value' (the input has no header: it is empty)\n");
}

TEST_F(error_paths_test, an_edge_list_needs_two_columns) {
  write("one.csv", "source\na\n");
  expect_failure("graph one.csv --from a -o out/result.csv", 1,
                 "yieldpipe graph: one.csv: an edge list needs two columns (source,target), found 1\n");
}

// ---- missing files ----

TEST_F(error_paths_test, a_missing_file_is_named) {
  for (const char* command : {"anomalies missing.csv", "moving-average missing.csv", "graph missing.csv --from a"}) {
    const std::string args = command;
    expect_failure(
        args + " -o out/result.csv", 1,
        "yieldpipe " + args.substr(0, args.find(' ')) + ": missing.csv: cannot open: No such file or directory\n");
  }
  write("file.csv", good_csv);
  expect_failure("walk file.csv -o out/result.csv", 1, "yieldpipe walk: file.csv: Not a directory\n");
}

TEST_F(error_paths_test, a_directory_given_as_an_input_file_is_named) {
  fs::create_directory(root_ / "adir");
  for (const char* command :
       {"filter adir", "stats adir", "logs adir", "anomalies adir", "moving-average adir", "graph adir --from a"}) {
    const std::string args = command;
    expect_failure(args + " -o out/result.csv", 1,
                   "yieldpipe " + args.substr(0, args.find(' ')) + ": adir: cannot read: is a directory\n");
  }
}

// ---- unwritable outputs ----

// Each command, run on good input: it succeeds when its output can be written.
const char* const writing_commands[] = {
    "filter good.csv",
    "stats good.csv --by status",
    "logs app.log",
    "anomalies good.csv --column t",
    "anomalies good.csv --column t --by status",
    "moving-average good.csv --column t",
    "walk tree",
    "graph edges.csv --from a",
    "gen sensors --rows 10",
};

std::string name_of(const std::string& command) { return command.substr(0, command.find(' ')); }

TEST_F(error_paths_test, every_command_succeeds_on_the_inputs_of_the_output_tests) {
  // Else the failures below could come from the inputs, not from the outputs.
  write_inputs();
  for (const std::string command : writing_commands) {
    SCOPED_TRACE(command);
    EXPECT_EQ(yieldpipe(command + " -o out/result.csv"), 0) << err();
    EXPECT_EQ(err(), "");
    EXPECT_EQ(left_in(), std::vector<std::string>{"result.csv"});
    fs::remove(root_ / "out" / "result.csv");
  }
}

TEST_F(error_paths_test, an_output_in_a_missing_folder_fails_and_creates_nothing) {
  write_inputs();
  for (const std::string command : writing_commands)
    expect_failure(command + " -o out/missing/result.csv", 1,
                   "yieldpipe " + name_of(command) +
                       ": out/missing/result.csv: cannot create a temporary file in out/missing: No such file or "
                       "directory\n");
}

TEST_F(error_paths_test, an_output_that_is_a_directory_fails_and_leaves_it_alone) {
  write_inputs();
  for (const std::string command : writing_commands)
    expect_failure(command + " -o out", 1,
                   "yieldpipe " + name_of(command) + ": out: cannot write: it is a directory\n");
}

TEST_F(error_paths_test, an_output_in_a_read_only_folder_fails_and_creates_nothing) {
  write_inputs();
  const fs::path ro = root_ / "out" / "ro";
  fs::create_directory(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  if (!permissions_bind(ro)) GTEST_SKIP() << "this process writes into a read-only folder (root): nothing to test";
  for (const std::string command : writing_commands) {
    SCOPED_TRACE(command);
    EXPECT_EQ(yieldpipe(command + " -o out/ro/result.csv"), 1);
    EXPECT_EQ(err(), "yieldpipe " + name_of(command) +
                         ": out/ro/result.csv: cannot create a temporary file in out/ro: Permission denied\n");
    EXPECT_THAT(left_in(ro), IsEmpty());
  }
}

TEST_F(error_paths_test, a_full_disk_fails_with_exit_1_and_a_clear_message) {
  write_inputs();
  for (const std::string command : writing_commands) {
    expect_failure(command + " -o /dev/full", 1,
                   "yieldpipe " + name_of(command) + ": /dev/full: byte 0: write failed: No space left on device\n");
    // Standard output on a full disk: the same failure, named <stdout>.
    SCOPED_TRACE(command + " >/dev/full");
    EXPECT_EQ(shell("cd '" + root_.string() + "' && " + YIELDPIPE_CLI + " " + command + " >/dev/full 2>stderr"), 1);
    EXPECT_EQ(err(), "yieldpipe " + name_of(command) + ": <stdout>: byte 0: write failed: No space left on device\n");
  }
}

TEST_F(error_paths_test, a_dead_letter_file_that_cannot_be_written_fails_the_run_and_leaves_no_result) {
  write_inputs();
  // A loop followed under --follow-symlinks is walk's bad record.
  fs::create_directory_symlink("..", root_ / "tree" / "sub" / "up");
  const char* const commands[] = {
      "filter ragged.csv",
      "stats ragged.csv --agg count",
      "logs bad.log",
      "anomalies ragged.csv --column t",
      "moving-average ragged.csv --column t",
      "walk tree --follow-symlinks",
      "graph ragged_edges.csv --from a",
  };
  for (const std::string command : commands) {
    const std::string name = name_of(command);
    expect_failure(command + " --on-error dead-letter=out/missing/dead.csv -o out/result.csv", 1,
                   "yieldpipe " + name +
                       ": out/missing/dead.csv: cannot create a temporary file in out/missing: No such file or "
                       "directory\n");
    expect_failure(command + " --on-error dead-letter=out -o out/result.csv", 1,
                   "yieldpipe " + name + ": out: cannot write: it is a directory\n");
    // /dev/full takes the records and fails when they are handed to it: before the result is committed.
    expect_failure(command + " --on-error dead-letter=/dev/full -o out/result.csv", 1,
                   "yieldpipe " + name + ": /dev/full: byte 0: write failed: No space left on device\n");
  }
}

TEST_F(error_paths_test, a_dead_letter_file_in_a_read_only_folder_fails_the_run) {
  write_inputs();
  const fs::path ro = root_ / "out" / "ro";
  fs::create_directory(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  if (!permissions_bind(ro)) GTEST_SKIP() << "this process writes into a read-only folder (root): nothing to test";
  EXPECT_EQ(yieldpipe("filter ragged.csv --on-error dead-letter=out/ro/dead.csv -o out/result.csv"), 1);
  EXPECT_EQ(err(), "yieldpipe filter: out/ro/dead.csv: cannot create a temporary file in out/ro: Permission denied\n");
  EXPECT_EQ(left_in(), std::vector<std::string>{"ro"});
  EXPECT_THAT(left_in(ro), IsEmpty());
}

TEST_F(error_paths_test, a_closed_standard_output_ends_every_command_quietly_with_0) {
  // Outputs far larger than a pipe's buffer, so that `head` leaves while the command still writes.
  ASSERT_EQ(yieldpipe("gen sensors --rows 50000 -o sensors.csv"), 0) << err();
  ASSERT_EQ(yieldpipe("gen logs --rows 50000 -o app.log"), 0) << err();
  ASSERT_EQ(yieldpipe("gen graph --rows 50000 -o edges.csv"), 0) << err();
  make_deep_tree(100);
  struct piped {
    const char* args;
    const char* first_line;
  };
  const piped runs[] = {
      {"stats sensors.csv --by id", "id,count"},
      {"logs app.log --format csv", "timestamp,level,component,message,file,line"},
      {"anomalies sensors.csv --key sensor --window 20 --threshold 0",
       "id,timestamp,sensor,category,value,temperature,humidity,status,quality_score,location,z_score,mean,std_dev"},
      {"moving-average sensors.csv --key sensor", "sensor,value,moving_average,count"},
      {"walk tree", "path,type,size,depth"},
      {"graph edges.csv --from user_000001 --undirected --order bfs", "node,depth"},
  };
  for (const piped& run : runs) {
    SCOPED_TRACE(run.args);
    EXPECT_EQ(yieldpipe_into_head(run.args), 0);
    EXPECT_EQ(err(), "");
    EXPECT_THAT(out(), HasSubstr(std::string(run.first_line) + "\n"));
  }
}

TEST_F(error_paths_test, a_failure_after_megabytes_of_results_leaves_no_file_and_no_temporary) {
  // Each result is past the output's 1 MiB buffer before the bad record: the temporary file has been
  // written to when the run fails, and must be gone after it.
  const std::string pad(60, 'p');
  std::string csv = "k,pad,t\n";
  for (int i = 0; i < 40000; ++i) csv += "a," + pad + "," + std::to_string(i % 7) + "\n";
  csv += "a," + pad + ",oops\n";
  write("big.csv", csv);
  const std::string line = std::to_string(40002);
  const std::string column = std::to_string(2 + pad.size() + 2);
  const std::string reason = "big.csv:" + line + ":" + column + ": column 't': cannot read \"oops\" as a number\n";
  expect_failure("filter big.csv --where 't >= 0' -o out/result.csv", 1, "yieldpipe filter: " + reason);
  expect_failure("moving-average big.csv --key pad --column t -o out/result.csv", 1,
                 "yieldpipe moving-average: " + reason);
  expect_failure("anomalies big.csv --key k --column t --threshold 0 -o out/result.csv", 1,
                 "yieldpipe anomalies: " + reason);

  std::string log;
  for (int i = 0; i < 20000; ++i)
    log += "2024-03-01 12:00:07 INFO api: request " + std::to_string(i) + " " + pad + "\n";
  log += "2024-13-01 12:00:07 INFO api: bad month\n";
  write("big.log", log);
  expect_failure("logs big.log -o out/result.csv", 1, HasSubstr("yieldpipe logs: big.log:20001:6: "));

  // walk lists the files in name order, then meets the loop in zz/ last.
  make_deep_tree(350);
  fs::create_directories(root_ / "tree" / "zz");
  fs::create_directory_symlink("..", root_ / "tree" / "zz" / "up");
  expect_failure("walk tree --follow-symlinks -o out/result.csv", 1,
                 "yieldpipe walk: tree/zz/up: filesystem loop: leads back to a directory above it\n");
}

// Garbage input (random bytes, as a user who names the wrong file gives) gets messages that are
// printable: valid UTF-8 without control bytes, whatever the bytes were.
TEST_F(error_paths_test, random_bytes_give_printable_messages_from_every_command) {
  std::mt19937 rng(2024);
  for (int seed = 0; seed < 4; ++seed) {
    std::string bytes(100 * 1024, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 7 == 0 ? "\n,\"\r;\t"[rng() % 6] : rng() % 256);
    write("random.bin", bytes);
    for (const char* command :
         {"stats random.bin --by category --agg mean:value", "stats random.bin --no-header --agg mean:c2",
          "filter random.bin --where 'value > 1'", "filter random.bin --on-error skip --select c1",
          "anomalies random.bin --column value --key sensor", "moving-average random.bin --column x", "logs random.bin",
          "logs random.bin --by level --on-error skip", "graph random.bin --from a"}) {
      SCOPED_TRACE(std::string(command) + ", seed " + std::to_string(seed));
      const int status = yieldpipe(command);
      EXPECT_TRUE(status == 0 || status == 1 || status == 2) << status;
      std::istringstream lines(err());
      for (std::string line; std::getline(lines, line);) {
        EXPECT_TRUE(yieldpipe::io::is_printable(line)) << yieldpipe::io::printable(line);
        EXPECT_LT(line.size(), 4000u);  // a garbage "header" is not printed whole
      }
    }
  }
}

}  // namespace
