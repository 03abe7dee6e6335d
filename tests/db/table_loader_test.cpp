#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/db/db_error.hpp>
#include <yieldpipe/db/sqlite_database.hpp>
#include <yieldpipe/db/table_loader.hpp>

#include "support/row_batches.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace yieldpipe;
using db::column;
using db::column_type;
using test::make_batch;

struct rejected {
  std::uint64_t line;
  std::uint64_t offset;
  std::string reason;
  std::string message;
  std::string text;
};

class table_loader_test : public test::temp_dir_test {
 protected:
  void SetUp() override {
    temp_dir_test::SetUp();
    source = write("id,v\n1,2\n", "data.csv");
    database = std::make_unique<db::sqlite_database>((dir_ / "t.db").string());
  }
  db::load_options options(db::load_mode mode = db::load_mode::create) {
    db::load_options o{.table = table, .mode = mode};
    o.on_reject = [this](const io::rejected_record& r, std::string_view reason, std::string_view message) {
      rejects.push_back({r.line, r.offset, std::string(reason), std::string(message), std::string(r.text)});
      return true;
    };
    return o;
  }
  std::vector<std::string> query(const std::string& sql) const {
    sqlite3* h = nullptr;
    sqlite3_open((dir_ / "t.db").c_str(), &h);
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
    std::vector<std::string> out;
    while (s && sqlite3_step(s) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
        if (i > 0) row += '|';
        row += t ? t : "NULL";
      }
      out.push_back(row);
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    return out;
  }
  void exec(const std::string& sql) const {
    sqlite3* h = nullptr;
    sqlite3_open((dir_ / "t.db").c_str(), &h);
    ASSERT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
    sqlite3_close(h);
  }

  const std::string table = "t";
  std::string source;
  std::unique_ptr<db::sqlite_database> database;
  std::vector<rejected> rejects;
};

TEST_F(table_loader_test, types_come_from_the_values_and_widen_when_a_later_batch_needs_it) {
  db::table_loader loader(*database, options(), db::source_identity::of(source));
  loader.load(make_batch({"id", "v", "code", "empty"}, {{"1", "2", "007", {}}, {"2", "3", "12", {}}}));
  EXPECT_EQ(loader.columns(), (std::vector<column>{{"id", column_type::integer},
                                                   {"v", column_type::integer},
                                                   {"code", column_type::text},
                                                   {"empty", column_type::integer}}));
  loader.load(make_batch({"id", "v", "code", "empty"}, {{"3", "2.5", "x", "n/a"}}, 4));
  loader.finish({"id", "v", "code", "empty"});
  EXPECT_EQ(database->columns_of("t"), (std::vector<column>{{"id", column_type::integer},
                                                            {"v", column_type::real},
                                                            {"code", column_type::text},
                                                            {"empty", column_type::text}}));
  EXPECT_EQ(query("SELECT id, v, typeof(v), code, empty FROM t ORDER BY id"),
            (std::vector<std::string>{"1|2.0|real|007|NULL", "2|3.0|real|12|NULL", "3|2.5|real|x|n/a"}));
  EXPECT_EQ(loader.rows_loaded(), 3u);
  EXPECT_EQ(loader.batches(), 2u);
  EXPECT_TRUE(rejects.empty());
}

TEST_F(table_loader_test, each_batch_commits_with_its_state_row) {
  db::table_loader loader(*database, options(), db::source_identity::of(source));
  loader.load(make_batch({"id"}, {{"1"}, {"2"}}, 2));  // lines 2-3, ends at line 4, offset 400
  std::optional<db::load_state> s = database->read_state("t");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->offset, 400u);
  EXPECT_EQ(s->line, 4u);
  EXPECT_EQ(s->batches, 1u);
  EXPECT_EQ(s->rows, 2u);
  EXPECT_FALSE(s->complete);
  EXPECT_TRUE(s->created);
  EXPECT_EQ(s->source, db::source_identity::of(source));
  loader.load(make_batch({"id"}, {{"3"}}, 4));
  loader.finish({"id"});
  s = database->read_state("t");
  EXPECT_EQ(s->offset, 500u);
  EXPECT_EQ(s->batches, 2u);
  EXPECT_EQ(s->rows, 3u);
  EXPECT_TRUE(s->complete);
}

