#pragma once
// What every data command shares: the common flags of SPEC.md §4, exit codes, the error policy
// (--on-error) with its dead-letter file, and the output (-o, --format).
//
//   auto common = std::make_shared<common_options>();
//   add_common_options(*cmd, *common);
//   cmd->callback([=] { run_command("stats", [&] { ... }); });

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <yieldpipe/exec/input_pieces.hpp>
#include <yieldpipe/io/input.hpp>
#include <yieldpipe/io/output.hpp>
#include <yieldpipe/io/rejected_record.hpp>
#include <yieldpipe/io/writers.hpp>
#include <yieldpipe/iter/progress.hpp>

#include "stop_signals.hpp"

namespace yieldpipe::cli {

/// A command line that cannot work (a bad expression, an unknown column, two options that exclude
/// each other): printed as `yieldpipe CMD: message`, exit code 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The common flags, as parsed.
struct common_options {
  std::string output = "-";        ///< -o: the file to write; "-" is standard output
  std::string format = "csv";      ///< --format csv|tsv|jsonl|table
  std::string on_error = "fail";   ///< --on-error fail|skip|dead-letter=FILE
  std::optional<bool> progress{};  ///< --progress/--no-progress; default: when stderr is a terminal
  bool flush_each = false;         ///< --flush-each: write every result line as soon as it is known
  std::string max_memory{};        ///< --max-memory SIZE (empty: no limit)
  int threads = 1;                 ///< --threads N (add_threads_option sets the default: the cores)
  bool memory = false;             ///< --memory: print the peak memory at the end
};

/// Adds -o, --format, --on-error, --progress/--no-progress, --flush-each, --max-memory and --memory
/// to `cmd`, writing into `options` (which must outlive the parse and the callback).
/// --no-progress wins over --progress, in whatever order they come.
void add_common_options(CLI::App& cmd, common_options& options);
/// Adds the common flags that do not concern a result file: --on-error, --progress/--no-progress and
/// --memory (for `load`, whose result is a database table).
void add_run_options(CLI::App& cmd, common_options& options);
/// Adds --threads, for the commands that use it (those whose state merges: stats).
void add_threads_option(CLI::App& cmd, common_options& options);

/// A data command's loop saw SIGINT or SIGTERM (`command_progress::tick`).
class interrupted : public std::runtime_error {
 public:
  explicit interrupted(int signal) : std::runtime_error("interrupted"), signal_(signal) {}
  int signal() const noexcept { return signal_; }

 private:
  int signal_;
};

/// Runs a command's body with the exit codes of SPEC.md §4: a closed standard output ends it quietly
/// (0); an io_error (bad data, failed I/O) prints `yieldpipe NAME: what` and exits 1; a usage_error or
/// a query_error (a bad expression, an unknown column) prints the same and exits 2. While the body
/// runs, SIGINT and SIGTERM are caught (stop_signals): the body's loop stops at its next row with
/// `interrupted`, its outputs are cleaned up on the way out (standard output keeps the whole rows
/// written so far; a file output, written to a temporary file, is removed), and the command exits
/// 128 + the signal (130 for SIGINT) after `yieldpipe NAME: interrupted`. Exits through
/// CLI::RuntimeError, which main() turns into the code.
void run_command(std::string_view name, const std::function<void()>& body);
/// A line printed as `yieldpipe NAME: note: NOTE` after the message of an io_error about the file
/// `path` (as errors name it), or of a query_error, that ends the running command: what was guessed
/// about its input, and how to say otherwise.
void set_error_note(std::string path, std::string note);
/// The same, and with --memory `yieldpipe NAME: peak memory 6.1 MiB` on stderr at the end (after the
/// error message, if the run failed).
void run_command(std::string_view name, const common_options& options, const std::function<void()>& body);

class progress_stream;  // common.cpp: what the progress draws, on its way to stderr

/// A command's progress over its input, on stderr: a bar redrawn in place when stderr is a
/// terminal, a log line every 5 s (and a final one) when --progress asks for it and stderr is not a
/// terminal; nothing with --no-progress, or by default when stderr is not a terminal.
///
///   io::csv_reader reader(path, options);
///   command_progress progress(common, "stats", reader.input());
///   while (const io::csv_row* row = reader.next()) { progress.tick(); ... }
///   progress.finish();  // before the results: the bar is erased, the log's final line printed
///
/// Percent and ETA follow the bytes read when the input's size is known (a regular file; for a gzip
/// or zstd file its compressed bytes); standard input shows bytes, rows and rate. `tick()` is
/// progress_meter's: an increment and a countdown, no clock read or system call per row.
///
/// Results written to standard output on a terminal never land inside the bar: result_output
/// erases the bar, writes, and draws it again (at most every 64 KiB of results, and before each
/// redraw). Without `finish()`, destruction finishes, unless an exception is on its way: then the
/// bar is erased and no final line printed (the error message follows). One per command run.
class command_progress {
 public:
  /// Progress over `in`, which must outlive this object.
  command_progress(const common_options& options, std::string_view name, const io::input& in);
  /// Progress over the files at `paths`, read one after another, each announced by `reading()`:
  /// percent of the sum of their sizes (unknown if one is standard input or not a regular file).
  command_progress(const common_options& options, std::string_view name, const std::vector<std::string>& paths);
  /// A count of items without a total (walk's entries).
  command_progress(const common_options& options, std::string_view name);
  /// Progress as `bytes_done()` tells, of `total_bytes` (0: unknown); called on this object's thread.
  command_progress(const common_options& options, std::string_view name, std::function<std::uint64_t()> bytes_done,
                   std::uint64_t total_bytes);
  command_progress(const command_progress&) = delete;
  command_progress& operator=(const command_progress&) = delete;
  ~command_progress();

