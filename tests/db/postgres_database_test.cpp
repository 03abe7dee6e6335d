// db::postgres_database against a real PostgreSQL cluster (support/postgres_cluster.hpp), checked
// through a libpq session of the test's own; db::masked_target.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <vector>
#include <yieldpipe/db/db_error.hpp>
#include <yieldpipe/db/postgres_database.hpp>

#include "support/postgres_cluster.hpp"

namespace {

using namespace yieldpipe;
using db::column;
using db::column_type;
using db::field_kind;
using db::postgres_database;
using test::pg_session;
using test::scratch_database;
using value = std::optional<std::string>;

// A batch of `names`, one row per entry of `rows` (nullopt: null; else inferred).
db::row_batch batch_of(std::vector<std::string> names, const std::vector<std::vector<value>>& rows) {
  db::row_batch batch(std::move(names));
  std::uint64_t line = 1;
  for (const auto& row : rows) {
    batch.add_row({line, 0, ""});
    ++line;
    for (std::size_t c = 0; c < row.size(); ++c)
      if (row[c]) batch.set(c, field_kind::inferred, *row[c]);
  }
  return batch;
}

std::vector<std::uint32_t> all_rows(const db::row_batch& batch) {
  std::vector<std::uint32_t> rows(batch.size());
  std::iota(rows.begin(), rows.end(), 0U);
  return rows;
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const db::db_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no db_error";
  return {};
}

TEST(postgres_database, a_table_with_odd_names_is_created_and_its_columns_read_back) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::string table = "we\"ird name";
  EXPECT_EQ(db.columns_of(table), std::nullopt);
  const std::vector<column> columns{{"id", column_type::integer},
                                    {"a b", column_type::real},
                                    {"c\"d", column_type::text},
                                    {"Upper", column_type::text},
                                    {"é;--", column_type::text}};
  db.begin();
  db.create_table(table, columns);
  db.commit();
  EXPECT_EQ(db.columns_of(table), columns);
  EXPECT_EQ(db.columns_of("we\"ird Name"), std::nullopt);  // quoted: case matters
  pg_session check(scratch.uri());
  EXPECT_EQ(check.query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = "
                        "'we\"ird name' ORDER BY ordinal_position"),
            (pg_session::rows{
                {"id", "bigint"}, {"a b", "double precision"}, {"c\"d", "text"}, {"Upper", "text"}, {"é;--", "text"}}));
}

TEST(postgres_database, columns_of_reads_other_integers_and_floats_as_theirs_and_any_other_type_as_text) {
  scratch_database scratch;
  pg_session(scratch.uri())
      .query("CREATE TABLE user_table (a integer, b smallint, c real, d numeric, e date, f varchar(3), g boolean)");
  postgres_database db(scratch.uri());
  EXPECT_EQ(db.columns_of("user_table"), (std::vector<column>{{"a", column_type::integer},
                                                              {"b", column_type::integer},
                                                              {"c", column_type::real},
                                                              {"d", column_type::text},
                                                              {"e", column_type::text},
                                                              {"f", column_type::text},
                                                              {"g", column_type::text}}));
}

TEST(postgres_database, a_batch_is_copied_with_nulls_and_quotes) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"id", column_type::integer}, {"x", column_type::real}, {"t", column_type::text}};
  const std::vector<std::vector<value>> rows{
      {"1", "1.5", "tab\there"},
      {"2", std::nullopt, "back\\slash \\N \\. \\t"},
      {"3", "-2e-3", "new\nline and\r\ncarriage"},
      {"4", "1e300", "quotes ' \" `"},
      {"-9223372036854775808", "0", "unicode: é 日本 🙂"},
      {"9223372036854775807", "7", ""},
      {"7", "8", std::nullopt},
      {"8", "9", "\\N"},
  };
  const db::row_batch batch = batch_of({"id", "x", "t"}, rows);
  db.begin();
  db.create_table("t", columns);
  db.insert("t", columns, batch, all_rows(batch));
  db.commit();
  pg_session check(scratch.uri());
  // float8's text is the shortest that reads back as the same double.
  EXPECT_EQ(check.query("SELECT id::text, x::text, t FROM t ORDER BY ctid"),
            (pg_session::rows{
                {"1", "1.5", "tab\there"},
                {"2", std::nullopt, "back\\slash \\N \\. \\t"},
                {"3", "-0.002", "new\nline and\r\ncarriage"},
                {"4", "1e+300", "quotes ' \" `"},
                {"-9223372036854775808", "0", "unicode: é 日本 🙂"},
                {"9223372036854775807", "7", ""},
                {"7", "8", std::nullopt},
                {"8", "9", "\\N"},
            }));
}

