#pragma once
// A select list (`--select`): the columns of a result, each a column of the input copied as text or
// an expression computed from the row, compiled once against the header.
//
//   query::projection select("id,sensor,temp_f=temperature*1.8+32", *rows.header());
//   writer = io::make_writer(io::format::csv, out, select.names());
//   std::vector<io::field> fields;
//   for (const io::csv_row& row : rows) {
//     select.evaluate(row, fields);
//     writer->write_row(fields);
//   }
//
// Items are separated by commas outside strings, `names`, (...) and [...]. An item is:
// - a column of the header, by name (copied as text, unchanged);
// - `name=EXPR` (a plain name or a `quoted name`, then one `=` that is not `==`, `<=`, `>=`, `!=`): a
//   computed column called name;
// - any other expression: a computed column called by its text.
// An empty list is every column of the header.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/writers.hpp>
#include <yieldpipe/query/expression.hpp>
#include <yieldpipe/query/value.hpp>

namespace yieldpipe::query {

/// A compiled select list. Copyable; one object must not be evaluated by two threads at once (its
/// expressions keep scratch buffers): give each thread its copy.
class projection {
 public:
  /// Compiles `select` against `header`. Throws `query_error` for an empty item or a bad expression
  /// (an unknown column, a syntax error: the expression's own message).
  projection(std::string_view select, const io::csv_header& header);

  /// The output columns' names, in order.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

  /// The row's output fields into `fields` (resized to `names().size()`): views into the row, or
  /// into the expressions' buffers, valid until the next call. Throws the reader's `io_error` for a
  /// field that does not fit the type its expression needs (the row's error policy decides).
  void evaluate(const io::csv_row& row, std::vector<io::field>& fields) const;

 private:
  struct column {
    std::size_t index = 0;  // the input column, when not computed
    std::optional<expression> computed;
  };
  std::vector<std::string> names_;
  std::vector<column> columns_;
};

/// A computed value as an output field: whole numbers below 2^53 as integers (`len(name)` is 5, not
/// 5.0), other numbers as doubles, text, booleans, null as an empty field.
[[nodiscard]] io::field to_field(const value& v);

}  // namespace yieldpipe::query
