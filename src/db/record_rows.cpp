#include "yieldpipe/db/record_rows.hpp"

#include <charconv>
#include <cstdint>

namespace yieldpipe::db {

void add_row(row_batch& batch, const io::csv_row& row) {
  batch.add_row({row.line(), row.offset(), row.text()});
  const std::size_t n = std::min(row.size(), batch.columns());
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view v = row[i];
    if (!v.empty()) batch.set(i, field_kind::inferred, v);
  }
}

std::size_t json_rows::column(row_batch& batch, std::string_view key) {
  if (const auto found = index_.find(std::string(key)); found != index_.end()) return found->second;
  const std::size_t index = batch.add_column(std::string(key));
  names_.emplace_back(key);
  index_.emplace(std::string(key), index);
  return index;
}

void json_rows::add(row_batch& batch, const io::json_record& record) {
  if (batch.columns() == 0 && !names_.empty()) batch.reset(names_);
  batch.add_row({record.line(), record.offset(), record.text()});
  record.for_each_member([&](std::string_view key, const io::json_value& value) {
    const std::size_t c = column(batch, key);
    char digits[64];
    std::to_chars_result r{};
    switch (value.type()) {
      case io::json_type::null: return;
      case io::json_type::string: batch.set(c, field_kind::text, value.get<std::string_view>()); return;
      case io::json_type::boolean: batch.set(c, field_kind::text, value.get<bool>() ? "true" : "false"); return;
      case io::json_type::object:
      case io::json_type::array: batch.set(c, field_kind::text, value.to_json()); return;
      case io::json_type::integer: r = std::to_chars(digits, digits + sizeof digits, value.get<std::int64_t>()); break;
      case io::json_type::unsigned_integer:
        r = std::to_chars(digits, digits + sizeof digits, value.get<std::uint64_t>());
        break;
      case io::json_type::floating: r = std::to_chars(digits, digits + sizeof digits, value.get<double>()); break;
    }
    number_.assign(digits, r.ptr);
    // A JSON float stays real: its text keeps a '.' or an 'e' (to_chars writes 1.0 as "1").
    if (value.type() == io::json_type::floating && number_.find_first_of(".e") == std::string::npos) number_ += ".0";
    batch.set(c, field_kind::inferred, number_);
  });
}

}  // namespace yieldpipe::db
