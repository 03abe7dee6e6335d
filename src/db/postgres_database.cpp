#include "yieldpipe/db/postgres_database.hpp"

#include <libpq-fe.h>

#include <bit>
#include <charconv>
#include <new>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "target_password.hpp"
#include "yieldpipe/db/db_error.hpp"
#include "yieldpipe/db/detail/quote_identifier.hpp"

namespace yieldpipe::db {
namespace {

// COPY data goes to libpq in pieces of about this size: the memory of an insert, whatever the batch.
constexpr std::size_t copy_piece = 256 * 1024;
constexpr std::string_view savepoint_name = "yieldpipe_rows";

const char* sql_type(column_type type) noexcept {
  switch (type) {
    case column_type::integer: return "bigint";
    case column_type::real: return "double precision";
    case column_type::text: break;
  }
  return "text";
}

// A type name of pg_type as a column type.
column_type type_of(std::string_view typname) noexcept {
  if (typname == "int8" || typname == "int4" || typname == "int2") return column_type::integer;
  if (typname == "float8" || typname == "float4") return column_type::real;
  return column_type::text;
}

// Appends `v` big-endian in `bytes` bytes: the byte order of COPY's binary format.
void append_big_endian(std::string& out, std::uint64_t v, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.pop_back();
  return s;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Whether an SQLSTATE says the connection is gone: class 08 (connection exception), 57P01
// admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
bool connection_gone(std::string_view state) noexcept {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

// Whether an SQLSTATE says the server refused a row of a COPY: class 22 (data exception: a value its
// type does not take, bad UTF-8), class 23 (integrity constraint), 54000 (a row too large).
bool row_refusal(std::string_view state) noexcept {
  return state.starts_with("22") || state.starts_with("23") || state == "54000";
}

// The row a refused COPY names, from the error's context `COPY table, line N[, column c]: ...`,
// when the failure is that row's alone: a value its type refuses, or a NOT NULL, CHECK, unique or
// exclusion constraint, all checked as the row is read (PostgreSQL reports the line of a unique
// violation found when a buffer of rows is flushed too). A foreign key is checked by a trigger
// at the statement's end, which names no line.
std::optional<std::size_t> refused_row(const PGresult* r, const std::string& table, std::size_t rows) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* context = PQresultErrorField(r, PG_DIAG_CONTEXT);
  if (state == nullptr || context == nullptr) return std::nullopt;
  const std::string_view code(state);
  if (!(code.starts_with("22") || code == "23502" || code == "23514" || code == "23505" || code == "23P01"))
    return std::nullopt;
  const std::string prefix = "COPY " + table + ", line ";
  const std::string_view text(context);
  if (!text.starts_with(prefix)) return std::nullopt;
  std::size_t line = 0;
  const char* const end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data() + prefix.size(), end, line);
  if (ec != std::errc() || (p != end && *p != ',' && *p != ':' && *p != '\n')) return std::nullopt;
  if (line == 0 || line > rows) return std::nullopt;
  return line - 1;
}

// Appends `value` to COPY text data: backslash, tab, newline and carriage return escaped.
void append_escaped(std::string& out, std::string_view value) {
  std::size_t done = 0;
  for (std::size_t i = value.find_first_of("\\\t\n\r"); i != std::string_view::npos;
       i = value.find_first_of("\\\t\n\r", i + 1)) {
    out.append(value, done, i - done);
    out += '\\';
    switch (value[i]) {
      case '\t': out += 't'; break;
      case '\n': out += 'n'; break;
      case '\r': out += 'r'; break;
      default: out += '\\';
    }
    done = i + 1;
  }
  out.append(value, done);
}

std::string to_text(bool b) { return b ? "true" : "false"; }

}  // namespace

void postgres_database::result_deleter::operator()(::pg_result* r) const noexcept { PQclear(r); }

postgres_database::postgres_database(std::string uri) : uri_(std::move(uri)), name_(masked_target(uri_)) {
  if (!uri_.starts_with("postgresql://") && !uri_.starts_with("postgres://"))
    throw db_error(name_, "not a PostgreSQL URI (postgresql://...)");
  for (const detail::text_span& span : detail::password_spans(uri_)) {
    passwords_.push_back(uri_.substr(span.begin, span.size));
    passwords_.push_back(percent_decoded(passwords_.back()));
  }
  char* error = nullptr;
  if (PQconninfoOption* options = PQconninfoParse(uri_.c_str(), &error)) {
    for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o)
      if (std::string_view(o->keyword) == "password" && o->val != nullptr) passwords_.emplace_back(o->val);
    PQconninfoFree(options);
  }
  PQfreemem(error);
  std::erase(passwords_, std::string());
  connect(false);
}

