#pragma once
// Lists the user types (--select, --agg) are split at commas; their items lose the blanks around them.

#include <string_view>

namespace yieldpipe::query::detail {

/// `s` without the spaces and tabs at either end.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace yieldpipe::query::detail
