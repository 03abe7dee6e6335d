#include <string>
#include <yieldpipe/io/printable.hpp>
#include <yieldpipe/query/column_index.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace yieldpipe::query {

std::size_t column_index(const io::csv_header* header, std::string_view name, std::string_view role) {
  if (header)
    if (const auto at = header->find(name)) return *at;
  // Names are shown printable and short: a binary file's "header" is garbage of any length.
  constexpr std::size_t longest_name = 64, most_names = 20;
  std::string message(role);
  message += ": no column named '" + io::printable(name, longest_name) + "'";
  if (!header || header->size() == 0) throw query_error(message + " (the input has no header: it is empty)");
  message += " (columns: ";
  for (std::size_t i = 0; i < header->size() && i < most_names; ++i)
    message += (i ? ", " : "") + io::printable(header->names()[i], longest_name);
  if (header->size() > most_names) message += ", and " + std::to_string(header->size() - most_names) + " more";
  throw query_error(message + ")");
}

}  // namespace yieldpipe::query
