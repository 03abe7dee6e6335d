// `yieldpipe load` into SQLite: what reaches the table, what is set aside, and what --resume does.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/cli_fixture.hpp"

namespace {

class load_test : public yieldpipe::test::cli_fixture {
 protected:
  // sqlite3's output for `sql` on db.sqlite in the test's directory.
  std::string sql(const std::string& query) {
    EXPECT_EQ(shell("cd '" + root_.string() + "' && sqlite3 db.sqlite \"" + query + "\" > sql.out 2>&1"), 0)
        << slurp(root_ / "sql.out");
    return slurp(root_ / "sql.out");
  }
  static std::string rows_csv(int n) {
    std::string out;
    for (int i = 1; i <= n; ++i) out += std::to_string(i) + ",v" + std::to_string(i) + "\n";
    return out;
  }
};

TEST_F(load_test, a_csv_file_loads_with_inferred_types_nulls_and_leading_zeros_kept) {
  write("in.csv", "id,price,zip,note\n1,2.5,02134,a\n2,3,10001,\n3,,00501,\"x, y\"\n");
  ASSERT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t"), 0) << err();
  EXPECT_NE(err().find("3 rows into t (sqlite:db.sqlite) in 1 batch"), std::string::npos) << err();
  EXPECT_EQ(sql("SELECT id, typeof(id), price, typeof(price), zip, typeof(zip), quote(note) FROM t ORDER BY id"),
            "1|integer|2.5|real|02134|text|'a'\n"
            "2|integer|3.0|real|10001|text|NULL\n"
            "3|integer||null|00501|text|'x, y'\n");
  EXPECT_EQ(sql("SELECT complete, row_count, batches FROM yieldpipe_load_state WHERE table_name = 't'"), "1|3|1\n");
}

TEST_F(load_test, a_value_late_in_the_file_widens_its_column_instead_of_failing) {
  std::string csv = "id,n\n";
  for (int i = 1; i <= 10; ++i) csv += std::to_string(i) + "," + std::to_string(i * 10) + "\n";
  csv += "11,n/a\n";
  write("in.csv", csv);
  ASSERT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --batch 3"), 0) << err();
  EXPECT_EQ(sql("SELECT type FROM pragma_table_info('t') WHERE name = 'n'"), "TEXT\n");
  EXPECT_EQ(sql("SELECT count(*), min(n), max(n) FROM t"), "11|10|n/a\n");
  EXPECT_EQ(sql("SELECT batches FROM yieldpipe_load_state"), "4\n");
}

TEST_F(load_test, json_lines_keep_strings_as_text_and_add_keys_that_come_late) {
  write("in.jsonl",
        "{\"id\": 1, \"code\": \"007\", \"x\": 1.0, \"ok\": true}\n"
        "{\"id\": 2, \"code\": \"12\", \"x\": 2.5e1, \"ok\": false, \"tags\": [\"a\", 1]}\n"
        "{\"id\": 3, \"code\": null, \"x\": 3}\n");
  ASSERT_EQ(yieldpipe("load in.jsonl --into sqlite:db.sqlite --table t"), 0) << err();
  EXPECT_EQ(sql("SELECT id, code, typeof(code), x, typeof(x), ok, quote(tags) FROM t ORDER BY id"),
            "1|007|text|1.0|real|true|NULL\n"
            "2|12|text|25.0|real|false|'[\"a\",1]'\n"
            "3||null|3.0|real||NULL\n");
}

TEST_F(load_test, compressed_files_and_standard_input_load_the_same) {
  write("in.csv", "id,name\n" + rows_csv(50));
  ASSERT_EQ(shell("cd '" + root_.string() + "' && gzip -k in.csv"), 0);
  ASSERT_EQ(yieldpipe("load in.csv.gz --into sqlite:db.sqlite --table gz --batch 7"), 0) << err();
  ASSERT_EQ(yieldpipe("load - --into sqlite:db.sqlite --table piped", (root_ / "in.csv").string()), 0) << err();
  EXPECT_EQ(sql("SELECT count(*), sum(id) FROM gz"), "50|1275\n");
  EXPECT_EQ(sql("SELECT count(*) FROM (SELECT * FROM gz EXCEPT SELECT * FROM piped)"), "0\n");
  EXPECT_EQ(yieldpipe("load - --into sqlite:db.sqlite --table piped --resume", (root_ / "in.csv").string()), 2);
  EXPECT_NE(err().find("standard input cannot be read again"), std::string::npos) << err();
}

TEST_F(load_test, a_value_that_does_not_fit_a_declared_type_goes_to_the_dead_letter_and_its_neighbours_load) {
  write("in.csv", "id,n\n1,10\n2,x\n3,30\n");
  ASSERT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --types n:integer,id:text "
                      "--on-error dead-letter=bad.csv"),
            0)
      << err();
  EXPECT_EQ(sql("SELECT id, typeof(id), n FROM t ORDER BY n"), "1|text|10\n3|text|30\n");
  const std::string bad = slurp(root_ / "bad.csv");
  EXPECT_NE(bad.find("in.csv,3,10,type,"), std::string::npos) << bad;
  EXPECT_NE(bad.find("column \"\"n\"\": \"\"x\"\" is not an integer"), std::string::npos) << bad;
  EXPECT_NE(err().find("1 record rejected: 1 type"), std::string::npos) << err();
}

