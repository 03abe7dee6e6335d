#pragma once
// The expression language: conditions over CSV rows (`--where`) and computed columns (`--select
// name=expr`), compiled once against a header.
//
//   auto where = query::expression::compile_condition("status == 'active' and -50 <= temperature <= 100", header);
//   for (const io::csv_row& row : rows)
//     if (where.matches(row)) ...
//
// Syntax, loosest binding first:
//   a or b                       a and b                      not a
//   a == b  a != b  a < b  a <= b  a > b  a >= b  (also = and <>); chains: -50 <= t <= 100
//   a is null   a is not null    a in [1, 2, 3]   a not in ['x', 'y']
//   a + b  a - b                 a * b  a / b  a % b          -a
//   lower(s) upper(s) len(s) contains(s, part) starts_with(s, prefix) ends_with(s, suffix) abs(x)
//   literals: 12, -0.5, 1e3, "text" or 'text' (with \" \' \\ \n \t escapes), true, false, null
//   columns: temperature, sensor_id, or `a name with spaces` (`` is one backtick)
// Keywords (and, or, not, in, is, null, true, false) are case-insensitive; column names are not.
//
// Types are decided once, at compile time, against the header: a column compared with a number or
// used in arithmetic (or abs) is read as a number, one compared with true/false or used by
// and/or/not as a boolean, anything else as text. A row whose field does not fit the type its
// column needs makes `evaluate` throw the reader's `io_error` (`file:line:column: column 'x': cannot
// read "n/a" as a number`), which the caller hands to its error policy.
//
// Missing values follow SQL's null rules (three-valued logic):
// - an empty or missing field is null, whatever the column's type (`name == ""` is null, never true:
//   write `name is null`);
// - arithmetic, comparisons, functions and `in` with a null operand are null; `x / 0` and `x % 0`
//   are null too;
// - `not null` is null; `false and null` is false, `true and null` is null; `true or null` is true,
//   `false or null` is null; a chain `a < b < c` is `a < b and b < c`;
// - `x in [1, null]` is true when x is 1, else null;
// - `is null` and `is not null` are never null;
// - `--where` keeps a row only when the condition is true (null and false drop it).
// Comparing with the literal null (`x == null`) is a compile error that points to `is null`.
//
// Cost: the text is parsed and typed once into a vector of small nodes; `evaluate` walks them with
// no allocation and no string copy (columns are views into the row), except lower() and upper(),
// which write into a buffer per call site that grows to the longest value and is then reused.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/query/detail/expression_program.hpp>
#include <yieldpipe/query/value.hpp>

namespace yieldpipe::query {

/// A compiled expression. Copyable; one object must not be evaluated by two threads at once (the
/// lower()/upper() buffers are per object): give each thread its own copy.
class expression {
 public:
  /// Parses and types `text` against `header`. Throws `query_error` for bad syntax, an unknown column
  /// or function, or operands of the wrong type: the message, then the text and a caret under the
  /// offending place:
  ///
  ///     unknown column 'temprature' (did you mean 'temperature'?)
  ///       temprature > 5
  ///       ^
  static expression compile(std::string_view text, const io::csv_header& header);
  /// As `compile`, for a condition (`--where`): a bare column is read as a boolean, and an expression
  /// that is not true or false (`temperature + 1`) is a `query_error` with a caret.
  static expression compile_condition(std::string_view text, const io::csv_header& header);

  /// The value for one row. A field that does not fit the type the expression needs throws
  /// `io_error` (from `csv_row::get`) naming the file, line and column.
  value evaluate(const io::csv_row& row) const;
  /// For `--where`: true only when the value is the boolean true (null and false are false).
  bool matches(const io::csv_row& row) const;

  /// The type every evaluation has (or null), decided at compile time.
  value::kind type() const noexcept;
  /// The text as given.
  std::string_view text() const noexcept { return text_; }

 private:
  friend class detail::expression_parser;
  value eval(std::uint32_t at, const io::csv_row& row) const;
  // A column's number for this row, read once per evaluation however often the expression uses it.
  value column_number(const detail::expr_node& n, const io::csv_row& row) const;
  // Rewrites the parsed nodes for speed: numeric columns get cache slots, and a column compared
  // with a constant becomes one node.
  void optimise();

  std::string text_;
  std::vector<detail::expr_node> nodes_;
  std::vector<std::uint32_t> operands_;       // chains: operand node indices
  std::vector<unsigned char> chain_ops_;      // chains: comparisons, parallel to operands_ (one fewer per chain)
  std::vector<detail::expr_literal> list_;    // `in` lists
  std::vector<std::string> strings_;          // string literals
  std::vector<std::uint32_t> conjuncts_;      // the root's `and` operands, in order (the root alone if none)
  mutable std::vector<std::string> scratch_;  // lower()/upper() results
  // The numeric columns read during the current evaluation: a slot is valid when its generation is
  // the evaluation's.
  struct number_slot {
    std::uint64_t generation = 0;
    value number;
  };
  mutable std::vector<number_slot> numbers_;
  mutable std::uint64_t generation_ = 0;
  std::uint32_t root_ = 0;
};

}  // namespace yieldpipe::query