TEST(postgres_database, only_the_rows_asked_for_are_copied_in_their_order) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"v", column_type::text}};
  const db::row_batch batch = batch_of({"v"}, {{"a"}, {"b"}, {"c"}, {"d"}});
  db.create_table("t", columns);
  const std::vector<std::uint32_t> rows{3, 1};
  db.insert("t", columns, batch, rows);
  db.insert("t", columns, batch, {});
  EXPECT_EQ(pg_session(scratch.uri()).query("SELECT v FROM t ORDER BY ctid"), (pg_session::rows{{"d"}, {"b"}}));
}

TEST(postgres_database, a_batch_larger_than_a_copy_piece_arrives_whole) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"n", column_type::integer}, {"t", column_type::text}};
  db::row_batch batch({"n", "t"});
  const std::string text(200, 'x');
  constexpr int count = 20'000;  // 4 MB: 16 pieces
  for (int i = 0; i < count; ++i) {
    batch.add_row({});
    const std::string n = std::to_string(i);
    batch.set(0, field_kind::inferred, n);
    batch.set(1, field_kind::text, text + "\t" + n);
  }
  db.begin();
  db.create_table("big", columns);
  db.insert("big", columns, batch, all_rows(batch));
  db.commit();
  EXPECT_EQ(
      pg_session(scratch.uri())
          .query("SELECT count(*), sum(n), count(*) FILTER (WHERE t = repeat('x', 200) || E'\\t' || n) FROM big"),
      (pg_session::rows{{std::to_string(count), std::to_string(count * (count - 1LL) / 2), std::to_string(count)}}));
}

TEST(postgres_database, a_refused_value_is_row_refused_and_the_savepoint_keeps_the_transaction) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"n", column_type::integer}};
  db.begin();
  db.create_table("t", columns);
  const db::row_batch good = batch_of({"n"}, {{"1"}});
  db.insert("t", columns, good, all_rows(good));
  db.savepoint();
  const db::row_batch bad = batch_of({"n"}, {{"2"}, {"3"}, {"three"}, {"4"}});
  try {
    db.insert("t", columns, bad, all_rows(bad));
    FAIL() << "no row_refused";
  } catch (const db::row_refused& e) {
    EXPECT_EQ(e.row(), 2U);  // the server names line 3 of the COPY
    EXPECT_NE(std::string(e.what()).find("invalid input syntax for type bigint: \"three\""), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("insert into \"t\""), std::string::npos) << e.what();
  }
  db.rollback_to_savepoint();
  const db::row_batch retry = batch_of({"n"}, {{"2"}, {"3"}, {"4"}});
  db.insert("t", columns, retry, all_rows(retry));
  db.release_savepoint();
  db.commit();
  EXPECT_EQ(pg_session(scratch.uri()).query("SELECT n FROM t ORDER BY n"),
            (pg_session::rows{{"1"}, {"2"}, {"3"}, {"4"}}));
}

