#pragma once
// parallel_reduce: one input read in pieces on several threads (exec/input_pieces.hpp), each piece
// reduced into its own state, the states merged in file order: what `yieldpipe stats --threads`
// does, for any state that merges.
//
//   struct total {
//     double sum = 0;
//     std::uint64_t rows = 0;
//     void merge(const total& later) { sum += later.sum; rows += later.rows; }
//   };
//   const total t = exec::parallel_reduce(
//       "sensors.csv.gz", exec::csv_records{}, [] { return total{}; },
//       [](total& t, const io::csv_row& row) { t.sum += row.get<double>(3); ++t.rows; });
//
// Threads: plain std::threads (a pool of `threads` workers for the run), not oneTBB. The work is a
// few long tasks per thread (pieces of megabytes) fed in file order by a calling thread that is busy
// itself (reading the stream, merging): TBB's scheduling gains nothing there, and it would cost
// twice: TBB starts `hardware_concurrency() - 1` workers by default, so an arena of N workers next to
// a busy calling thread gets N - 1 unless the process-wide `global_control` is raised; and the
// distribution's libtbb is not built with ThreadSanitizer, whose reports on its hand-offs would hide
// real races in this code. (Not measured against a TBB version.)

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "yieldpipe/exec/detail/piece_engine.hpp"
#include "yieldpipe/exec/detail/piece_readers.hpp"
#include "yieldpipe/exec/input_pieces.hpp"
#include "yieldpipe/io/input.hpp"
#include "yieldpipe/io/rejected_record.hpp"

