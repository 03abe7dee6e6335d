#pragma once
// Rows on their way into a database: one batch, loaded in one transaction.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "yieldpipe/db/column_type.hpp"

namespace yieldpipe::db {

/// How a field's value is to be typed: null (an empty CSV field, a JSON null or a missing key), a
/// value whose type the load infers (a CSV field, a JSON number), or text whatever it looks like (a
/// JSON string: `"007"` and `"12"` stay text).
enum class field_kind : std::uint8_t { null, inferred, text };

/// Where a row came from: for the messages and the dead-letter file of a row that is refused.
struct row_origin {
  std::uint64_t line = 0;    ///< the line where the row starts, from 1
  std::uint64_t offset = 0;  ///< its byte offset, in the decompressed input
  std::string_view text;     ///< its text as read, without its line break
};

/// A row set aside on its way into a table (it did not parse, did not fit its column, or the
/// database refused it): what the load-rejects table keeps, in the transaction of its batch.
struct rejected_row {
  std::uint64_t line = 0;
  std::uint64_t offset = 0;
  std::string reason;   ///< short: "ragged row", "type", "refused"
  std::string message;  ///< with file and line
  std::string text;     ///< the record as read
};

/// A batch of rows with named columns, held as text: each field's bytes, its kind, and each row's
/// origin, in a few buffers reused from batch to batch (`clear` keeps their capacity). It also
/// records where the input goes on after its last row (`set_end`): what a load's state stores when
/// the batch is committed, and where `--resume` reads on from.
///
/// Memory: the rows' text twice (as read, and as fields) and 24 bytes a field; constant in the
/// input's size. Views returned by `at` and `origin` are valid until the batch is next modified.
class row_batch {
 public:
  struct field {
    field_kind kind = field_kind::null;
    std::string_view value;  ///< empty for null
  };

  explicit row_batch(std::vector<std::string> names = {}) : names_(std::move(names)) {}

  const std::vector<std::string>& names() const noexcept { return names_; }
  std::size_t columns() const noexcept { return names_.size(); }
  /// Adds a column (null in the rows already here) and returns its index: a key that JSON lines
  /// bring late.
  std::size_t add_column(std::string name);

  /// Starts a row, all null, read from `origin`; `set` fills its fields.
  void add_row(const row_origin& origin);
  /// Sets a field of the last row.
  void set(std::size_t column, field_kind kind, std::string_view value);

  std::size_t size() const noexcept { return rows_.size(); }
  bool empty() const noexcept { return rows_.empty(); }
  field at(std::size_t row, std::size_t column) const noexcept {
    const stored& f = fields_[row * names_.size() + column];
    return {f.kind, std::string_view(bytes_.data() + f.offset, f.size)};
  }
  row_origin origin(std::size_t row) const noexcept {
    const stored_row& r = rows_[row];
    return {r.line, r.offset, std::string_view(bytes_.data() + r.text_offset, r.text_size)};
  }

  /// Types every field (`value_type` for an inferred one; text for a text one) and parses the
  /// numbers, once: the work a load does per value, which a reader thread can do while the database
  /// inserts the batch before (`yieldpipe load --threads`). The loader calls it when it was not.
  /// Not thread-safe: call it on the thread that owns the batch. Cost: one pass over the fields.
  void classify() const;
  bool classified() const noexcept { return classified_; }
  /// After `classify()`: the type of a non-null field, and its value when it is an integer or a real
  /// (an integer reads as a real too).
  column_type type_at(std::size_t row, std::size_t column) const noexcept {
    return fields_[row * names_.size() + column].type;
  }
  std::int64_t integer_at(std::size_t row, std::size_t column) const noexcept {
    return fields_[row * names_.size() + column].number.integer;
  }
  double real_at(std::size_t row, std::size_t column) const noexcept {
    const stored& f = fields_[row * names_.size() + column];
    return f.type == column_type::integer ? static_cast<double>(f.number.integer) : f.number.real;
  }

  /// Rows set aside by the reader in the stretch of input this batch covers (a ragged CSV row, a line
  /// that is not JSON): the load keeps them with the batch's rows, in its transaction.
  void add_reject(rejected_row row) { rejects_.push_back(std::move(row)); }
  const std::vector<rejected_row>& rejects() const noexcept { return rejects_; }

  /// Where the input goes on after the last row: its byte offset and line.
  void set_end(std::uint64_t offset, std::uint64_t line) noexcept {
    end_offset_ = offset;
    end_line_ = line;
  }
  std::uint64_t end_offset() const noexcept { return end_offset_; }
  std::uint64_t end_line() const noexcept { return end_line_; }

  /// Removes the rows (the columns stay) and keeps the memory.
  void clear() noexcept;
  /// Removes the rows and names the columns anew, keeping the memory (a batch used again).
  void reset(std::vector<std::string> names) {
    clear();
    names_ = std::move(names);
  }
  /// The bytes of text the batch holds.
  std::size_t text_bytes() const noexcept { return bytes_.size(); }

 private:
  struct stored {
    std::uint64_t offset = 0;
    std::uint32_t size = 0;
    field_kind kind = field_kind::null;
    column_type type = column_type::text;  // set by classify()
    union {
      std::int64_t integer;
      double real;
    } number{0};
  };
  struct stored_row {
    std::uint64_t line;
    std::uint64_t offset;
    std::uint64_t text_offset;
    std::size_t text_size;
  };
  std::uint64_t append(std::string_view bytes);

  std::vector<std::string> names_;
  std::string bytes_;
  mutable std::vector<stored> fields_;  // row-major: rows_.size() x names_.size(); classify() fills types
  mutable bool classified_ = false;
  std::vector<rejected_row> rejects_;
  std::vector<stored_row> rows_;
  std::uint64_t end_offset_ = 0;
  std::uint64_t end_line_ = 1;
};

}  // namespace yieldpipe::db
