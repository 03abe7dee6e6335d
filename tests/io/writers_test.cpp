// writers: CSV/TSV as Python's csv.writer (C24), JSON lines, aligned table.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>
#include <yieldpipe/io/output.hpp>
#include <yieldpipe/io/writers.hpp>

namespace {

using namespace yieldpipe;
using io::field;
using namespace std::string_literals;
namespace fs = std::filesystem;

// A field that owns its string, for tests that build rows at random.
struct value {
  field::kind kind = field::kind::null;
  std::string text;
  std::int64_t integer = 0;
  double number = 0;
  bool flag = false;

  field view() const {
    switch (kind) {
      case field::kind::string: return field(std::string_view(text));
      case field::kind::integer: return field(integer);
      case field::kind::floating: return field(number);
      case field::kind::boolean: return field(flag);
      default: return field();
    }
  }
};
using row = std::vector<value>;

std::string hex_bytes(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string python_float(double d) {
  if (std::isnan(d)) return "float('nan')";
  if (std::isinf(d)) return d < 0 ? "float('-inf')" : "float('inf')";
  char buf[64];
  auto end = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::hex).ptr;
  return "float.fromhex('" + std::string(buf, end) + "')";
}

// The Python literal of a value (strings are valid UTF-8 here).
std::string python_literal(const value& v) {
  switch (v.kind) {
    case field::kind::string: return "bytes.fromhex('" + hex_bytes(v.text) + "').decode('utf-8')";
    case field::kind::integer: return std::to_string(v.integer);
    case field::kind::floating: return python_float(v.number);
    case field::kind::boolean: return v.flag ? "True" : "False";
    default: return "None";
  }
}

class writers_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() / ("yieldpipe_writers_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // What `body(out)` writes to a committed file.
  template <class Body>
  std::string written(Body body) {
    const auto path = root_ / ("out" + std::to_string(counter_++));
    io::output out(path.string());
    body(out);
    out.commit();
    return slurp(path);
  }

  std::string csv(const std::vector<row>& rows, io::csv_write_options options = {}) {
    return written([&](io::output& out) {
      io::csv_writer w(out, options);
      std::vector<field> fields;
      for (const auto& r : rows) {
        fields.clear();
        for (const auto& v : r) fields.push_back(v.view());
        w.write_row(fields);
      }
    });
  }

  // Python's stdout for `script`, or nothing when python3 cannot be run.
  std::optional<std::string> python(const std::string& script) {
    const auto file = root_ / "script.py";
    std::ofstream(file, std::ios::binary) << script;
    const std::string command = "python3 " + file.string() + " 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return std::nullopt;
    std::string out;
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    const int status = ::pclose(pipe);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
    return out;
  }

  fs::path root_;
  int counter_ = 0;
};

value s(std::string t) {
  value v;
  v.kind = field::kind::string;
  v.text = std::move(t);
  return v;
}
value i(std::int64_t n) {
  value v;
  v.kind = field::kind::integer;
  v.integer = n;
  return v;
}
value d(double x) {
  value v;
  v.kind = field::kind::floating;
  v.number = x;
  return v;
}
value b(bool f) {
  value v;
  v.kind = field::kind::boolean;
  v.flag = f;
  return v;
}
value null() { return {}; }

// ---- CSV: semantics.md C24, byte for byte ----

TEST_F(writers_test, csv_quotes_only_what_needs_quoting_as_python_does) {
  EXPECT_EQ(csv({{s("a"), s("b,c"), s("d\"e"), s("f\ng"), s(""), null(), d(1.5), s(" s ")}}),
            "a,\"b,c\",\"d\"\"e\",\"f\ng\",,,1.5, s \r\n");
}

TEST_F(writers_test, csv_a_record_of_one_empty_field_is_quoted_so_it_is_not_an_empty_line) {
  EXPECT_EQ(csv({{s("")}}), "\"\"\r\n");
  EXPECT_EQ(csv({{null()}}), "\"\"\r\n");
}

TEST_F(writers_test, csv_an_empty_record_is_an_empty_line) { EXPECT_EQ(csv({{}}), "\r\n"); }

TEST_F(writers_test, csv_a_carriage_return_is_quoted) {
  EXPECT_EQ(csv({{s("\r")}}), "\"\r\"\r\n");
  io::csv_write_options unix_lines;
  unix_lines.line_terminator = "\n";
  EXPECT_EQ(csv({{s("a\rb"), s("x")}}, unix_lines), "\"a\rb\",x\n");
}

TEST_F(writers_test, csv_quote_all_quotes_numbers_and_empty_fields) {
  io::csv_write_options all;
  all.quoting = io::quote_style::all;
  EXPECT_EQ(csv({{s("a"), i(1), s("")}}, all), "\"a\",\"1\",\"\"\r\n");
  EXPECT_EQ(csv({{null(), d(2.0), b(true)}}, all), "\"\",\"2.0\",\"True\"\r\n");
}

TEST_F(writers_test, csv_quote_nonnumeric_leaves_numbers_and_booleans_bare) {
  io::csv_write_options nonnumeric;
  nonnumeric.quoting = io::quote_style::nonnumeric;
  EXPECT_EQ(csv({{s("a"), i(1), s(""), null(), d(2.0), b(true)}}, nonnumeric), "\"a\",1,\"\",\"\",2.0,True\r\n");
}

TEST_F(writers_test, csv_quote_none_refuses_a_field_that_needs_escaping) {
  io::csv_write_options none;
  none.quoting = io::quote_style::none;
  EXPECT_EQ(csv({{s("a"), i(1), null(), s(" x ")}}, none), "a,1,, x \r\n");
  try {
    csv({{s("ok")}, {s("x"), s("a,b")}}, none);
    FAIL() << "expected an io_error";
  } catch (const io::io_error& e) {
    EXPECT_NE(e.reason().find("record 2, field 2"), std::string::npos) << e.what();
    EXPECT_NE(e.reason().find("need to escape"), std::string::npos) << e.what();
  }
  EXPECT_THROW(csv({{s("")}}, none), io::io_error);
}

TEST_F(writers_test, csv_numbers_are_written_as_python_repr) {
  EXPECT_EQ(csv({{d(1.0), d(0.1), d(-0.0), d(1e16), d(1e-5), d(1e15), i(-42), d(NAN), d(-INFINITY)}}),
            "1.0,0.1,-0.0,1e+16,1e-05,1000000000000000.0,-42,nan,-inf\r\n");
  const std::uint64_t big = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(written([&](io::output& out) {
              io::csv_writer(out).write_row({big, 1.5f, true, false});
            }),
            "18446744073709551615,1.5,True,False\r\n");
}

TEST_F(writers_test, tsv_quotes_tabs_like_python_excel_tab) {
  EXPECT_EQ(csv({{s("a\tb"), s("x y"), s("c,d"), s("q\"")}}, io::csv_write_options::tsv()),
            "\"a\tb\"\tx y\tc,d\t\"q\"\"\"\r\n");
}

TEST_F(writers_test, csv_of_string_views_writes_a_header) {
  std::vector<std::string_view> header{"id", "the, name", ""};
  EXPECT_EQ(written([&](io::output& out) { io::csv_writer(out).write_row(std::span<const std::string_view>(header)); }),
            "id,\"the, name\",\r\n");
  std::vector<std::string_view> one_empty{""};
  EXPECT_EQ(
      written([&](io::output& out) { io::csv_writer(out).write_row(std::span<const std::string_view>(one_empty)); }),
      "\"\"\r\n");
}

TEST_F(writers_test, csv_delimiter_and_quote_must_differ) {
  io::csv_write_options bad;
  bad.quote = ',';
  EXPECT_THROW(written([&](io::output& out) { io::csv_writer w(out, bad); }), std::invalid_argument);
}

TEST_F(writers_test, csv_with_a_custom_delimiter_quotes_numbers_that_contain_it) {
  io::csv_write_options dot;
  dot.delimiter = '.';
  EXPECT_EQ(csv({{d(1.5), i(2)}}, dot), "\"1.5\".2\r\n");
}

TEST_F(writers_test, fields_are_built_from_common_types) {
  std::optional<int> none;
  std::optional<double> some = 2.5;
  std::string owned = "text";
  EXPECT_TRUE(field(none).is_null());
  EXPECT_EQ(field(some).type(), field::kind::floating);
  EXPECT_EQ(field(owned).as_string(), "text");
  EXPECT_EQ(field(std::size_t{7}).type(), field::kind::unsigned_integer);
  EXPECT_EQ(field(short{-3}).as_int(), -3);
  EXPECT_EQ(field(true).type(), field::kind::boolean);
  EXPECT_EQ(field("lit").type(), field::kind::string);
  EXPECT_TRUE(field(static_cast<const char*>(nullptr)).is_null());
  EXPECT_TRUE(field(std::nullopt).is_null());
}

// Random rows through both our writer and Python's csv module: the bytes must match.
TEST_F(writers_test, csv_matches_python_csv_writer_on_random_rows) {
  std::mt19937_64 rng(24);
  const std::vector<std::string> pieces{"a", "b", " ", ",", "\"", "\r", "\n", "\t", "'", "\xC3\xA9", "xyz", ";"};
  std::vector<row> rows;
  for (int r = 0; r < 400; ++r) {
    row current;
    const auto width = rng() % 6;
    for (std::size_t c = 0; c < width; ++c) {
      switch (rng() % 6) {
        case 0: current.push_back(null()); break;
        case 1: current.push_back(i(static_cast<std::int64_t>(rng()) >> (rng() % 64))); break;
        case 2: {
          double x;
          do {
            const std::uint64_t bits = rng();
            std::memcpy(&x, &bits, sizeof x);
          } while (std::isnan(x));
          current.push_back(d(rng() % 2 ? x : static_cast<double>(rng() % 100000) / 100.0));
          break;
        }
        case 3: current.push_back(b(rng() % 2 == 0)); break;
        default: {
          std::string text;
          for (auto n = rng() % 5; n > 0; --n) text += pieces[rng() % pieces.size()];
          current.push_back(s(text));
        }
      }
    }
    rows.push_back(std::move(current));
  }
  std::string literal = "rows = [\n";
  for (const auto& r : rows) {
    literal += "  [";
    for (const auto& v : r) literal += python_literal(v) + ", ";
    literal += "],\n";
  }
  literal += "]\n";

  struct dialect {
    const char* python;
    io::csv_write_options options;
  };
  std::vector<dialect> dialects;
  for (auto [q, name] : {std::pair{io::quote_style::minimal, "QUOTE_MINIMAL"},
                         {io::quote_style::all, "QUOTE_ALL"},
                         {io::quote_style::nonnumeric, "QUOTE_NONNUMERIC"}}) {
    io::csv_write_options comma;
    comma.quoting = q;
    dialects.push_back({name, comma});
    auto tab = io::csv_write_options::tsv();
    tab.quoting = q;
    dialects.push_back({name, tab});
  }
  for (const auto& [quoting, options] : dialects) {
    const std::string delimiter = options.delimiter == '\t' ? "\\t" : ",";
    const auto expected =
        python("import csv, io, sys\n" + literal + "s = io.StringIO(newline='')\nw = csv.writer(s, delimiter='" +
               delimiter + "', quoting=csv." + quoting + ")\nfor r in rows: w.writerow(r)\n" +
               "sys.stdout.buffer.write(s.getvalue().encode('utf-8'))\n");
    if (!expected) GTEST_SKIP() << "python3 is not available";
    EXPECT_EQ(csv(rows, options), *expected) << quoting << " delimiter " << delimiter;
  }
}

TEST_F(writers_test, floats_match_python_repr) {
  std::vector<double> values{0.0,
                             -0.0,
                             1.0,
                             0.1,
                             1e16,
                             1e15,
                             9999999999999998.0,
                             1e-4,
                             1e-5,
                             5e-324,
                             1.7976931348623157e308,
                             123456789012345678.0,
                             1.5e-7,
                             100.0,
                             1e22,
                             1e-10,
                             2.5e+300,
                             -3.25,
                             INFINITY,
                             -INFINITY};
  std::mt19937_64 rng(7);
  while (values.size() < 3000) {
    double x;
    const std::uint64_t bits = rng();
    std::memcpy(&x, &bits, sizeof x);
    if (std::isnan(x)) continue;
    values.push_back(x);
    values.push_back(static_cast<double>(static_cast<std::int64_t>(rng() % 2000000) - 1000000) / 1000.0);
  }
  std::string script = "import sys\nvalues = [\n";
  std::string ours;
  for (double v : values) {
    script += "  " + python_float(v) + ",\n";
    char buf[32];
    ours.append(buf, io::detail::format_python_float(buf, v));
    ours += '\n';
  }
  script += "]\nfor v in values: print(repr(v))\n";
  const auto expected = python(script);
  if (!expected) GTEST_SKIP() << "python3 is not available";
  EXPECT_EQ(ours, *expected);
}

// ---- JSON lines ----

TEST_F(writers_test, jsonl_writes_one_object_per_record_with_typed_values) {
  const auto text = written([](io::output& out) {
    io::jsonl_writer w(out, {"name", "n", "x", "ok", "missing"});
    w.write_row({"alpha", 3, 0.5, true, std::nullopt});
    w.write_row({"", -7, 1e16, false, 2.0});
  });
  EXPECT_EQ(text,
            "{\"name\":\"alpha\",\"n\":3,\"x\":0.5,\"ok\":true,\"missing\":null}\n"
            "{\"name\":\"\",\"n\":-7,\"x\":1e+16,\"ok\":false,\"missing\":2.0}\n");
}

TEST_F(writers_test, jsonl_escapes_quotes_backslashes_and_control_characters) {
  const auto text = written([](io::output& out) {
    io::jsonl_writer w(out, {"k\"ey\n"});
    w.write_row({"say \"hi\"\\ \n\r\t\b\f \x01\x1f\x7f end"s});
  });
  EXPECT_EQ(text, "{\"k\\\"ey\\n\":\"say \\\"hi\\\"\\\\ \\n\\r\\t\\b\\f \\u0001\\u001f\x7f end\"}\n");
}

TEST_F(writers_test, jsonl_keeps_valid_utf8_and_replaces_invalid_bytes_with_u_fffd) {
  const auto text = written([](io::output& out) {
    io::jsonl_writer w(out, {"v"});
    w.write_row({"caf\xC3\xA9 \xF0\x9F\x98\x80"});  // é and an emoji: kept as they are
    w.write_row(
        {"a\xFF"
         "b"});  // a byte that never starts a character
    w.write_row(
        {"\xE2\x82"
         "x"});                     // a truncated sequence: one U+FFFD
    w.write_row({"\xED\xA0\x80"});  // an encoded surrogate: one U+FFFD per byte
    w.write_row({"\xC0\xAF"});      // an overlong form
    w.write_row({"end\xF0\x9F"});   // truncated at the end of the value
  });
  EXPECT_EQ(text,
            "{\"v\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\"}\n"
            "{\"v\":\"a\xEF\xBF\xBD"
            "b\"}\n"
            "{\"v\":\"\xEF\xBF\xBDx\"}\n"
            "{\"v\":\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"}\n"
            "{\"v\":\"\xEF\xBF\xBD\xEF\xBF\xBD\"}\n"
            "{\"v\":\"end\xEF\xBF\xBD\"}\n");
}

