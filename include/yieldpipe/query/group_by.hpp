#pragma once
// A group-by over CSV rows: the groups' keys and their aggregate states, in one pass.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/writers.hpp>
#include <yieldpipe/query/aggregate_spec.hpp>
#include <yieldpipe/query/detail/group_runs.hpp>
#include <yieldpipe/query/detail/group_table.hpp>
#include <yieldpipe/query/exact_states.hpp>
#include <yieldpipe/query/memory_limit_error.hpp>
#include <yieldpipe/query/numeric_states.hpp>
#include <yieldpipe/query/text_states.hpp>

namespace yieldpipe::query {

/// Rows grouped by the text of some columns, with the aggregates of each group: the engine of
/// `yieldpipe stats`.
///
///   io::csv_reader rows("sensors.csv");
///   query::group_by table(*rows.header(), {"category"}, query::parse_aggregates("count,mean:value"));
///   for (const io::csv_row& row : rows) table.add(row);
///   table.for_each_sorted([&](std::span<const io::field> record) { writer.write_row(record); });
///
/// Tables merge: a table per thread over consecutive parts of the input, merged in input order
/// (`merge(later)`), gives the one-table answer.
///
/// How: a row's key is hashed once; an open-addressing index (8 bytes a slot, at most 3/4 full) finds
/// its group's number; the key's bytes are copied once, into an arena; each aggregate keeps its states
/// in a column of its own, in blocks that never move, so a group costs what its aggregates need. The
/// output sorts the keys by radix (8 bytes of key at a time) and writes each record from views of the
/// arena. Per row: no allocation once the group exists.
///
/// Memory (what --max-memory counts: the bytes the table allocates, as it allocates them): per group,
/// 16 bytes (the key's place, size and hash), 8 to 21 in the index (it doubles when 3/4 full), the
/// key's bytes (several columns: each text but the last followed by 2 bytes, and 1 more per NUL byte
/// in it), and per state: count 8, sum and mean 40 (one state for both), min 16, max 16, var and std
/// 136 (one state for all four), first and last 40 plus the text when longer than 15 bytes,
/// count_distinct 56 plus about 72 bytes per distinct value (plus the text when longer than 15 bytes),
/// pN 24 plus 8 bytes per value (all percentiles of a column share one). Aggregates of one kind over one
/// column share a state. Columns grow in blocks of up to 65,536 groups, the key arena in blocks of 64
/// KiB: the last block is counted whole. `stats --by id --agg count,mean:value` on 10 million ids costs
/// about 80 bytes a group, plus the few bytes of each id.
///
/// Spilling (`spill_to(directory)`): a table that would pass its budget writes its groups, sorted, to
/// a temporary file in `directory` (a run: per group the key and its states' bytes, about what they
/// cost in memory) and starts again empty; the output merges the runs in the order they were written
/// (input order: first and last stay right), combining a key's states from every run. The files have
/// no name (removed as they are made): nothing is left behind on success, failure or a signal. The
/// merge holds a 256 KiB window per run and one group's merged states; a group whose merged states
/// alone pass the budget (count_distinct or percentiles of one huge group) is a memory_limit_error.
/// Without `spill_to`, passing the budget is a memory_limit_error (`--no-spill`).
///
/// Threads: a table of many groups (65,536 or more) made on a worker for part of the input sorts
/// itself into a run in memory when `seal()` is called there, so the merge in input order only
/// appends runs, and the output merges them (the sorting done on all threads, not on the one that
/// merges).
class group_by {
 public:
  /// Groups by the columns named `by` of `header`, computing `specs`. Throws `query_error` for a
  /// column the header does not have. `max_memory` 0 is no limit, `max_memory_text` how the user
  /// wrote it (for the message).
  group_by(const io::csv_header& header, std::vector<std::string> by, std::vector<aggregate_spec> specs,
           std::uint64_t max_memory = 0, std::string max_memory_text = {});
  /// The same with the columns resolved by the caller: `key_columns` and each spec's column are
  /// positions in the rows (`key_names` the output names of the keys).
  group_by(std::vector<std::string> key_names, std::vector<std::size_t> key_columns, std::vector<aggregate_spec> specs,
           std::vector<std::size_t> spec_columns, std::uint64_t max_memory = 0, std::string max_memory_text = {});

  /// Adds one row. A numeric aggregate's field that is not a number throws `io_error` before any state
  /// changes (the row counts wholly or not at all); an empty field (or nan) is skipped, as SQL skips null.
  /// Throws `memory_limit_error` when the state would pass the budget.
  void add(const io::csv_row& row);
  /// Adds the groups of `later` (a table with the same columns that saw later rows).
  void merge(group_by& later);
  /// Passing the budget writes the groups to temporary files in `directory` (see the class comment)
  /// instead of throwing memory_limit_error.
  void spill_to(std::string directory);
  /// Called once this table has seen its last row, on the thread that made it: a table of 65,536
  /// groups or more sorts itself into a run (in memory; on disk when it holds more than half its
  /// budget and spills), so that merging it costs no hashing.
  void seal();
  /// How many runs the table holds (written when spilling, or by seal()); 0 for a table in memory.
  [[nodiscard]] std::size_t runs() const noexcept { return runs_.size(); }
  /// How many of them are temporary files.
  [[nodiscard]] std::size_t spilled_runs() const noexcept;

  /// The output columns: the key columns, then each aggregate's `output_name()`.
  [[nodiscard]] std::vector<std::string> columns() const;
  [[nodiscard]] std::size_t groups() const noexcept { return groups_; }
  /// The bytes the table has allocated (see the class comment).
  [[nodiscard]] std::uint64_t memory() const noexcept { return memory_; }

