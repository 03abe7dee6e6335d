#pragma once
// The error of a query that cannot run: a bad expression, an unknown column, a bad aggregate list.

#include <stdexcept>

namespace yieldpipe::query {

/// A query that cannot work on its input, found before any row is read: an expression that does not
/// parse or type-check (the message ends with the text and a caret under the offending character), a
/// column the header does not have, an unknown aggregate. The command reports it as bad usage (exit 2);
/// bad *data* is the io layer's `io_error`.
class query_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace yieldpipe::query