TEST_F(load_test, every_row_set_aside_is_in_the_rejects_table_with_its_batch) {
  write("in.csv", "id,n\n1,10\n2,x\n3\n4,40\n5,50,5\n6,60\n");
  ASSERT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --types n:integer --batch 2 --on-error skip"), 0)
      << err();
  EXPECT_EQ(sql("SELECT group_concat(id) FROM (SELECT id FROM t ORDER BY id)"), "1,4,6\n");
  // The reader's (ragged rows) and the loader's (type) alike, each committed with the batch of its stretch.
  EXPECT_EQ(sql("SELECT line, reason, record FROM yieldpipe_load_rejects ORDER BY line"),
            "3|type|2,x\n4|ragged row|3\n6|ragged row|5,50,5\n");
  write("in.jsonl", "{\"a\": 1}\nnot json\n{\"a\": 2}\n");
  ASSERT_EQ(yieldpipe("load in.jsonl --into sqlite:db.sqlite --table j --on-error skip"), 0) << err();
  EXPECT_EQ(sql("SELECT line, reason FROM yieldpipe_load_rejects WHERE table_name = 'j'"), "2|invalid JSON\n");
}

TEST_F(load_test, without_a_policy_a_bad_value_fails_with_its_line_and_keeps_the_batches_before) {
  write("in2.csv", "id\n1\n2\n3\nfour\n");
  EXPECT_EQ(yieldpipe("load in2.csv --into sqlite:db.sqlite --table u --types id:integer --batch 2"), 1);
  EXPECT_NE(err().find("in2.csv:5: column \"id\": \"four\" is not an integer"), std::string::npos) << err();
  EXPECT_EQ(sql("SELECT count(*) FROM u"), "2\n");
  EXPECT_EQ(sql("SELECT batches, row_count, complete FROM yieldpipe_load_state WHERE table_name = 'u'"), "1|2|0\n");
}

TEST_F(load_test, resume_goes_on_after_the_last_committed_batch_exactly_once) {
  // The first run fails at line 5, after one committed batch.
  write("in.csv", "id,n\n1,1\n2,2\n3,3\n4,oops\n5,5\n6,6\n7,7\n");
  EXPECT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --types n:integer --batch 3"), 1);
  EXPECT_EQ(sql("SELECT count(*) FROM t"), "3\n");
  // Resumed with a policy that sets the bad row aside: lines 5 to 8, once.
  ASSERT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --batch 3 --resume --on-error skip"), 0) << err();
  EXPECT_EQ(sql("SELECT group_concat(id) FROM (SELECT id FROM t ORDER BY id)"), "1,2,3,5,6,7\n");
  EXPECT_EQ(sql("SELECT complete, row_count FROM yieldpipe_load_state"), "1|6\n");
  // Complete: another --resume loads nothing.
  ASSERT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --resume"), 0) << err();
  EXPECT_NE(err().find("complete already (6 rows"), std::string::npos) << err();
  EXPECT_EQ(sql("SELECT count(*) FROM t"), "6\n");
}

TEST_F(load_test, resume_refuses_a_file_that_changed_and_a_table_never_loaded) {
  write("in.csv", "id,n\n1,1\n2,2\n3,x\n");
  EXPECT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --types n:integer --batch 2"), 1);
  write("in.csv", "id,n\n1,1\n2,2\n3,3\n");
  EXPECT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --resume"), 1);
  EXPECT_NE(err().find("is not the file the load into \"t\" was reading"), std::string::npos) << err();
  EXPECT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table other --resume"), 1);
  EXPECT_NE(err().find("nothing to resume"), std::string::npos) << err();
}

TEST_F(load_test, an_existing_table_needs_append_or_replace) {
  write("in.csv", "id\n1\n");
  ASSERT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t"), 0) << err();
  EXPECT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t"), 1);
  EXPECT_NE(err().find("exists already"), std::string::npos) << err();
  ASSERT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --mode append"), 0) << err();
  EXPECT_EQ(sql("SELECT count(*) FROM t"), "2\n");
  ASSERT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --mode replace"), 0) << err();
  EXPECT_EQ(sql("SELECT count(*) FROM t"), "1\n");
}

