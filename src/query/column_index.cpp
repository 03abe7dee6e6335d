#include <string>
#include <yieldpipe/query/column_index.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace yieldpipe::query {

std::size_t column_index(const io::csv_header* header, std::string_view name, std::string_view role) {
  if (header)
    if (const auto at = header->find(name)) return *at;
  std::string message(role);
  message += ": no column named '";
  message += name;
  message += "'";
  if (!header || header->size() == 0) throw query_error(message + " (the input has no header: it is empty)");
  message += " (columns: ";
  for (std::size_t i = 0; i < header->size(); ++i) message += (i ? ", " : "") + header->names()[i];
  throw query_error(message + ")");
}

}  // namespace yieldpipe::query
