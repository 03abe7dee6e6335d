#pragma once
// Finding a named column in a CSV header, with a message a user can act on when it is not there.

#include <cstddef>
#include <string_view>
#include <yieldpipe/io/csv_reader.hpp>

namespace yieldpipe::query {

/// The position of column `name` in `header`. When it is not there (or `header` is null: the input
/// is empty), throws `query_error`: `ROLE: no column named 'x' (columns: a, b, c)` — `role` says who
/// asked (`--by`, `aggregate mean:x`).
std::size_t column_index(const io::csv_header* header, std::string_view name, std::string_view role);

}  // namespace yieldpipe::query