postgres_database::~postgres_database() { PQfinish(conn_); }

void postgres_database::connect(bool reconnecting) {
  // Keywords before dbname (the URI, expanded) are defaults the URI may override; those after it
  // override the URI.
  const char* const keywords[] = {"connect_timeout", "fallback_application_name", "dbname", "client_encoding", nullptr};
  const char* const values[] = {"10", "yieldpipe", uri_.c_str(), "UTF8", nullptr};
  PGconn* c = PQconnectdbParams(keywords, values, 1);
  if (c == nullptr) throw std::bad_alloc();
  if (PQstatus(c) != CONNECTION_OK) {
    std::string reason = "cannot connect: " + without_password(trimmed(PQerrorMessage(c)));
    PQfinish(c);
    if (reconnecting) throw connection_lost(name_, std::move(reason));
    throw db_error(name_, std::move(reason));
  }
  // Notices (a user's trigger, "identifier will be truncated") would go to stderr.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  conn_ = c;
}

std::string postgres_database::without_password(std::string message) const {
  for (const std::string& password : passwords_) {
    for (std::size_t p = message.find(password); p != std::string::npos; p = message.find(password, p + 3))
      message.replace(p, password.size(), "***");
  }
  return message;
}

postgres_database::result postgres_database::run(const std::string& sql, const std::string& what,
                                                 std::span<const std::string> params) {
  result r;
  if (conn_ != nullptr) {
    if (params.empty()) {
      r.reset(PQexec(conn_, sql.c_str()));
    } else {
      std::vector<const char*> values;
      values.reserve(params.size());
      for (const std::string& p : params) values.push_back(p.c_str());
      r.reset(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                           nullptr, 0));
    }
  }
  const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_COPY_IN) fail(r.get(), what);
  return r;
}

void postgres_database::fail(const ::pg_result* r, const std::string& what, const std::string* copied,
                             std::size_t copied_rows) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message;
  if (primary != nullptr) {
    // The server's message: it never holds the password.
    message = primary;
    if (const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)) message += std::string(" (") + detail + ")";
  } else {
    // libpq's: it may quote the connection's parameters.
    message = conn_ != nullptr ? without_password(trimmed(PQerrorMessage(conn_))) : "not connected";
    if (message.empty()) message = "no answer from the server";
  }
  std::string reason = what + ": " + message;
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD || (state != nullptr && connection_gone(state)))
    throw connection_lost(name_, std::move(reason));
  if (copied != nullptr && state != nullptr && row_refusal(state))
    throw row_refused(name_, std::move(reason), refused_row(r, *copied, copied_rows));
  throw db_error(name_, std::move(reason));
}

std::string postgres_database::quoted(std::string_view identifier) const {
  // A NUL would end the statement's text where libpq reads it.
  if (identifier.find('\0') != std::string_view::npos)
    throw db_error(name_, "a name holds a NUL byte, which PostgreSQL does not allow");
  return detail::quote_identifier(identifier);
}

void postgres_database::begin() { run("BEGIN", "begin"); }

void postgres_database::commit() {
  const result r = run("COMMIT", "commit");
  // COMMIT of a transaction in which a statement failed rolls it back, and says so by its tag alone.
  if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK")
    throw db_error(name_, "commit: the transaction was rolled back: a statement in it had failed");
}

void postgres_database::rollback() noexcept {
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) return;
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
}

void postgres_database::savepoint() { run("SAVEPOINT " + std::string(savepoint_name), "savepoint"); }

void postgres_database::rollback_to_savepoint() {
  run("ROLLBACK TO SAVEPOINT " + std::string(savepoint_name), "rollback to savepoint");
}

void postgres_database::release_savepoint() {
  run("RELEASE SAVEPOINT " + std::string(savepoint_name), "release savepoint");
}

