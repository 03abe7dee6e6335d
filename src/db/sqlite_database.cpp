#include "yieldpipe/db/sqlite_database.hpp"

#include <sqlite3.h>

#include <charconv>
#include <cstring>
#include <string_view>
#include <utility>

#include "yieldpipe/db/db_error.hpp"
#include "yieldpipe/db/detail/quote_identifier.hpp"

namespace yieldpipe::db {
namespace {

// Statements that finalize themselves.
struct statement_deleter {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using statement = std::unique_ptr<sqlite3_stmt, statement_deleter>;

std::string_view sql_type(column_type type) noexcept {
  switch (type) {
    case column_type::integer: return "INTEGER";
    case column_type::real: return "REAL";
    case column_type::text: break;
  }
  return "TEXT";
}

// SQLite's own affinity rules (datatype3.html §3.1), with NUMERIC and BLOB read as text: the load
// binds those columns' values as text, as written.
column_type type_of_declared(std::string_view declared) {
  std::string upper(declared);
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if (upper.find("INT") != std::string::npos) return column_type::integer;
  if (upper.find("CHAR") != std::string::npos || upper.find("CLOB") != std::string::npos ||
      upper.find("TEXT") != std::string::npos)
    return column_type::text;
  if (upper.find("REAL") != std::string::npos || upper.find("FLOA") != std::string::npos ||
      upper.find("DOUB") != std::string::npos)
    return column_type::real;
  return column_type::text;
}

constexpr std::string_view state_table = "yieldpipe_load_state";

}  // namespace

struct sqlite_database::impl {
  sqlite3* db = nullptr;
  const std::string* name = nullptr;
  statement insert;  // the prepared INSERT of insert_key
  std::string insert_key;

  ~impl() {
    insert.reset();
    sqlite3_close_v2(db);
  }

  // SQLite's message, and the system's error under it when there is one: the reason a user can act on.
  std::string message() const {
    std::string out = sqlite3_errmsg(db);
    if (const int e = sqlite3_system_errno(db); e != 0)
      out += std::string(" (") + std::strerror(e) + ")";
    else if (sqlite3_extended_errcode(db) == SQLITE_IOERR_WRITE)
      out += " (a write failed: a full disk or a file size limit)";  // SQLite keeps no errno for a short write
    return out;
  }
  [[noreturn]] void fail(std::string_view what) const { throw db_error(*name, std::string(what) + ": " + message()); }
  void exec(const std::string& sql) {
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) throw db_error(*name, message());
  }
  statement prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
        SQLITE_OK)
      fail("cannot prepare `" + sql + "`");
    return statement(s);
  }
  // Runs a statement that returns no rows (or whose rows do not matter).
  void step_done(sqlite3_stmt* s, std::string_view what) {
    int rc = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) fail(what);
  }
};

sqlite_database::sqlite_database(const std::string& path) : name_("sqlite:" + path), impl_(std::make_unique<impl>()) {
  impl_->name = &name_;
  // NOMUTEX: a connection is used by one thread at a time (database.hpp), so SQLite's own locking of
  // every call (about 4% of a load) buys nothing.
  const int rc =
      sqlite3_open_v2(path.c_str(), &impl_->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = impl_->db ? sqlite3_errmsg(impl_->db) : sqlite3_errstr(rc);
    throw db_error(name_, "cannot open: " + why);
  }
  sqlite3_extended_result_codes(impl_->db, 1);
  sqlite3_busy_timeout(impl_->db, 10'000);
  // Reading the schema here tells a file that is not a database at once, not at the first batch.
  impl_->exec("PRAGMA schema_version");
  if (path != ":memory:") {
    // A read-only file or folder cannot switch to WAL: the first write says why, more plainly.
    try {
      impl_->exec("PRAGMA journal_mode=WAL");
    } catch (const db_error&) {
    }
  }
  impl_->exec("PRAGMA synchronous=NORMAL");
}

sqlite_database::~sqlite_database() = default;

void sqlite_database::begin() { impl_->exec("BEGIN IMMEDIATE"); }
void sqlite_database::commit() { impl_->exec("COMMIT"); }
void sqlite_database::rollback() noexcept {
  if (!sqlite3_get_autocommit(impl_->db)) sqlite3_exec(impl_->db, "ROLLBACK", nullptr, nullptr, nullptr);
}
void sqlite_database::savepoint() { impl_->exec("SAVEPOINT yieldpipe_rows"); }
void sqlite_database::rollback_to_savepoint() { impl_->exec("ROLLBACK TO yieldpipe_rows"); }
void sqlite_database::release_savepoint() { impl_->exec("RELEASE yieldpipe_rows"); }

std::optional<std::vector<column>> sqlite_database::columns_of(const std::string& table) {
  statement s = impl_->prepare("SELECT name, type FROM pragma_table_info(?1)");
  sqlite3_bind_text(s.get(), 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
  std::vector<column> columns;
  int rc = 0;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    const auto* type = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1));
    columns.push_back({name ? name : "", type_of_declared(type ? type : "")});
  }
  if (rc != SQLITE_DONE) impl_->fail("cannot read the columns of " + detail::quote_identifier(table));
  if (columns.empty()) return std::nullopt;
  return columns;
}

