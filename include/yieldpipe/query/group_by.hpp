#pragma once
// A group-by over CSV rows: the groups' keys and their aggregate states, in one pass.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/writers.hpp>
#include <yieldpipe/query/aggregate_spec.hpp>
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
  std::string key_buffer_;
  std::uint64_t max_memory_;
  std::string max_memory_text_;
  std::uint64_t memory_ = 0;
};

}  // namespace yieldpipe::query
