// `yieldpipe load` into PostgreSQL (the test cluster of the `postgres` fixture): COPY batches,
// widening with ALTER TABLE, rows the server refuses isolated, resume, and a server gone mid-load.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