TEST_F(table_loader_test, create_refuses_a_table_that_exists_append_adds_and_replace_starts_again) {
  {
    db::table_loader first(*database, options(), db::source_identity::of(source));
    first.load(make_batch({"id"}, {{"1"}}));
    first.finish({"id"});
  }
  db::table_loader again(*database, options(), db::source_identity::of(source));
  try {
    again.load(make_batch({"id"}, {{"2"}}));
    FAIL() << "loaded into an existing table";
  } catch (const db::db_error& e) {
    EXPECT_NE(std::string(e.what()).find("exists already"), std::string::npos) << e.what();
  }
  db::table_loader append(*database, options(db::load_mode::append), db::source_identity::of(source));
  append.load(make_batch({"id"}, {{"2"}}));
  EXPECT_EQ(query("SELECT id FROM t ORDER BY id"), (std::vector<std::string>{"1", "2"}));
  db::table_loader replace(*database, options(db::load_mode::replace), db::source_identity::of(source));
  replace.load(make_batch({"id", "x"}, {{"9", "a"}}));
  EXPECT_EQ(query("SELECT id, x FROM t"), (std::vector<std::string>{"9|a"}));
}

TEST_F(table_loader_test, append_keeps_the_tables_types_and_sets_aside_what_does_not_fit) {
  exec("CREATE TABLE t (id INTEGER, price REAL)");
  db::table_loader loader(*database, options(db::load_mode::append), db::source_identity::of(source));
  loader.load(make_batch({"id", "price"}, {{"1", "2.5"}, {"x2", "1"}, {"3", "cheap"}, {"4", {}}}, 10));
  EXPECT_EQ(query("SELECT id, price FROM t ORDER BY id"), (std::vector<std::string>{"1|2.5", "4|NULL"}));
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_EQ(rejects[0].line, 11u);
  EXPECT_EQ(rejects[0].offset, 1100u);
  EXPECT_EQ(rejects[0].reason, "type");
  EXPECT_EQ(rejects[0].text, "x2,1");
  EXPECT_NE(rejects[0].message.find(":11: column \"id\": \"x2\" is not an integer"), std::string::npos)
      << rejects[0].message;
  EXPECT_NE(rejects[1].message.find("\"cheap\" is not a number"), std::string::npos) << rejects[1].message;
  EXPECT_EQ(loader.rejected(), 2u);
  EXPECT_EQ(database->columns_of("t"),
            (std::vector<column>{{"id", column_type::integer}, {"price", column_type::real}}));
}