  /// While the returned object lives, the bytes read from `in` (one of the paths) count as done.
  class reading_scope {
   public:
    reading_scope(const reading_scope&) = delete;
    reading_scope& operator=(const reading_scope&) = delete;
    ~reading_scope();

   private:
    friend command_progress;
    explicit reading_scope(command_progress& progress) noexcept : progress_(progress) {}
    command_progress& progress_;
  };
  [[nodiscard]] reading_scope reading(const io::input& in) noexcept;

  /// One more row (or entry, or line). Throws `interrupted` once SIGINT or SIGTERM has arrived (see
  /// run_command): every data command's loop ticks, so every one stops within a row.
  void tick() {
    if (stop_signal) [[unlikely]]
      throw interrupted(stop_signal);
    meter_.tick();
  }
  /// `n` more rows at once (rows counted elsewhere, on worker threads, and announced in order).
  void tick(std::uint64_t n) {
    if (stop_signal) [[unlikely]]
      throw interrupted(stop_signal);
    for (; n > 0; --n) meter_.tick();
  }
  /// With the paths constructor: `bytes` more of the paths count as read (a part of a file read in
  /// pieces on other threads), besides those of the current `reading()`.
  void add_bytes_done(std::uint64_t bytes) noexcept { bytes_before_ += bytes; }
  /// Erases the bar, or prints the final log line (`yieldpipe stats: done, 1000 items (45.2 KiB/45.2
  /// KiB, 100.0%) in 0:00, ...`). Later calls do nothing.
  void finish();
  /// Whether anything is shown.
  bool enabled() const noexcept { return enabled_; }

 private:
  bool enabled_ = false;
  bool bar_ = false;
  bool finished_ = false;
  int uncaught_ = 0;  // std::uncaught_exceptions() at construction
  const io::input* current_ = nullptr;
  std::uint64_t bytes_before_ = 0;  // of the inputs read before current_
  std::unique_ptr<progress_stream> stream_;
  progress_meter meter_;
};

/// Bytes from "700MB", "1.5GB", "64KiB", "512" (kB, MB, GB, TB are powers of 1000; KiB... of 1024);
/// nullopt for anything else.
std::optional<std::uint64_t> parse_size(std::string_view text);
/// Half of the machine's physical memory, or of the cgroup's memory limit when that is lower: what
/// an operator that spills may hold when --max-memory is not given.
std::uint64_t default_memory_budget();

/// A check for an option that takes a whole number of at least `min` (--window, --head, --threads),
/// saying so when it fails: `--window: expected a whole number >= 1, got '0'` (CLI11's own number
/// checks print a range up to 1.8e308 in full).
CLI::Validator whole_number(std::uint64_t min);

/// The error policy of --on-error for the readers of one command run: `fail` throws at the first bad
/// record; `skip` counts; `dead-letter=FILE` also writes each bad record to FILE as CSV with the
/// columns file,line,offset,reason,message,record (the record's text as stored). The dead-letter file
/// appears whole when the run ends (`finish`), or not at all.
class rejects {
 public:
  /// Parses the --on-error value; a usage_error for anything else.
  explicit rejects(const std::string& on_error);
  rejects(const rejects&) = delete;
  rejects& operator=(const rejects&) = delete;
  ~rejects();

  /// The handler to put into a reader's options (`csv_options::on_reject`, ...). Valid while this
  /// object lives; empty for `fail`.
  io::reject_handler handler();
  /// Counts by reason so far.
  const error_counts& counts() const;
  /// Hands the dead-letter records to the system, so that a dead-letter file that cannot be written
  /// (a full disk) fails the run here: commands call it before committing their result, so that a
  /// failed run leaves neither file.
  void flush();
  /// Commits the dead-letter file and, when anything was rejected, prints
  /// `yieldpipe NAME: 3 records rejected: 2 ragged row, 1 strict` to stderr.
  void finish(std::string_view name);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Where a command's results go: -o and --format, with --flush-each. The file appears whole on
/// `commit()`, or not at all.
///
/// On standard output, it shares the terminal with a command_progress: rows are written with the
/// bar out of the way (see command_progress).
class result_output {
 public:
  result_output(const common_options& options, std::vector<std::string> columns);
  result_output(const result_output&) = delete;
  result_output& operator=(const result_output&) = delete;
  ~result_output();
  io::record_writer& writer() noexcept { return *writer_; }
  void write_row(std::initializer_list<io::field> row);
  void write_row(std::span<const io::field> row);
  /// Appends records formatted elsewhere (on a worker thread) by a writer of this output's format
  /// over an `io::output(io::to_memory)`, without their CSV header: see `part_writer`.
  void write_formatted(std::string_view bytes);
  /// Finishes the writer (the table's alignment) and commits the file.
  void commit();

