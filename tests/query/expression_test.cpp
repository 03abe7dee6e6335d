// The expression language of --where and --select: syntax, types, SQL's null rules, messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/query/expression.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace {

using namespace yieldpipe;
using query::expression;
using query::value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

class expression_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("yieldpipe_expr_" + std::to_string(::getpid()) + "_" + info->name() + ".csv");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove(path_, ec);
  }

  static std::string show(const value& v) {
    switch (v.type) {
      case value::kind::null: return "null";
      case value::kind::boolean: return v.boolean ? "true" : "false";
      case value::kind::string: return "'" + std::string(v.string) + "'";
      case value::kind::number: {
        std::ostringstream s;
        s << v.number;
        return s.str();
      }
    }
    return "?";
  }

  // `text` evaluated on every row of the CSV `csv`, each value shown as text.
  std::vector<std::string> eval(const std::string& csv, const std::string& text) {
    write(csv);
    auto rows = io::read_csv(path_.string());
    const expression e = expression::compile(text, *rows.header());
    std::vector<std::string> out;
    for (const io::csv_row& row : rows) out.push_back(show(e.evaluate(row)));
    return out;
  }
  // The value of an expression over a one-row file without columns that matter.
  std::string eval1(const std::string& text) { return eval("x\n1\n", text).at(0); }

  // The rows (their line numbers) where the condition holds.
  std::vector<std::uint64_t> where(const std::string& csv, const std::string& text) {
    write(csv);
    auto rows = io::read_csv(path_.string());
    const expression e = expression::compile_condition(text, *rows.header());
    std::vector<std::uint64_t> out;
    for (const io::csv_row& row : rows)
      if (e.matches(row)) out.push_back(row.line());
    return out;
  }

  // The query_error message of compiling `text` against the header `columns`.
  static std::string error(const std::string& text, std::vector<std::string> columns = {"temperature", "status"}) {
    const io::csv_header header(std::move(columns));
    try {
      (void)expression::compile(text, header);
    } catch (const query::query_error& e) {
      return e.what();
    }
    return "(no error)";
  }

  void write(const std::string& csv) {
    std::ofstream out(path_, std::ios::binary);
    out << csv;
  }

  fs::path path_;
};

TEST_F(expression_test, arithmetic_follows_the_usual_precedence_and_associativity) {
  EXPECT_EQ(eval1("1 + 2 * 3"), "7");
  EXPECT_EQ(eval1("(1 + 2) * 3"), "9");
  EXPECT_EQ(eval1("10 - 2 - 3"), "5");
  EXPECT_EQ(eval1("2 * 3 % 4"), "2");
  EXPECT_EQ(eval1("-2 * -3"), "6");
  EXPECT_EQ(eval1("- (1 + 1)"), "-2");
  EXPECT_EQ(eval1("7 / 2"), "3.5");
  EXPECT_EQ(eval1("-7 % 3"), "-1");  // the sign of the dividend, as SQL
  EXPECT_EQ(eval1("1.5e3 + .5"), "1500.5");
  EXPECT_EQ(eval1("abs(-4) + x"), "5");
}

TEST_F(expression_test, and_binds_tighter_than_or_and_not_applies_to_a_whole_comparison) {
  EXPECT_EQ(eval1("true or false and false"), "true");
  EXPECT_EQ(eval1("(true or false) and false"), "false");
  EXPECT_EQ(eval1("not 1 > 2 and 1 < 2"), "true");
  EXPECT_EQ(eval1("not not true"), "true");
  EXPECT_EQ(eval1("1 + 1 == 2"), "true");
  EXPECT_EQ(eval1("TRUE AND NOT FALSE"), "true");  // keywords in any case
}

TEST_F(expression_test, comparisons_accept_sql_spellings_too) {
  EXPECT_EQ(eval1("x = 1"), "true");
  EXPECT_EQ(eval1("x <> 1"), "false");
  EXPECT_EQ(eval1("x != 2"), "true");
  EXPECT_EQ(eval1("x >= 1 and x <= 1 and not x > 1 and not x < 1"), "true");
}

TEST_F(expression_test, a_chain_is_each_comparison_joined_by_and) {
  // An empty field is written "" (an empty line would be a blank line, which the reader skips).
  EXPECT_THAT(where("t\n-60\n-50\n0\n100\n101\n\"\"\n", "-50 <= t <= 100"), ElementsAre(3, 4, 5));
  EXPECT_THAT(eval("t\n-60\n0\n\"\"\n", "-50 <= t <= 100"), ElementsAre("false", "true", "null"));
  EXPECT_THAT(eval("t\n-60\n\"\"\n", "200 <= t <= 100"), ElementsAre("false", "null"));
  EXPECT_THAT(eval("a,b,c\n1,2,3\n1,3,2\n3,2,1\n", "a < b < c"), ElementsAre("true", "false", "false"));
  EXPECT_THAT(eval("a,b,c\n1,2,3\n", "0 < a < b < c < 4"), ElementsAre("true"));
  EXPECT_THAT(eval("a,b\nx,x\nx,y\n", "a == b != 'y'"), ElementsAre("true", "false"));
}