TEST_F(table_loader_test, declared_types_hold_and_a_bad_value_without_a_policy_fails_the_batch_whole) {
  db::load_options o = options();
  o.declared = {{"id", column_type::text}, {"n", column_type::integer}};
  o.on_reject = nullptr;
  db::table_loader loader(*database, o, db::source_identity::of(source));
  loader.load(make_batch({"id", "n"}, {{"001", "1"}}));
  try {
    loader.load(make_batch({"id", "n"}, {{"002", "2"}, {"003", "3.5"}}, 3));
    FAIL() << "loaded 3.5 as an integer";
  } catch (const io::io_error& e) {
    EXPECT_NE(std::string(e.what()).find("data.csv:4: column \"n\": \"3.5\" is not an integer"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(query("SELECT id, n FROM t"), (std::vector<std::string>{"001|1"}));  // not 002: the batch is out
  EXPECT_EQ(database->read_state("t")->batches, 1u);
  EXPECT_EQ(database->read_state("t")->declared, "id:text,n:integer");
}

TEST_F(table_loader_test, a_row_the_database_refuses_is_isolated_and_its_neighbours_load) {
  exec("CREATE TABLE t (id INTEGER, v TEXT CHECK (v <> 'bad'))");
  db::table_loader loader(*database, options(db::load_mode::append), db::source_identity::of(source));
  loader.load(make_batch({"id", "v"}, {{"1", "a"}, {"2", "bad"}, {"3", "c"}, {"4", "bad"}, {"5", "e"}}));
  EXPECT_EQ(query("SELECT id FROM t ORDER BY id"), (std::vector<std::string>{"1", "3", "5"}));
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_EQ(rejects[0].reason, "refused");
  EXPECT_EQ(rejects[0].line, 3u);
  EXPECT_EQ(rejects[1].line, 5u);
  EXPECT_NE(rejects[0].message.find("CHECK constraint failed"), std::string::npos) << rejects[0].message;
  EXPECT_EQ(loader.rows_loaded(), 3u);
}

TEST_F(table_loader_test, a_throw_before_commit_rolls_the_batch_back) {
  db::load_options o = options();
  int commits = 0;
  o.before_commit = [&] {
    if (++commits == 2) throw std::runtime_error("interrupted");
  };
  db::table_loader loader(*database, o, db::source_identity::of(source));
  loader.load(make_batch({"id"}, {{"1"}}));
  EXPECT_THROW(loader.load(make_batch({"id"}, {{"2"}, {"3"}}, 3)), std::runtime_error);
  EXPECT_EQ(query("SELECT id FROM t"), std::vector<std::string>{"1"});
  EXPECT_EQ(database->read_state("t")->rows, 1u);
}

TEST_F(table_loader_test, a_first_batch_that_fails_leaves_no_table_and_replace_leaves_the_old_one) {
  db::load_options o = options();
  o.before_commit = [] { throw std::runtime_error("interrupted"); };
  {
    db::table_loader loader(*database, o, db::source_identity::of(source));
    EXPECT_THROW(loader.load(make_batch({"id"}, {{"1"}})), std::runtime_error);
  }
  EXPECT_FALSE(database->columns_of("t"));
  exec("CREATE TABLE t (old TEXT); INSERT INTO t VALUES ('kept')");
  o.mode = db::load_mode::replace;
  db::table_loader loader(*database, o, db::source_identity::of(source));
  EXPECT_THROW(loader.load(make_batch({"id"}, {{"1"}})), std::runtime_error);
  EXPECT_EQ(query("SELECT old FROM t"), std::vector<std::string>{"kept"});
}

TEST_F(table_loader_test, a_key_that_comes_late_adds_a_column) {
  db::table_loader loader(*database, options(), db::source_identity::of(source));
  loader.load(make_batch({"a"}, {{"1"}}));
  loader.load(make_batch({"b", "a"}, {{"x", "2"}}, 3));
  EXPECT_EQ(query("SELECT a, b FROM t ORDER BY a"), (std::vector<std::string>{"1|NULL", "2|x"}));
}

TEST_F(table_loader_test, an_empty_load_creates_the_table_with_text_columns_and_declared_types) {
  db::load_options o = options();
  o.declared = {{"n", column_type::integer}};
  db::table_loader loader(*database, o, db::source_identity::of(source));
  loader.finish({"name", "n"});
  EXPECT_EQ(database->columns_of("t"), (std::vector<column>{{"name", column_type::text}, {"n", column_type::integer}}));
  EXPECT_TRUE(database->read_state("t")->complete);
}

TEST_F(table_loader_test, resume_goes_on_after_the_last_batch_and_refuses_a_changed_source) {
  {
    db::table_loader loader(*database, options(), db::source_identity::of(source));
    loader.load(make_batch({"id", "v"}, {{"1", "1"}}));
  }
  const db::load_state state = db::table_loader::resume_state(*database, "t", db::source_identity::of(source));
  EXPECT_EQ(state.offset, 300u);
  EXPECT_EQ(state.line, 3u);
  db::table_loader resumed(*database, options(), state);
  resumed.load(make_batch({"id", "v"}, {{"2", "x"}}, 3));  // v still widens: the load made the table
  resumed.finish({"id", "v"});
  EXPECT_EQ(query("SELECT id, v FROM t ORDER BY id"), (std::vector<std::string>{"1|1", "2|x"}));
  EXPECT_EQ(database->read_state("t")->batches, 2u);

  write("id,v\n1,3\n", "data.csv");  // same size, other bytes
  try {
    db::table_loader::resume_state(*database, "t", db::source_identity::of(source));
    FAIL() << "resumed a changed file";
  } catch (const db::db_error& e) {
    EXPECT_NE(std::string(e.what()).find("first MiB differs"), std::string::npos) << e.what();
  }
  EXPECT_THROW(db::table_loader::resume_state(*database, "other", db::source_identity::of(source)), db::db_error);
  EXPECT_THROW(db::table_loader::resume_state(*database, "t", db::source_identity::of("-")), db::db_error);
}

TEST_F(table_loader_test, rows_set_aside_are_kept_in_their_batchs_transaction_and_a_new_load_forgets_them) {
  exec("CREATE TABLE t (id INTEGER, v TEXT CHECK (v <> 'bad'))");
  db::load_options o = options(db::load_mode::append);
  int commits = 0;
  o.before_commit = [&] {
    if (++commits == 2) throw std::runtime_error("interrupted");
  };
  db::table_loader loader(*database, o, db::source_identity::of(source));
  db::row_batch first = make_batch({"id", "v"}, {{"1", "a"}, {"x", "b"}, {"3", "bad"}});
  first.add_reject({9, 900, "ragged row", "data.csv:9: ragged", "9,9,9"});  // as a reader sets one aside
  loader.load(first);
  EXPECT_EQ(query("SELECT line, byte_offset, reason, record FROM yieldpipe_load_rejects ORDER BY line"),
            (std::vector<std::string>{"3|300|type|x,b", "4|400|refused|3,bad", "9|900|ragged row|9,9,9"}));
  EXPECT_EQ(query("SELECT DISTINCT table_name, source_path FROM yieldpipe_load_rejects"),
            std::vector<std::string>{"t|" + source});
  // A batch that rolls back keeps none of its rejects.
  EXPECT_THROW(loader.load(make_batch({"id", "v"}, {{"y", "c"}}, 10)), std::runtime_error);
  EXPECT_EQ(query("SELECT count(*) FROM yieldpipe_load_rejects"), std::vector<std::string>{"3"});
  // A new load of the table starts its rejects afresh.
  db::table_loader again(*database, options(db::load_mode::replace), db::source_identity::of(source));
  again.load(make_batch({"id"}, {{"1"}}));
  EXPECT_EQ(query("SELECT count(*) FROM yieldpipe_load_rejects"), std::vector<std::string>{"0"});
}

// A database whose connection is lost on the next `losses` reads of the state or of the columns: a
// server restarted just when a --resume starts.
class flaky_database final : public db::database {
 public:
  explicit flaky_database(db::database& real) : real_(real) {}
  int losses = 0;
  int reconnects = 0;

  const std::string& name() const noexcept override { return real_.name(); }
  void begin() override { real_.begin(); }
  void commit() override { real_.commit(); }
  void rollback() noexcept override { real_.rollback(); }
  void savepoint() override { real_.savepoint(); }
  void rollback_to_savepoint() override { real_.rollback_to_savepoint(); }
  void release_savepoint() override { real_.release_savepoint(); }
  std::optional<std::vector<column>> columns_of(const std::string& table) override {
    lose();
    return real_.columns_of(table);
  }
  void create_table(const std::string& table, std::span<const column> columns) override {
    real_.create_table(table, columns);
  }
  void drop_table(const std::string& table) override { real_.drop_table(table); }
  void add_column(const std::string& table, const column& added) override { real_.add_column(table, added); }
  void widen_column(const std::string& table, std::span<const column> columns, std::size_t index) override {
    real_.widen_column(table, columns, index);
  }
  void insert(const std::string& table, std::span<const column> columns, const db::row_batch& batch,
              std::span<const std::uint32_t> rows) override {
    real_.insert(table, columns, batch, rows);
  }
  std::optional<db::load_state> read_state(const std::string& table) override {
    lose();
    return real_.read_state(table);
  }
  void write_state(const db::load_state& state) override { real_.write_state(state); }
  void clear_state(const std::string& table) override { real_.clear_state(table); }
  void write_rejects(const std::string& table, const std::string& source,
                     std::span<const db::rejected_row> rows) override {
    real_.write_rejects(table, source, rows);
  }
  void clear_rejects(const std::string& table) override { real_.clear_rejects(table); }
  void reconnect() override { ++reconnects; }

 private:
  void lose() {
    if (losses > 0) {
      --losses;
      throw db::connection_lost(name(), "server closed the connection unexpectedly");
    }
  }
  db::database& real_;
};

TEST_F(table_loader_test, a_resume_whose_first_reads_lose_the_connection_reconnects_and_goes_on) {
  {
    db::table_loader loader(*database, options(), db::source_identity::of(source));
    loader.load(make_batch({"id"}, {{"1"}}));
  }
  flaky_database flaky(*database);
  db::load_options o = options();
  int announced = 0;
  o.on_reconnect = [&](std::string_view error, std::chrono::milliseconds) {
    ++announced;
    EXPECT_NE(error.find("server closed the connection"), std::string_view::npos);
  };
  flaky.losses = 2;
  const db::load_state state = db::table_loader::resume_state(flaky, "t", db::source_identity::of(source), o);
  EXPECT_EQ(state.batches, 1u);
  EXPECT_EQ(flaky.reconnects, 2);
  flaky.losses = 1;
  db::table_loader resumed(flaky, o, state);
  EXPECT_EQ(flaky.reconnects, 3);
  EXPECT_EQ(announced, 3);
  resumed.load(make_batch({"id"}, {{"2"}}, 3));
  resumed.finish({"id"});
  EXPECT_EQ(query("SELECT group_concat(id) FROM t"), std::vector<std::string>{"1,2"});
  // Past reconnect_for, the loss is the error.
  flaky.losses = 1000;
  o.reconnect_for = std::chrono::milliseconds(250);
  EXPECT_THROW(db::table_loader::resume_state(flaky, "t", db::source_identity::of(source), o), db::connection_lost);
}

TEST(table_loader_declared, the_declared_types_round_trip_through_their_text) {
  const std::vector<column> declared{
      {"a,b", column_type::integer}, {"c:d\\", column_type::real}, {"e", column_type::text}};
  const std::string text = db::table_loader::format_declared(declared);
  EXPECT_EQ(text, "a\\,b:integer,c\\:d\\\\:real,e:text");
  EXPECT_EQ(db::table_loader::parse_declared(text), declared);
  EXPECT_TRUE(db::table_loader::parse_declared("").empty());
}

}  // namespace
