#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>
#include <yieldpipe/db/db_error.hpp>
#include <yieldpipe/db/sqlite_database.hpp>

#include "support/row_batches.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace yieldpipe;
using db::column;
using db::column_type;
using test::make_batch;

class sqlite_database_test : public test::temp_dir_test {
 protected:
  std::string path() const { return (dir_ / "t.db").string(); }
  // Every row of `sql`'s result as "a|b|c" with NULL for null, and each value's type letter after a
  // colon when `types` (i integer, r real, t text, n null).
  std::vector<std::string> query(const std::string& sql, bool types = false) const {
    sqlite3* handle = nullptr;
    EXPECT_EQ(sqlite3_open(path().c_str(), &handle), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(handle, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(handle);
    std::vector<std::string> out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        if (i) row += '|';
        const int t = sqlite3_column_type(s, i);
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
        row += t == SQLITE_NULL ? "NULL" : std::string(text);
        if (types) row += t == SQLITE_INTEGER ? ":i" : t == SQLITE_FLOAT ? ":r" : t == SQLITE_TEXT ? ":t" : ":n";
      }
      out.push_back(row);
    }
    sqlite3_finalize(s);
    sqlite3_close(handle);
    return out;
  }
};

TEST_F(sqlite_database_test, a_batch_goes_in_with_each_column_type_and_nulls) {
  db::sqlite_database d(path());
  const std::vector<column> cols{{"id", column_type::integer}, {"x", column_type::real}, {"name", column_type::text}};
  d.begin();
  d.create_table("t", cols);
  const auto batch =
      make_batch({"id", "x", "name"}, {{"1", "1.5", "007"}, {"2", "3", std::nullopt}, {"3", {}, "a,\"b\""}});
  const std::vector<std::uint32_t> rows{0, 1, 2};
  d.insert("t", cols, batch, rows);
  d.commit();
  EXPECT_EQ(query("SELECT * FROM t ORDER BY id", true),
            (std::vector<std::string>{"1:i|1.5:r|007:t", "2:i|3.0:r|NULL:n", "3:i|NULL:n|a,\"b\":t"}));
  EXPECT_EQ(d.columns_of("t"), cols);
  EXPECT_FALSE(d.columns_of("missing"));
}

TEST_F(sqlite_database_test, odd_names_are_quoted_not_run) {
  db::sqlite_database d(path());
  const std::string table = "we\"ird; DROP TABLE x; --";
  const std::vector<column> cols{{"a b", column_type::integer}, {"c\"d", column_type::text}};
  d.begin();
  d.create_table(table, cols);
  const auto batch = make_batch({"a b", "c\"d"}, {{"1", "x"}});
  d.insert(table, cols, batch, std::vector<std::uint32_t>{0});
  d.commit();
  EXPECT_EQ(d.columns_of(table), cols);
  EXPECT_EQ(query("SELECT * FROM \"we\"\"ird; DROP TABLE x; --\""), std::vector<std::string>{"1|x"});
}

TEST_F(sqlite_database_test, widening_keeps_the_values_loaded) {
  db::sqlite_database d(path());
  std::vector<column> cols{{"v", column_type::integer}, {"w", column_type::integer}};
  d.begin();
  d.create_table("t", cols);
  d.insert("t", cols, make_batch({"v", "w"}, {{"7", "1"}, {"-2", {}}}), std::vector<std::uint32_t>{0, 1});
  cols[0].type = column_type::real;
  d.widen_column("t", cols, 0);
  d.commit();
  EXPECT_EQ(query("SELECT v, w FROM t ORDER BY rowid", true), (std::vector<std::string>{"7.0:r|1:i", "-2.0:r|NULL:n"}));
  d.begin();
  cols[0].type = column_type::text;
  d.widen_column("t", cols, 0);
  d.commit();
  EXPECT_EQ(query("SELECT v, w FROM t ORDER BY rowid", true), (std::vector<std::string>{"7.0:t|1:i", "-2.0:t|NULL:n"}));
  EXPECT_EQ(d.columns_of("t"), cols);
}

