#include <cmath>
#include <string>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/query/finite_number.hpp>

namespace yieldpipe::query {

std::optional<double> finite_number(const io::csv_row& row, std::size_t column, const io::reject_handler& on_reject) {
  std::optional<double> x;
  try {
    x = row.get_optional<double>(column);
    if (!x || std::isfinite(*x)) return x;
  } catch (const io::io_error& e) {
    const io::rejected_record record{row.path(), row.line(), row.offset(), row.text()};
    if (!on_reject || !on_reject(record, "bad number", e.what())) throw;
    return std::nullopt;
  }
  const auto [line, col] = row.position(column);
  const io::io_error error(std::string(row.path()),
                           "column '" + std::string(row.header() ? row.header()->names()[column] : "") +
                               "': not a finite number: \"" + std::string(row[column]) + "\"",
                           io::error_location{.offset = {}, .line = line, .column = col});
  const io::rejected_record record{row.path(), row.line(), row.offset(), row.text()};
  if (!on_reject || !on_reject(record, "bad number", error.what())) throw error;
  return std::nullopt;
}

}  // namespace yieldpipe::query
