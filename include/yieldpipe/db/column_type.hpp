#pragma once
// The types of a loaded column, and how a load types one text value.

#include <cstdint>
#include <optional>
#include <string_view>

namespace yieldpipe::db {

/// A loaded column's type, narrowest first: a column whose type is inferred takes the widest type
/// of its values (integer, then real, then text). SQLite: INTEGER, REAL, TEXT; PostgreSQL: bigint,
/// double precision, text.
enum class column_type : std::uint8_t { integer, real, text };

/// The type a load gives one non-empty value: `integer` for a JSON integer that fits in 64 bits
/// (`-12`, `0`), `real` for any other JSON number (`1.5`, `-2e-3`, `0.25`), `text` for everything
/// else. So `007`, `+1`, ` 1`, `1.`, `.5`, `0x1F`, `nan`, `inf` and `12345678901234567890` are text:
/// what a load would change by storing it as a number (a leading zero, a sign, a digit past 64
/// bits) stays as written.
column_type value_type(std::string_view value) noexcept;

/// Whether a value of type `value` can be stored in a column of type `column` as it is (an integer in
/// a real column: yes; a real in an integer column: no).
constexpr bool fits(column_type value, column_type column) noexcept { return value <= column; }

/// The wider of two types.
constexpr column_type wider(column_type a, column_type b) noexcept { return a < b ? b : a; }

/// "integer", "real", "text".
std::string_view to_string(column_type type) noexcept;

/// A type as a user names it in `--types`: integer (int, bigint), real (float, double), text
/// (string); any case. nullopt for anything else.
std::optional<column_type> parse_column_type(std::string_view name) noexcept;

}  // namespace yieldpipe::db
