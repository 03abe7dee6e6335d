// The reference CSV parser (tests/support/csv_reference.hpp): the reader rows of semantics.md §10, then a
// differential test against python3's csv module on random inputs in several dialects.
#include "support/csv_reference.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using yieldpipe::test::csv_reference_dialect;
using yieldpipe::test::csv_reference_parse;
using yieldpipe::test::csv_reference_result;
using rows = std::vector<std::vector<std::string>>;
using namespace std::string_literals;

rows parse_rows(std::string_view data, const csv_reference_dialect& dialect = {}) {
  const csv_reference_result result = csv_reference_parse(data, dialect);
  EXPECT_FALSE(result.error) << *result.error;
  return result.rows;
}

csv_reference_dialect strict_dialect() {
  csv_reference_dialect dialect;
  dialect.strict = true;
  return dialect;
}

// --- semantics.md §10 -------------------------------------------------------------------------------------------

TEST(csv_reference, c1_crlf_ends_records) {
  EXPECT_EQ(parse_rows("a,b,c\r\n1,2,3\r\n"), (rows{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(csv_reference, c2_lf_ends_records_and_the_last_needs_none) {
  EXPECT_EQ(parse_rows("a,b\nc,d"), (rows{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(parse_rows("a,b\nc,d\n"), (rows{{"a", "b"}, {"c", "d"}}));
}

TEST(csv_reference, c3_a_bare_cr_ends_records) { EXPECT_EQ(parse_rows("a,b\rc,d\r"), (rows{{"a", "b"}, {"c", "d"}})); }

TEST(csv_reference, c4_a_quoted_delimiter_is_data) { EXPECT_EQ(parse_rows("\"a,b\",c\n"), (rows{{"a,b", "c"}})); }

TEST(csv_reference, c5_a_doubled_quote_is_one_quote) {
  EXPECT_EQ(parse_rows("\"He said \"\"hi\"\"\",x\n"), (rows{{"He said \"hi\"", "x"}}));
}

TEST(csv_reference, c6_a_quoted_line_break_is_kept_byte_exact) {
  EXPECT_EQ(parse_rows("\"line1\nline2\",x\n"), (rows{{"line1\nline2", "x"}}));
  EXPECT_EQ(parse_rows("\"line1\r\nline2\",x\r\n"), (rows{{"line1\r\nline2", "x"}}));
  EXPECT_EQ(parse_rows("\"l1\rl2\",x\r"), (rows{{"l1\rl2", "x"}}));
}

// C7 (a file opened without newline='' has its CRLF translated by universal newlines) is about text decoding;
// the reference reads bytes as a newline='' file does, which is C6.

TEST(csv_reference, c8_empty_fields_are_empty_strings) {
  EXPECT_EQ(parse_rows("a,,c\n,\n"), (rows{{"a", "", "c"}, {"", ""}}));
  EXPECT_EQ(parse_rows("a,b,\n"), (rows{{"a", "b", ""}}));
}

TEST(csv_reference, c9_a_quoted_empty_field_is_an_empty_string) {
  EXPECT_EQ(parse_rows("\"\",\"\"\n\"\"\n"), (rows{{"", ""}, {""}}));
}

TEST(csv_reference, c10_a_blank_line_is_an_empty_row_and_no_input_no_row) {
  EXPECT_EQ(parse_rows("a\n\nb\n\r\n"), (rows{{"a"}, {}, {"b"}, {}}));
  EXPECT_EQ(parse_rows("\n"), (rows{{}}));
  EXPECT_EQ(parse_rows(""), rows{});
}

TEST(csv_reference, c11_whitespace_is_kept) { EXPECT_EQ(parse_rows("  \n"), (rows{{"  "}})); }

TEST(csv_reference, c12_a_bom_stays_in_the_first_field_as_three_bytes) {
  // Python decoding as utf-8 gives '\ufeffa'; on bytes that is EF BB BF 'a'. Stripping it is the fast reader's job.
  EXPECT_EQ(parse_rows("\xEF\xBB\xBF"
                       "a,b\n1,2"),
            (rows{{"\xEF\xBB\xBF"
                   "a",
                   "b"},
                  {"1", "2"}}));
}

TEST(csv_reference, c13_ragged_rows_keep_their_lengths) {
  const rows result = parse_rows("a,b,c\n1,2\n3,4,5,6\n");
  ASSERT_EQ(result.size(), 3u);
  EXPECT_EQ(result[0].size(), 3u);
  EXPECT_EQ(result[1].size(), 2u);
  EXPECT_EQ(result[2].size(), 4u);
}

// C14 is DictReader, built on top of the reader: not the reference's business.

TEST(csv_reference, c15_an_unterminated_quote_keeps_the_line_break_unless_strict) {
  csv_reference_result with_newline = csv_reference_parse("a,\"bc\n");
  EXPECT_EQ(with_newline.rows, (rows{{"a", "bc\n"}}));
  EXPECT_FALSE(with_newline.error);
  EXPECT_TRUE(with_newline.ended_in_quoted_field);

  csv_reference_result without_newline = csv_reference_parse("a,\"bc");
  EXPECT_EQ(without_newline.rows, (rows{{"a", "bc"}}));
  EXPECT_TRUE(without_newline.ended_in_quoted_field);

  csv_reference_result strict = csv_reference_parse("x\na,\"bc\n", strict_dialect());
  EXPECT_EQ(strict.error, "unexpected end of data");
  EXPECT_EQ(strict.rows, (rows{{"x"}}));
  EXPECT_TRUE(strict.ended_in_quoted_field);

  EXPECT_FALSE(csv_reference_parse("a,\"bc\"\n").ended_in_quoted_field);
}

TEST(csv_reference, c16_a_quote_after_a_space_is_literal_unless_skipinitialspace) {
  EXPECT_EQ(parse_rows("a, \"b\",c\n"), (rows{{"a", " \"b\"", "c"}}));
  csv_reference_dialect skip;
  skip.skip_initial_space = true;
  EXPECT_EQ(parse_rows("a, \"b\",c\n", skip), (rows{{"a", "b", "c"}}));
}

TEST(csv_reference, c17_a_space_after_the_closing_quote_joins_the_field_unless_strict) {
  EXPECT_EQ(parse_rows("\"a\" ,b\n"), (rows{{"a ", "b"}}));
  const csv_reference_result strict = csv_reference_parse("\"a\" ,b\n", strict_dialect());
  EXPECT_EQ(strict.error, "',' expected after '\"'");
  EXPECT_TRUE(strict.rows.empty());
}

TEST(csv_reference, c18_text_after_the_closing_quote_is_concatenated) {
  EXPECT_EQ(parse_rows("\"ab\"cd,e\n"), (rows{{"abcd", "e"}}));
}

TEST(csv_reference, c19_a_quote_inside_an_unquoted_field_is_literal_even_when_strict) {
  EXPECT_EQ(parse_rows("ab\"c,d\n"), (rows{{"ab\"c", "d"}}));
  EXPECT_EQ(parse_rows("abc\",d\n"), (rows{{"abc\"", "d"}}));
  EXPECT_EQ(parse_rows("ab\"c,d\n", strict_dialect()), (rows{{"ab\"c", "d"}}));
  EXPECT_EQ(parse_rows("abc\",d\n", strict_dialect()), (rows{{"abc\"", "d"}}));
}

TEST(csv_reference, c20_nul_is_an_ordinary_byte) { EXPECT_EQ(parse_rows("a\0b,c\n"s), (rows{{"a\0b"s, "c"}})); }

TEST(csv_reference, c21_a_cr_in_an_unquoted_field_of_a_newline_file_splits_the_record) {
  // The csv.Error of C21 needs lines that hold a line break in their middle (a list of strings); lines cut from a
  // newline='' file never do, and the reference only reads files.
  EXPECT_EQ(parse_rows("a\rb,c"), (rows{{"a"}, {"b", "c"}}));
}

TEST(csv_reference, c22_a_field_longer_than_the_limit_is_an_error) {
  const std::string field(131073, 'x');
  const csv_reference_result over = csv_reference_parse("a\n" + field + "\n", {}, 131072);
  EXPECT_EQ(over.error, "field larger than field limit (131072)");
  EXPECT_EQ(over.rows, (rows{{"a"}}));

  const csv_reference_result at = csv_reference_parse(field.substr(1), {}, 131072);
  EXPECT_FALSE(at.error);
  EXPECT_EQ(at.rows, (rows{{field.substr(1)}}));

  EXPECT_FALSE(csv_reference_parse(field).error) << "no limit by default";
}

TEST(csv_reference, c23_quote_none_escapechar_and_the_ignored_lineterminator) {
  // QUOTE_NONNUMERIC converts to float: the reference returns strings only and does not model it.
  csv_reference_dialect none;
  none.quote = std::nullopt;
  EXPECT_EQ(parse_rows("\"a,b\",c", none), (rows{{"\"a", "b\"", "c"}}));

  csv_reference_dialect escape;
  escape.escape = '\\';
  EXPECT_EQ(parse_rows("a\\,b,c", escape), (rows{{"a,b", "c"}}));

  // The reader has no lineterminator: only CR and LF end records, whatever the dialect.
  csv_reference_dialect semicolon;
  semicolon.delimiter = ';';
  EXPECT_EQ(parse_rows("a;b\r\nc\rd\ne|f", semicolon), (rows{{"a", "b"}, {"c"}, {"d"}, {"e|f"}}));
}

TEST(csv_reference, an_escape_at_the_end_of_the_input_escapes_a_newline) {
  // ESCAPED_CHAR and ESCAPE_IN_QUOTED_FIELD turn the end-of-line event into '\n'.
  csv_reference_dialect escape;
  escape.escape = '\\';
  EXPECT_EQ(parse_rows("a\\", escape), (rows{{"a\n"}}));
  EXPECT_EQ(parse_rows("\"a\\", escape), (rows{{"a\n"}}));
  // An escaped CR keeps the CR; the LF of its CRLF then ends the record.
  EXPECT_EQ(parse_rows("a\\\r\nb", escape), (rows{{"a\r"}, {"b"}}));
  EXPECT_EQ(parse_rows("a\\\rb", escape), (rows{{"a\rb"}}));
}

// --- differential test against python3 --------------------------------------------------------------------------

struct oracle_case {
  csv_reference_dialect dialect;
  std::optional<std::size_t> field_limit;  // nullopt = Python's default (131072)
  std::string data;
};

struct oracle_result {
  rows records;
  std::optional<std::string> error;
  bool ended_in_quoted_field = false;
};

// A small fixed PRNG (splitmix64) so that the inputs are the same with every standard library.
class prng {
 public:
  explicit prng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

// Biased toward the bytes the state machine cares about; NUL and a high byte now and then.
std::string random_csv(prng& random, std::size_t length) {
  static constexpr std::string_view common = ",,,\"\"\"\\\\\r\r\n\n\n  aaabb\t;;'";
  std::string data;
  data.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    const std::size_t pick = random.below(100);
    if (pick == 0) {
      data.push_back('\0');
    } else if (pick == 1) {
      data.push_back('\xE9');
    } else {
      data.push_back(common[random.below(common.size())]);
    }
  }
  return data;
}

std::vector<std::pair<std::string, oracle_case>> oracle_dialects() {
  std::vector<std::pair<std::string, oracle_case>> out;
  const auto add = [&](std::string name, auto&& edit) {
    oracle_case c;
    edit(c);
    out.emplace_back(std::move(name), std::move(c));
  };
  add("default", [](oracle_case&) {});
  add("delimiter ';'", [](oracle_case& c) { c.dialect.delimiter = ';'; });
  add("delimiter '\\t'", [](oracle_case& c) { c.dialect.delimiter = '\t'; });
  add("quotechar \"'\"", [](oracle_case& c) { c.dialect.quote = '\''; });
  add("QUOTE_NONE", [](oracle_case& c) { c.dialect.quote = std::nullopt; });
  add("QUOTE_NONE, escapechar '\\\\'", [](oracle_case& c) {
    c.dialect.quote = std::nullopt;
    c.dialect.escape = '\\';
  });
  add("escapechar '\\\\'", [](oracle_case& c) { c.dialect.escape = '\\'; });
  add("escapechar '\\\\', doublequote=False", [](oracle_case& c) {
    c.dialect.escape = '\\';
    c.dialect.double_quote = false;
  });
  add("doublequote=False", [](oracle_case& c) { c.dialect.double_quote = false; });
  add("skipinitialspace", [](oracle_case& c) { c.dialect.skip_initial_space = true; });
  add("strict", [](oracle_case& c) { c.dialect.strict = true; });
  add("strict, escapechar '\\\\', skipinitialspace", [](oracle_case& c) {
    c.dialect.strict = true;
    c.dialect.escape = '\\';
    c.dialect.skip_initial_space = true;
  });
  add("field_size_limit(3)", [](oracle_case& c) { c.field_limit = 3; });
  add("strict, field_size_limit(0)", [](oracle_case& c) {
    c.dialect.strict = true;
    c.field_limit = 0;
  });
  return out;
}

std::string describe(const oracle_case& c) {
  const auto byte = [](std::optional<char> ch) {
    return ch ? std::to_string(static_cast<unsigned char>(*ch)) : "None"s;
  };
  std::ostringstream out;
  out << "delimiter=" << byte(c.dialect.delimiter) << " quote=" << byte(c.dialect.quote)
      << " escape=" << byte(c.dialect.escape) << " doublequote=" << c.dialect.double_quote
      << " skipinitialspace=" << c.dialect.skip_initial_space << " strict=" << c.dialect.strict
      << " field_limit=" << (c.field_limit ? std::to_string(*c.field_limit) : "default"s);
  return out.str();
}

// A Python bytes literal, so that a failing input can be pasted into python3.
std::string python_literal(std::string_view bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "b'";
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (ch == '\\' || ch == '\'') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (b < 0x20 || b >= 0x7F) {
      out += "\\x";
      out += hex[b >> 4];
      out += hex[b & 0xF];
    } else {
      out += ch;
    }
  }
  return out + "'";
}

std::string describe(const rows& records, const std::optional<std::string>& error, bool quoted) {
  std::string out = "[";
  for (const auto& row : records) {
    out += "[";
    for (const auto& field : row) out += python_literal(field) + ",";
    out += "]";
  }
  out += "]";
  if (error) out += " error=" + python_literal(*error);
  if (quoted) out += " ended_in_quoted_field";
  return out;
}

void write_cases(const fs::path& path, const std::vector<oracle_case>& cases) {
  std::ofstream out(path, std::ios::binary);
  const auto byte = [](std::optional<char> ch) { return ch ? static_cast<int>(static_cast<unsigned char>(*ch)) : -1; };
  for (const oracle_case& c : cases) {
    out << byte(c.dialect.delimiter) << ' ' << byte(c.dialect.quote) << ' ' << byte(c.dialect.escape) << ' '
        << int{c.dialect.double_quote} << ' ' << int{c.dialect.skip_initial_space} << ' ' << int{c.dialect.strict}
        << ' ' << (c.field_limit ? static_cast<long long>(*c.field_limit) : -1LL) << ' ' << c.data.size() << '\n'
        << c.data << '\n';
  }
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

// Reads the framed results of csv_python_oracle.py; throws on a malformed file.
class result_reader {
 public:
  explicit result_reader(std::string text) : text_(std::move(text)) {}

  bool done() const { return pos_ == text_.size(); }

  oracle_result next() {
    oracle_result result;
    expect("C ");
    const long long count = number(' ');
    const long long error_length = number(' ');
    result.ended_in_quoted_field = number('\n') != 0;
    if (error_length >= 0) result.error = bytes(static_cast<std::size_t>(error_length));
    for (long long r = 0; r < count; ++r) {
      expect("F ");
      std::vector<std::string>& row = result.records.emplace_back();
      const long long fields = number('\n');
      for (long long f = 0; f < fields; ++f) row.push_back(bytes(static_cast<std::size_t>(number('\n'))));
    }
    return result;
  }

 private:
  void expect(std::string_view tag) {
    if (text_.compare(pos_, tag.size(), tag) != 0) throw std::runtime_error("malformed oracle output");
    pos_ += tag.size();
  }
  long long number(char end) {
    const std::size_t stop = text_.find(end, pos_);
    if (stop == std::string::npos) throw std::runtime_error("malformed oracle output");
    const long long value = std::stoll(text_.substr(pos_, stop - pos_));
    pos_ = stop + 1;
    return value;
  }
  std::string bytes(std::size_t n) {
    if (text_.size() - pos_ < n) throw std::runtime_error("truncated oracle output");
    std::string out = text_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  std::string text_;
  std::size_t pos_ = 0;
};

TEST(csv_reference, agrees_with_python_csv_reader_on_random_inputs_in_every_dialect) {
  constexpr std::size_t short_per_dialect = 2000;  // lengths 0..40
  constexpr std::size_t long_per_dialect = 20;     // lengths up to 2000
  const auto dialects = oracle_dialects();

  std::vector<oracle_case> cases;
  std::vector<std::string> names;
  prng random(20240611);
  for (const auto& [name, base] : dialects) {
    for (std::size_t i = 0; i < short_per_dialect + long_per_dialect; ++i) {
      oracle_case c = base;
      c.data = random_csv(random, i < short_per_dialect ? random.below(41) : 41 + random.below(1960));
      cases.push_back(std::move(c));
      names.push_back(name);
    }
  }

  const fs::path script = fs::path(__FILE__).parent_path() / "csv_python_oracle.py";
  ASSERT_TRUE(fs::exists(script)) << script;
  const fs::path dir = fs::temp_directory_path() / ("yieldpipe_csv_reference_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path input = dir / "cases.bin";
  const fs::path output = dir / "results.bin";
  write_cases(input, cases);

  // python3 is a declared dependency of the test suite: its absence fails the test.
  const std::string command = "python3 '" + script.string() + "' '" + input.string() + "' '" + output.string() + "'";
  const int status = std::system(command.c_str());
  std::ifstream in(output, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  fs::remove_all(dir);
  ASSERT_EQ(status, 0) << "python3 failed or is missing: " << command;

  result_reader results(std::move(text));
  std::size_t mismatches = 0;
  std::size_t quoted_endings = 0;
  std::size_t errors = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    ASSERT_FALSE(results.done()) << "the oracle answered " << i << " of " << cases.size() << " cases";
    const oracle_result python = results.next();
    const oracle_case& c = cases[i];
    const csv_reference_result ours = csv_reference_parse(c.data, c.dialect, c.field_limit.value_or(131072));
    quoted_endings += python.ended_in_quoted_field;
    errors += python.error.has_value();
    if (ours.rows == python.records && ours.error == python.error &&
        ours.ended_in_quoted_field == python.ended_in_quoted_field) {
      continue;
    }
    if (++mismatches <= 10) {
      ADD_FAILURE() << "dialect " << names[i] << " (" << describe(c) << ")\n  input:  " << python_literal(c.data)
                    << "\n  python: " << describe(python.records, python.error, python.ended_in_quoted_field)
                    << "\n  ours:   " << describe(ours.rows, ours.error, ours.ended_in_quoted_field);
    }
  }
  EXPECT_TRUE(results.done()) << "the oracle answered more cases than asked";
  EXPECT_EQ(mismatches, 0u) << "of " << cases.size() << " cases";
  RecordProperty("cases", static_cast<int>(cases.size()));
  RecordProperty("python_errors", static_cast<int>(errors));
  RecordProperty("ended_in_quoted_field", static_cast<int>(quoted_endings));
  // The inputs must exercise the interesting endings, or the agreement proves little.
  EXPECT_GT(quoted_endings, cases.size() / 20);
  EXPECT_GT(errors, cases.size() / 20);
}

}  // namespace