TEST(postgres_database, a_refused_row_is_named_by_its_index_among_the_rows_inserted) {
  scratch_database scratch;
  pg_session check(scratch.uri());
  check.query("CREATE TABLE t (n bigint UNIQUE, m text NOT NULL CHECK (m <> 'no'))");
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"n", column_type::integer}, {"m", column_type::text}};
  const db::row_batch batch = batch_of({"n", "m"}, {{"1", "a"}, {"2", std::nullopt}, {"3", "no"}, {"1", "b"}});
  const auto refused = [&](std::vector<std::uint32_t> rows) -> std::optional<std::size_t> {
    db.begin();
    try {
      db.insert("t", columns, batch, rows);
    } catch (const db::row_refused& e) {
      db.rollback();
      return e.row();
    }
    db.rollback();
    ADD_FAILURE() << "no row_refused";
    return 42;
  };
  EXPECT_EQ(refused({0, 2, 1}), 1U);  // CHECK: rows[1] is batch row 2
  EXPECT_EQ(refused({2, 0, 1}), 0U);
  EXPECT_EQ(refused({0, 1}), 1U);  // NOT NULL
  EXPECT_EQ(refused({0, 3}), 1U);  // UNIQUE
}

TEST(postgres_database, a_foreign_key_refusal_names_no_row) {
  scratch_database scratch;
  pg_session check(scratch.uri());
  check.query(
      "CREATE TABLE parent (id bigint PRIMARY KEY); INSERT INTO parent VALUES (1);"
      "CREATE TABLE child (p bigint REFERENCES parent (id))");
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"p", column_type::integer}};
  const db::row_batch batch = batch_of({"p"}, {{"1"}, {"2"}, {"1"}});
  db.begin();
  try {
    db.insert("child", columns, batch, all_rows(batch));
    FAIL() << "no row_refused";
  } catch (const db::row_refused& e) {
    EXPECT_EQ(e.row(), std::nullopt) << e.what();
    EXPECT_NE(std::string(e.what()).find("foreign key"), std::string::npos) << e.what();
  }
  db.rollback();
}

TEST(postgres_database, commit_after_a_failed_statement_throws_and_keeps_nothing) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"n", column_type::integer}};
  db.create_table("t", columns);
  db.begin();
  const db::row_batch good = batch_of({"n"}, {{"1"}});
  db.insert("t", columns, good, all_rows(good));
  const db::row_batch bad = batch_of({"n"}, {{"x"}});
  EXPECT_THROW(db.insert("t", columns, bad, all_rows(bad)), db::row_refused);
  EXPECT_NE(message_of([&] { db.commit(); }).find("rolled back"), std::string::npos);
  EXPECT_EQ(pg_session(scratch.uri()).value("SELECT count(*) FROM t"), "0");
  db.begin();  // the connection goes on
  db.insert("t", columns, good, all_rows(good));
  db.commit();
  EXPECT_EQ(pg_session(scratch.uri()).value("SELECT count(*) FROM t"), "1");
}

TEST(postgres_database, widening_a_column_keeps_its_values) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  std::vector<column> columns{{"v", column_type::integer}, {"w", column_type::real}};
  db.begin();
  db.create_table("t", columns);
  const db::row_batch batch = batch_of({"v", "w"}, {{"7", "1.5"}, {std::nullopt, "-2"}});
  db.insert("t", columns, batch, all_rows(batch));
  db.commit();
  pg_session check(scratch.uri());
  const std::string read = "SELECT pg_typeof(v)::text, v::text, pg_typeof(w)::text, w::text FROM t ORDER BY ctid";
  columns[0].type = column_type::real;
  db.widen_column("t", columns, 0);
  EXPECT_EQ(db.columns_of("t"), columns);
  EXPECT_EQ(check.query(read), (pg_session::rows{{"double precision", "7", "double precision", "1.5"},
                                                 {"double precision", std::nullopt, "double precision", "-2"}}));
  columns[0].type = column_type::text;
  db.widen_column("t", columns, 0);
  columns[1].type = column_type::text;
  db.widen_column("t", columns, 1);
  EXPECT_EQ(db.columns_of("t"), columns);
  EXPECT_EQ(check.query(read), (pg_session::rows{{"text", "7", "text", "1.5"}, {"text", std::nullopt, "text", "-2"}}));
}

