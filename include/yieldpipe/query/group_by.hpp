#pragma once
// A group-by over CSV rows: the groups' keys and their aggregate states, in one pass.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/writers.hpp>
#include <yieldpipe/query/aggregate_spec.hpp>
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
/// Memory (what --max-memory counts, estimated from the containers' layouts): about 150 bytes per group,
/// plus its key when longer than 15 bytes, plus 64 bytes per state (aggregates of one kind over one
/// column share one: mean and sum, var and std, p50 and p99); count_distinct adds about 72 bytes per
/// distinct value (plus the text when longer than 15 bytes), pN 8 bytes per value. Everything else is
/// constant per group. Per row: no allocation once the
/// group exists (the key is looked up as a view).
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
  [[nodiscard]] std::size_t groups() const noexcept { return groups_.size(); }
  /// The state's estimated size in bytes.
  [[nodiscard]] std::uint64_t memory() const noexcept { return memory_; }

  /// Calls `emit` with each group's record (key texts, then results), in the byte order of the key
  /// texts (column by column). Finalises percentiles (reorders their values): call once.
  void for_each_sorted(const std::function<void(std::span<const io::field>)>& emit);

 private:
  enum class slot_kind { rows, values, sum, min, max, variance, first, last, distinct, quantile };
  struct slot {
    slot_kind kind;
    std::size_t column;  // position in the row (unused for `rows`)
    std::size_t number;  // for numeric slots: index into numbers_
    std::string name;    // the operator, for --max-memory's message
  };
  using state = std::variant<count_state, sum_state, min_state, max_state, variance_state, first_state, last_state,
                             distinct_state, quantile_state>;
  struct group {
    const std::string* key;  // in index_ (stable: a node-based map)
    std::vector<state> states;
  };
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  std::string_view key_of(const io::csv_row& row);
  group& find_or_add(std::string_view key, const io::csv_row* row);
  void charge(std::size_t bytes, const slot* by, const io::csv_row* row);
  std::vector<std::string_view> split_key(std::string_view key) const;

  std::vector<std::string> key_names_;
  std::vector<std::size_t> key_columns_;
  std::vector<aggregate_spec> specs_;
  std::vector<std::size_t> spec_slot_;  // spec i reads slot spec_slot_[i]
  std::vector<slot> slots_;
  std::vector<state> fresh_states_;          // a new group's states: copied
  std::vector<std::size_t> number_columns_;  // the columns read as numbers, once per row
  std::vector<double> numbers_;              // this row's values of those columns (NaN: missing)
  std::unordered_map<std::string, std::size_t, hash, std::equal_to<>> index_;
  std::vector<group> groups_;
  std::string key_buffer_;
  std::uint64_t max_memory_;
  std::string max_memory_text_;
  std::uint64_t memory_ = 0;
};

}  // namespace yieldpipe::query
