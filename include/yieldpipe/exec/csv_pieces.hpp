#pragma once
// Reading one CSV file on several threads (--threads N), for commands whose state merges (stats).
// The general form, for CSV, lines, JSON lines and logs, from streams too, with any mergeable state
// and no fallback to the caller: exec::parallel_reduce (parallel_reduce.hpp).
//
//   std::vector<group_by> tables(threads, empty);
//   const bool done = read_csv_in_pieces(reader, options, threads, handler, [&](std::size_t piece, piece_rows& rows) {
//     tables[piece] = empty;                       // a piece may be read again: start afresh
//     while (const io::csv_row* row = rows.next()) tables[piece].add(*row);
//   });
//   if (!done) { /* read it on this thread, as without --threads */ }
//
// How: the bytes after the header are cut into one piece per thread at line starts, and the line
// breaks before each cut are counted (in parallel), so that every piece's rows know their file
// offsets and lines. A cut may fall inside a quoted field that holds a line break: each piece's
// reader reads on past its end to finish its last record, and where that reader finds the next
// record is the truth. A piece whose guessed start was wrong is read again, on the calling thread,
// from that true start. So the rows are exactly those of one reader, each read once.
//
// Bad records: a piece's rejects are held back and handed to the caller's handler after the run, in
// file order, so a dead-letter file is the same as on one thread. With `fail` (an empty handler), or
// an error in any piece (an unterminated quote, a memory limit, an exception from `work`), or more
// than 16 MiB of rejects held back, the run stops and returns false without having delivered
// anything: the caller then reads the file on one thread, which fails (or succeeds) exactly as
// without --threads.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/rejected_record.hpp>

namespace yieldpipe::exec {

class piece_rows;
struct piece_reading;

/// The work on one piece: called on the piece's thread (or on the calling thread when the piece is
/// read again, which must then start afresh); reads `rows` until `next()` returns null. Pieces are
/// numbered from 0 in file order, fewer than `threads`.
using piece_work = std::function<void(std::size_t piece, piece_rows& rows)>;

/// The rows of one piece, for its worker.
class piece_rows {
 public:
  /// The next row of the piece, or null after its last (or when the run stops).
  const io::csv_row* next();
  /// For records the worker sets aside itself (a field that does not fit an expression): held back
  /// with the reader's rejects. Returns false when the policy is `fail`: then throw.
  const io::reject_handler& handler() const noexcept;

 private:
  friend struct piece_reading;
  explicit piece_rows(piece_reading& reading) noexcept : reading_(reading) {}
  piece_reading& reading_;
};

/// Reads the CSV file of `reader` (whose header is read, and no row yet) in up to `threads` pieces,
/// one thread each, calling `work` for each; `options` are the reader's (their `on_reject` is
/// replaced), `handler` the command's error policy (empty: fail). Returns false, having delivered no
/// reject, when the file cannot be read in pieces (standard input, a compressed file, less than
/// `min_piece_bytes` per piece for two pieces) or the run stopped (see above): the caller reads it
/// on one thread instead. Returns true when every piece is read, its rejects delivered.
///
/// `progress(bytes, rows)`, if given, is called on the calling thread about every 50 ms while the
/// pieces are read, and once at the end, with the bytes (after the header) and rows read so far.
using piece_progress = std::function<void(std::uint64_t bytes, std::uint64_t rows)>;
inline constexpr std::uint64_t default_min_piece_bytes = std::uint64_t{1} << 20;
bool read_csv_in_pieces(const io::csv_reader& reader, const io::csv_options& options, unsigned threads,
                        const io::reject_handler& handler, const piece_work& work,
                        std::uint64_t min_piece_bytes = default_min_piece_bytes, const piece_progress& progress = {});

}  // namespace yieldpipe::exec