namespace {
std::string column_list(std::span<const column> columns, bool with_types) {
  std::string out;
  for (const column& c : columns) {
    if (!out.empty()) out += ", ";
    out += detail::quote_identifier(c.name);
    if (with_types) {
      out += ' ';
      out += sql_type(c.type);
    }
  }
  return out;
}
}  // namespace

void sqlite_database::create_table(const std::string& table, std::span<const column> columns) {
  impl_->exec("CREATE TABLE " + detail::quote_identifier(table) + " (" + column_list(columns, true) + ")");
}

void sqlite_database::drop_table(const std::string& table) {
  impl_->insert.reset();
  impl_->insert_key.clear();
  impl_->exec("DROP TABLE IF EXISTS " + detail::quote_identifier(table));
}

void sqlite_database::add_column(const std::string& table, const column& added) {
  impl_->insert.reset();
  impl_->insert_key.clear();
  impl_->exec("ALTER TABLE " + detail::quote_identifier(table) + " ADD COLUMN " + detail::quote_identifier(added.name) +
              ' ' + std::string(sql_type(added.type)));
}

void sqlite_database::widen_column(const std::string& table, std::span<const column> columns, std::size_t index) {
  // SQLite's way to change a column's type (lang_altertable.html §7): a new table, the rows copied
  // with the column cast, the old table dropped and the new one renamed, in the caller's transaction.
  impl_->insert.reset();
  impl_->insert_key.clear();
  const std::string scratch = detail::quote_identifier("yieldpipe_widen " + table);
  std::string select;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) select += ", ";
    const std::string name = detail::quote_identifier(columns[i].name);
    if (i == index)
      select += "CAST(" + name + " AS " + std::string(sql_type(columns[i].type)) + ")";
    else
      select += name;
  }
  impl_->exec("DROP TABLE IF EXISTS " + scratch);
  impl_->exec("CREATE TABLE " + scratch + " (" + column_list(columns, true) + ")");
  impl_->exec("INSERT INTO " + scratch + " SELECT " + select + " FROM " + detail::quote_identifier(table));
  impl_->exec("DROP TABLE " + detail::quote_identifier(table));
  impl_->exec("ALTER TABLE " + scratch + " RENAME TO " + detail::quote_identifier(table));
}

void sqlite_database::insert(const std::string& table, std::span<const column> columns, const row_batch& batch,
                             std::span<const std::uint32_t> rows) {
  std::string key = table;
  key += '\0';
  key += column_list(columns, false);
  if (!impl_->insert || key != impl_->insert_key) {
    impl_->insert.reset();
    std::string placeholders;
    for (std::size_t i = 0; i < columns.size(); ++i) placeholders += i == 0 ? "?" : ", ?";
    impl_->insert = impl_->prepare("INSERT INTO " + detail::quote_identifier(table) + " (" +
                                   column_list(columns, false) + ") VALUES (" + placeholders + ")");
    impl_->insert_key = std::move(key);
  }
  sqlite3_stmt* const s = impl_->insert.get();
  if (!batch.classified()) batch.classify();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const row_batch::field f = batch.at(rows[r], c);
      const int slot = static_cast<int>(c) + 1;
      if (f.kind == field_kind::null) {
        sqlite3_bind_null(s, slot);
        continue;
      }
      // The loader classified the batch and checked that the value fits the column.
      if (columns[c].type == column_type::integer) {
        sqlite3_bind_int64(s, slot, batch.integer_at(rows[r], c));
      } else if (columns[c].type == column_type::real) {
        sqlite3_bind_double(s, slot, batch.real_at(rows[r], c));
      } else {
        sqlite3_bind_text(s, slot, f.value.data(), static_cast<int>(f.value.size()), SQLITE_STATIC);
      }
    }
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
      const int primary = rc & 0xff;
      std::string why = impl_->message();
      sqlite3_clear_bindings(s);
      if (primary == SQLITE_CONSTRAINT || primary == SQLITE_MISMATCH || primary == SQLITE_TOOBIG)
        throw row_refused(name_, why, r);
      throw db_error(name_, why);
    }
  }
  sqlite3_clear_bindings(s);
}

