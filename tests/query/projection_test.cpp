// query::projection: a select list compiled against a header; columns copied, expressions computed.
#include <gtest/gtest.h>

#include <string>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/input.hpp>
#include <yieldpipe/io/output.hpp>
#include <yieldpipe/io/writers.hpp>
#include <yieldpipe/query/projection.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace {

using namespace yieldpipe;

// The projected rows of `csv`, written as CSV (`\n` line ends) without the header row.
std::string project(const std::string& select, const std::string& csv) {
  io::csv_reader reader(io::input::from_memory(csv, "t.csv"));
  const query::projection p(select, *reader.header());
  io::output text(io::to_memory);
  const auto writer = io::make_writer(io::format::csv, text, p.names());
  (void)text.take();
  std::vector<io::field> fields;
  while (const io::csv_row* row = reader.next()) {
    p.evaluate(*row, fields);
    writer->write_row(fields);
  }
  return text.take();
}

// One value as written in a CSV field.
std::string written(const query::value& v) {
  io::output text(io::to_memory);
  const auto writer = io::make_writer(io::format::csv, text, {"v"});
  (void)text.take();
  writer->write_row({query::to_field(v)});
  return text.take();
}

TEST(projection, an_empty_list_is_every_column) {
  io::csv_reader reader(io::input::from_memory("a,b\n1,2\n", "t.csv"));
  const query::projection p("", *reader.header());
  EXPECT_EQ(p.names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(project("", "a,b\n1,2\n"), "1,2\n");
}

TEST(projection, columns_are_copied_as_written_and_expressions_computed) {
  const std::string csv = "id,t,name\n7,10.50,ann\n8,,bob\n";
  io::csv_reader reader(io::input::from_memory(csv, "t.csv"));
  const query::projection p("name, t, f=t/4, len(name), `up`=upper(name), t > 5", *reader.header());
  EXPECT_EQ(p.names(), (std::vector<std::string>{"name", "t", "f", "len(name)", "up", "t > 5"}));
  EXPECT_EQ(project("name, t, f=t/4, len(name), `up`=upper(name), t > 5", csv),
            "ann,10.50,2.625,3,ANN,True\nbob,,,3,BOB,\n");
}

TEST(projection, commas_inside_strings_calls_and_lists_do_not_split_items) {
  EXPECT_EQ(project("s in ['a,b', 'x'], contains(s, \",\")", "s\n\"a,b\"\n"), "True,True\n");
}

TEST(projection, whole_numbers_are_integers_and_others_doubles) {
  using kind = query::value::kind;
  EXPECT_EQ(written({.type = kind::number, .number = 5.0}), "5\n");
  EXPECT_EQ(written({.type = kind::number, .number = -0.0}), "-0.0\n");
  EXPECT_EQ(written({.type = kind::number, .number = 2.5}), "2.5\n");
  EXPECT_EQ(written({.type = kind::number, .number = 1e300}), "1e+300\n");
  EXPECT_EQ(written({.type = kind::boolean, .boolean = false}), "False\n");
  EXPECT_EQ(written({}), "\"\"\n");
}

TEST(projection, an_empty_item_or_a_bad_expression_is_a_query_error) {
  io::csv_reader reader(io::input::from_memory("a,b\n1,2\n", "t.csv"));
  EXPECT_THROW(query::projection("a,,b", *reader.header()), query::query_error);
  EXPECT_THROW(query::projection("a, nowhere + 1", *reader.header()), query::query_error);
  EXPECT_THROW(query::projection("a, b +", *reader.header()), query::query_error);
}

TEST(projection, a_field_that_does_not_fit_its_type_throws_the_readers_error) {
  EXPECT_THROW(project("x=a+1", "a\nn/a\n"), io::io_error);
}

}  // namespace