TEST_F(sqlite_database_test, a_rollback_leaves_nothing) {
  db::sqlite_database d(path());
  const std::vector<column> cols{{"v", column_type::integer}};
  d.begin();
  d.create_table("t", cols);
  d.insert("t", cols, make_batch({"v"}, {{"1"}}), std::vector<std::uint32_t>{0});
  d.rollback();
  EXPECT_FALSE(d.columns_of("t"));
}

TEST_F(sqlite_database_test, a_refused_row_is_named_and_the_savepoint_keeps_the_rest) {
  db::sqlite_database d(path());
  {
    sqlite3* h = nullptr;
    sqlite3_open(path().c_str(), &h);
    sqlite3_exec(h, "CREATE TABLE t (v INTEGER NOT NULL)", nullptr, nullptr, nullptr);
    sqlite3_close(h);
  }
  const std::vector<column> cols{{"v", column_type::integer}};
  const auto batch = make_batch({"v"}, {{"1"}, {std::nullopt}, {"3"}});
  d.begin();
  d.insert("t", cols, batch, std::vector<std::uint32_t>{0});
  d.savepoint();
  try {
    d.insert("t", cols, batch, std::vector<std::uint32_t>{2, 1});
    FAIL() << "no row_refused";
  } catch (const db::row_refused& e) {
    EXPECT_EQ(e.row(), 1u);
    EXPECT_NE(std::string(e.what()).find("NOT NULL"), std::string::npos) << e.what();
  }
  d.rollback_to_savepoint();
  d.release_savepoint();
  d.commit();
  EXPECT_EQ(query("SELECT v FROM t"), std::vector<std::string>{"1"});
}

TEST_F(sqlite_database_test, the_load_state_round_trips_and_is_absent_before) {
  db::sqlite_database d(path());
  EXPECT_FALSE(d.read_state("t"));
  db::load_state s;
  s.table = "t";
  s.source = {"data.csv", 1234, 0xdeadbeef, 0x01020304, true};
  s.offset = 1000;
  s.line = 20;
  s.batches = 2;
  s.rows = 18;
  s.created = true;
  s.declared = "id:text";
  d.begin();
  d.write_state(s);
  d.commit();
  EXPECT_EQ(d.read_state("t"), s);
  s.batches = 3;
  s.complete = true;
  d.begin();
  d.write_state(s);
  d.commit();
  EXPECT_EQ(d.read_state("t"), s);
  EXPECT_FALSE(d.read_state("other"));
  d.begin();
  d.clear_state("t");
  d.commit();
  EXPECT_FALSE(d.read_state("t"));
}

TEST_F(sqlite_database_test, a_file_that_is_not_a_database_is_a_clear_error) {
  const std::string p = write(std::string(4096, 'x'), "not.db");
  try {
    db::sqlite_database d(p);
    FAIL() << "opened";
  } catch (const db::db_error& e) {
    EXPECT_NE(std::string(e.what()).find("sqlite:" + p), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a database"), std::string::npos) << e.what();
  }
}

TEST_F(sqlite_database_test, a_read_only_database_fails_at_the_first_write_with_sqlites_reason) {
  {
    db::sqlite_database d(path());
    d.begin();
    d.create_table("t", std::vector<column>{{"v", column_type::integer}});
    d.commit();
  }
  // A URI opens it read-only whoever runs the test (root writes a file whatever its mode).
  db::sqlite_database d("file:" + path() + "?mode=ro");
  try {
    d.begin();
    d.create_table("u", std::vector<column>{{"v", column_type::integer}});
    FAIL() << "wrote";
  } catch (const db::db_error& e) {
    EXPECT_NE(std::string(e.what()).find("readonly"), std::string::npos) << e.what();
  }
  d.rollback();
  EXPECT_FALSE(d.columns_of("u"));
}

}  // namespace