TEST_F(expression_test, a_constant_on_either_side_compares_the_same) {
  const std::string csv = "n,s\n1,b\n2,c\n3,d\n\"\",\"\"\n";
  for (const auto& [left, right] : {std::pair{"n < 2", "2 > n"},
                                    {"n <= 2", "2 >= n"},
                                    {"n > 2", "2 < n"},
                                    {"n >= 2", "2 <= n"},
                                    {"n == 2", "2 == n"},
                                    {"n != 2", "2 != n"},
                                    {"s < 'c'", "'c' > s"},
                                    {"s >= 'c'", "'c' <= s"},
                                    {"s == 'c'", "'c' == s"}}) {
    SCOPED_TRACE(std::string(left) + " / " + right);
    EXPECT_EQ(eval(csv, left), eval(csv, right));
    EXPECT_EQ(eval(csv, left).back(), "null");
  }
  EXPECT_THAT(eval(csv, "2 > n"), ElementsAre("true", "false", "false", "null"));
  EXPECT_THAT(eval(csv, "'c' <= s"), ElementsAre("false", "true", "true", "null"));
}

TEST_F(expression_test, a_column_used_twice_is_read_for_each_row) {
  // The number is read once per row and reused within it: never carried over to the next row.
  EXPECT_THAT(eval("h\n5\n\"\"\n50\n7\n", "h is not null and 0 <= h <= 10 and h * 2 > 9"),
              ElementsAre("true", "false", "false", "true"));
  write("h\n5\nn/a\n");
  auto rows = io::read_csv(path_.string());
  const expression e = expression::compile_condition("h is not null and h > 1", *rows.header());
  auto it = rows.begin();
  EXPECT_TRUE(e.matches(*it));
  ++it;
  EXPECT_THROW((void)e.matches(*it), io::io_error);
  EXPECT_THROW((void)e.matches(*it), io::io_error) << "a bad value is not remembered as good";
}

TEST_F(expression_test, three_valued_logic_follows_sql) {
  // Every pair of true, false and null (an empty field).
  const std::string csv = "a,b\ntrue,true\ntrue,false\ntrue,\nfalse,true\nfalse,false\nfalse,\n,true\n,false\n,\n";
  EXPECT_THAT(eval(csv, "a and b"),
              ElementsAre("true", "false", "null", "false", "false", "false", "null", "false", "null"));
  EXPECT_THAT(eval(csv, "a or b"),
              ElementsAre("true", "true", "true", "true", "false", "null", "true", "null", "null"));
  EXPECT_THAT(eval(csv, "not b"),
              ElementsAre("false", "true", "null", "false", "true", "null", "false", "true", "null"));
  EXPECT_THAT(eval(csv, "a is null"),
              ElementsAre("false", "false", "false", "false", "false", "false", "true", "true", "true"));
  EXPECT_THAT(eval(csv, "b is not null"),
              ElementsAre("true", "true", "false", "true", "true", "false", "true", "true", "false"));
}

TEST_F(expression_test, null_makes_arithmetic_comparisons_and_functions_null) {
  const std::string csv = "n,s\n\"\",\"\"\n";
  EXPECT_THAT(eval(csv, "n + 1"), ElementsAre("null"));
  EXPECT_THAT(eval(csv, "-n"), ElementsAre("null"));
  EXPECT_THAT(eval(csv, "n > 1"), ElementsAre("null"));
  EXPECT_THAT(eval(csv, "s == ''"), ElementsAre("null"));  // an empty field is null, not ""
  EXPECT_THAT(eval(csv, "len(s)"), ElementsAre("null"));
  EXPECT_THAT(eval(csv, "lower(s)"), ElementsAre("null"));
  EXPECT_THAT(eval(csv, "contains(s, 'a')"), ElementsAre("null"));
  EXPECT_THAT(eval(csv, "abs(n)"), ElementsAre("null"));
  EXPECT_THAT(eval(csv, "n in [1, 2]"), ElementsAre("null"));
  EXPECT_THAT(eval(csv, "n is null and s is null"), ElementsAre("true"));
  EXPECT_EQ(eval1("x / 0"), "null");
  EXPECT_EQ(eval1("x % 0"), "null");
  EXPECT_EQ(eval1("null + 1"), "null");
  EXPECT_EQ(eval1("null is null"), "true");
}

