// io::csv_reader: Python's csv behaviours (semantics.md C1–C23), typed access, errors and their
// positions, bad records under error policies, chunk boundaries, batches.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>
#include <yieldpipe/io/csv_batches.hpp>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/detail/stop_masks.hpp>
#include <yieldpipe/iter/filter.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/csv_reference.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace yieldpipe;
using io::csv_options;
using io::io_error;
using rows = std::vector<std::vector<std::string>>;

static_assert(std::ranges::input_range<io::csv_range>);
static_assert(std::same_as<std::ranges::range_reference_t<io::csv_range>, const io::csv_row&>);

class csv_reader_test : public test::temp_dir_test {
 protected:
  std::string write(const std::string& name, const std::string& content) { return temp_dir_test::write(content, name); }

  // The records of `data` as Python's csv.reader gives them (no header, ragged rows kept), read
  // with several chunk sizes that all must agree.
  rows parse(const std::string& data, csv_options options = {}) {
    options.header = false;
    options.ragged = io::ragged_rows::keep;
    const std::string path = write("in.csv", data);
    rows first;
    bool have_first = false;
    for (std::size_t buffer : {std::size_t{1} << 20, std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}}) {
      options.input.buffer_size = buffer;
      rows out;
      io::csv_reader reader(path, options);
      while (const io::csv_row* row = reader.next()) out.emplace_back(row->fields().begin(), row->fields().end());
      if (!have_first) {
        first = out;
        have_first = true;
      } else {
        EXPECT_EQ(out, first) << "chunk size " << buffer;
      }
    }
    return first;
  }

  // The message of the io_error that reading all of `data` throws ("" if none).
  std::string error_of(const std::string& data, csv_options options = {}) {
    const std::string path = write("in.csv", data);
    try {
      io::csv_reader reader(path, options);
      while (reader.next() != nullptr) {
      }
    } catch (const io_error& e) {
      return e.what();
    }
    return "";
  }
};

// --- semantics.md, CSV table ------------------------------------------------------------------