TEST_F(load_test, bad_usage_is_exit_2_and_a_bad_target_exit_1) {
  write("in.csv", "id\n1\n");
  EXPECT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --types id:date"), 2);
  EXPECT_NE(err().find("date is not a type"), std::string::npos) << err();
  EXPECT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --types nope:text"), 2);
  EXPECT_NE(err().find("no column 'nope'"), std::string::npos) << err();
  EXPECT_EQ(yieldpipe("load in.csv --into mysql://x --table t"), 1);
  EXPECT_NE(err().find("expected sqlite:PATH or postgresql://"), std::string::npos) << err();
  EXPECT_EQ(yieldpipe("load in.csv --into sqlite:/nonexistent/dir/db.sqlite --table t"), 1);
  EXPECT_NE(err().find("cannot open"), std::string::npos) << err();
}

TEST_F(load_test, a_full_disk_fails_clearly_and_leaves_the_committed_batches_resumable) {
  std::string csv = "id,name\n";
  for (int i = 1; i <= 20000; ++i)
    csv += std::to_string(i) + ",name-" + std::to_string(i) + "-xxxxxxxxxxxxxxxxxxxxxxxx\n";
  write("in.csv", csv);
  // A file size limit stands for the full disk: writes past it fail with EFBIG (SIGXFSZ ignored).
  EXPECT_EQ(shell("cd '" + root_.string() + "' && sh -c \"trap '' XFSZ; ulimit -f 400; " + YIELDPIPE_CLI +
                  " load in.csv --into sqlite:db.sqlite --table t --batch 1000\" 2>err.txt"),
            1);
  const std::string message = slurp(root_ / "err.txt");
  EXPECT_NE(message.find(
                "yieldpipe load: sqlite:db.sqlite: disk I/O error (a write failed: a full disk or a file size limit)"),
            std::string::npos)
      << message;
  const std::string committed = sql("SELECT count(*) || '|' || max(id) FROM t");
  EXPECT_EQ(sql("SELECT row_count || '|' || row_count FROM yieldpipe_load_state"), committed);
  EXPECT_NE(committed, "20000|20000\n");
  ASSERT_EQ(yieldpipe("load in.csv --into sqlite:db.sqlite --table t --batch 1000 --resume"), 0) << err();
  EXPECT_EQ(sql("SELECT count(*), count(DISTINCT id), sum(id) FROM t"), "20000|20000|200010000\n");
}

TEST_F(load_test, sigint_rolls_the_current_batch_back_and_exits_130) {
  // Standard input from a named pipe that this test holds open: two batches of 1,000 rows commit, the
  // third waits for rows that do not come until the signal. Rows of 40 bytes: more than the 64 KiB
  // the dialect is sniffed from.
  ASSERT_EQ(shell("mkfifo '" + (root_ / "in.fifo").string() + "'"), 0);
  std::thread loader([&] {
    // A background job of a shell ignores SIGINT (POSIX, without job control): env gives it back.
    shell("cd '" + root_.string() + "' || exit; env --default-signal=INT " + YIELDPIPE_CLI +
          " load - --into sqlite:db.sqlite --table t --batch 1000 <in.fifo 2>err.txt & echo $! > pid.tmp; "
          "mv pid.tmp pid.txt; wait $!; echo $? > rc.txt");
  });
  std::ofstream fifo(root_ / "in.fifo");
  fifo << "id,name\n";
  for (int i = 1; i <= 2500; ++i) fifo << i << ',' << std::string(30, 'x') << i << '\n';
  fifo.flush();
  std::string batches;
  for (int i = 0; i < 600 && (batches != "2\n" || !std::filesystem::exists(root_ / "pid.txt")); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    shell("cd '" + root_.string() +
          "' && sqlite3 db.sqlite 'SELECT batches FROM yieldpipe_load_state' > b.txt 2>/dev/null");
    batches = slurp(root_ / "b.txt");
  }
  EXPECT_EQ(batches, "2\n");
  const pid_t pid = std::stoi(slurp(root_ / "pid.txt"));
  ::kill(pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  fifo.close();  // the end of the input, for a read that the signal did not interrupt
  loader.join();
  EXPECT_EQ(slurp(root_ / "rc.txt"), "130\n") << slurp(root_ / "err.txt");
  EXPECT_NE(slurp(root_ / "err.txt").find("interrupted"), std::string::npos) << slurp(root_ / "err.txt");
  EXPECT_EQ(sql("SELECT count(*) FROM t"), "2000\n");
  EXPECT_EQ(sql("SELECT row_count, complete FROM yieldpipe_load_state"), "2000|0\n");
}

}  // namespace
