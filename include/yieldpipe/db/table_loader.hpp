#pragma once
// Loads batches of rows into one table: one transaction per batch, with the load state, column
// types inferred and widened, refused rows isolated, lost connections retried, and --resume.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yieldpipe/db/column_type.hpp"
#include "yieldpipe/db/database.hpp"
#include "yieldpipe/db/row_batch.hpp"
#include "yieldpipe/db/source_identity.hpp"
#include "yieldpipe/io/rejected_record.hpp"

namespace yieldpipe::db {

/// What a load does with the target table. `create`: the table must not exist; `append`: rows are
/// added to it (created if missing), whose column types then do not change; `replace`: it is dropped
/// and made again, in the first batch's transaction (so a failed first batch leaves the old table).
enum class load_mode { create, append, replace };

/// nullopt for anything but "create", "append" and "replace".
std::optional<load_mode> parse_load_mode(std::string_view text) noexcept;

struct load_options {
  std::string table{};
  load_mode mode = load_mode::create;
  /// Columns whose type is given (--types): never inferred or widened; a value that does not fit
  /// sets its row aside (`on_reject`, reason "type").
  std::vector<column> declared{};
  /// Rows set aside: a value that does not fit a declared or existing column ("type"), a row the
  /// database refuses ("refused"). Called once per row, before the row's batch commits; a false
  /// return, or an empty handler, fails the load with the row's error instead (the batch rolls back).
  io::reject_handler on_reject{};
  /// Called just before each commit, and between the retries of a lost connection: throwing
  /// (SIGINT's `interrupted`) rolls the batch back and ends the load with that exception.
  std::function<void()> before_commit{};
  /// A connection lost during a batch (a server restarted) is reconnected after 0.1 s, then twice as
  /// long each time up to `reconnect_max_delay`, for at most `reconnect_for` in all; then the load
  /// fails with the last error. Each wait is announced to `on_reconnect` (the error, the delay).
  std::chrono::milliseconds reconnect_for{std::chrono::seconds(60)};
  std::chrono::milliseconds reconnect_max_delay{std::chrono::seconds(5)};
  std::function<void(std::string_view error, std::chrono::milliseconds delay)> on_reconnect{};
};

/// The load of one source into one table, batch after batch:
///
///   auto db = db::open_database("sqlite:sensors.db");
///   db::table_loader loader(*db, {.table = "readings"}, db::source_identity::of("sensors.csv"));
///   for (...) { fill batch; loader.load(batch); batch.clear(); }
///   loader.finish(batch);  // the table exists even when no row came; the state says "complete"
///
/// Each `load` is one transaction: the table created (first batch), columns added or widened, the
/// rows inserted, and the state row (`yieldpipe_load_state`: source identity, the offset and line
/// after the batch, counts) written; a batch is in the database whole or not at all. Column types:
/// declared ones as given; an existing table's as they are (append); otherwise inferred, starting at
/// the narrowest type that holds the values of the first batch (integer for a column without any)
/// and widened (`database::widen_column`) when a later value needs it. Empty fields are NULL.
///
/// A row the database refuses is isolated by inserting the rest in halves under savepoints (or
/// directly when the database names the row) and goes to `on_reject`; its neighbours load. Every row
/// set aside (the batch's own `rejects()`, a value that does not fit, a refused row) is also written
/// to `yieldpipe_load_rejects` in the batch's transaction; a new load clears the table's. A
/// connection lost in a batch is reconnected with backoff; the state row then says whether the
/// commit happened, so that the batch is in once, never twice.
///
/// Not thread-safe; the database must outlive the loader.
class table_loader {
 public:
  /// A new load (`options.mode`) of `source`.
  table_loader(database& db, load_options options, source_identity source);
  /// Goes on with the load that `state` describes (from `resume_state`): declared types from
  /// `state.declared`, inferred columns still widening if the load created the table.
  table_loader(database& db, load_options options, const load_state& state);

  /// The committed state of the load into `table` for `--resume`, after checking that `now` is the
  /// source it was reading. A `db_error` when there is no state to resume, when the source is not a
  /// file that can be resumed (standard input, a pipe), or when it changed (another size, or other
  /// first or last MiB).
  /// A connection lost while reading is reconnected as `retry` says (its reconnect_* and
  /// on_reconnect; the defaults: for up to 60 s).
  static load_state resume_state(database& db, const std::string& table, const source_identity& now,
                                 const load_options& retry = {});

  /// Loads `batch` (not empty) in one transaction. Its columns are named; they need not be the
  /// table's or be in its order (JSON lines); a column new to the table is added.
  void load(const row_batch& batch);
  /// Marks the load complete (its own transaction), creating the table with `names`' columns
  /// (declared types, else text) if no row was loaded.
  void finish(const std::vector<std::string>& names);

  std::uint64_t rows_loaded() const noexcept { return state_.rows; }
  std::uint64_t batches() const noexcept { return state_.batches; }
  std::uint64_t rejected() const noexcept { return rejected_; }
  /// The table's columns as committed (empty before the first batch).
  const std::vector<column>& columns() const noexcept { return columns_; }

  /// `declared` as the state row stores it: "name:type,..." with `\` escaping `,` `:` and `\`.
  static std::string format_declared(const std::vector<column>& declared);
  static std::vector<column> parse_declared(std::string_view text);

 private:
  struct plan;
  void plan_batch(const row_batch& batch, plan& p);
  void run_batch(const row_batch& batch, plan& p, bool finishing);
  void insert_rows(const row_batch& batch, const plan& p, std::vector<std::uint32_t> rows, std::uint64_t& inserted);
  void reject(const row_batch& batch, std::uint32_t row, std::string_view reason, const std::string& description);
  bool committed_already(std::uint64_t batches);
  // Runs `attempt` again after each lost connection, reconnected with backoff (see load_options).
  void with_reconnects(const std::function<void()>& attempt);

  database& db_;
  load_options options_;
  load_state state_;
  std::vector<column> columns_;  // the table's, as committed
  std::vector<bool> widenable_;  // per column of columns_
  bool table_ready_ = false;     // the table exists with columns_
  std::uint64_t rejected_ = 0;
  std::vector<rejected_row> kept_;  // the current batch's rows set aside, for the rejects table
  bool fresh_ = false;              // a new load: its first transaction clears the table's old rejects
  std::vector<bool> reported_;      // per row of the current batch: given to on_reject already (a retry must not again)
};

}  // namespace yieldpipe::db
