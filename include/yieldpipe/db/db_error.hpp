#pragma once
// The errors of the db layer.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

#include "yieldpipe/io/error.hpp"

namespace yieldpipe::db {

/// A database failure a user can act on (cannot connect, disk full, read-only, a table that exists
/// already), naming the database as `database::name()` does: never with its password. An io_error, so
/// a command reports it as it reports a file it cannot write (exit 1).
class db_error : public io::io_error {
 public:
  db_error(std::string database, std::string reason) : io::io_error(std::move(database), std::move(reason)) {}
};

/// The connection went away (a server restarted, a network cut): `database::reconnect` and a retry
/// of the batch may succeed. Whether the last commit happened is unknown: read the load state again.
class connection_lost : public db_error {
 public:
  using db_error::db_error;
};

/// The database refused a row of an insert (a value its column type or a constraint does not take).
/// `row` is the index, in the rows passed to `database::insert`, of the row refused when the
/// database says which (SQLite); nullopt when it only says that one of them was (PostgreSQL's COPY).
/// The transaction is then usable after `database::rollback_to_savepoint`.
class row_refused : public db_error {
 public:
  row_refused(std::string database, std::string reason, std::optional<std::size_t> row)
      : db_error(std::move(database), std::move(reason)), row_(row) {}
  std::optional<std::size_t> row() const noexcept { return row_; }

 private:
  std::optional<std::size_t> row_;
};

}  // namespace yieldpipe::db
