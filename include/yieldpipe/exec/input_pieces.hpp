#pragma once
// Reading one input in parallel pieces: what is read (CSV, lines, JSON lines, log records), how the
// input is cut, and what is guaranteed. `exec::parallel_reduce` (parallel_reduce.hpp) runs a
// computation over the pieces.
//
//   exec::csv_records csv;                 // the reader's options, `on_reject` included
//   exec::line_records lines;
//   exec::jsonl_records events;
//   exec::log_records logs{io::log_format("%Y-%m-%d %H:%M:%S %L %C: %*")};
//
// The guarantee: the records each piece sees, in piece order, are the serial reader's records, with
// the same lines and byte offsets; bad records reach the policy (`on_reject`) in file order with
// their file, line and byte offset; an error is the serial reader's first error, raised after every
// bad record before it was delivered. So a result that merges in file order is the serial result.
//
// How an input is cut:
// - A plain file is cut into byte ranges (`pieces_options::file_piece_bytes`) at line starts, and
//   each piece reads its range from its own `io::input` (`input_options::start_offset`). The line
//   breaks before each cut are counted on the calling thread while the pieces are read, so lines
//   are the file's (unless `pieces_options::add_reads_lines` is false: see there). Lines, JSON lines and logs have no
//   quoting: a cut at a line start is exact. A CSV cut may fall inside a quoted field that holds a line break: each
//   piece's reader reads on past its end to finish its last record, and where it finds the next record is the truth; a
//   piece whose guessed start that truth does not confirm is read again from the true start.
// - Standard input, pipes, `.gz` and `.zst`: the calling thread reads the (decompressed) stream and
//   cuts it into blocks of about `piece_bytes` that end where a record ends, while the worker threads
//   parse the blocks (`io::input::from_memory`, with the block's offset and line). For CSV the cut
//   follows the reader's own view of record ends: a quote opens a quoted field only at the start of a
//   field, `""` inside one is data, a line break inside one ends nothing. A CSV dialect with an
//   `escape` character, a `comment` character or `skip_lines` is read on one thread from a stream (its
//   cuts would need the reader's whole state), and so is any input when `threads` is 1.
//
// Bad records: each piece holds its bad records back (copies: record, reason, message) until the
// pieces before it are done, then hands them to `on_reject` on the calling thread. A piece holding
// more than `max_held_bytes` stops and is read again on the calling thread when its turn comes
// (handing its bad records over at once), so memory stays bounded however bad the input is.
//
// Memory: per piece in flight (at most 2 × threads), one reader's buffers (for a plain file, the
// reader's `io::input` buffers; for a stream, the block itself: about `piece_bytes`, more for a
// record longer than that) and its held bad records; plus the state of each piece in flight.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "yieldpipe/io/csv_reader.hpp"
#include "yieldpipe/io/jsonl.hpp"
#include "yieldpipe/io/lines.hpp"
#include "yieldpipe/io/log_record.hpp"
#include "yieldpipe/io/rejected_record.hpp"

namespace yieldpipe::exec {

/// CSV records (`io::csv_row`), read with `options` (its `on_reject` is the error policy, empty:
/// the first bad record throws). The columns must be known for more than one piece (`options.header`
/// true, or `options.names`): without them the first record fixes the field count, which a later
/// piece cannot know, so such an input is read on one thread. So is a stream (not a plain file) whose
/// dialect has an escape, a comment character or lines to skip: its cuts follow quotes, which those
/// can hide.
struct csv_records {
  io::csv_options options{};
};

/// One line of `line_records`: a view valid while the piece's reader stays on it (during the call
/// that receives it).
struct line_record {
  std::string_view text;     ///< without its `\n` or `\r\n`
  std::uint64_t line = 0;    ///< from 1
  std::uint64_t offset = 0;  ///< where the line starts, in the decompressed bytes
};

/// The lines of the input (`io::line_reader`: `\n` or `\r\n`, a lone `\r` stays in the line).
struct line_records {
  io::line_options options{};
};

/// JSON lines records (`io::json_record`), read with `options` (`on_reject` is the policy).
struct jsonl_records {
  io::jsonl_options options{};
};

/// One parsed line of `log_records`: its record views into `text`, valid during the call that
/// receives it.
struct log_line {
  io::log_record record;
  std::string_view text;
  std::uint64_t line = 0;
  std::uint64_t offset = 0;
};

/// Log lines parsed with `format`, as `yieldpipe logs` reads them: empty lines are skipped, a line
/// that does not parse goes to `on_reject` with the reason "not a log line" and the parser's message
/// (`path:line:column: reason`); an empty `on_reject`, or one that returns false, throws that
/// `io_error`.
struct log_records {
  io::log_format format{};
  io::line_options options{};
  io::reject_handler on_reject{};
};

/// How an input is read in pieces.
struct pieces_options {
  /// Worker threads; 0: `std::thread::hardware_concurrency()`. With 1 the input is read serially on
  /// the calling thread. The calling thread cuts the input and merges.
  unsigned threads = 0;
  /// About how many bytes a block of a stream holds (at least 1; tests make it small so that cuts
  /// happen everywhere): the memory of a block in flight.
  std::uint64_t piece_bytes = std::uint64_t{8} << 20;
  /// About how many bytes a piece of a plain file holds; 0: the file's size / (4 × threads), at
  /// least 1 MiB and at most 64 MiB. A piece opens the file three times (to find its cut, to count the line breaks
  /// before the next, to read), and its memory does not grow with its size.
  std::uint64_t file_piece_bytes = 0;
  /// Called on the calling thread, now and then, with the bytes read so far from the input as it is
  /// (for `.gz` and `.zst` the compressed bytes, as `io::input::bytes_read()` counts them): progress
  /// for a stream, whose records' offsets are in the decompressed bytes. Not called for the pieces of
  /// a plain file (their offsets are the file's bytes).
  std::function<void(std::uint64_t bytes_read)> on_bytes_read{};
  /// The bad records one piece may hold back before it stops and waits to be read again in turn.
  std::uint64_t max_held_bytes = std::uint64_t{16} << 20;
  /// parallel_reduce: when a piece meets an error (a bad record the policy refuses, an exception from
  /// the reader, `make` or `add`), merge the piece's records before it, then raise the error. For a
  /// result written out as it is merged (rows in file order), what was written before an error is
  /// then what the serial loop wrote. Off by default: a result discarded on error gains nothing.
  bool merge_before_error = false;
  /// parallel_reduce over CSV: false promises that `add` does not look at a record's line() (nor
  /// its position()). A plain file's pieces are then read without first counting the line breaks
  /// before them (a pass over the file on the calling thread): each piece after the first is read
  /// with lines counted from its start, and one that holds bad records or meets an error, whose
  /// messages name lines, is read again in its turn from its true line. Bad records, errors and
  /// the offsets of records are as with true (the lines `add` sees are not).
  bool add_reads_lines = true;
};

}  // namespace yieldpipe::exec