TEST_F(writers_test, jsonl_writes_nan_and_infinities_as_null) {
  const auto text = written([](io::output& out) {
    io::jsonl_writer w(out, {"a", "b", "c"});
    w.write_row({NAN, INFINITY, -INFINITY});
  });
  EXPECT_EQ(text, "{\"a\":null,\"b\":null,\"c\":null}\n");
}

TEST_F(writers_test, jsonl_rejects_a_record_of_the_wrong_size) {
  EXPECT_THROW(written([](io::output& out) {
                 io::jsonl_writer(out, {"a", "b"}).write_row({1});
               }),
               std::invalid_argument);
  EXPECT_EQ(written([](io::output& out) { io::jsonl_writer(out, {}).write_row(std::span<const field>{}); }), "{}\n");
}

// Random bytes (valid and invalid UTF-8, control characters) against Python's decoder and json.dumps.
TEST_F(writers_test, json_strings_match_python_json_dumps_of_the_replaced_text) {
  std::mt19937_64 rng(8259);
  const std::vector<std::string> pieces{"a",
                                        "\"",
                                        "\\",
                                        "\n",
                                        "\x01",
                                        "\x1f",
                                        "\x7f",
                                        "\xC3\xA9",
                                        "\xE2\x82\xAC",
                                        "\xF0\x9F\x98\x80",
                                        "\xFF",
                                        "\xC0",
                                        "\x80",
                                        "\xE2\x82",
                                        "\xED\xA0\x80",
                                        "\xF4\x90\x80\x80",
                                        "\xF0\x9F",
                                        "long run of text "};
  std::vector<std::string> values;
  for (int k = 0; k < 1000; ++k) {
    std::string v;
    for (auto n = rng() % 8; n > 0; --n) v += pieces[rng() % pieces.size()];
    if (k % 10 == 0)
      for (int j = 0; j < 20; ++j) v += static_cast<char>(rng() % 256);
    values.push_back(std::move(v));
  }
  std::string script = "import json, sys\nvalues = [\n";
  for (const auto& v : values) script += "  bytes.fromhex('" + hex_bytes(v) + "'),\n";
  script +=
      "]\nfor v in values:\n  sys.stdout.buffer.write(json.dumps({'v': v.decode('utf-8', 'replace')}, "
      "ensure_ascii=False, separators=(',', ':')).encode('utf-8') + b'\\n')\n";
  const auto expected = python(script);
  if (!expected) GTEST_SKIP() << "python3 is not available";
  const auto ours = written([&](io::output& out) {
    io::jsonl_writer w(out, {"v"});
    for (const auto& v : values) w.write_row({v});
  });
  EXPECT_EQ(ours, *expected);
}