std::optional<load_state> sqlite_database::read_state(const std::string& table) {
  statement exists = impl_->prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  sqlite3_bind_text(exists.get(), 1, state_table.data(), static_cast<int>(state_table.size()), SQLITE_STATIC);
  const int found = sqlite3_step(exists.get());
  if (found == SQLITE_DONE) return std::nullopt;
  if (found != SQLITE_ROW) impl_->fail("cannot read the load state");
  statement s = impl_->prepare(
      "SELECT source_path, source_size, head_crc, tail_crc, resumable, byte_offset, line, batches, row_count, "
      "complete, created, declared FROM yieldpipe_load_state WHERE table_name = ?1");
  sqlite3_bind_text(s.get(), 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(s.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) impl_->fail("cannot read the load state");
  const auto text = [&](int i) {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), i));
    return std::string(t ? t : "");
  };
  const auto u64 = [&](int i) { return static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), i)); };
  load_state state;
  state.table = table;
  state.source.path = text(0);
  state.source.size = u64(1);
  state.source.head_crc = static_cast<std::uint32_t>(u64(2));
  state.source.tail_crc = static_cast<std::uint32_t>(u64(3));
  state.source.resumable = u64(4) != 0;
  state.offset = u64(5);
  state.line = u64(6);
  state.batches = u64(7);
  state.rows = u64(8);
  state.complete = u64(9) != 0;
  state.created = u64(10) != 0;
  state.declared = text(11);
  return state;
}

void sqlite_database::write_state(const load_state& state) {
  impl_->exec(
      "CREATE TABLE IF NOT EXISTS yieldpipe_load_state (table_name TEXT PRIMARY KEY, source_path TEXT, "
      "source_size INTEGER, head_crc INTEGER, tail_crc INTEGER, resumable INTEGER, byte_offset INTEGER, line INTEGER, "
      "batches INTEGER, row_count INTEGER, complete INTEGER, created INTEGER, declared TEXT, updated TEXT)");
  statement s = impl_->prepare(
      "INSERT OR REPLACE INTO yieldpipe_load_state VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
      "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
  const auto text = [&](int slot, const std::string& v) {
    sqlite3_bind_text(s.get(), slot, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  const auto i64 = [&](int slot, std::uint64_t v) { sqlite3_bind_int64(s.get(), slot, static_cast<sqlite3_int64>(v)); };
  text(1, state.table);
  text(2, state.source.path);
  i64(3, state.source.size);
  i64(4, state.source.head_crc);
  i64(5, state.source.tail_crc);
  i64(6, state.source.resumable);
  i64(7, state.offset);
  i64(8, state.line);
  i64(9, state.batches);
  i64(10, state.rows);
  i64(11, state.complete);
  i64(12, state.created);
  text(13, state.declared);
  impl_->step_done(s.get(), "cannot write the load state");
}

void sqlite_database::clear_state(const std::string& table) {
  if (!read_state(table)) return;
  statement s = impl_->prepare("DELETE FROM yieldpipe_load_state WHERE table_name = ?1");
  sqlite3_bind_text(s.get(), 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
  impl_->step_done(s.get(), "cannot clear the load state");
}

void sqlite_database::write_rejects(const std::string& table, const std::string& source,
                                    std::span<const rejected_row> rows) {
  if (rows.empty()) return;
  impl_->exec(
      "CREATE TABLE IF NOT EXISTS yieldpipe_load_rejects (table_name TEXT, source_path TEXT, line INTEGER, "
      "byte_offset INTEGER, reason TEXT, message TEXT, record TEXT)");
  statement s = impl_->prepare("INSERT INTO yieldpipe_load_rejects VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  const auto text = [&](int slot, const std::string& v) {
    sqlite3_bind_text(s.get(), slot, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  };
  for (const rejected_row& row : rows) {
    text(1, table);
    text(2, source);
    sqlite3_bind_int64(s.get(), 3, static_cast<sqlite3_int64>(row.line));
    sqlite3_bind_int64(s.get(), 4, static_cast<sqlite3_int64>(row.offset));
    text(5, row.reason);
    text(6, row.message);
    text(7, row.text);
    impl_->step_done(s.get(), "cannot keep a rejected row");
    sqlite3_reset(s.get());
  }
}

void sqlite_database::clear_rejects(const std::string& table) {
  statement exists =
      impl_->prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'yieldpipe_load_rejects'");
  if (sqlite3_step(exists.get()) != SQLITE_ROW) return;
  statement s = impl_->prepare("DELETE FROM yieldpipe_load_rejects WHERE table_name = ?1");
  sqlite3_bind_text(s.get(), 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
  impl_->step_done(s.get(), "cannot clear the rejected rows");
}

}  // namespace yieldpipe::db
