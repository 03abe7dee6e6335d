#include <cmath>
#include <cstdint>
#include <tuple>
#include <utility>
#include <yieldpipe/query/projection.hpp>
#include <yieldpipe/query/query_error.hpp>

#include "trim.hpp"

namespace yieldpipe::query {
namespace {

using detail::trim;

// The items of a select list, split at the commas outside strings, `names`, (...) and [...].
std::vector<std::string_view> split_items(std::string_view text) {
  std::vector<std::string_view> items;
  int depth = 0;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == '\\' && quote != '`')
        ++i;
      else if (c == quote)
        quote = 0;
    } else if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      --depth;
    } else if (c == ',' && depth <= 0) {
      items.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  items.push_back(text.substr(start));
  return items;
}

// `name=expr` (a plain name, then one '=' that is not part of '==', '<=', '>=' or '!='): its parts.
std::optional<std::pair<std::string_view, std::string_view>> split_assignment(std::string_view item) {
  const std::size_t eq = item.find('=');
  if (eq == std::string_view::npos || (eq + 1 < item.size() && item[eq + 1] == '=')) return std::nullopt;
  std::string_view name = trim(item.substr(0, eq));
  if (name.size() >= 2 && name.front() == '`' && name.back() == '`') {
    name = name.substr(1, name.size() - 2);
  } else {
    if (name.empty()) return std::nullopt;
    for (const char c : name)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
            static_cast<unsigned char>(c) >= 0x80))
        return std::nullopt;
  }
  return std::pair{name, item.substr(eq + 1)};
}

}  // namespace

projection::projection(std::string_view select, const io::csv_header& header) {
  if (select.empty()) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      names_.push_back(header.names()[i]);
      columns_.push_back({i, std::nullopt});
    }
    return;
  }
  for (const std::string_view raw : split_items(select)) {
    const std::string_view item = trim(raw);
    if (item.empty()) throw query_error("an empty column name in '" + std::string(select) + "'");
    if (const auto at = header.find(item)) {
      names_.emplace_back(item);
      columns_.push_back({*at, std::nullopt});
      continue;
    }
    std::string_view name = item, text = item;
    if (const auto assignment = split_assignment(item)) std::tie(name, text) = *assignment;
    columns_.push_back({0, expression::compile(trim(text), header)});
    names_.emplace_back(name);
  }
}

void projection::evaluate(const io::csv_row& row, std::vector<io::field>& fields) const {
  fields.resize(columns_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i)
    fields[i] =
        columns_[i].computed ? to_field(columns_[i].computed->evaluate(row)) : io::field(row[columns_[i].index]);
}

io::field to_field(const value& v) {
  switch (v.type) {
    case value::kind::number:
      if (std::abs(v.number) < 9007199254740992.0 && v.number == std::trunc(v.number) &&
          !(v.number == 0 && std::signbit(v.number)))
        return static_cast<std::int64_t>(v.number);
      return v.number;
    case value::kind::string: return v.string;
    case value::kind::boolean: return v.boolean;
    case value::kind::null: break;
  }
  return {};
}

}  // namespace yieldpipe::query
