#include "yieldpipe/db/row_batch.hpp"

#include <charconv>
#include <stdexcept>

namespace yieldpipe::db {

std::uint64_t row_batch::append(std::string_view bytes) {
  const std::uint64_t at = bytes_.size();
  bytes_.append(bytes);
  return at;
}

std::size_t row_batch::add_column(std::string name) {
  classified_ = false;
  const std::size_t old_columns = names_.size();
  names_.push_back(std::move(name));
  if (!rows_.empty()) {
    // Row-major: every row gets its new null field at the end.
    std::vector<stored> wider(rows_.size() * names_.size());
    for (std::size_t r = 0; r < rows_.size(); ++r)
      for (std::size_t c = 0; c < old_columns; ++c) wider[r * names_.size() + c] = fields_[r * old_columns + c];
    fields_ = std::move(wider);
  }
  return old_columns;
}

void row_batch::classify() const {
  for (stored& f : fields_) {
    if (f.kind == field_kind::null) continue;
    if (f.kind == field_kind::text) {
      f.type = column_type::text;
      continue;
    }
    const char* const first = bytes_.data() + f.offset;
    const char* const last = first + f.size;
    f.type = value_type(std::string_view(first, f.size));
    if (f.type == column_type::integer)
      std::from_chars(first, last, f.number.integer);
    else if (f.type == column_type::real)
      std::from_chars(first, last, f.number.real);
  }
  classified_ = true;
}

void row_batch::add_row(const row_origin& origin) {
  classified_ = false;
  const std::uint64_t text_offset = append(origin.text);
  rows_.push_back({origin.line, origin.offset, text_offset, origin.text.size()});
  fields_.resize(fields_.size() + names_.size());
}

void row_batch::set(std::size_t column, field_kind kind, std::string_view value) {
  if (rows_.empty() || column >= names_.size()) throw std::out_of_range("row_batch::set: no such row or column");
  if (value.size() > UINT32_MAX) throw std::length_error("row_batch::set: a field of 4 GiB or more");
  stored& f = fields_[(rows_.size() - 1) * names_.size() + column];
  f.kind = kind;
  f.size = static_cast<std::uint32_t>(value.size());
  f.offset = kind == field_kind::null ? 0 : append(value);
  if (kind == field_kind::null) f.size = 0;
}

void row_batch::clear() noexcept {
  classified_ = false;
  rejects_.clear();
  bytes_.clear();
  fields_.clear();
  rows_.clear();
}

}  // namespace yieldpipe::db