  /// Calls `emit` with each group's record (key texts, then results), in the byte order of the key
  /// texts (column by column). The record's texts are views into the table, valid during the call.
  /// Finalises the table (frees its index, reorders percentiles' values): call once, after the last
  /// `add` or `merge`.
  void for_each_sorted(const std::function<void(std::span<const io::field>)>& emit);
  /// The same records, made on `threads` threads when the table holds runs (a table of many groups):
  /// the keys are cut into parts, merged at once. `begin(parts)` first, on this thread; then
  /// `format(part, record)` on a worker for each record of a part (parts at once, a part's records in
  /// order; the record as for_each_sorted's); and `finished(part)` on this thread for each part in
  /// key order, once its records are formatted: part 0's keys before part 1's. With one thread or no
  /// runs, one part, on this thread. An error on a worker is rethrown here, after the workers stop.
  void for_each_sorted_in_parts(unsigned threads, const std::function<void(std::size_t parts)>& begin,
                                const std::function<void(std::size_t part, std::span<const io::field>)>& format,
                                const std::function<void(std::size_t part)>& finished);

 private:
  enum class slot_kind { rows, values, sum, min, max, variance, first, last, distinct, quantile };
  struct slot {
    slot_kind kind;
    std::size_t column;  // position in the row (unused for `rows`)
    std::size_t number;  // for numeric slots: index into numbers_
    std::string name;    // the operator, for --max-memory's message
  };
  // Each slot's states, one per group.
  using state_column =
      std::variant<detail::block_column<count_state>, detail::block_column<sum_state>, detail::block_column<min_state>,
                   detail::block_column<max_state>, detail::block_column<variance_state>,
                   detail::block_column<first_state>, detail::block_column<last_state>,
                   detail::block_column<distinct_state>, detail::block_column<quantile_state>>;
  // A group's key: its bytes in the arena (one column: the text; several: see encode_key) and hash.
  struct key_ref {
    const char* data;
    std::uint32_t size;
    std::uint32_t hash;
  };
  // An index slot: the group's number (empty_slot: none) and its key's hash.
  struct index_slot {
    std::uint32_t group;
    std::uint32_t hash;
  };
  static constexpr std::uint32_t empty_slot = 0xffffffffu;

  std::vector<state_column> make_columns() const;
  void save_group(const std::vector<state_column>& columns, std::size_t group, std::string& out) const;
  void load_group(std::string_view states, std::vector<state_column>& into, std::vector<state_column>& scratch,
                  bool first, std::size_t& grown) const;
  void append_results(std::vector<state_column>& columns, std::size_t group, std::vector<io::field>& record) const;
  void make_record(std::string_view key, std::vector<state_column>& columns, std::size_t group,
                   std::vector<io::field>& record, std::vector<std::string>& texts) const;
  std::vector<std::uint32_t> sorted_groups() const;
  void write_run(bool to_disk);
  void clear_groups();
  void spill_if_over();
  void merge_runs(const std::function<void(std::span<const io::field>)>& emit);
  void merge_tail(std::size_t first);
  void close_runs();
  std::shared_ptr<detail::temp_file> spill_file();
  void compact_runs();
  static constexpr std::size_t widest_merge = 128;
  struct key_range {  // keys lo <= key < hi; no bound where empty
    std::optional<std::string> lo, hi;
  };
  template <class Sink>
  void merge_run_range(std::size_t first, std::size_t last, Sink&& sink, const key_range& range = {},
                       unsigned at_once = 1) const;
  [[nodiscard]] bool over_budget(std::uint64_t more) const noexcept {
    return max_memory_ != 0 && memory_ + more > max_memory_;
  }
  std::string_view key_of(const io::csv_row& row);
  std::uint32_t find_or_add(std::string_view key, std::uint32_t hash, const io::csv_row* row);
  std::uint32_t add_group(std::string_view key, std::uint32_t hash, std::size_t at, const io::csv_row* row);
  void grow_index();
  void charge(std::size_t bytes, const slot* by, const io::csv_row* row);
  [[nodiscard]] std::string_view key(std::uint32_t group) const noexcept {
    const key_ref& k = keys_[group];
    return {k.data, k.size};
  }

  std::vector<std::string> key_names_;
  std::vector<std::size_t> key_columns_;
  std::vector<aggregate_spec> specs_;
  std::vector<std::size_t> spec_slot_;  // spec i reads slot spec_slot_[i]
  std::vector<slot> slots_;
  std::vector<state_column> columns_;        // slot i's states: columns_[i]
  std::vector<std::size_t> number_columns_;  // the columns read as numbers, once per row
  std::vector<double> numbers_;              // this row's values of those columns (NaN: missing)
  detail::block_column<key_ref> keys_;       // group i's key: keys_[i]
  detail::byte_arena key_bytes_;
  std::vector<index_slot> index_;  // a power of two, at most 3/4 full
  int index_bits_ = 0;             // log2(index_.size())
  std::size_t groups_ = 0;
  std::uint64_t rows_ = 0;       // rows added since the table was last empty
  std::size_t flush_check_ = 0;  // at this many groups, see whether rows repeat keys (find_or_add)
  std::uint64_t all_rows_ = 0;   // rows added, runs written included
  detail::distinct_estimate seen_keys_;
  std::string key_buffer_;
  std::uint64_t max_memory_;
  std::string max_memory_text_;
  std::uint64_t memory_ = 0;
  std::optional<std::string> spill_directory_;
  std::shared_ptr<detail::temp_file> spill_file_;  // this table's runs on disk (runs keep theirs open)
  std::vector<detail::sorted_run> runs_;           // in the order written: input order
  std::uint64_t run_memory_ = 0;                   // the part of memory_ that runs kept in memory hold
};

}  // namespace yieldpipe::query