TEST(postgres_database, an_added_column_is_null_in_the_rows_already_there) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  std::vector<column> columns{{"a", column_type::text}};
  db.create_table("t", columns);
  const db::row_batch first = batch_of({"a"}, {{"x"}});
  db.insert("t", columns, first, all_rows(first));
  db.add_column("t", {"late key", column_type::integer});
  columns.push_back({"late key", column_type::integer});
  EXPECT_EQ(db.columns_of("t"), columns);
  const db::row_batch second = batch_of({"a", "late key"}, {{"y", "5"}});
  db.insert("t", columns, second, all_rows(second));
  EXPECT_EQ(pg_session(scratch.uri()).query("SELECT a, \"late key\" FROM t ORDER BY ctid"),
            (pg_session::rows{{"x", std::nullopt}, {"y", "5"}}));
  db.drop_table("t");
  EXPECT_EQ(db.columns_of("t"), std::nullopt);
  db.drop_table("t");  // no such table: nothing to do
}

db::load_state a_state(std::string table) {
  db::load_state state;
  state.table = std::move(table);
  state.source = {"/data/in put's.csv.gz", 123'456'789'012ULL, 0xFFFFFFFFU, 0x12345678U, true};
  state.offset = 9'000'000'000ULL;
  state.line = 42;
  state.batches = 3;
  state.rows = 30'000;
  state.complete = false;
  state.created = true;
  state.declared = "id:text,price:real";
  return state;
}

TEST(postgres_database, the_load_state_is_written_read_updated_and_cleared) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  db::load_state state = a_state("we\"ird name");
  db.begin();
  db.write_state(state);
  db.commit();
  EXPECT_EQ(db.read_state("we\"ird name"), state);
  EXPECT_EQ(db.read_state("other"), std::nullopt);
  state.offset += 1000;
  state.line += 10;
  state.batches += 1;
  state.rows += 10;
  state.complete = true;
  state.created = false;
  state.source.resumable = false;
  state.declared = "";
  db.begin();
  db.write_state(state);
  db::load_state other = a_state("other");
  db.write_state(other);
  db.commit();
  EXPECT_EQ(db.read_state("we\"ird name"), state);
  EXPECT_EQ(db.read_state("other"), other);
  EXPECT_EQ(pg_session(scratch.uri()).value("SELECT count(*) FROM yieldpipe_load_state"), "2");
  db.begin();
  db.clear_state("we\"ird name");
  db.clear_state("never loaded");
  db.commit();
  EXPECT_EQ(db.read_state("we\"ird name"), std::nullopt);
  EXPECT_EQ(db.read_state("other"), other);
}

TEST(postgres_database, without_the_state_table_there_is_no_state_and_the_transaction_goes_on) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"n", column_type::integer}};
  db.begin();
  EXPECT_EQ(db.read_state("t"), std::nullopt);
  db.clear_state("t");
  db.create_table("t", columns);
  const db::row_batch batch = batch_of({"n"}, {{"1"}});
  db.insert("t", columns, batch, all_rows(batch));
  db.commit();
  EXPECT_EQ(pg_session(scratch.uri()).value("SELECT count(*) FROM t"), "1");
  EXPECT_EQ(pg_session(scratch.uri()).value("SELECT to_regclass('yieldpipe_load_state') IS NULL"), "t");
}

TEST(postgres_database, a_rollback_leaves_nothing) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"n", column_type::integer}};
  db.begin();
  db.create_table("t", columns);
  const db::row_batch batch = batch_of({"n"}, {{"1"}});
  db.insert("t", columns, batch, all_rows(batch));
  db.write_state(a_state("t"));
  db.rollback();
  db.rollback();  // no transaction: nothing to do
  EXPECT_EQ(db.columns_of("t"), std::nullopt);
  EXPECT_EQ(db.read_state("t"), std::nullopt);
  EXPECT_EQ(pg_session(scratch.uri()).value("SELECT to_regclass('yieldpipe_load_state') IS NULL"), "t");
}