std::optional<std::vector<column>> postgres_database::columns_of(const std::string& table) {
  const std::string params[] = {quoted(table)};
  const result r =
      run("SELECT c.oid IS NOT NULL, a.attname, t.typname FROM (SELECT to_regclass($1) AS oid) c "
          "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
          "LEFT JOIN pg_type t ON t.oid = a.atttypid ORDER BY a.attnum",
          "read the columns of " + params[0], params);
  if (PQntuples(r.get()) == 0 || std::string_view(PQgetvalue(r.get(), 0, 0)) != "t") return std::nullopt;
  std::vector<column> columns;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    if (PQgetisnull(r.get(), i, 1)) continue;  // a table without columns
    columns.push_back({PQgetvalue(r.get(), i, 1), type_of(PQgetvalue(r.get(), i, 2))});
  }
  return columns;
}

void postgres_database::create_table(const std::string& table, std::span<const column> columns) {
  const std::string name = quoted(table);
  std::string sql = "CREATE TABLE " + name + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += quoted(columns[i].name) + ' ' + sql_type(columns[i].type);
  }
  sql += ')';
  run(sql, "create table " + name);
  binary_copy_[table] = true;  // the types are this code's own
}

void postgres_database::drop_table(const std::string& table) {
  const std::string name = quoted(table);
  run("DROP TABLE IF EXISTS " + name, "drop table " + name);
  binary_copy_.erase(table);
}

void postgres_database::add_column(const std::string& table, const column& added) {
  const std::string name = quoted(table);
  const std::string column_name = quoted(added.name);
  run("ALTER TABLE " + name + " ADD COLUMN " + column_name + ' ' + sql_type(added.type),
      "add column " + column_name + " to " + name);
}

void postgres_database::widen_column(const std::string& table, std::span<const column> columns, std::size_t index) {
  if (index >= columns.size()) throw std::out_of_range("widen_column: no column " + std::to_string(index));
  const std::string name = quoted(table);
  const std::string column_name = quoted(columns[index].name);
  const std::string type = sql_type(columns[index].type);
  run("ALTER TABLE " + name + " ALTER COLUMN " + column_name + " TYPE " + type + " USING " + column_name + "::" + type,
      "change column " + column_name + " of " + name + " to " + type);
}

void postgres_database::put_copy_data(const std::string& what) {
  if (PQputCopyData(conn_, copy_buffer_.data(), static_cast<int>(copy_buffer_.size())) != 1) fail(nullptr, what);
  copy_buffer_.clear();
}

