#pragma once
// Python's csv.QUOTE_* styles, shared by the CSV reader and writer.

namespace yieldpipe::io {

/// When a CSV field is quoted (Python's `csv.QUOTE_*`). The writer's meaning is given at each
/// value; the reader's: `minimal` and `all` read quotes as Python does; `nonnumeric` also requires
/// every unquoted, non-empty field to be a number; `none` reads quote characters as data.
enum class quote_style {
  /// Only fields that contain the delimiter, the quote, `\r`, `\n` or a character of the line
  /// terminator, and a record made of one empty field (`""`, so it is not an empty line).
  minimal,
  /// Every field, numbers and nulls too (a null is `""`).
  all,
  /// Every field but numbers and booleans (a null is `""`).
  nonnumeric,
  /// Never. A field that would need quoting is an `io_error` (Python: "need to escape, but no
  /// escapechar set"), as is a record of one empty field.
  none,
};

}  // namespace yieldpipe::io
