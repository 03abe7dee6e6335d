#pragma once
// A PostgreSQL database a load writes into, through libpq.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "yieldpipe/db/database.hpp"

// libpq's PGconn and PGresult: no public header includes libpq-fe.h.
struct pg_conn;
struct pg_result;

namespace yieldpipe::db {

/// `database` on one PostgreSQL connection (libpq, blocking).
///
/// Target: a libpq connection URI, `postgresql://[user[:password]@]host[:port]/db[?param=value&...]`
/// (`postgres://` too; `postgresql:///db?host=/socket/dir&port=N` for a Unix socket). The session
/// has `application_name` yieldpipe unless the URI names one, a 10 s connect timeout unless the URI
/// gives one, and client_encoding UTF8 whatever the URI says (the rows are UTF-8). Messages name
/// the database by `masked_target(uri)`, and no message quotes the password.
///
/// Types: integer is `bigint`, real `double precision`, text `text`. `columns_of` finds the table
/// through the session's search_path and reads smallint/integer/bigint as integer, real/double
/// precision as real, and any other type as text. Identifiers are always quoted, so any name works.
///
/// `insert` sends the rows with one `COPY ... FROM STDIN` (text format), in pieces of about
/// 256 KiB: memory is that buffer, whatever the batch's size. The server checks every value; a
/// value or constraint it refuses throws `row_refused`, with the row's index when the server's
/// message names the line of the COPY and the failure is of that row alone (a value of the wrong
/// type, a NOT NULL or CHECK or unique constraint), nullopt otherwise (a foreign key, a trigger).
///
/// The load state lives in the table `yieldpipe_load_state` (found and created through the
/// search_path, in the current transaction), one row per target table: table_name (the key),
/// source_path, source_size, head_crc, tail_crc, resumable, byte_offset, line, batches, row_count,
/// complete, created, declared, and updated (when it was written). Counts are bigint.
///
/// Errors: `connection_lost` when the connection is gone (the server stopped or restarted, the
/// backend was terminated, the network failed: SQLSTATE class 08, 57P01 to 57P03, or a connection
/// libpq reports bad); `db_error` with the server's message (and its detail) for anything else.
class postgres_database final : public database {
 public:
  /// Connects to `uri`; throws `db_error` when it cannot (server down, wrong password, a URI libpq
  /// does not read).
  explicit postgres_database(std::string uri);
  ~postgres_database() override;
  postgres_database(const postgres_database&) = delete;
  postgres_database& operator=(const postgres_database&) = delete;

  const std::string& name() const noexcept override { return name_; }

  void begin() override;
  /// Throws `db_error` if the transaction failed earlier (PostgreSQL then rolls it back instead).
  void commit() override;
  void rollback() noexcept override;
  void savepoint() override;
  void rollback_to_savepoint() override;
  void release_savepoint() override;

  std::optional<std::vector<column>> columns_of(const std::string& table) override;
  void create_table(const std::string& table, std::span<const column> columns) override;
  /// Drops the table if it exists.
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

  /// Closes the connection and opens a new one (one attempt); throws `connection_lost` when the
  /// new connection fails too.
  void reconnect() override;

 private:
  struct result_deleter {
    void operator()(::pg_result* r) const noexcept;
  };
  using result = std::unique_ptr<::pg_result, result_deleter>;

  void connect(bool reconnecting);
  /// Runs `sql` with `params` ($1, $2, ... as text) and returns its result; throws as `fail` does
  /// when it fails. `what` says what it does, for the message.
  result run(const std::string& sql, const std::string& what, std::span<const std::string> params = {});
  /// Throws the error of `r` (null when libpq returned none): connection_lost, or row_refused for a
  /// refused COPY into `copied` (`rows` rows), or db_error.
  [[noreturn]] void fail(const ::pg_result* r, const std::string& what, const std::string* copied = nullptr,
                         std::size_t copied_rows = 0);
  /// `message` with every form of the URI's password replaced by `***`.
  std::string without_password(std::string message) const;
  /// `identifier` as a quoted SQL identifier.
  std::string quoted(std::string_view identifier) const;
  void put_copy_data(const std::string& what);
  bool state_table_exists();

  std::string uri_;
  std::string name_;
  std::vector<std::string> passwords_;  // as written in the URI and as libpq reads them
  pg_conn* conn_ = nullptr;
  std::string copy_buffer_;
  // Per table: whether its columns are exactly bigint, double precision and text, so that COPY can
  // send them in the binary format (what insert decides once per table).
  std::unordered_map<std::string, bool> binary_copy_;
  bool binary_copy(const std::string& table);
};

}  // namespace yieldpipe::db