TEST(postgres_database, an_existing_table_is_a_db_error_that_names_it) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"n", column_type::integer}};
  db.create_table("t", columns);
  const std::string message = message_of([&] { db.create_table("t", columns); });
  EXPECT_NE(message.find("create table \"t\": relation \"t\" already exists"), std::string::npos) << message;
  EXPECT_EQ(message.rfind(db.name() + ": ", 0), 0U) << message;
  EXPECT_THROW(db.columns_of(std::string("a\0b", 3)), db::db_error);
}

// The session's backend, as the server lists it.
std::optional<std::string> backend_of(const scratch_database& scratch) {
  return scratch_database::admin().value("SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE datname = '" +
                                         scratch.name() + "' AND application_name = 'yieldpipe'");
}

TEST(postgres_database, a_terminated_backend_is_connection_lost_and_reconnect_brings_it_back) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::optional<std::string> pid = backend_of(scratch);
  ASSERT_TRUE(pid.has_value()) << "no session with application_name yieldpipe";
  const std::vector<column> columns{{"n", column_type::integer}};
  db.begin();
  db.create_table("t", columns);
  scratch_database::admin().query("SELECT pg_terminate_backend(" + *pid + ", 5000)");
  EXPECT_THROW(db.columns_of("t"), db::connection_lost);
  db.rollback();  // never throws
  EXPECT_THROW(db.begin(), db::connection_lost);
  db.reconnect();
  EXPECT_NE(backend_of(scratch), pid);
  EXPECT_EQ(db.columns_of("t"), std::nullopt);  // the transaction was lost with its connection
  db.begin();
  db.create_table("t", columns);
  db.commit();
  EXPECT_EQ(db.columns_of("t"), columns);
}

TEST(postgres_database, a_lost_connection_during_copy_is_connection_lost) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  const std::vector<column> columns{{"n", column_type::integer}};
  db.create_table("t", columns);
  const db::row_batch batch = batch_of({"n"}, {{"1"}});
  scratch_database::admin().query("SELECT pg_terminate_backend(" + backend_of(scratch).value() + ", 5000)");
  EXPECT_THROW(db.insert("t", columns, batch, all_rows(batch)), db::connection_lost);
  db.reconnect();
  db.insert("t", columns, batch, all_rows(batch));
  EXPECT_EQ(pg_session(scratch.uri()).value("SELECT count(*) FROM t"), "1");
}

TEST(postgres_database, a_reconnect_that_fails_is_connection_lost_and_a_later_one_may_succeed) {
  scratch_database scratch;
  postgres_database db(scratch.uri());
  // Dropping the database ends the session and makes the next connection fail.
  scratch_database::admin().query("DROP DATABASE " + scratch.name() + " WITH (FORCE)");
  EXPECT_THROW(db.begin(), db::connection_lost);
  EXPECT_THROW(db.reconnect(), db::connection_lost);
  EXPECT_THROW(db.begin(), db::connection_lost);
  scratch_database::admin().query("CREATE DATABASE " + scratch.name());
  db.reconnect();
  db.begin();
  db.commit();
}

TEST(postgres_database, a_database_that_cannot_be_reached_is_a_db_error) {
  const std::string uri = "postgresql:///postgres?host=/nonexistent/yieldpipe&port=1";
  const std::string message = message_of([&] { postgres_database db(uri); });
  EXPECT_EQ(message.rfind(uri + ": cannot connect: ", 0), 0U) << message;
  EXPECT_NE(message_of([] { postgres_database db("sqlite:x.db"); }).find("not a PostgreSQL URI"), std::string::npos);
}