TEST_F(csv_reader_test, semantics_C01_crlf_ends_records) {
  EXPECT_EQ(parse("a,b,c\r\n1,2,3\r\n"), (rows{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST_F(csv_reader_test, semantics_C02_lf_and_no_trailing_newline) {
  EXPECT_EQ(parse("a,b\nc,d"), (rows{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(parse("a,b\nc,d\n"), (rows{{"a", "b"}, {"c", "d"}}));
}

TEST_F(csv_reader_test, semantics_C03_bare_cr_ends_records) {
  EXPECT_EQ(parse("a,b\rc,d\r"), (rows{{"a", "b"}, {"c", "d"}}));
}

TEST_F(csv_reader_test, semantics_C04_quoted_delimiter) { EXPECT_EQ(parse("\"a,b\",c\n"), (rows{{"a,b", "c"}})); }

TEST_F(csv_reader_test, semantics_C05_doubled_quotes) {
  EXPECT_EQ(parse("\"He said \"\"hi\"\"\",x\n"), (rows{{"He said \"hi\"", "x"}}));
}

TEST_F(csv_reader_test, semantics_C06_line_breaks_inside_quotes_are_kept_byte_exact) {
  EXPECT_EQ(parse("\"line1\nline2\",x\n"), (rows{{"line1\nline2", "x"}}));
  EXPECT_EQ(parse("\"line1\r\nline2\",x\r\n"), (rows{{"line1\r\nline2", "x"}}));
  EXPECT_EQ(parse("\"l1\rl2\",x\r"), (rows{{"l1\rl2", "x"}}));
}

// C7 (a file opened without newline='' rewrites CRLF) has no counterpart: the reader always reads
// bytes, as Python does with newline='' (C6).

TEST_F(csv_reader_test, semantics_C08_empty_fields) {
  EXPECT_EQ(parse("a,,c\n,\n"), (rows{{"a", "", "c"}, {"", ""}}));
  EXPECT_EQ(parse("a,b,\n"), (rows{{"a", "b", ""}}));
}

TEST_F(csv_reader_test, semantics_C09_quoted_empty_fields) {
  EXPECT_EQ(parse("\"\",\"\"\n\"\"\n"), (rows{{"", ""}, {""}}));
}

TEST_F(csv_reader_test, semantics_C10_a_blank_line_is_a_record_without_fields) {
  EXPECT_EQ(parse("a\n\nb\n\r\n"), (rows{{"a"}, {}, {"b"}, {}}));
  EXPECT_EQ(parse("\n"), (rows{{}}));
  EXPECT_EQ(parse(""), (rows{}));
}

TEST_F(csv_reader_test, semantics_C11_whitespace_is_kept) { EXPECT_EQ(parse("  \n"), (rows{{"  "}})); }

TEST_F(csv_reader_test, semantics_C12_a_byte_order_mark_is_removed_unless_asked_to_keep_it) {
  const std::string path = write("bom.csv",
                                 "\xEF\xBB\xBF"
                                 "a,b\n1,2");
  io::csv_reader reader(path);
  ASSERT_NE(reader.header(), nullptr);
  EXPECT_EQ(reader.header()->names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(reader.next()->get<int>("a"), 1);

  csv_options keep;
  keep.strip_bom = false;
  io::csv_reader raw(path, keep);
  EXPECT_EQ(raw.header()->names(), (std::vector<std::string>{"\xEF\xBB\xBF"
                                                             "a",
                                                             "b"}));
}

TEST_F(csv_reader_test, semantics_C13_ragged_rows_are_kept_when_asked_and_rejected_by_default) {
  EXPECT_EQ(parse("a,b,c\n1,2\n3,4,5,6\n"), (rows{{"a", "b", "c"}, {"1", "2"}, {"3", "4", "5", "6"}}));

  // With a header and ragged_rows::keep, a missing field reads as null (DictReader's restval None)
  // and the extra ones stay reachable by index (its restkey list).
  csv_options keep;
  keep.ragged = io::ragged_rows::keep;
  io::csv_reader reader(write("r.csv", "a,b,c\n1,2\n3,4,5,6\n"), keep);
  const io::csv_row* short_row = reader.next();
  EXPECT_EQ(short_row->get<int>("b"), 2);
  EXPECT_EQ(short_row->get_optional<int>("c"), std::nullopt);
  const io::csv_row* long_row = reader.next();
  EXPECT_EQ(long_row->size(), 4u);
  EXPECT_EQ((*long_row)[3], "6");

  // By default the error policy decides: fail names the file and line.
  EXPECT_EQ(error_of("a,b,c\n1,2\n3,4,5,6\n"), (dir_ / "in.csv").string() + ":2:1: expected 3 fields, found 2");
}

TEST_F(csv_reader_test, semantics_C14_header_skips_blank_lines_and_a_repeated_name_means_the_last_column) {
  io::csv_reader reader(write("h.csv", "a,b\n\n1,2\n,\n"));
  const io::csv_row* first = reader.next();
  EXPECT_EQ(first->get<int>("a"), 1);
  const io::csv_row* second = reader.next();
  EXPECT_EQ((*second)["a"], "");
  EXPECT_EQ((*second)["b"], "");
  EXPECT_EQ(reader.next(), nullptr);

  io::csv_reader header_only(write("ho.csv", "a,b\n"));
  EXPECT_EQ(header_only.next(), nullptr);

  io::csv_reader empty(write("empty.csv", ""));  // no header line: a header without columns
  ASSERT_NE(empty.header(), nullptr);
  EXPECT_EQ(empty.header()->size(), 0u);
  EXPECT_EQ(empty.next(), nullptr);

  io::csv_reader repeated(write("dup.csv", "a,a\n1,2\n"));
  EXPECT_EQ(repeated.next()->get<int>("a"), 2);
}

TEST_F(csv_reader_test, semantics_C15_an_unterminated_quote_is_an_error_naming_where_the_field_began) {
  // Python returns ['a', 'bc\n'] here (and raises only with strict=True); we always raise, since
  // the rest of the file silently becoming one field is what nobody wants.
  EXPECT_EQ(error_of("x,y\na,\"bc\n", {}),
            (dir_ / "in.csv").string() + ":2:3: unterminated quoted field: the quote here is never closed");
  csv_options no_header;
  no_header.header = false;
  EXPECT_NE(error_of("a,\"bc", no_header).find(":1:3: unterminated quoted field"), std::string::npos);
}

TEST_F(csv_reader_test, semantics_C16_a_quote_after_a_space_is_data_unless_initial_spaces_are_skipped) {
  EXPECT_EQ(parse("a, \"b\",c\n"), (rows{{"a", " \"b\"", "c"}}));
  csv_options skip;
  skip.skip_initial_space = true;
  EXPECT_EQ(parse("a, \"b\",c\n", skip), (rows{{"a", "b", "c"}}));
}

TEST_F(csv_reader_test, semantics_C17_a_space_after_the_closing_quote_is_appended_or_strict_rejects_it) {
  EXPECT_EQ(parse("\"a\" ,b\n"), (rows{{"a ", "b"}}));
  csv_options strict;
  strict.strict = true;
  strict.header = false;
  EXPECT_EQ(error_of("\"a\" ,b\n", strict), (dir_ / "in.csv").string() + ":1:4: ',' expected after '\"'");
}

TEST_F(csv_reader_test, semantics_C18_text_after_the_closing_quote_is_appended) {
  EXPECT_EQ(parse("\"ab\"cd,e\n"), (rows{{"abcd", "e"}}));
}

TEST_F(csv_reader_test, semantics_C19_a_quote_inside_an_unquoted_field_is_data) {
  EXPECT_EQ(parse("ab\"c,d\n"), (rows{{"ab\"c", "d"}}));
  EXPECT_EQ(parse("abc\",d\n"), (rows{{"abc\"", "d"}}));
  csv_options strict;
  strict.strict = true;
  EXPECT_EQ(parse("ab\"c,d\n", strict), (rows{{"ab\"c", "d"}}));
}

TEST_F(csv_reader_test, semantics_C20_nul_bytes_are_data) {
  EXPECT_EQ(parse(std::string("a\0b,c\n", 6)), (rows{{std::string("a\0b", 3), "c"}}));
}

TEST_F(csv_reader_test, semantics_C21_a_line_break_in_an_unquoted_field_ends_the_record) {
  // From a newline='' file Python splits the same bytes into two records; the "new-line character
  // seen in unquoted field" error belongs to reading a list of strings, which the reader never does.
  EXPECT_EQ(parse("a\rb,c"), (rows{{"a"}, {"b", "c"}}));
}

TEST_F(csv_reader_test, semantics_C22_a_field_longer_than_the_limit_is_an_error) {
  csv_options limited;
  limited.header = false;
  limited.max_field_size = 10;
  EXPECT_EQ(parse("0123456789,x\n", limited), (rows{{"0123456789", "x"}}));
  EXPECT_EQ(error_of("ok,0123456789A\n", limited),
            (dir_ / "in.csv").string() + ":1:4: field larger than field limit (10)");
  // The limit applies to the value: quotes do not count, "" counts once.
  EXPECT_EQ(parse("\"01234567\"\"9\"\n", limited), (rows{{"01234567\"9"}}));
  EXPECT_NE(error_of("\"0123456789\"\"\"\n", limited).find("field larger than field limit (10)"), std::string::npos);
  // Python's default limit.
  EXPECT_EQ(error_of("a\n" + std::string(131073, 'x') + "\n"),
            (dir_ / "in.csv").string() + ":2:1: field larger than field limit (131072)");
}

TEST_F(csv_reader_test, semantics_C23_quote_nonnumeric_quote_none_escapechar_and_line_terminators) {
  csv_options nonnumeric;
  nonnumeric.quoting = io::quote_style::nonnumeric;
  nonnumeric.header = false;
  const std::string path = write("nn.csv", "1,\"x\",2.5\n");
  io::csv_reader reader(path, nonnumeric);
  const io::csv_row* row = reader.next();
  EXPECT_EQ(row->get<double>(0), 1.0);
  EXPECT_EQ((*row)[1], "x");
  EXPECT_EQ(row->get<double>(2), 2.5);
  EXPECT_EQ(error_of("1,x,2.5\n", nonnumeric),
            (dir_ / "in.csv").string() + ":1:3: could not convert string to float: 'x'");

  csv_options none;
  none.quoting = io::quote_style::none;
  EXPECT_EQ(parse("\"a,b\",c", none), (rows{{"\"a", "b\"", "c"}}));

  csv_options escape;
  escape.escape = '\\';
  EXPECT_EQ(parse("a\\,b,c", escape), (rows{{"a,b", "c"}}));

  // Only CR and LF end records, whatever the writer's line terminator was.
  EXPECT_EQ(parse("a;b|c,d\n"), (rows{{"a;b|c", "d"}}));
}

// C24 is the writer's (tests/io/writers_test.cpp).

// --- options, escapes, TSV ----------------------------------------------------------------------

TEST_F(csv_reader_test, escape_character_quirks_follow_cpython) {
  csv_options escape;
  escape.escape = '\\';
  EXPECT_EQ(parse("a\\\nb,c\n", escape), (rows{{"a\nb", "c"}}));          // an escaped LF continues the field
  EXPECT_EQ(parse("a\\\rb,c\n", escape), (rows{{"a\rb", "c"}}));          // so does an escaped lone CR
  EXPECT_EQ(parse("a\\\r\nb,c\n", escape), (rows{{"a\r"}, {"b", "c"}}));  // but CRLF: the LF ends it
  EXPECT_EQ(parse("\"a\\\"b\",c\n", escape), (rows{{"a\"b", "c"}}));      // an escaped quote in quotes
  EXPECT_EQ(parse("a\\", escape), (rows{{"a\n"}}));                       // escape at the very end
  csv_options no_double = escape;
  no_double.double_quote = false;
  EXPECT_EQ(parse("\"a\"\"b\",c\n", no_double), (rows{{"a\"b\"", "c"}}));
}

TEST_F(csv_reader_test, tsv_and_other_delimiters_and_quotes) {
  EXPECT_EQ(parse("a\tb c\t\"d\te\"\n", csv_options::tsv()), (rows{{"a", "b c", "d\te"}}));
  csv_options semicolon;
  semicolon.delimiter = ';';
  semicolon.quote = '\'';
  EXPECT_EQ(parse("'a;b';c,d\n", semicolon), (rows{{"a;b", "c,d"}}));
}

TEST_F(csv_reader_test, options_that_cannot_work_are_rejected) {
  csv_options same;
  same.quote = ',';
  EXPECT_THROW(io::csv_reader(write("x.csv", "a\n"), same), std::invalid_argument);
  csv_options newline;
  newline.delimiter = '\n';
  EXPECT_THROW(io::csv_reader(write("x.csv", "a\n"), newline), std::invalid_argument);
}

// --- typed access ----------------------------------------------------------------------------------

TEST_F(csv_reader_test, fields_are_read_by_name_or_index_as_text_numbers_or_booleans) {
  io::csv_reader reader(write("t.csv", "id,name,value,ok,missing\n7,\"x, y\",-2.5e3,True,\n"));
  const std::size_t value = reader.column("value");
  const io::csv_row* row = reader.next();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->get<long>("id"), 7);
  EXPECT_EQ(row->get<std::string>("name"), "x, y");
  EXPECT_EQ(row->get<std::string_view>(1), "x, y");
  EXPECT_EQ(row->get<double>(value), -2500.0);
  EXPECT_EQ(row->get<float>(value), -2500.0f);
  EXPECT_TRUE(row->get<bool>("ok"));
  EXPECT_EQ(row->get_optional<double>("missing"), std::nullopt);
  EXPECT_EQ(row->get_optional<double>("value"), -2500.0);
  EXPECT_EQ(row->line(), 2u);
  EXPECT_EQ(row->offset(), 25u);
  EXPECT_EQ(row->text(), "7,\"x, y\",-2.5e3,True,");
}

TEST_F(csv_reader_test, a_bad_number_names_the_file_line_column_and_text) {
  const std::string path = write("bad.csv", "id,value\n1,2.5\n2,\"multi\nline\"\n3,n/a\n");
  io::csv_reader reader(path);
  EXPECT_EQ(reader.next()->get<double>("value"), 2.5);
  reader.next();
  const io::csv_row* bad = reader.next();
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(bad->line(), 5u);
  try {
    (void)bad->get<double>("value");
    FAIL() << "expected an io_error";
  } catch (const io_error& e) {
    EXPECT_STREQ(e.what(), (path + ":5:3: column 'value': cannot read \"n/a\" as a number").c_str());
    EXPECT_EQ(e.line(), 5u);
    EXPECT_EQ(e.column(), 3u);
  }
  EXPECT_THROW((void)bad->get<int>("id2"), io_error);
  try {
    (void)reader.column("nope");
  } catch (const io_error& e) {
    EXPECT_STREQ(e.what(), (path + ": no column named 'nope' (columns: id, value)").c_str());
  }
}

TEST_F(csv_reader_test, integers_check_their_range_and_reject_fractions) {
  io::csv_reader reader(write("i.csv", "a,b,c\n300,1.0,-1\n"));
  const io::csv_row* row = reader.next();
  EXPECT_EQ(row->get<int>("a"), 300);
  EXPECT_THROW((void)row->get<std::int8_t>("a"), io_error);
  EXPECT_THROW((void)row->get<int>("b"), io_error);
  EXPECT_THROW((void)row->get<unsigned>("c"), io_error);
  EXPECT_EQ(row->get<double>("b"), 1.0);
}

TEST_F(csv_reader_test, numbers_parse_exactly_like_strtod_in_and_out_of_the_padded_fast_path) {
  std::mt19937_64 gen(7);
  std::string csv = "x\n";
  std::vector<std::string> texts;
  for (int i = 0; i < 20000; ++i) {
    char buf[64];
    const int kind = static_cast<int>(gen() % 4);
    if (kind == 0)
      std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(gen() % 9),
                    static_cast<double>(gen() % 100000000) / 997.0 - 5000);
    else if (kind == 1)
      std::snprintf(buf, sizeof buf, "%.17g", std::bit_cast<double>(gen() | 1));
    else if (kind == 2)
      std::snprintf(buf, sizeof buf, "%llue%d", static_cast<unsigned long long>(gen() % 10000000000000000000ULL),
                    static_cast<int>(gen() % 80) - 40);
    else
      std::snprintf(buf, sizeof buf, "-%llu.%llu", static_cast<unsigned long long>(gen() % 100000000),
                    static_cast<unsigned long long>(gen() % 100000000));
    if (std::string_view(buf).find("nan") != std::string_view::npos) continue;
    texts.emplace_back(buf);
    csv += texts.back() + "\n";
  }
  io::csv_reader reader(write("n.csv", csv));
  for (const std::string& text : texts) {
    const io::csv_row* row = reader.next();
    ASSERT_NE(row, nullptr);
    const double expected = std::strtod(text.c_str(), nullptr);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(row->get<double>(0)), std::bit_cast<std::uint64_t>(expected)) << text;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(*io::parse_number<double>(text)), std::bit_cast<std::uint64_t>(expected))
        << text;
  }
}

// --- bad records and error policies -------------------------------------------------------------

TEST_F(csv_reader_test, bad_records_go_to_the_policy_and_never_cost_their_neighbours) {
  std::string csv = "a,b\n";
  for (int i = 0; i < 1000; ++i) csv += i == 500 ? "1,2,3\n" : std::to_string(i) + ",x\n";
  std::vector<std::string> dead;
  auto policy = on_error::dead_letter([&](const io::rejected_record& r, std::string_view message) {
    dead.push_back(r.to_string() + " | " + std::string(message) + " | " + std::to_string(r.offset));
  });
  csv_options options;
  options.on_reject = io::reject_with(policy);
  const std::string path = write("d.csv", csv);
  io::csv_reader reader(path, options);
  std::size_t good = 0;
  while (reader.next() != nullptr) ++good;
  EXPECT_EQ(good, 999u);
  EXPECT_EQ(reader.rejected(), 1u);
  EXPECT_EQ(policy.counts().count("ragged row"), 1u);
  const std::size_t offset = csv.find("1,2,3\n");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0], path + ":502: 1,2,3 | " + path + ":502:1: expected 2 fields, found 3 | " + std::to_string(offset));
}

TEST_F(csv_reader_test, strict_violations_are_bad_records_that_a_policy_can_skip) {
  csv_options strict;
  strict.strict = true;
  auto policy = on_error::skip();
  strict.on_reject = io::reject_with(policy);
  io::csv_reader reader(write("s.csv", "a,b\n\"x\" ,1\ny,2\n"), strict);
  const io::csv_row* row = reader.next();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ((*row)["a"], "y");
  EXPECT_EQ(reader.next(), nullptr);
  EXPECT_EQ(policy.counts().count("strict"), 1u);
}

TEST_F(csv_reader_test, a_record_longer_than_the_maximum_is_an_error) {
  csv_options small;
  small.header = false;
  small.max_record_size = 100;
  small.input.buffer_size = 16;
  EXPECT_NE(
      error_of("ok\n\"" + std::string(500, 'x') + "\"\n", small).find("record longer than the maximum of 100 bytes"),
      std::string::npos);
  EXPECT_EQ(error_of("ok\n" + std::string(90, 'x') + "\n", small), "");
}

TEST_F(csv_reader_test, missing_file_is_an_error_naming_it) {
  EXPECT_THROW(io::csv_reader((dir_ / "nope.csv").string()), io_error);
}

// --- inputs, chunks, ranges, batches -----------------------------------------------------------

TEST_F(csv_reader_test, gzip_input_is_read_transparently) {
  const std::string text = "a,b\n1,\"x\ny\"\n2,z\n";
  const std::string path = (dir_ / "g.csv.gz").string();
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  io::csv_reader reader(path);
  EXPECT_EQ((*reader.next())["b"], "x\ny");
  EXPECT_EQ(reader.next()->line(), 4u);
}

TEST_F(csv_reader_test, random_records_read_the_same_for_every_chunk_size_and_line_numbers_count_embedded_breaks) {
  std::mt19937_64 gen(11);
  const std::string alphabet = "ab,\"\r\n x";
  for (int round = 0; round < 300; ++round) {
    std::string data;
    const std::size_t n = gen() % 200;
    for (std::size_t i = 0; i < n; ++i) data += alphabet[gen() % alphabet.size()];
    // Close any quote left open so the input is valid: count quotes the way the parser sees them
    // is not needed, parse() compares chunk sizes, and an error must be the same for all of them.
    csv_options o;
    o.header = false;
    o.ragged = io::ragged_rows::keep;
    std::string reference_error;
    for (std::size_t buffer : {std::size_t{1} << 20, std::size_t{1}, std::size_t{5}, std::size_t{64}}) {
      o.input.buffer_size = buffer;
      const std::string error = error_of(data, o);
      if (buffer == std::size_t{1} << 20) reference_error = error;
      EXPECT_EQ(error, reference_error) << "chunk " << buffer << " input " << ::testing::PrintToString(data);
    }
    if (reference_error.empty()) parse(data);
  }
}

// The fast reader against the independent scalar reference (itself checked against python3's csv
// module in csv_reference_test.cpp), on random inputs in every dialect and with chunks of every size.
TEST_F(csv_reader_test, equals_the_scalar_reference_parser_on_random_inputs_in_every_dialect) {
  struct dialect {
    test::csv_reference_dialect reference;
    csv_options options;
  };
  std::vector<dialect> dialects;
  const auto add = [&](auto configure) {
    dialect d;
    configure(d.reference, d.options);
    d.options.header = false;
    d.options.ragged = io::ragged_rows::keep;
    d.options.max_field_size = 1 << 20;
    d.options.strip_bom = false;
    dialects.push_back(d);
  };
  add([](auto&, auto&) {});
  add([](auto& r, auto& o) { r.delimiter = o.delimiter = ';'; });
  add([](auto& r, auto& o) { r.delimiter = o.delimiter = '\t'; });
  add([](auto& r, auto& o) { r.quote = o.quote = '\''; });
  add([](auto& r, auto& o) {
    r.quote = std::nullopt;
    o.quoting = io::quote_style::none;
  });
  add([](auto& r, auto& o) {
    r.quote = std::nullopt;
    o.quoting = io::quote_style::none;
    r.escape = o.escape = '\\';
  });
  add([](auto& r, auto& o) { r.escape = o.escape = '\\'; });
  add([](auto& r, auto& o) {
    r.escape = o.escape = '\\';
    r.double_quote = o.double_quote = false;
  });
  add([](auto& r, auto& o) { r.double_quote = o.double_quote = false; });
  add([](auto& r, auto& o) { r.skip_initial_space = o.skip_initial_space = true; });
  add([](auto& r, auto& o) { r.strict = o.strict = true; });
  add([](auto& r, auto& o) {
    r.strict = o.strict = true;
    r.escape = o.escape = '\\';
    r.skip_initial_space = o.skip_initial_space = true;
  });

  std::mt19937_64 gen(20261124);
  const std::string special = ",;\t\"'\\\r\n ";
  const std::string plain = "ab1.";
  std::size_t compared = 0, errors = 0;
  for (const dialect& d : dialects) {
    for (int round = 0; round < 400; ++round) {
      std::string data;
      const std::size_t n = round < 350 ? gen() % 40 : 40 + gen() % 1500;
      for (std::size_t i = 0; i < n; ++i)
        data += gen() % 100 < 45   ? special[gen() % special.size()]
                : gen() % 100 == 0 ? '\0'
                                   : plain[gen() % plain.size()];
      const test::csv_reference_result expected = test::csv_reference_parse(data, d.reference);
      const std::string path = write("random.csv", data);
      for (std::size_t buffer : {std::size_t{1} << 20, n < 40 ? std::size_t{1} : std::size_t{5}, std::size_t{64}}) {
        csv_options o = d.options;
        o.input.buffer_size = buffer;
        rows got;
        std::string error;
        try {
          io::csv_reader reader(path, o);
          while (const io::csv_row* row = reader.next()) got.emplace_back(row->fields().begin(), row->fields().end());
        } catch (const io_error& e) {
          error = e.reason();
        }
        const std::string where = "dialect " + std::to_string(&d - dialects.data()) + ", chunk " +
                                  std::to_string(buffer) + ", input " + ::testing::PrintToString(data);
        if (expected.ended_in_quoted_field) {
          // Python returns the rest of the input as the field (or, strict, "unexpected end of
          // data"); we always raise.
          EXPECT_EQ(error, "unterminated quoted field: the quote here is never closed") << where;
          EXPECT_EQ(got, rows(expected.rows.begin(), expected.rows.end() - (expected.error ? 0 : 1))) << where;
          ++errors;
        } else if (expected.error) {
          EXPECT_EQ(error, *expected.error) << where;
          EXPECT_EQ(got, expected.rows) << where;
          ++errors;
        } else {
          EXPECT_EQ(error, "") << where;
          EXPECT_EQ(got, expected.rows) << where;
        }
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, dialects.size() * 400 * 3);
  EXPECT_GT(errors, compared / 20);  // the inputs do reach the error paths
}

TEST_F(csv_reader_test, every_instruction_set_variant_reads_the_same_records) {
  using io::detail::stop_scan;
  std::mt19937_64 gen(5);
  const std::string alphabet = "ab,\"\r\n x\\";
  std::vector<std::string> inputs;
  for (int i = 0; i < 200; ++i) {
    std::string data;
    const std::size_t n = gen() % 3000;
    for (std::size_t k = 0; k < n; ++k) data += alphabet[gen() % alphabet.size()];
    inputs.push_back(data);
  }
  csv_options o;
  o.header = false;
  o.ragged = io::ragged_rows::keep;
  o.escape = '\\';
  const auto read_all = [&](const std::string& data) {
    rows out;
    try {
      io::csv_reader reader(write("v.csv", data), o);
      while (const io::csv_row* row = reader.next()) out.emplace_back(row->fields().begin(), row->fields().end());
    } catch (const io_error& e) {
      out.push_back({"error", e.what()});
    }
    return out;
  };
  ASSERT_TRUE(io::detail::use_stop_scan(stop_scan::portable));
  std::vector<rows> expected;
  for (const std::string& data : inputs) expected.push_back(read_all(data));
  int variants = 0;
  for (stop_scan scan : {stop_scan::sse2, stop_scan::avx2, stop_scan::avx512}) {
    if (!io::detail::use_stop_scan(scan)) continue;  // this CPU lacks it
    ++variants;
    for (std::size_t i = 0; i < inputs.size(); ++i)
      EXPECT_EQ(read_all(inputs[i]), expected[i]) << "variant " << static_cast<int>(scan) << " input " << i;
  }
  ASSERT_TRUE(io::detail::use_stop_scan(io::detail::best_stop_scan()));
  EXPECT_GE(variants, 1);
}

TEST_F(csv_reader_test, read_csv_is_a_range_for_pipelines) {
  const std::string path = write("p.csv", "v\n1\n2\n3\n4\n");
  auto records = io::read_csv(path);
  const std::size_t v = records.column("v");
  const long long even = records | filter([v](const io::csv_row& r) { return r.get<int>(v) % 2 == 0; }) | count();
  EXPECT_EQ(even, 2);
  EXPECT_EQ(records.begin(), records.end());  // a second begin() at the end is the end
}

TEST_F(csv_reader_test, a_second_begin_continues_at_the_record_the_loop_stopped_at) {
  auto records = io::read_csv(write("c.csv", "v\n1\n2\n3\n"));
  for (const io::csv_row& row : records)
    if (row.get<int>("v") == 2) break;
  std::vector<int> rest;
  for (const io::csv_row& row : records) rest.push_back(row.get<int>("v"));
  EXPECT_EQ(rest, (std::vector<int>{2, 3}));
}

TEST_F(csv_reader_test, csv_batches_yields_full_batches_and_a_short_last_one_that_own_their_rows) {
  std::string csv = "id,name\n";
  for (int i = 0; i < 2503; ++i) csv += std::to_string(i) + ",\"n " + std::to_string(i) + "\"\n";
  const std::string path = write("b.csv", csv);
  std::vector<std::size_t> sizes;
  long long sum = 0;
  io::csv_options options;
  options.input.buffer_size = 4096;  // rows straddle chunks while a batch is filled
  for (const io::csv_batch& batch : io::csv_batches(path, 1000, options)) {
    sizes.push_back(batch.size());
    for (const io::csv_row& row : batch) {
      sum += row.get<long long>("id");
      EXPECT_EQ(row["name"], "n " + std::string(row["id"]));
    }
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1000, 1000, 503}));
  EXPECT_EQ(sum, 2502LL * 2503 / 2);
  EXPECT_THROW(io::csv_batches(path, 0).next(), std::invalid_argument);
}

TEST(csv_reader_block, a_reader_of_a_block_in_memory_goes_on_with_the_whole_inputs_lines_and_offsets) {
  const std::string whole = "a,b\n1,\"x\ny\"\n2,z\n3\n";
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::string>> serial, block, rejects;
  const auto keep = [](auto& into) {
    return [&into](const io::rejected_record& r, std::string_view, std::string_view) {
      into.emplace_back(r.line, r.offset, std::string(r.text));
      return true;
    };
  };
  csv_options options;
  options.on_reject = keep(rejects);
  io::csv_reader reader(io::input::from_memory(whole, "whole"), options);
  while (const io::csv_row* row = reader.next())
    serial.emplace_back(row->line(), row->offset(), std::string(row->text()));
  ASSERT_EQ(rejects.size(), 1u);
  const auto serial_rejects = rejects;
  rejects.clear();
  // The block after the first record: from offset 12, line 4.
  const std::string tail = whole.substr(12);
  io::csv_reader rest(io::input::from_memory(tail, "whole", {.start_offset = 12, .start_line = 4}), *reader.header(),
                      options);
  while (const io::csv_row* row = rest.next()) block.emplace_back(row->line(), row->offset(), std::string(row->text()));
  EXPECT_EQ(block, decltype(block)(serial.begin() + 1, serial.end()));
  EXPECT_EQ(rejects, serial_rejects);
  EXPECT_EQ(rest.position(), reader.position());
}

TEST(csv_reader_block, a_byte_order_mark_is_removed_only_at_offset_zero) {
  const std::string bom =
      "\xEF\xBB\xBF"
      "a,b\n1,2\n";
  io::csv_reader at_start(io::input::from_memory(bom, "x"));
  EXPECT_EQ(at_start.header()->names()[0], "a");
  io::csv_reader later(io::input::from_memory(bom, "x", {.start_offset = 10}));
  EXPECT_EQ(later.header()->names()[0],
            "\xEF\xBB\xBF"
            "a");
}

// --- dialects of real-world files: names without a header line, skipped lines, comments, the text
// format's escapes, decimal commas ------------------------------------------------------------

// Each record's fields and line, read with every chunk size (which must agree), and the header.
struct read_result {
  std::vector<std::string> header;
  rows records;
  std::vector<std::uint64_t> lines;
  friend bool operator==(const read_result&, const read_result&) = default;
};

read_result read_all(const std::string& data, csv_options options) {
  std::optional<read_result> first;
  for (std::size_t buffer : {std::size_t{1} << 20, std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}}) {
    options.input.buffer_size = buffer;
    io::csv_reader reader(io::input::from_memory(data, "in.csv", options.input), options);
    read_result out;
    if (reader.header() != nullptr) out.header = reader.header()->names();
    while (const io::csv_row* row = reader.next()) {
      out.records.emplace_back(row->fields().begin(), row->fields().end());
      out.lines.push_back(row->line());
    }
    if (!first)
      first = out;
    else
      EXPECT_EQ(out, *first) << "chunk size " << buffer;
  }
  return *first;
}

TEST(csv_dialects, names_make_the_first_line_data_and_check_every_record_against_them) {
  csv_options options;
  options.names = {"c1", "c2"};
  std::vector<std::string> rejected;
  options.on_reject = [&](const io::rejected_record& r, std::string_view reason, std::string_view) {
    rejected.push_back(std::string(reason) + " at line " + std::to_string(r.line));
    return true;
  };
  const read_result r = read_all(
      "\xEF\xBB\xBF"
      "1,a\n\n2,b\n3\n4,d",
      options);
  EXPECT_EQ(r.header, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(r.records, (rows{{"1", "a"}, {"2", "b"}, {"4", "d"}}));  // the BOM removed, the blank line skipped
  EXPECT_EQ(r.lines, (std::vector<std::uint64_t>{1, 3, 5}));
  EXPECT_EQ(rejected, (std::vector<std::string>(5, "ragged row at line 4")));  // once per chunk size
}

TEST(csv_dialects, skipped_lines_are_raw_lines_before_the_header_whatever_quotes_they_hold) {
  csv_options options;
  options.skip_lines = 3;
  const read_result r = read_all("Report \"Q1,\n\"unclosed\r\n\r\nid,v\n1,\"x\ny\"\n2,z\n", options);
  EXPECT_EQ(r.header, (std::vector<std::string>{"id", "v"}));
  EXPECT_EQ(r.records, (rows{{"1", "x\ny"}, {"2", "z"}}));
  EXPECT_EQ(r.lines, (std::vector<std::uint64_t>{5, 7}));
  // More lines to skip than the input has: no header, no record.
  options.skip_lines = 10;
  EXPECT_TRUE(read_all("a\nb", options).records.empty());
}

TEST(csv_dialects, a_comment_is_a_record_starting_with_its_character_and_is_data_anywhere_else) {
  csv_options options;
  options.comment = '#';
  const read_result r = read_all(
      "# exported 2024-03-01, \"by\" 'me\n#,\"x\nid,note\n1,#not a comment\n#\r\n2,\"a\n# b\"\n# last", options);
  EXPECT_EQ(r.header, (std::vector<std::string>{"id", "note"}));
  EXPECT_EQ(r.records, (rows{{"1", "#not a comment"}, {"2", "a\n# b"}}));
  EXPECT_EQ(r.lines, (std::vector<std::uint64_t>{4, 6}));
}

TEST(csv_dialects, the_text_format_translates_its_escapes_and_reads_backslash_n_as_null) {
  const read_result r = read_all("a\tb\tc\n1\\t2\t\\N\tx\\\\y\\nz\n\"q\"\t\\\\N\t\n", csv_options::tsv_text());
  EXPECT_EQ(r.records, (rows{{"1\t2", "", "x\\y\nz"}, {"\"q\"", "\\N", ""}}));
}

TEST(csv_dialects, a_decimal_comma_reads_numbers_written_the_european_way) {
  csv_options options;
  options.delimiter = ';';
  options.decimal_comma = true;
  io::csv_reader reader(io::input::from_memory(std::string_view("v;w\n1,5;-2,25e3\n3;1.5\n"), "eu.csv"), options);
  const io::csv_row* row = reader.next();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->get<double>(0), 1.5);
  EXPECT_EQ(row->get<double>("w"), -2250.0);
  row = reader.next();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->get<double>(0), 3.0);
  EXPECT_THROW((void)row->get<double>(1), io_error);  // a point is not the decimal mark here
  EXPECT_EQ(row->get<std::string_view>(1), "1.5");
}

TEST(csv_dialects, options_that_cannot_work_together_are_rejected) {
  csv_options comment_is_delimiter;
  comment_is_delimiter.comment = ',';
  EXPECT_THROW(io::csv_reader(io::input::from_memory(std::string_view("a"), "x"), comment_is_delimiter),
               std::invalid_argument);
  csv_options sequences_without_escape;
  sequences_without_escape.escape_sequences = true;
  EXPECT_THROW(io::csv_reader(io::input::from_memory(std::string_view("a"), "x"), sequences_without_escape),
               std::invalid_argument);
}

}  // namespace