TEST_F(expression_test, where_keeps_only_rows_where_the_condition_is_true) {
  EXPECT_THAT(where("t\n5\n1\n\"\"\n7\n", "t > 3"), ElementsAre(2, 5));
  EXPECT_THAT(where("t\n5\n1\n\"\"\n7\n", "not t > 3"), ElementsAre(3));
  EXPECT_THAT(where("ok\ntrue\nfalse\n\"\"\n1\n", "ok"), ElementsAre(2, 5));  // a bare column as a boolean
}

TEST_F(expression_test, in_lists_match_numbers_strings_and_follow_sql_for_null) {
  const std::string csv = "n,s\n1,a\n2,b\n3,c\n";
  EXPECT_THAT(eval(csv, "n in [1, 3]"), ElementsAre("true", "false", "true"));
  EXPECT_THAT(eval(csv, "n not in [1, 3]"), ElementsAre("false", "true", "false"));
  EXPECT_THAT(eval(csv, "s in ['a', \"c\"]"), ElementsAre("true", "false", "true"));
  EXPECT_THAT(eval(csv, "n in [1, null]"), ElementsAre("true", "null", "null"));
  EXPECT_THAT(eval(csv, "n not in [1, null]"), ElementsAre("false", "null", "null"));
  EXPECT_THAT(eval(csv, "-n in [-2]"), ElementsAre("false", "true", "false"));
  EXPECT_THAT(eval(csv, "n in []"), ElementsAre("false", "false", "false"));
  EXPECT_THAT(eval(csv, "n + 1 in [2] and s not in ['z']"), ElementsAre("true", "false", "false"));
}

TEST_F(expression_test, string_functions_work_on_text_and_count_code_points) {
  const std::string csv = "s\nHello World\nh\xc3\xa9llo\n";
  EXPECT_THAT(eval(csv, "lower(s)"), ElementsAre("'hello world'", "'h\xc3\xa9llo'"));
  EXPECT_THAT(eval(csv, "upper(s)"), ElementsAre("'HELLO WORLD'", "'H\xc3\xa9LLO'"));  // ASCII letters only
  EXPECT_THAT(eval(csv, "len(s)"), ElementsAre("11", "5"));
  EXPECT_THAT(eval(csv, "contains(lower(s), 'world')"), ElementsAre("true", "false"));
  EXPECT_THAT(eval(csv, "starts_with(s, 'He')"), ElementsAre("true", "false"));
  EXPECT_THAT(eval(csv, "ends_with(s, 'llo')"), ElementsAre("false", "true"));
  EXPECT_THAT(eval(csv, "upper(s) == upper(lower(s))"), ElementsAre("true", "true"));
  EXPECT_THAT(eval(csv, "len(s) * 2 > 20"), ElementsAre("true", "false"));
}

TEST_F(expression_test, text_compares_as_text_and_strings_take_escapes) {
  const std::string csv = "s,t\nabc,abd\n\"a\"\"b\",x\n";
  EXPECT_THAT(eval(csv, "s < t"), ElementsAre("true", "true"));
  EXPECT_THAT(eval(csv, "s == 'a\"b'"), ElementsAre("false", "true"));
  EXPECT_THAT(eval(csv, "s == \"a\\\"b\""), ElementsAre("false", "true"));
  EXPECT_THAT(eval(csv, "s == 'abc'"), ElementsAre("true", "false"));
  EXPECT_THAT(eval("n\n10\n9\n", "n > '9'"), ElementsAre("false", "false"));  // as text: "10" < "9"
  EXPECT_THAT(eval("n\n10\n9\n", "n > 9"), ElementsAre("true", "false"));     // as numbers
}

TEST_F(expression_test, backticks_name_columns_with_spaces_or_keyword_names) {
  EXPECT_THAT(eval("first name,and\nAda,1\n", "`first name` == 'Ada' and `and` == 1"), ElementsAre("true"));
  EXPECT_THAT(eval("a`b\n2\n", "`a``b` * 2"), ElementsAre("4"));
}

TEST_F(expression_test, a_value_that_does_not_fit_its_type_throws_the_readers_io_error) {
  write("id,t\n1,5\n2,n/a\n");
  auto rows = io::read_csv(path_.string());
  const expression e = expression::compile("t > 3", *rows.header());
  auto it = rows.begin();
  EXPECT_TRUE(e.matches(*it));
  ++it;
  try {
    (void)e.matches(*it);
    FAIL() << "no io_error";
  } catch (const io::io_error& error) {
    EXPECT_EQ(error.path(), path_.string());
    EXPECT_EQ(error.line(), 3u);
    EXPECT_EQ(error.column(), 3u);
    EXPECT_THAT(error.what(), HasSubstr(path_.string() + ":3:3: column 't': cannot read \"n/a\" as a number"));
  }
  // The same column as text is fine.
  const expression text = expression::compile("t == 'n/a'", *rows.header());
  EXPECT_TRUE(text.matches(*it));
}