// ---- aligned table ----

TEST_F(writers_test, table_pads_columns_and_right_aligns_numbers) {
  const auto text = written([](io::output& out) {
    io::table_writer w(out, {"name", "value", "flag"});
    w.write_row({"a", 1.5, true});
    w.write_row({"longer name", 10, false});
    w.write_row({std::nullopt, -2, std::nullopt});
    w.finish();
  });
  EXPECT_EQ(text,
            "name         value  flag\n"
            "-----------  -----  -----\n"
            "a              1.5  true\n"
            "longer name     10  false\n"
            "                -2\n");
}

TEST_F(writers_test, table_right_aligns_strings_that_are_numbers) {
  const auto text = written([](io::output& out) {
    io::table_writer w(out, {"id", "x"}, {.rule = false});
    w.write_row({"7", "abc"});
    w.write_row({"1234", "d"});
    w.finish();
  });
  EXPECT_EQ(text,
            "  id  x\n"
            "   7  abc\n"
            "1234  d\n");
}

TEST_F(writers_test, table_streams_after_the_sample_with_the_measured_widths) {
  const auto text = written([](io::output& out) {
    io::table_writer w(out, {"k", "v"}, {.sample_rows = 2, .separator = " | "});
    w.write_row({"x", 1});
    EXPECT_EQ(out.bytes_written(), 0u);  // still measuring
    w.write_row({"yy", 22});
    EXPECT_GT(out.bytes_written(), 0u);  // header and sample written
    w.write_row({"z", 3});
    w.write_row({"wider", 4444});  // wider than measured: written whole
    w.finish();
  });
  EXPECT_EQ(text,
            "k  |  v\n"
            "-- | --\n"
            "x  |  1\n"
            "yy | 22\n"
            "z  |  3\n"
            "wider | 4444\n");
}