void postgres_database::insert(const std::string& table, std::span<const column> columns, const row_batch& batch,
                               std::span<const std::uint32_t> rows) {
  if (columns.size() != batch.columns())
    throw std::invalid_argument("insert: the batch has " + std::to_string(batch.columns()) + " columns, the table " +
                                std::to_string(columns.size()));
  if (rows.empty()) return;
  if (columns.empty()) throw std::invalid_argument("insert: rows without columns");
  const std::string name = quoted(table);
  // Binary COPY when the table's columns are exactly ours: the server converts no text (int8in,
  // float8in), the values are those classify() parsed, and text needs no escaping. A user's table
  // (int4, numeric, date...) takes the text format, which the server converts to any type.
  bool binary = binary_copy(table);
  if (binary) {
    // The loader sends only values that fit; a caller that did not check gets the text format, so that
    // the server's own conversion refuses what does not fit.
    if (!batch.classified()) batch.classify();
    for (const std::uint32_t row : rows)
      for (std::size_t c = 0; c < columns.size() && binary; ++c)
        binary = batch.at(row, c).kind == field_kind::null || fits(batch.type_at(row, c), columns[c].type);
  }
  std::string sql = "COPY " + name + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += quoted(columns[i].name);
  }
  sql += binary ? ") FROM STDIN (FORMAT binary)" : ") FROM STDIN";
  const std::string what = "insert into " + name;
  run(sql, what);
  try {
    copy_buffer_.clear();
    copy_buffer_.reserve(copy_piece + copy_piece / 4);
    if (binary) {
      copy_buffer_.append("PGCOPY\n\377\r\n\0", 11);
      append_big_endian(copy_buffer_, 0, 4);  // flags
      append_big_endian(copy_buffer_, 0, 4);  // header extension length
    }
    for (const std::uint32_t row : rows) {
      if (binary) {
        append_big_endian(copy_buffer_, columns.size(), 2);
        for (std::size_t c = 0; c < columns.size(); ++c) {
          const row_batch::field f = batch.at(row, c);
          if (f.kind == field_kind::null) {
            append_big_endian(copy_buffer_, 0xffffffffU, 4);  // -1: null
          } else if (columns[c].type == column_type::integer) {
            append_big_endian(copy_buffer_, 8, 4);
            append_big_endian(copy_buffer_, static_cast<std::uint64_t>(batch.integer_at(row, c)), 8);
          } else if (columns[c].type == column_type::real) {
            append_big_endian(copy_buffer_, 8, 4);
            append_big_endian(copy_buffer_, std::bit_cast<std::uint64_t>(batch.real_at(row, c)), 8);
          } else {
            append_big_endian(copy_buffer_, f.value.size(), 4);
            copy_buffer_ += f.value;
          }
        }
      } else {
        for (std::size_t c = 0; c < columns.size(); ++c) {
          if (c > 0) copy_buffer_ += '\t';
          const row_batch::field f = batch.at(row, c);
          if (f.kind == field_kind::null)
            copy_buffer_ += "\\N";
          else
            append_escaped(copy_buffer_, f.value);
        }
        copy_buffer_ += '\n';
      }
      if (copy_buffer_.size() >= copy_piece) put_copy_data(what);
    }
    if (binary) append_big_endian(copy_buffer_, 0xffff, 2);  // -1: the end
    if (!copy_buffer_.empty()) put_copy_data(what);
  } catch (...) {
    // Out of memory, or the connection failed: end the COPY so that the connection, if it is still
    // there, takes commands again (the transaction is then failed: roll back to the savepoint).
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) {
      PQputCopyEnd(conn_, "yieldpipe stopped sending the rows");
      while (PGresult* left = PQgetResult(conn_)) PQclear(left);
    }
    throw;
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) fail(nullptr, what);
  const result r(PQgetResult(conn_));
  while (PGresult* left = PQgetResult(conn_)) PQclear(left);
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail(r.get(), what, &table, rows.size());
}

bool postgres_database::binary_copy(const std::string& table) {
  if (const auto found = binary_copy_.find(table); found != binary_copy_.end()) return found->second;
  const std::string params[] = {quoted(table)};
  const result r = run(
      "SELECT count(*) FILTER (WHERE t.typname NOT IN ('int8', 'float8', 'text')) = 0 FROM pg_attribute a "
      "JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
      "read the column types of " + params[0], params);
  const bool exact = std::string_view(PQgetvalue(r.get(), 0, 0)) == "t";
  binary_copy_[table] = exact;
  return exact;
}

bool postgres_database::state_table_exists() {
  const result r = run("SELECT to_regclass('yieldpipe_load_state') IS NOT NULL", "find the load state table");
  return std::string_view(PQgetvalue(r.get(), 0, 0)) == "t";
}

std::optional<load_state> postgres_database::read_state(const std::string& table) {
  // to_regclass first: a query of a missing table would fail the caller's transaction.
  if (!state_table_exists()) return std::nullopt;
  const std::string params[] = {table};
  const result r =
      run("SELECT source_path, source_size, head_crc, tail_crc, resumable, byte_offset, line, batches, row_count, "
          "complete, "
          "created, declared FROM yieldpipe_load_state WHERE table_name = $1",
          "read the load state of " + quoted(table), params);
  if (PQntuples(r.get()) == 0) return std::nullopt;
  const auto number = [&](int field) -> std::uint64_t {
    const std::string_view text = PQgetvalue(r.get(), 0, field);
    std::uint64_t n = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || p != text.data() + text.size())
      throw db_error(name_, "the load state of " + quoted(table) + " holds " + std::string(PQfname(r.get(), field)) +
                                " " + std::string(text) + ", not a count");
    return n;
  };
  const auto flag = [&](int field) { return std::string_view(PQgetvalue(r.get(), 0, field)) == "t"; };
  load_state state;
  state.table = table;
  state.source.path = PQgetvalue(r.get(), 0, 0);
  state.source.size = number(1);
  state.source.head_crc = static_cast<std::uint32_t>(number(2));
  state.source.tail_crc = static_cast<std::uint32_t>(number(3));
  state.source.resumable = flag(4);
  state.offset = number(5);
  state.line = number(6);
  state.batches = number(7);
  state.rows = number(8);
  state.complete = flag(9);
  state.created = flag(10);
  state.declared = PQgetvalue(r.get(), 0, 11);
  return state;
}

