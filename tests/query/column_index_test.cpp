// Finding a column by name, and the message when it is not there.
#include <gtest/gtest.h>

#include <string>
#include <yieldpipe/query/column_index.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace {

using namespace yieldpipe;

std::string message_of(const io::csv_header* header, std::string_view name, std::string_view role) {
  try {
    query::column_index(header, name, role);
  } catch (const query::query_error& e) {
    return e.what();
  }
  return "no query_error";
}

TEST(column_index, finds_a_column_by_its_exact_name) {
  const io::csv_header header({"id", "Value", "value"});
  EXPECT_EQ(query::column_index(&header, "id", "--by"), 0u);
  EXPECT_EQ(query::column_index(&header, "value", "--by"), 2u);
  EXPECT_EQ(query::column_index(&header, "Value", "--by"), 1u);
}

TEST(column_index, a_missing_column_names_the_role_and_the_columns_there_are) {
  const io::csv_header header({"city", "temp"});
  EXPECT_EQ(message_of(&header, "town", "--by"), "--by: no column named 'town' (columns: city, temp)");
}

TEST(column_index, an_empty_input_says_it_has_no_header) {
  const io::csv_header empty;
  EXPECT_EQ(message_of(nullptr, "x", "--key"), "--key: no column named 'x' (the input has no header: it is empty)");
  EXPECT_EQ(message_of(&empty, "x", "--key"), "--key: no column named 'x' (the input has no header: it is empty)");
}

}  // namespace
