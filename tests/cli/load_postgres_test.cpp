// `yieldpipe load` into PostgreSQL (the test cluster of the `postgres` fixture): COPY batches,
// widening with ALTER TABLE, rows the server refuses isolated, resume, and a server gone mid-load.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "support/cli_fixture.hpp"
#include "support/postgres_cluster.hpp"

namespace {

using yieldpipe::test::pg_session;
using yieldpipe::test::scratch_database;

class load_postgres_test : public yieldpipe::test::cli_fixture {
 protected:
  std::string load(const std::string& args) { return "load " + args + " --into '" + db.uri() + "'"; }
  std::string value(const std::string& sql) { return session().value(sql).value_or("NULL"); }
  pg_session& session() {
    if (!session_) session_.emplace(db.uri());
    return *session_;
  }

  scratch_database db;
  std::optional<pg_session> session_;
};

TEST_F(load_postgres_test, a_csv_file_loads_with_postgres_types_and_widens_late) {
  std::string csv = "id,price,zip,note\n";
  for (int i = 1; i <= 10; ++i)
    csv += std::to_string(i) + "," + std::to_string(i) + ",0213" + std::to_string(i % 10) + ",\n";
  csv += "11,2.5,02111,\"tab\there, \"\"quoted\"\"\\\\\"\n";
  write("in.csv", csv);
  ASSERT_EQ(yieldpipe(load("in.csv --table t --batch 4")), 0) << err();
  EXPECT_EQ(value("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) FROM "
                  "information_schema.columns WHERE table_name = 't'"),
            "id:bigint,price:double precision,zip:text,note:text");
  EXPECT_EQ(value("SELECT count(*) || '|' || sum(price) || '|' || count(note) FROM t"), "11|57.5|1");
  EXPECT_EQ(value("SELECT note FROM t WHERE id = 11"), "tab\there, \"quoted\"\\\\");
  EXPECT_EQ(value("SELECT zip FROM t WHERE id = 10"), "02130");
  EXPECT_EQ(value("SELECT batches || '|' || row_count || '|' || complete FROM yieldpipe_load_state"), "3|11|true");
}

TEST_F(load_postgres_test, rows_the_server_refuses_are_isolated_and_their_neighbours_load) {
  session().query("CREATE TABLE t (id bigint, v text CHECK (v <> 'bad'))");
  std::string csv = "id,v\n";
  for (int i = 1; i <= 40; ++i) csv += std::to_string(i) + "," + (i % 13 == 0 ? "bad" : "ok") + "\n";
  write("in.csv", csv);
  ASSERT_EQ(yieldpipe(load("in.csv --table t --mode append --on-error dead-letter=bad.csv")), 0) << err();
  EXPECT_EQ(value("SELECT count(*) FROM t"), "37");
  const std::string bad = slurp(root_ / "bad.csv");
  EXPECT_NE(bad.find("in.csv,14,"), std::string::npos) << bad;  // id 13 is on line 14
  EXPECT_NE(bad.find("in.csv,27,"), std::string::npos) << bad;
  EXPECT_NE(bad.find("in.csv,40,"), std::string::npos) << bad;
  EXPECT_NE(bad.find("refused"), std::string::npos) << bad;
  EXPECT_NE(err().find("3 records rejected: 3 refused"), std::string::npos) << err();
  EXPECT_EQ(value("SELECT string_agg(line::text, ',' ORDER BY line) FROM yieldpipe_load_rejects WHERE reason = "
                  "'refused'"),
            "14,27,40");
}

TEST_F(load_postgres_test, a_refused_row_that_the_server_does_not_name_is_isolated_by_halving) {
  // A foreign key is checked at the end of the COPY, with no line: only halving finds the row.
  session().query(
      "CREATE TABLE parent (id bigint PRIMARY KEY); INSERT INTO parent SELECT generate_series(1, 100);"
      "CREATE TABLE t (id bigint, ref bigint REFERENCES parent (id))");
  std::string csv = "id,ref\n";
  for (int i = 1; i <= 64; ++i)
    csv += std::to_string(i) + "," + std::to_string(i == 23 || i == 50 ? 1000 + i : i) + "\n";
  write("in.csv", csv);
  ASSERT_EQ(yieldpipe(load("in.csv --table t --mode append --on-error skip")), 0) << err();
  EXPECT_EQ(value("SELECT count(*) || '|' || sum(id) FROM t"), "62|" + std::to_string(64 * 65 / 2 - 23 - 50));
  EXPECT_EQ(value("SELECT string_agg(line::text, ',' ORDER BY line) FROM yieldpipe_load_rejects"), "24,51");
  EXPECT_NE(value("SELECT min(message) FROM yieldpipe_load_rejects"), "NULL");
}

TEST_F(load_postgres_test, resume_continues_after_the_last_committed_batch) {
  write("in.csv", "id,n\n1,1\n2,2\n3,3\n4,x\n5,5\n6,6\n");
  EXPECT_EQ(yieldpipe(load("in.csv --table t --types n:integer --batch 2")), 1);
  EXPECT_EQ(value("SELECT count(*) FROM t"), "2");
  ASSERT_EQ(yieldpipe(load("in.csv --table t --resume --on-error skip --batch 2")), 0) << err();
  EXPECT_EQ(value("SELECT string_agg(id::text, ',' ORDER BY id) FROM t"), "1,2,3,5,6");
}

TEST_F(load_postgres_test, the_password_of_the_target_is_never_printed) {
  write("in.csv", "id\n1\n");
  // A role with a password that the server does not have: the connection fails, the message masks it.
  EXPECT_EQ(yieldpipe("load in.csv --table t --into 'postgresql://nobody:s3cret-word@" + std::string("localhost:1/x'")),
            1);
  EXPECT_EQ(err().find("s3cret-word"), std::string::npos) << err();
  EXPECT_NE(err().find("***"), std::string::npos) << err();
}

// A cluster of this test's own, restarted while the load runs (the fixture's cluster serves the
// other tests at the same time). Standard input from a named pipe that the test holds: two batches
// commit, the server restarts, then the rest of the rows come.
TEST(load_postgres_restart, a_server_restarted_mid_load_is_reconnected_and_no_row_is_lost_or_doubled) {
  struct test_dir : yieldpipe::test::cli_fixture {
    void TestBody() override {}
    using cli_fixture::root_;
    using cli_fixture::SetUp;
    using cli_fixture::shell;
    using cli_fixture::slurp;
    using cli_fixture::TearDown;
  } t;
  t.SetUp();
  const std::string dir = t.root_.string();
  const std::string cluster = std::string("bash '") + YIELDPIPE_POSTGRES_CLUSTER + "' ";
  ASSERT_EQ(t.shell(cluster + "start '" + dir + "/pg' >/dev/null"), 0);
  const std::string uri = yieldpipe::test::detail::read_uri(t.root_ / "pg" / "uri");
  ASSERT_EQ(t.shell("mkfifo '" + dir + "/in.fifo'"), 0);
  std::thread loader([&] {
    t.shell("cd '" + dir + "' || exit; " + YIELDPIPE_CLI + " load - --into '" + uri +
            "' --table t --batch 1000 <in.fifo 2>err.txt; echo $? > rc.txt");
  });
  // Close-on-exec: the server that the restart starts must not hold the pipe open (its end would
  // never come).
  const int fifo = ::open((t.root_ / "in.fifo").c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fifo, 0);
  const auto send = [&](const std::string& text) {
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fifo, text.data() + done, text.size() - done);
      ASSERT_GT(n, 0);
      done += static_cast<std::size_t>(n);
    }
  };
  send("id,name\n");
  int id = 0;
  const auto rows = [&](int n) {
    std::string text;
    for (int i = 0; i < n; ++i) text += std::to_string(++id) + ",name-" + std::string(40, 'x') + '\n';
    send(text);
  };
  rows(2500);
  std::optional<std::string> batches;
  for (int i = 0; i < 600 && batches != "2"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    try {
      batches = pg_session(uri).value("SELECT batches FROM yieldpipe_load_state");
    } catch (const std::exception&) {
    }
  }
  EXPECT_EQ(batches, "2");
  EXPECT_EQ(t.shell(cluster + "restart '" + dir + "/pg'"), 0);
  rows(3500);
  ::close(fifo);
  loader.join();
  EXPECT_EQ(t.slurp(t.root_ / "rc.txt"), "0\n") << t.slurp(t.root_ / "err.txt");
  EXPECT_NE(t.slurp(t.root_ / "err.txt").find("connecting again in"), std::string::npos)
      << t.slurp(t.root_ / "err.txt");
  pg_session check(uri);
  EXPECT_EQ(check.value("SELECT count(*) || '|' || count(DISTINCT id) || '|' || sum(id) FROM t"), "6000|6000|18003000");
  EXPECT_EQ(check.value("SELECT row_count || '|' || complete FROM yieldpipe_load_state"), "6000|true");
  t.shell(cluster + "stop '" + dir + "/pg'");
  t.TearDown();
}

}  // namespace
