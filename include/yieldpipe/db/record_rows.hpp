#pragma once
// CSV rows and JSON lines records as rows of a batch to load.

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "yieldpipe/db/row_batch.hpp"
#include "yieldpipe/io/csv_reader.hpp"
#include "yieldpipe/io/jsonl.hpp"

namespace yieldpipe::db {

/// Appends `row` to `batch`, whose columns are the row's header's, in order: every non-empty field a
/// value whose type the load infers, an empty one NULL; the row's line, offset and text as its
/// origin. A row with fewer fields than columns (a reader's `ragged` policy let it through) gets NULLs.
void add_row(row_batch& batch, const io::csv_row& row);

/// Appends JSON lines records to batches, a column per key as keys come (a key first seen late adds a
/// column to the batch being filled: NULL in the rows before it). Kinds: a string is text whatever it
/// looks like (`"007"`, `"12"`), a number is inferred (an integer, or a real: `1.0` stays real), a
/// boolean is the text `true` or `false`, an object or array its JSON text (minified), null is NULL.
/// One per input: it remembers the keys seen, so that every batch it fills has them in one order.
class json_rows {
 public:
  /// Appends `record` to `batch`; starts `batch`'s columns with the keys seen so far if it has none.
  void add(row_batch& batch, const io::json_record& record);
  /// The keys seen so far, in the order they came: the columns.
  const std::vector<std::string>& names() const noexcept { return names_; }

 private:
  std::size_t column(row_batch& batch, std::string_view key);

  std::vector<std::string> names_;
  std::unordered_map<std::string, std::size_t> index_;
  std::string number_;
};

}  // namespace yieldpipe::db
