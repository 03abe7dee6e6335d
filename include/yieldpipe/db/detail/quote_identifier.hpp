#pragma once
// SQL identifiers, quoted: the same rule in SQLite and PostgreSQL.

#include <string>
#include <string_view>

namespace yieldpipe::db::detail {

/// `name` between double quotes, each double quote in it doubled: any name is then one identifier
/// (`we"ird` → `"we""ird"`), never SQL.
inline std::string quote_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace yieldpipe::db::detail
