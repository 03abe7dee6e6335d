#pragma once
// What every data command shares: the common flags of SPEC.md §4, exit codes, the error policy
// (--on-error) with its dead-letter file, and the output (-o, --format).
//
//   auto common = std::make_shared<common_options>();
//   add_common_options(*cmd, *common);
//   cmd->callback([=] { run_command("stats", [&] { ... }); });

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>
#include <yieldpipe/io/output.hpp>
#include <yieldpipe/io/rejected_record.hpp>
#include <yieldpipe/io/writers.hpp>

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
  int threads = 1;                 ///< --threads N
};

/// Adds -o, --format, --on-error, --progress/--no-progress, --flush-each, --max-memory and --threads
/// to `cmd`, writing into `options` (which must outlive the parse and the callback).
void add_common_options(CLI::App& cmd, common_options& options);

/// Runs a command's body with the exit codes of SPEC.md §4: a closed standard output ends it quietly
/// (0); an io_error (bad data, failed I/O) prints `yieldpipe NAME: what` and exits 1; a usage_error
/// prints the same and exits 2. Exits through CLI::RuntimeError, which main() turns into the code.
void run_command(std::string_view name, const std::function<void()>& body);

/// Bytes from "700MB", "1.5GB", "64KiB", "512" (kB, MB, GB, TB are powers of 1000; KiB... of 1024);
/// nullopt for anything else.
std::optional<std::uint64_t> parse_size(std::string_view text);

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
  /// Commits the dead-letter file and, when anything was rejected, prints
  /// `yieldpipe NAME: 3 records rejected: 2 ragged row, 1 strict` to stderr.
  void finish(std::string_view name);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Where a command's results go: -o and --format, with --flush-each. The file appears whole on
/// `commit()`, or not at all.
class result_output {
 public:
  result_output(const common_options& options, std::vector<std::string> columns);
  io::record_writer& writer() noexcept { return *writer_; }
  void write_row(std::initializer_list<io::field> row);
  void write_row(std::span<const io::field> row);
  /// Finishes the writer (the table's alignment) and commits the file.
  void commit();

 private:
  io::output out_;
  std::unique_ptr<io::record_writer> writer_;
  bool flush_each_;
};

}  // namespace yieldpipe::cli
