#pragma once
// Row batches for the db tests, written as tables of optional strings.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <yieldpipe/db/row_batch.hpp>

namespace yieldpipe::test {

using cell = std::optional<std::string>;  // nullopt: null

/// A batch of `rows` named `names`, as a CSV reader would make it: every value inferred, the rows on
/// lines `first_line`, `first_line + 1`, ... at offsets 100 bytes apart; its end is the next line.
inline db::row_batch make_batch(std::vector<std::string> names, const std::vector<std::vector<cell>>& rows,
                                std::uint64_t first_line = 2) {
  db::row_batch batch(std::move(names));
  std::uint64_t line = first_line;
  for (const std::vector<cell>& row : rows) {
    std::string text;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) text += ',';
      if (row[i]) text += *row[i];
    }
    batch.add_row({line, line * 100, text});
    for (std::size_t i = 0; i < row.size(); ++i)
      if (row[i]) batch.set(i, db::field_kind::inferred, *row[i]);
    ++line;
  }
  batch.set_end(line * 100, line);
  return batch;
}

}  // namespace yieldpipe::test
