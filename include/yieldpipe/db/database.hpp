#pragma once
// A database a load writes into, as the table loader needs it: transactions, tables and their
// column types, inserts of row batches, and the load-state table. Implemented by sqlite_database
// and postgres_database; `open_database` picks one from a target string.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "yieldpipe/db/column_type.hpp"
#include "yieldpipe/db/row_batch.hpp"
#include "yieldpipe/db/source_identity.hpp"

namespace yieldpipe::db {

/// A column of a table: its name and type.
struct column {
  std::string name;
  column_type type = column_type::text;
  friend bool operator==(const column&, const column&) = default;
};

/// The row of the load-state table (`yieldpipe_load_state`, one row per target table) that a load
/// writes in the transaction of each batch: where the source goes on after the last committed batch.
struct load_state {
  std::string table;         ///< the target table
  source_identity source;    ///< the file being loaded
  std::uint64_t offset = 0;  ///< byte offset after the last committed batch, in the decompressed input
  std::uint64_t line = 1;    ///< the line there
  std::uint64_t batches = 0;
  std::uint64_t rows = 0;  ///< rows committed
  bool complete = false;   ///< the whole source is in
  bool created = false;    ///< the load created the table (its inferred columns may widen)
  std::string declared;    ///< the --types given at the start ("id:text,price:real"), for --resume
  friend bool operator==(const load_state&, const load_state&) = default;
};

/// What the table loader asks of a database. One connection, used from one thread at a time. Every
/// method throws `connection_lost` when the connection went away, and `db_error` for any other
/// failure, with a message that names the database (`name()`) and says why.
///
/// Identifiers (tables, columns) are passed as they are and quoted by the implementation: any
/// name works, `"` and spaces included.
class database {
 public:
  virtual ~database() = default;

  /// The database in messages: `sqlite:PATH`, or the PostgreSQL URI with its password masked.
  virtual const std::string& name() const noexcept = 0;

  virtual void begin() = 0;
  virtual void commit() = 0;
  /// Rolls the transaction back; never throws (a lost connection has rolled it back already).
  virtual void rollback() noexcept = 0;
  /// A savepoint inside the transaction, to go back to when an insert is refused.
  virtual void savepoint() = 0;
  virtual void rollback_to_savepoint() = 0;
  virtual void release_savepoint() = 0;

  /// The columns of `table`, in order; nullopt when there is no such table. A column type that is
  /// none of integer, real and text (a user's DATE, NUMERIC, BLOB) reads as text.
  virtual std::optional<std::vector<column>> columns_of(const std::string& table) = 0;
  virtual void create_table(const std::string& table, std::span<const column> columns) = 0;
  virtual void drop_table(const std::string& table) = 0;
  /// Adds a column (null in the rows already there).
  virtual void add_column(const std::string& table, const column& added) = 0;
  /// Gives `columns[index]` its new, wider type (`columns` are the table's columns after the
  /// change), converting the values already stored: an integer 7 becomes the real 7.0 or the text
  /// "7", a real 1.5 the text "1.5".
  virtual void widen_column(const std::string& table, std::span<const column> columns, std::size_t index) = 0;

  /// Inserts `rows` (indexes into `batch`) into `table`, whose columns are `columns`: `batch`'s
  /// column i goes to `columns[i]` (`batch` has as many columns), as that column's type (every value
  /// fits it: the loader checked). Classifies the batch if it is not. A value the database refuses
  /// throws `row_refused`.
  virtual void insert(const std::string& table, std::span<const column> columns, const row_batch& batch,
                      std::span<const std::uint32_t> rows) = 0;

  /// The load state of `table`, or nullopt (no state table, or no row for the table).
  virtual std::optional<load_state> read_state(const std::string& table) = 0;
  /// Writes the state row of `state.table` (creating the state table the first time).
  virtual void write_state(const load_state& state) = 0;
  /// Removes the state row of `table`, if any.
  virtual void clear_state(const std::string& table) = 0;
  /// Adds `rows`, set aside while loading `table` from `source`, to the load-rejects table
  /// (`yieldpipe_load_rejects`, created the first time): in the caller's transaction, so that they
  /// are kept exactly when their batch is.
  virtual void write_rejects(const std::string& table, const std::string& source,
                             std::span<const rejected_row> rows) = 0;
  /// Removes the rejects kept for `table`, if any (a new load of it starts).
  virtual void clear_rejects(const std::string& table) = 0;

  /// After `connection_lost`: connects again (one attempt; the loader waits between attempts).
  virtual void reconnect() = 0;
};

/// Opens the database a target names: `sqlite:PATH` (the file is created if missing) or
/// `postgresql://...` / `postgres://...` (a libpq connection URI). A target of another form is a
/// `db_error`; so is a database that cannot be opened.
std::unique_ptr<database> open_database(const std::string& target);

/// `target` with the password of a PostgreSQL URI (user:PASSWORD@ or password=...) replaced by
/// `***`: what every message and log line prints.
std::string masked_target(const std::string& target);

}  // namespace yieldpipe::db