void postgres_database::write_state(const load_state& state) {
  if (!state_table_exists()) {
    // Counts are bigint: a load's offsets and rows stay far below 2^63.
    run("CREATE TABLE yieldpipe_load_state (table_name text PRIMARY KEY, source_path text NOT NULL, "
        "source_size bigint NOT NULL, head_crc bigint NOT NULL, tail_crc bigint NOT NULL, resumable boolean NOT NULL, "
        "byte_offset bigint NOT NULL, "
        "line bigint NOT NULL, batches bigint NOT NULL, row_count bigint NOT NULL, complete boolean NOT NULL, "
        "created boolean NOT NULL, declared text NOT NULL, updated timestamptz NOT NULL DEFAULT now())",
        "create the load state table");
  }
  const std::string params[] = {state.table,
                                state.source.path,
                                std::to_string(state.source.size),
                                std::to_string(state.source.head_crc),
                                std::to_string(state.source.tail_crc),
                                to_text(state.source.resumable),
                                std::to_string(state.offset),
                                std::to_string(state.line),
                                std::to_string(state.batches),
                                std::to_string(state.rows),
                                to_text(state.complete),
                                to_text(state.created),
                                state.declared};
  run("INSERT INTO yieldpipe_load_state (table_name, source_path, source_size, head_crc, tail_crc, resumable, "
      "byte_offset, line, batches, row_count, complete, created, declared) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
      "$9, $10, $11, $12, $13) ON CONFLICT (table_name) DO UPDATE SET source_path = EXCLUDED.source_path, "
      "source_size = EXCLUDED.source_size, head_crc = EXCLUDED.head_crc, tail_crc = EXCLUDED.tail_crc, "
      "resumable = EXCLUDED.resumable, "
      "byte_offset = EXCLUDED.byte_offset, line = EXCLUDED.line, batches = EXCLUDED.batches, "
      "row_count = EXCLUDED.row_count, complete = EXCLUDED.complete, created = EXCLUDED.created, "
      "declared = EXCLUDED.declared, updated = now()",
      "write the load state of " + quoted(state.table), params);
}

void postgres_database::clear_state(const std::string& table) {
  if (!state_table_exists()) return;
  const std::string params[] = {table};
  run("DELETE FROM yieldpipe_load_state WHERE table_name = $1", "clear the load state of " + quoted(table), params);
}

void postgres_database::write_rejects(const std::string& table, const std::string& source,
                                      std::span<const rejected_row> rows) {
  if (rows.empty()) return;
  run("CREATE TABLE IF NOT EXISTS yieldpipe_load_rejects (table_name text NOT NULL, source_path text NOT NULL, "
      "line bigint NOT NULL, byte_offset bigint NOT NULL, reason text NOT NULL, message text NOT NULL, "
      "record text NOT NULL)",
      "create the load rejects table");
  for (const rejected_row& row : rows) {
    const std::string params[] = {
        table, source, std::to_string(row.line), std::to_string(row.offset), row.reason, row.message, row.text};
    run("INSERT INTO yieldpipe_load_rejects VALUES ($1, $2, $3, $4, $5, $6, $7)",
        "keep a rejected row of " + quoted(table), params);
  }
}

void postgres_database::clear_rejects(const std::string& table) {
  const result r = run("SELECT to_regclass('yieldpipe_load_rejects') IS NOT NULL", "find the load rejects table");
  if (std::string_view(PQgetvalue(r.get(), 0, 0)) != "t") return;
  const std::string params[] = {table};
  run("DELETE FROM yieldpipe_load_rejects WHERE table_name = $1", "clear the rejected rows of " + quoted(table),
      params);
}

void postgres_database::reconnect() {
  PQfinish(conn_);
  conn_ = nullptr;
  connect(true);
}

}  // namespace yieldpipe::db
