#include <limits>
#include <optional>
#include <stdexcept>
#include <yieldpipe/query/finite_number.hpp>
#include <yieldpipe/query/keyed_rows.hpp>

namespace yieldpipe::query {

std::uint32_t keyed_rows::interned::id(std::string_view text) {
  if (const auto it = ids.find(text); it != ids.end()) return it->second;
  const auto next = static_cast<std::uint32_t>(names.size());
  const auto [it, _] = ids.emplace(std::string(text), next);
  names.emplace_back(it->first);
  return next;
}

void keyed_rows::keep(std::string_view field) {
  if (text_.size() + field.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("yieldpipe::query::keyed_rows: over 4 GiB of kept fields in one piece");
  text_.append(field);
  field_ends_.push_back(static_cast<std::uint32_t>(text_.size()));
}

void keyed_rows::clear() noexcept {
  rows_.clear();
  keys_.clear();
  groups_.clear();
  text_.clear();
  field_ends_.clear();
}

void keyed_rows::add(const io::csv_row& r, const io::reject_handler& on_reject) {
  const std::optional<double> x = finite_number(r, columns_.value, on_reject);
  if (!x) return;
  row kept_row;
  kept_row.value = *x;
  kept_row.key = keys_.id(columns_.key == none ? std::string_view() : r[columns_.key]);
  kept_row.group = groups_.id(columns_.group == none ? std::string_view() : r[columns_.group]);
  kept_row.kept = static_cast<std::uint32_t>(field_ends_.size());
  switch (columns_.keep) {
    case kept_fields::none: break;
    case kept_fields::value: keep(r[columns_.value]); break;
    case kept_fields::all:
      for (std::string_view field : r.fields()) keep(field);
      break;
  }
  rows_.push_back(kept_row);
}

}  // namespace yieldpipe::query
