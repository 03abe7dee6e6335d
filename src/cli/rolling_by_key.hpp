#pragma once
// What `anomalies` and `moving-average` share: their options, and the wiring of a per-key window
// stage over a CSV input read on --threads threads (exec::parallel_reduce): the pieces are parsed on
// worker threads into query::keyed_rows, and the stage, which must see each key's rows in file
// order, takes them piece after piece in file order on this thread. On one thread the stage takes
// the rows straight from the reader.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#include <yieldpipe/exec/parallel_reduce.hpp>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/input.hpp>
#include <yieldpipe/query/keyed_rows.hpp>

#include "common.hpp"
#include "csv_input.hpp"
#include "stop_signals.hpp"

namespace yieldpipe::cli {

/// The options of both window commands.
struct rolling_options {
  std::string file = "-";
  std::string column = "value";
  std::string key{};  ///< empty: one window over all rows
  std::size_t window = 100;
  dialect_flags dialect;
};

/// Adds FILE, --column, --key, --window and the dialect flags to `cmd`.
inline void add_rolling_options(CLI::App& cmd, rolling_options& o) {
  cmd.add_option("file", o.file, "The CSV file (- is standard input; gzip and zstd are recognised)")
      ->capture_default_str();
  cmd.add_option("--column", o.column, "The numeric column")->capture_default_str();
  cmd.add_option("--key", o.key, "One window per value of this column (without it: one window over all rows)");
  cmd.add_option("--window", o.window, "The values in a window, the new one included")
      ->check(whole_number(1))
      ->capture_default_str();
  add_dialect_options(cmd, o.dialect);
}

/// The --max-memory figure, if given (the option's validator checked it).
inline std::optional<std::uint64_t> max_memory_of(const common_options& common) {
  if (common.max_memory.empty()) return std::nullopt;
  return parse_size(common.max_memory);
}

/// The name of the input in messages, as io::input gives it.
inline std::string input_name(const std::string& file) { return file == "-" ? "<stdin>" : file; }

/// The pieces of a window command's input: at most 4 MiB, so that the rows kept for the stage stay
/// small (a piece's rows wait for the pieces before it); a piece that meets an error is merged up to
/// it first.
inline exec::pieces_options rolling_pieces(unsigned threads, pieces_progress& progress) {
  exec::pieces_options options = progress.pieces(threads, std::uint64_t{4} << 20);
  options.merge_before_error = true;  // the rows before an error are written, as on one thread
  return options;
}

/// Runs the rows of `input` through a window stage that `make(stage, header)` emplaces into `stage`
/// (on this thread, before any row is read; it may throw for a column that is not there). The stage
/// has
///   query::keyed_rows::columns columns() const;                         // what a piece keeps
///   void row(const io::csv_row&, const io::reject_handler& on_reject);  // one row, on one thread
///   void rows(const query::keyed_rows&);                                // a piece's rows, in turn
/// and sees the rows in file order, on this thread, whatever `common.threads`. Bad rows reach `bad`
/// in file order, as on one thread; `progress` follows the rows as the stage takes them.
template <class Stage, class Make>
void run_rolling_stage(std::optional<Stage>& stage, csv_input& input, const common_options& common, rejects& bad,
                       pieces_progress& progress, Make make) {
  // Kept rows no longer needed, for the next pieces: their buffers are reused rather than freed
  // and asked for again (each new page of memory is a page fault, costly in a virtual machine).
  struct spare_rows {
    std::mutex mutex;
    std::vector<query::keyed_rows> rows;
    query::keyed_rows take(const query::keyed_rows::columns& columns) {
      const std::scoped_lock lock(mutex);
      if (rows.empty()) return query::keyed_rows(columns);
      query::keyed_rows r = std::move(rows.back());
      rows.pop_back();
      return r;
    }
    void give(query::keyed_rows&& r) {
      r.clear();
      const std::scoped_lock lock(mutex);
      rows.push_back(std::move(r));
    }
  } spare;

  // The state of one piece. The first one made is the stage's own: on one thread the rows go
  // through it to the stage at once; with pieces the others are kept and merged into it in turn.
  class piece {
   public:
    piece(Stage* stage, query::keyed_rows rows, spare_rows& spare, pieces_progress& progress)
        : stage_(stage), rows_(std::move(rows)), spare_(&spare), progress_(&progress) {}

    // On a worker thread (on this one when the input is read on one thread, with stage_ set): a
    // signal stops it within a row.
    void add(const io::csv_row& row, const io::reject_handler& on_reject) {
      if (stop_signal) [[unlikely]]
        throw interrupted(stop_signal);
      end_ = row.offset() + row.text().size();
      if (stage_ != nullptr) {
        progress_->merged(1, end_);
        stage_->row(row, on_reject);
        return;
      }
      ++read_;
      rows_.add(row, on_reject);
    }
    // The piece after the ones taken so far, on this thread.
    void merge(piece& later) {
      stage_->rows(later.rows_);
      spare_->give(std::move(later.rows_));
      progress_->merged(later.read_, later.end_);
    }

   private:
    Stage* stage_;
    query::keyed_rows rows_;
    spare_rows* spare_;
    pieces_progress* progress_;
    std::uint64_t read_ = 0;
    std::uint64_t end_ = 0;
  };

  io::csv_options csv = input.options();
  csv.on_reject = bad.handler();
  const auto threads = static_cast<unsigned>(std::max(common.threads, 1));
  // Each piece opens the file three times, and an input's buffer is zeroed when it is made: smaller
  // buffers than the 1 MiB default for the many small pieces.
  if (threads > 1) csv.input.buffer_size = std::size_t{256} << 10;
  std::mutex made;  // pieces are made on the worker threads
  input.reduce(
      csv,
      [&](const io::csv_header& header) {
        const std::scoped_lock lock(made);
        if (stage) return piece(nullptr, spare.take(stage->columns()), spare, progress);
        make(stage, header);
        return piece(&*stage, query::keyed_rows({}), spare, progress);
      },
      [](piece& p, const io::csv_row& row, const io::reject_handler& on_reject) { p.add(row, on_reject); },
      rolling_pieces(threads, progress));
}

}  // namespace yieldpipe::cli