TEST(masked_target, a_password_becomes_stars_and_anything_else_stays) {
  using db::masked_target;
  EXPECT_EQ(masked_target("postgresql://user:secret@host/db"), "postgresql://user:***@host/db");
  EXPECT_EQ(masked_target("postgres://user:secret@host:5432,h2:5433/db?sslmode=require"),
            "postgres://user:***@host:5432,h2:5433/db?sslmode=require");
  EXPECT_EQ(masked_target("postgresql://user:p%40ss@host"), "postgresql://user:***@host");
  EXPECT_EQ(masked_target("postgresql://user:p@ss@host/db"), "postgresql://user:***@host/db");
  EXPECT_EQ(masked_target("postgresql://user:@host/db"), "postgresql://user:***@host/db");
  EXPECT_EQ(masked_target("postgresql://user@host/db"), "postgresql://user@host/db");
  EXPECT_EQ(masked_target("postgresql://host:5432/db"), "postgresql://host:5432/db");
  EXPECT_EQ(masked_target("postgresql:///db?host=/run/pg&port=5433"), "postgresql:///db?host=/run/pg&port=5433");
  EXPECT_EQ(masked_target("postgresql:///db?user=u&password=secret&port=1"),
            "postgresql:///db?user=u&password=***&port=1");
  EXPECT_EQ(masked_target("postgresql://u:a@h/db?password=b"), "postgresql://u:***@h/db?password=***");
  EXPECT_EQ(masked_target("postgresql://h/db?passwordx=1&xpassword=2"), "postgresql://h/db?passwordx=1&xpassword=2");
  EXPECT_EQ(masked_target("host=h password=secret dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(masked_target("host=h password = 'se cr\\'et' dbname=d"), "host=h password = *** dbname=d");
  EXPECT_EQ(masked_target("password=secret"), "password=***");
  EXPECT_EQ(masked_target("sqlite:/tmp/password=1.db"), "sqlite:/tmp/password=1.db");
  EXPECT_EQ(masked_target("sqlite:db.sqlite"), "sqlite:db.sqlite");
  EXPECT_EQ(masked_target(""), "");
}

// A role that logs in with a password (the cluster trusts only its superuser).
struct password_role {
  std::string name = "yieldpipe_role_" + std::to_string(::getpid());
  password_role() { scratch_database::admin().query("CREATE ROLE " + name + " LOGIN PASSWORD 'Right-Horse-42'"); }
  ~password_role() { scratch_database::admin().query("DROP ROLE IF EXISTS " + name); }
  std::string uri(const std::string& userinfo_password, const std::string& query = "") const {
    return "postgresql://" + name + ":" + userinfo_password + "@/postgres?host=" + test::postgres_socket_dir() +
           "&port=" + test::postgres_uri().substr(test::postgres_uri().find("port=") + 5, 4) + query;
  }
};

TEST(postgres_database, a_wrong_password_is_refused_without_being_quoted) {
  password_role role;
  {
    postgres_database db(role.uri("Right-Horse-42"));
    EXPECT_EQ(db.name().find("Right-Horse-42"), std::string::npos);
    EXPECT_NE(db.name().find(role.name + ":***@"), std::string::npos) << db.name();
  }
  for (const std::string& uri : {role.uri("Wr0ng%2DSecret"), role.uri("x", "&password=Wr0ng-Secret")}) {
    const std::string message = message_of([&] { postgres_database db(uri); });
    EXPECT_NE(message.find("password authentication failed"), std::string::npos) << message;
    EXPECT_EQ(message.find("Wr0ng"), std::string::npos) << message;
    EXPECT_NE(message.find("***"), std::string::npos) << message;
  }
}

TEST(postgres_database, a_message_of_libpq_that_quotes_the_uri_never_holds_the_password) {
  // libpq quotes the whole URI when it cannot read it.
  for (const std::string& uri : {std::string("postgresql://user:Hunter2-Secret@[::1/db"),
                                 std::string("postgresql://user:Hunter2%2DSecret@[::1/db"),
                                 std::string("postgresql://user:x@/db?password=Hunter2-Secret&port=notaport"),
                                 std::string("postgresql://user:Hunter2-Secret@/db?host=/nonexistent&port=1")}) {
    const std::string message = message_of([&] { postgres_database db(uri); });
    EXPECT_NE(message.find("cannot connect"), std::string::npos) << message;
    EXPECT_EQ(message.find("Hunter2"), std::string::npos) << message;
  }
}

}  // namespace
