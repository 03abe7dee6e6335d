#pragma once
// SQLite as a load's database (Debian's libsqlite3): the embedded default.

#include <memory>
#include <string>

#include "yieldpipe/db/database.hpp"

namespace yieldpipe::db {

/// A SQLite database file, opened (created if missing) for loading. Column types: INTEGER, REAL,
/// TEXT; values are bound with their column's type (sqlite3_bind_int64, _double, _text) through one
/// prepared INSERT per table. The file is put in WAL mode with `synchronous=NORMAL`: a commit is
/// atomic and survives a killed process (what a batch's promise needs); after a power loss the last
/// commits may be missing, and the load state, committed with them, says so to `--resume`.
/// Widening a column rebuilds the table inside the transaction (SQLite cannot change a column's
/// type): a copy of the rows loaded so far, at most twice per column.
///
/// Errors (`db_error`): a file that cannot be opened or is not a database, a read-only file or
/// folder, a full disk (`database or disk is full`), a lock held longer than 10 s by another
/// writer. A value a constraint of the table refuses (NOT NULL, UNIQUE, CHECK of a table that a
/// user made) is a `row_refused` naming the row.
class sqlite_database final : public database {
 public:
  /// Opens `path` (":memory:" for a private in-memory database; a `file:` URI with SQLite's
  /// parameters, such as `file:data.db?mode=ro`).
  explicit sqlite_database(const std::string& path);
  ~sqlite_database() override;

  const std::string& name() const noexcept override { return name_; }
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  void savepoint() override;
  void rollback_to_savepoint() override;
  void release_savepoint() override;
  std::optional<std::vector<column>> columns_of(const std::string& table) override;
  void create_table(const std::string& table, std::span<const column> columns) override;
  void drop_table(const std::string& table) override;
  void add_column(const std::string& table, const column& added) override;
  void widen_column(const std::string& table, std::span<const column> columns, std::size_t index) override;
  void insert(const std::string& table, std::span<const column> columns, const row_batch& batch,
              std::span<const std::uint32_t> rows) override;
  std::optional<load_state> read_state(const std::string& table) override;
  void write_state(const load_state& state) override;
  void clear_state(const std::string& table) override;
  void write_rejects(const std::string& table, const std::string& source, std::span<const rejected_row> rows) override;
  void clear_rejects(const std::string& table) override;
  /// SQLite has no connection to lose: does nothing.
  void reconnect() override {}

 private:
  struct impl;
  std::string name_;
  std::unique_ptr<impl> impl_;
};

}  // namespace yieldpipe::db