TEST_F(expression_test, a_boolean_column_must_hold_booleans) {
  write("ok\nmaybe\n");
  auto rows = io::read_csv(path_.string());
  const expression e = expression::compile("ok and true", *rows.header());
  EXPECT_THROW((void)e.evaluate(*rows.begin()), io::io_error);
}

TEST_F(expression_test, types_are_decided_at_compile_time) {
  const io::csv_header header({"t", "s"});
  EXPECT_EQ(expression::compile("t + 1", header).type(), value::kind::number);
  EXPECT_EQ(expression::compile("t", header).type(), value::kind::string);
  EXPECT_EQ(expression::compile("lower(s)", header).type(), value::kind::string);
  EXPECT_EQ(expression::compile("t > 1 or s is null", header).type(), value::kind::boolean);
  EXPECT_EQ(expression::compile("null", header).type(), value::kind::null);
  EXPECT_EQ(expression::compile("  t >= 1 ", header).text(), "  t >= 1 ");
}

TEST_F(expression_test, copies_evaluate_independently) {
  write("s\nAbc\n");
  auto rows = io::read_csv(path_.string());
  std::optional<expression> original = expression::compile("lower(s) in ['abc', 'x'] and s != 'zz'", *rows.header());
  const expression copy = *original;
  original.reset();
  EXPECT_TRUE(copy.matches(*rows.begin()));
}

TEST_F(expression_test, errors_point_a_caret_at_the_offending_place) {
  EXPECT_EQ(error("temprature > 5"),
            "unknown column 'temprature' (did you mean 'temperature'?)\n"
            "  temprature > 5\n"
            "  ^");
  EXPECT_EQ(error("status == 'a' and speed > 3"),
            "unknown column 'speed' (columns: temperature, status)\n"
            "  status == 'a' and speed > 3\n"
            "                    ^");
  EXPECT_EQ(error("temperature >"),
            "expected a value, a column or '(', got end of the expression\n"
            "  temperature >\n"
            "               ^");
  EXPECT_EQ(error("temperature > 5 5"),
            "unexpected number after the expression\n"
            "  temperature > 5 5\n"
            "                  ^");
  EXPECT_EQ(error("(temperature > 5"),
            "expected ')', got end of the expression\n"
            "  (temperature > 5\n"
            "                  ^");
  EXPECT_EQ(error("status == 'active"),
            "unterminated string\n"
            "  status == 'active\n"
            "            ^");
  EXPECT_EQ(error("temperature > 5 && status"),
            "unexpected character '&'\n"
            "  temperature > 5 && status\n"
            "                  ^");
  EXPECT_EQ(error("'a' + 1"),
            "'+' needs a number, not text\n"
            "  'a' + 1\n"
            "  ^");
  EXPECT_EQ(error("temperature == null"),
            "a comparison with null is never true: write 'is null' or 'is not null'\n"
            "  temperature == null\n"
            "              ^");
  EXPECT_EQ(error("1 < 'x'"),
            "cannot compare a number with text\n"
            "  1 < 'x'\n"
            "    ^");
  EXPECT_EQ(error("status in [1, 'a']"),
            "the list mixes a number and text\n"
            "  status in [1, 'a']\n"
            "                ^");
  EXPECT_EQ(error("lenght(status) > 3"),
            "unknown function 'lenght' (functions: lower, upper, len, contains, starts_with, ends_with, abs)\n"
            "  lenght(status) > 3\n"
            "  ^");
  EXPECT_EQ(error("contains(status)"),
            "expected ',' (contains() takes 2 arguments), got ')'\n"
            "  contains(status)\n"
            "                 ^");
  EXPECT_EQ(error("abs('x')"),
            "abs() needs a number, not text\n"
            "  abs('x')\n"
            "      ^");
  EXPECT_EQ(error("status is 3"),
            "expected null after 'is', got number\n"
            "  status is 3\n"
            "            ^");
  EXPECT_EQ(error(""), "expected an expression\n  \n  ^");
  EXPECT_EQ(error("true < false"),
            "true and false have no order: '<'\n"
            "  true < false\n"
            "       ^");
  // The caret counts characters, not bytes.
  EXPECT_EQ(error("'\xc3\xa9t\xc3\xa9' == sttaus"),
            "unknown column 'sttaus' (did you mean 'status'?)\n"
            "  '\xc3\xa9t\xc3\xa9' == sttaus\n"
            "           ^");
}

TEST_F(expression_test, a_condition_must_be_true_or_false) {
  const io::csv_header header({"t"});
  try {
    (void)expression::compile_condition("t + 1", header);
    FAIL() << "no query_error";
  } catch (const query::query_error& e) {
    EXPECT_STREQ(e.what(), "a condition must be true or false, not a number\n  t + 1\n  ^");
  }
}

}  // namespace