TEST_F(writers_test, table_shows_control_characters_escaped_and_counts_code_points) {
  const auto text = written([](io::output& out) {
    io::table_writer w(out, {"text", "n"}, {.rule = false});
    w.write_row({"a\nb\tc\x01", 1});
    w.write_row({"\xC3\xA9t\xC3\xA9", 2});
    w.write_row({"bad\xFF", 3});
    w.finish();
  });
  EXPECT_EQ(text,
            "text         n\n"
            "a\\nb\\tc\\x01  1\n"
            "\xC3\xA9t\xC3\xA9          2\n"
            "bad\xEF\xBF\xBD         3\n");
}

TEST_F(writers_test, table_rejects_a_record_of_the_wrong_size) {
  EXPECT_THROW(written([](io::output& out) { io::table_writer(out, {"a"}).write_row({1, 2}); }), std::invalid_argument);
}

// ---- by name, and errors from the output ----

TEST_F(writers_test, formats_are_chosen_by_name) {
  EXPECT_EQ(io::parse_format("csv"), io::format::csv);
  EXPECT_EQ(io::parse_format("tsv"), io::format::tsv);
  EXPECT_EQ(io::parse_format("jsonl"), io::format::jsonl);
  EXPECT_EQ(io::parse_format("table"), io::format::table);
  EXPECT_EQ(io::parse_format("xml"), std::nullopt);

  auto run = [&](io::format f) {
    return written([&](io::output& out) {
      auto w = io::make_writer(f, out, {"a", "b"});
      w->write_row({1, "x y"});
      w->finish();
    });
  };
  EXPECT_EQ(run(io::format::csv), "a,b\n1,x y\n");
  EXPECT_EQ(run(io::format::tsv), "a\tb\n1\tx y\n");
  EXPECT_EQ(run(io::format::jsonl), "{\"a\":1,\"b\":\"x y\"}\n");
  EXPECT_EQ(run(io::format::table), "a  b\n-  ---\n1  x y\n");
}

TEST_F(writers_test, csv_to_a_full_device_is_an_io_error_naming_it) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  try {
    io::output out("/dev/full", {.buffer_size = 4096});
    io::csv_writer w(out);
    for (int k = 0; k < 100000; ++k) w.write_row({"some,text", k, 0.25});
    out.commit();
    FAIL() << "expected an io_error";
  } catch (const io::io_error& e) {
    EXPECT_EQ(e.path(), "/dev/full");
    EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos) << e.what();
  }
}

}  // namespace
