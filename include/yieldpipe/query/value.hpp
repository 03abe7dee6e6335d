#pragma once
// What an expression evaluates to.

#include <string_view>

namespace yieldpipe::query {

/// A value during evaluation. A string is a view into the row, the expression's text or the
/// expression's scratch buffers: valid until the next `evaluate` on the same expression or until
/// the row changes.
struct value {
  enum class kind : unsigned char { null, number, string, boolean } type = kind::null;
  double number = 0;
  std::string_view string{};
  bool boolean = false;
};

}  // namespace yieldpipe::query
