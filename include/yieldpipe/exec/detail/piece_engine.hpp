#pragma once
// The machinery under exec::parallel_reduce: cutting an input into pieces (piece_cutter) and
// reading them on worker threads, handing over their bad records and results in file order
// (run_pieces). Not for users: see exec/input_pieces.hpp.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "yieldpipe/io/csv_reader.hpp"
#include "yieldpipe/io/input.hpp"
#include "yieldpipe/io/rejected_record.hpp"

namespace yieldpipe::exec::detail {

inline constexpr std::uint64_t no_end = std::numeric_limits<std::uint64_t>::max();

/// One piece of the input: a byte range of a plain file, or a block of a stream in memory.
struct piece {
  std::uint64_t begin = 0;                   // offset of its first record (for a guessed CSV piece: of a line start)
  std::uint64_t line = 1;                    // the line there
  std::uint64_t end = no_end;                // where the next piece starts
  std::shared_ptr<const std::string> block;  // its bytes, for a stream; null: read the plain file
  bool guessed = false;                      // CSV on a plain file: the previous piece's reader confirms `begin`
  bool truncated = false;                    // cut inside a record longer than the reader's maximum: reading must fail
  bool relative_lines = false;               // its lines were not counted: read from line 1, in turn from the true one
  std::exception_ptr failure;                // no bytes: the input failed here, with the serial reader's error
};

/// How to cut: at CSV record ends (the dialect of `csv`) or at line ends.
struct cut_options {
  bool csv = false;
  io::csv_options csv_options{};                       // for csv (its on_reject is not used)
  std::size_t max_record = 0;                          // max_record_size, or max_line_length
  io::input_options input{};                           // buffer size for the pieces' inputs
  std::uint64_t piece_bytes = std::uint64_t{8} << 20;  // a stream's blocks
  std::uint64_t file_piece_bytes = 0;                  // a plain file's pieces; 0: about 4 a thread
  unsigned threads = 1;
  std::function<void(std::uint64_t)> on_bytes_read{};  // a stream's bytes read, as it is read
  bool count_lines = true;  // false (CSV on a plain file): pieces after the first have relative_lines
};

/// Cuts one input into pieces in file order, on the calling thread.
class piece_cutter {
 public:
  virtual ~piece_cutter() = default;
  /// The next piece, or nullopt after the last. Reading a stream happens here.
  virtual std::optional<piece> next() = 0;
  /// The name in errors ("<stdin>" for standard input).
  virtual const std::string& path() const noexcept = 0;
  /// The plain file to open for a piece without a block.
  virtual const std::string& file() const noexcept = 0;
  /// For CSV: reads the input's header now (a stream's cutter reads it before its first block
  /// otherwise); its errors are the serial reader's.
  virtual void read_header() {}
  /// For CSV: the input's header, read before the first piece.
  const io::csv_header& header() const noexcept { return header_; }

 protected:
  io::csv_header header_;
};

/// A cutter for the input `in` opened from `path` ("-" for standard input) and not read yet: by
/// byte ranges for a plain regular file (each piece opens `path`), else by blocks of the stream (the
/// cutter takes `in`). Null, leaving `in` as it was, when the input must be read on one thread: CSV
/// without a header, or a CSV stream whose dialect has an escape character.
std::unique_ptr<piece_cutter> make_cutter(const std::string& path, io::input& in, const cut_options& options);

/// What reading one piece left, and the reject hook its reader uses.
class piece_reading {
 public:
  piece_reading(const piece& p, const io::reject_handler& policy, bool direct, std::uint64_t max_held,
                const std::atomic<bool>& stop);

  /// The reader's on_reject: holds the piece's bad records back (or, read again in turn, hands them
  /// to the policy at once); a bad record at or after the piece's end only marks where the next
  /// piece starts.
  const io::reject_handler& handler() const noexcept { return handler_; }
  /// The piece must stop (held bad records over their limit, or the run stops): it is incomplete.
  bool stopped() const noexcept { return over_limit_ || stop_.load(std::memory_order_relaxed); }
  /// Reads the piece again after the policy refused its bad record at `offset`: the bad records
  /// before it were delivered and are passed over, and that one is refused, so the reader (or the
  /// worker) throws its own error for it.
  void replay_until(std::uint64_t offset) noexcept { replay_until_ = offset; }
  /// The reader found the next piece's first record (or the end of the input) at `at`.
  void found_boundary(io::csv_position at) noexcept {
    if (!boundary) boundary = at;
  }

  /// Whether bad records are held back for the policy.
  bool holds_rejects() const noexcept { return !held_.empty(); }

  std::optional<io::csv_position> boundary;
  std::exception_ptr error;
  bool complete = false;

 private:
  friend std::optional<std::uint64_t> deliver(piece_reading& reading, const io::reject_handler& policy);
  struct held_reject {
    std::string path;
    std::uint64_t line;
    std::uint64_t offset;
    std::string text;
    std::string reason;
    std::string message;
  };
  bool hold(const io::rejected_record& record, std::string_view reason, std::string_view message);

  std::uint64_t end_;
  const io::reject_handler& policy_;
  bool direct_;
  std::uint64_t max_held_;
  std::uint64_t held_bytes_ = 0;
  bool over_limit_ = false;
  std::optional<std::uint64_t> replay_until_;
  const std::atomic<bool>& stop_;
  std::vector<held_reject> held_;
  io::reject_handler handler_;
};

/// Reads the piece `p` into slot `slot` (on a worker thread, or on the calling thread when the piece
/// is read again in turn): sets `reading.complete` when it reached its end, `reading.boundary` for a
/// CSV piece. Exceptions are caught by run_pieces.
using read_piece_fn = std::function<void(const piece& p, std::size_t slot, piece_reading& reading)>;
/// Merges slot `slot` into the result, on the calling thread, in file order.
using commit_fn = std::function<void(std::size_t slot)>;

/// Reads every piece of `cutter` on `threads` worker threads, at most `window` pieces in flight (a
/// piece's slot is its number modulo `window`), and commits them in file order on the calling
/// thread: a guessed CSV piece whose start its predecessor does not confirm, or an incomplete piece,
/// is read again there; then its bad records go to `policy` and `commit` merges it, or its error is
/// rethrown (after every worker stopped). With `commit_before_error`, a piece that was read up to an
/// error (its slot then holds the records before it) is handed to it before the error is rethrown.
void run_pieces(piece_cutter& cutter, unsigned threads, std::size_t window, const io::reject_handler& policy,
                std::uint64_t max_held, const read_piece_fn& read, const commit_fn& commit,
                const commit_fn& commit_before_error = {});

/// An input for piece `p`: the plain file from its start, or its block in memory.
io::input open_piece(const piece_cutter& cutter, const piece& p, const io::input_options& options);

}  // namespace yieldpipe::exec::detail