namespace yieldpipe::exec {

namespace detail {

template <class Format>
cut_options cut_options_for(const Format& format, const pieces_options& options, unsigned threads) {
  cut_options cut;
  cut.piece_bytes = options.piece_bytes;
  cut.file_piece_bytes = options.file_piece_bytes;
  cut.threads = threads;
  cut.on_bytes_read = options.on_bytes_read;
  if constexpr (std::is_same_v<Format, csv_records>) {
    cut.csv = true;
    cut.count_lines = options.add_reads_lines;
    cut.csv_options = format.options;
    cut.csv_options.on_reject = {};
    cut.max_record = format.options.max_record_size;
    cut.input = format.options.input;
  } else {
    cut.max_record = format.options.max_line_length;
    cut.input = format.options.input;
  }
  return cut;
}

// make(header) for a factory that takes the CSV header (column indices, compiled expressions),
// else make().
template <class Make>
auto make_state(Make& make, const io::csv_header& header) {
  if constexpr (std::is_invocable_v<Make&, const io::csv_header&>)
    return make(header);
  else
    return make();
}

template <class Make>
using state_of = decltype(make_state(std::declval<Make&>(), std::declval<const io::csv_header&>()));

// Calls add(state, record), or add(state, record, handler) when it takes the handler through which
// it sets records aside itself.
template <class Add, class State, class Record>
void add_record(Add& add, State& state, const Record& record, const io::reject_handler& handler) {
  if constexpr (std::is_invocable_v<Add&, State&, const Record&, const io::reject_handler&>)
    add(state, record, handler);
  else
    add(state, record);
}

template <class Format, class Make, class Add>
auto reduce_serially(io::input in, const Format& format, Make& make, Add& add, const pieces_options& options) {
  using reader = records_reader<Format>;
  const io::reject_handler& policy = reader::policy(format);
  // A worker's own rejects under `fail`: the handler refuses, and the worker throws.
  const io::reject_handler handler =
      policy ? policy : [](const io::rejected_record&, std::string_view, std::string_view) { return false; };
  reader r(std::move(in), format);  // reads a CSV header first, as the serial reader does
  auto state = make_state(make, r.header());
  std::uint64_t records = 0;
  while (const auto* record = r.next()) {
    add_record(add, state, *record, handler);
    if (options.on_bytes_read && ++records % 4096 == 0) [[unlikely]]
      options.on_bytes_read(r.bytes_read());
  }
  if (options.on_bytes_read) options.on_bytes_read(r.bytes_read());
  return state;
}

// The state of one slot of the window, on cache lines of its own: workers add to neighbouring slots
// at once, and a state written at every record (a count, an offset) must not share a line with its
// neighbour's. That false sharing took a third of the workers' time in `yieldpipe anomalies` on two
// threads (measured on a 2-core AMD EPYC VM); 128 bytes because the adjacent-line prefetcher pairs
// lines on x86.
template <class State>
struct alignas(128) state_slot {
  std::optional<State> state;
};

// A state's piece_done(), if it has one: called on the worker once its piece is read whole.
template <class State>
void finish_piece(State& state) {
  if constexpr (requires { state.piece_done(); }) state.piece_done();
}

template <class Format, class Make, class Add>
auto reduce_in_pieces(piece_cutter& cutter, const Format& format, Make& make, Add& add, unsigned threads,
                      const pieces_options& options) {
  using reader = records_reader<Format>;
  using state_type = state_of<Make>;
  const std::size_t window = 2 * static_cast<std::size_t>(threads);
  std::vector<state_slot<state_type>> slots(window);
  cutter.read_header();
  state_type result = make_state(make, cutter.header());
  const io::input_options& input = reader::input_options(format);
  run_pieces(
      cutter, threads, window, reader::policy(format), options.max_held_bytes,
      [&](const piece& p, std::size_t slot, piece_reading& reading) {
        state_type& state = slots[slot].state.emplace(make_state(make, cutter.header()));
        reader r(open_piece(cutter, p, input), format, cutter.header(), reading.handler());
        while (const auto* record = r.next()) {
          if (reader::offset(*record) >= p.end) {
            reading.found_boundary({reader::offset(*record), reader::line(*record)});
            finish_piece(state);
            reading.complete = true;
            return;
          }
          if (reading.stopped()) return;
          add_record(add, state, *record, reading.handler());
        }
        if (reading.stopped()) return;
        if (const auto at = r.position()) reading.found_boundary(*at);
        finish_piece(state);
        reading.complete = true;
      },
      [&](std::size_t slot) {
        result.merge(*slots[slot].state);
        slots[slot].state.reset();
      },
      [&](std::size_t slot) {
        if (!options.merge_before_error || !slots[slot].state) return;
        result.merge(*slots[slot].state);
        slots[slot].state.reset();
      });
  return result;
}

}  // namespace detail

/// Reduces the records of the input at `path` ("-" for standard input; gzip and zstd decompressed)
/// on `options.threads` threads: each piece of the input (see input_pieces.hpp) gets a fresh state
/// from `make()`, `add(state, record)` is called for each of the piece's records, in order, and the
/// states are merged in file order into a state from `make()`: `result.merge(later)`, with `later`
/// an lvalue that is discarded afterwards (merge may move from it). Returns the merged state.
///
/// A state with a member `piece_done()` has it called on the worker once its piece is read whole,
/// before it is merged: the place for work that would otherwise fall on the merging thread
/// (query::group_by::seal sorts a table of millions of groups there).
///
/// `make` may take the input's CSV header (`make(const io::csv_header&)`), read before any state is
/// made: the place to find columns by name and compile expressions, whose errors then come before
/// any record is read (for other formats, and CSV without a header, the header is empty).
///
/// `Format` is `csv_records`, `line_records`, `jsonl_records` or `log_records`; the record is
/// `io::csv_row`, `line_record`, `io::json_record` or `log_line`, a view valid during the call. The
/// format's `on_reject` is the error policy. An `add` that also takes `const io::reject_handler&`
/// gets the handler through which it may set a record aside itself (held back in order with the
/// reader's; under `fail` it returns false, and `add` should then throw).
///
/// The result is the serial one when merging states in file order is the same as adding the records
/// to one state; bad records reach the policy in file order, on the calling thread; an error (the
/// reader's, `add`'s, `make`'s) is the one the serial loop meets first, raised after the bad records
/// before it were delivered. `make` and `add` run on the worker threads, several at a time, each on
/// its own state; `merge` and the policy on the calling thread.
///
/// Cost: the serial reading and adding divided among the threads, plus one merge per piece (about
/// one per `piece_bytes`), plus, for a plain file, one pass counting line breaks on the calling
/// thread; a stream is read and cut (a scan for quotes, for CSV) on the calling thread. Memory: see
/// input_pieces.hpp; at most 2 × threads + 1 states at a time.
template <class Format, class Make, class Add>
auto parallel_reduce(const std::string& path, const Format& format, Make make, Add add, pieces_options options = {})
    -> detail::state_of<Make> {
  using reader = detail::records_reader<Format>;
  const unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  io::input in(path, reader::input_options(format));
  if (threads > 1) {
    if (auto cutter = detail::make_cutter(path, in, detail::cut_options_for(format, options, threads)))
      return detail::reduce_in_pieces(*cutter, format, make, add, threads, options);
  }
  return detail::reduce_serially(std::move(in), format, make, add, options);
}

/// As above, over an input opened by the caller and not read yet (standard input, a pipe, a socket
/// through `io::input::from_fd`): always read as a stream, in blocks.
template <class Format, class Make, class Add>
auto parallel_reduce(io::input in, const Format& format, Make make, Add add, pieces_options options = {})
    -> detail::state_of<Make> {
  const unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  if (threads > 1) {
    if (auto cutter = detail::make_cutter("-", in, detail::cut_options_for(format, options, threads)))
      return detail::reduce_in_pieces(*cutter, format, make, add, threads, options);
  }
  return detail::reduce_serially(std::move(in), format, make, add, options);
}

}  // namespace yieldpipe::exec