 private:
  void show_beside_bar();

  io::output out_;
  std::unique_ptr<io::record_writer> writer_;
  bool flush_each_;
  bool to_terminal_;  // standard output is a terminal: a progress bar may be on it
};

/// A writer of records in the format of --format into memory, for a part of the results formatted on a
/// worker thread and appended in order with `write_to`: what the part holds is byte for byte what
/// writing its records to the result_output would add. Null for the table format, whose columns are
/// measured over all its rows: write those to the result_output.
///
/// Memory: the formatted bytes, in chunks of about 192 KiB (one allocation and one copy each: a part
/// that grew as one string would copy itself at each doubling and touch fresh pages each time).
class part_writer {
 public:
  /// Null when --format is table.
  static std::unique_ptr<part_writer> make(const common_options& options, std::vector<std::string> columns);
  void write_row(std::initializer_list<io::field> row) {
    write_row(std::span<const io::field>(row.begin(), row.size()));
  }
  void write_row(std::span<const io::field> row) {
    writer_->write_row(row);
    if (out_.bytes_written() - taken_ >= chunk_bytes) [[unlikely]]
      take_chunk();
  }
  /// Appends the part's bytes to `out` and empties the part.
  void write_to(result_output& out);

 private:
  static constexpr std::uint64_t chunk_bytes = std::uint64_t{192} << 10;
  part_writer() = default;
  void take_chunk();

  io::output out_{io::to_memory, io::output_options{.buffer_size = std::size_t{256} << 10}};
  std::unique_ptr<io::record_writer> writer_;
  std::vector<std::string> chunks_;
  std::uint64_t taken_ = 0;  // out_.bytes_written() at the last take
};

/// True on its first call only, whichever thread calls. `exec::parallel_reduce` makes its result
/// state first, on the calling thread, before any piece's: a factory tells the result by this.
class first_call {
 public:
  bool operator()() noexcept { return !done_.exchange(true); }

 private:
  std::atomic<bool> done_{false};
};

/// Progress of a command that reads its input with `exec::parallel_reduce`, on the calling thread:
/// for a plain file, the offset that the pieces merged so far reached; for a stream (standard input,
/// `.gz`, `.zst`), the bytes read from it as they are (compressed bytes, of the compressed size), as
/// the one-thread reader shows them.
class pieces_progress {
 public:
  pieces_progress(const common_options& options, std::string_view name, const std::string& path);
  /// A piece merged: its rows, and the offset after its last row.
  void merged(std::uint64_t rows, std::uint64_t end) {
    meter_.tick(rows);  // throws `interrupted` after a signal
    if (plain_) bytes_done_ = std::max(bytes_done_, end);
  }
  /// For `pieces_options::on_bytes_read`.
  std::function<void(std::uint64_t)> on_bytes_read() {
    return [this](std::uint64_t bytes) {
      if (!plain_) bytes_done_ = bytes;
    };
  }
  command_progress& meter() noexcept { return meter_; }

  /// How a command reads its input in pieces on `threads` threads, with this progress: a plain
  /// file in about four pieces a thread of 1 MiB to `most_bytes` (a piece's result waits in memory
  /// for the pieces before it), a stream in blocks of up to 8 MiB (at most `most_bytes`). The rows'
  /// lines are not counted first (a pass over the file on this thread): the commands keep no line,
  /// and a piece with bad rows, whose messages name lines, is read again in its turn.
  exec::pieces_options pieces(unsigned threads, std::uint64_t most_bytes);

 private:
  pieces_progress(const common_options& options, std::string_view name, std::pair<bool, std::uint64_t> plain_and_size);
  bool plain_;
  std::uint64_t size_;
  std::uint64_t bytes_done_ = 0;
  command_progress meter_;
};

/// The end every data command shares, in the order that keeps the promise of no partial result: the
/// progress finished (before any result reaches the terminal), the dead-letter records handed to the
/// system (a dead-letter file that cannot be written fails the run here, before the result exists),
/// the result committed, then the reject summary `yieldpipe NAME: 3 records rejected: ...`.
void finish_command(std::string_view name, command_progress& progress, rejects& bad, result_output& out);

}  // namespace yieldpipe::cli
