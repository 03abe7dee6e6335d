// io::read_jsonl: typed access, nested values, errors and the reject policies, line handling,
// compressed input, chunk boundaries, numbers and strings, a round trip with jsonl_writer.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <new>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>
#include <yieldpipe/io/jsonl.hpp>
#include <yieldpipe/io/output.hpp>
#include <yieldpipe/io/writers.hpp>
#include <yieldpipe/iter/error_policy.hpp>
#include <yieldpipe/iter/filter.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/allocation_counter.hpp"
#include "support/compress.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace yieldpipe;
using namespace std::string_literals;
using io::io_error;
using io::json_record;
using io::json_type;
using io::read_jsonl;

static_assert(std::ranges::input_range<io::jsonl_range>);
static_assert(std::ranges::viewable_range<io::jsonl_range> && std::ranges::viewable_range<io::jsonl_range&>);
static_assert(std::same_as<std::ranges::range_reference_t<io::jsonl_range>, const json_record&>);
// A record is a view of the reader's current line: a pipeline cannot store it (it would dangle).
static_assert(!std::copy_constructible<json_record> && std::copy_constructible<io::json_value>);

// The message of the io_error that `fn` throws ("" and a test failure if it throws none).
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const io_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no io_error";
  return {};
}

class jsonl_test : public test::temp_dir_test {
 protected:
  std::string write(const std::string& bytes, const std::string& name = "f.jsonl") {
    return temp_dir_test::write(bytes, name);
  }
  // The minified JSON of each record, and its line number.
  std::vector<std::pair<std::uint64_t, std::string>> records_of(const std::string& path, io::jsonl_options o = {}) {
    std::vector<std::pair<std::uint64_t, std::string>> out;
    for (const json_record& r : read_jsonl(path, std::move(o))) out.emplace_back(r.line(), r.to_json());
    return out;
  }
  // Runs `fn` on the first record of a file holding `line`.
  void with_record(const std::string& line, const std::function<void(const json_record&)>& fn) {
    auto records = read_jsonl(write(line, "one.jsonl"));
    auto it = records.begin();
    ASSERT_NE(it, std::default_sentinel);
    fn(*it);
  }
};

using numbered = std::vector<std::pair<std::uint64_t, std::string>>;

TEST_F(jsonl_test, fields_are_read_by_key_in_any_order_as_the_asked_type) {
  with_record(R"({"id":"s-1","value":21.5,"count":42,"big":18446744073709551615,"ok":true,"note":"a\"b"})",
              [](const json_record& r) {
                EXPECT_TRUE(r.get<bool>("ok"));
                EXPECT_EQ(r.get<std::string_view>("note"), "a\"b");
                EXPECT_EQ(r.get<std::int64_t>("count"), 42);
                EXPECT_EQ(r.get<double>("value"), 21.5);
                EXPECT_EQ(r.get<std::string>("id"), "s-1");
                EXPECT_EQ(r.get<std::uint64_t>("big"), std::numeric_limits<std::uint64_t>::max());
                EXPECT_EQ(r.get<std::uint64_t>("count"), 42u);
                EXPECT_EQ(r.get<double>("count"), 42.0);      // an integer reads as a double too
                EXPECT_EQ(r.get<std::int64_t>("count"), 42);  // and again: access is not consuming
                EXPECT_EQ(r.type(), json_type::object);
                EXPECT_EQ(r.at("value").type(), json_type::floating);
                EXPECT_EQ(r.at("count").type(), json_type::integer);
                EXPECT_EQ(r.at("big").type(), json_type::unsigned_integer);
                EXPECT_EQ(r.at("ok").type(), json_type::boolean);
                EXPECT_EQ(r.at("id").type(), json_type::string);
                EXPECT_EQ(r.size(), 6u);
              });
}

TEST_F(jsonl_test, a_missing_key_or_null_is_nullopt_for_get_optional_and_contains_tells_them_apart) {
  with_record(R"({"a":null,"b":2})", [](const json_record& r) {
    EXPECT_EQ(r.get_optional<double>("a"), std::nullopt);
    EXPECT_EQ(r.get_optional<double>("missing"), std::nullopt);
    EXPECT_EQ(r.get_optional<double>("b"), 2.0);
    EXPECT_EQ(r.get_optional<std::string>("a"), std::nullopt);
    EXPECT_TRUE(r.contains("a"));
    EXPECT_TRUE(r.at("a").is_null());
    EXPECT_EQ(r.at("a").get_optional<std::int64_t>(), std::nullopt);
    EXPECT_FALSE(r.contains("missing"));
    EXPECT_FALSE(r.find("missing").has_value());
    EXPECT_EQ(r.find("b")->get<std::int64_t>(), 2);
  });
}

TEST_F(jsonl_test, get_optional_still_rejects_a_value_of_another_type) {
  const std::string path = write(R"({"a":"text"})");
  EXPECT_EQ(error_of([&] {
              for (const json_record& r : read_jsonl(path)) (void)r.get_optional<double>("a");
            }),
            path + ":1: key 'a': expected a number, found string");
}

TEST_F(jsonl_test, nested_values_are_reached_by_key_index_or_json_pointer) {
  with_record(R"({"tags":{"site":"north","floor":3,"a/b":1,"m~n":2},"list":[10,"x",[true]],"":"empty key"})",
              [](const json_record& r) {
                EXPECT_EQ(r.at("tags").get<std::string_view>("site"), "north");
                EXPECT_EQ(r.at_pointer("/tags/floor").get<std::int64_t>(), 3);
                EXPECT_EQ(r.at_pointer("/tags/a~1b").get<std::int64_t>(), 1);
                EXPECT_EQ(r.at_pointer("/tags/m~0n").get<std::int64_t>(), 2);
                EXPECT_EQ(r.at_pointer("/list/1").get<std::string>(), "x");
                EXPECT_TRUE(r.at_pointer("/list/2/0").get<bool>());
                EXPECT_EQ(r.at_pointer("/").get<std::string_view>(), "empty key");
                EXPECT_EQ(r.at_pointer("").type(), json_type::object);
                EXPECT_EQ(r.at("list").size(), 3u);
                EXPECT_EQ(r.at("list").at(0).get<std::int64_t>(), 10);
                EXPECT_EQ(r.at("tags").size(), 4u);
                EXPECT_EQ(r.at("tags").to_json(), R"({"site":"north","floor":3,"a/b":1,"m~n":2})");
                EXPECT_FALSE(r.find_pointer("/tags/nowhere").has_value());
                EXPECT_FALSE(r.find_pointer("/list/3").has_value());
                EXPECT_FALSE(r.find_pointer("/list/01").has_value());  // no leading zeros (RFC 6901)
                EXPECT_FALSE(r.find_pointer("/list/-").has_value());
                EXPECT_FALSE(r.find_pointer("/tags/site/deeper").has_value());
                EXPECT_THROW((void)r.at_pointer("tags"), std::invalid_argument);
                EXPECT_THROW((void)r.at_pointer("/tags/~2"), std::invalid_argument);
                EXPECT_THROW((void)r.find_pointer("/tags/a~"), std::invalid_argument);
              });
}

TEST_F(jsonl_test, a_repeated_key_reads_as_its_last_occurrence_like_python) {
  with_record(R"({"a":1,"b":0,"a":2})", [](const json_record& r) {
    EXPECT_EQ(r.get<std::int64_t>("a"), 2);
    EXPECT_EQ(r.at_pointer("/a").get<std::int64_t>(), 2);
  });
}

TEST_F(jsonl_test, type_errors_name_the_file_line_key_and_what_was_found) {
  const std::string path = write(
      "{\"value\":1}\n\n"
      R"({"value":"21.5","n":1.5,"u":18446744073709551615,"neg":-3,)"
      R"("tags":{"site":7},"s":"x","list":[1,2]})"
      "\n");
  auto records = read_jsonl(path);
  auto it = records.begin();
  ++it;
  const json_record& r = *it;
  ASSERT_EQ(r.line(), 3u);
  const auto expect = [&](const std::function<void()>& fn, const std::string& message) {
    EXPECT_EQ(error_of(fn), path + ":3: " + message);
  };
  expect([&] { (void)r.get<double>("value"); }, "key 'value': expected a number, found string");
  expect([&] { (void)r.get<double>("missing"); }, "key 'missing': missing (expected a number)");
  expect([&] { (void)r.get<std::int64_t>("n"); }, "key 'n': expected an integer, found number 1.5");
  expect([&] { (void)r.get<std::int64_t>("u"); },
         "key 'u': expected an integer in the int64 range, found integer 18446744073709551615");
  expect([&] { (void)r.get<std::uint64_t>("neg"); }, "key 'neg': expected a non-negative integer, found integer -3");
  expect([&] { (void)r.get<bool>("s"); }, "key 's': expected a boolean, found string");
  expect([&] { (void)r.get<std::string>("n"); }, "key 'n': expected a string, found number 1.5");
  expect([&] { (void)r.get<std::string_view>("tags"); }, "key 'tags': expected a string, found object");
  expect([&] { (void)r.at("tags").get<std::string>("site"); }, "key 'site': expected a string, found integer 7");
  expect([&] { (void)r.at_pointer("/tags/site").get<bool>(); }, "key 'site': expected a boolean, found integer 7");
  expect([&] { (void)r.at_pointer("/list/1").get<std::string>(); }, "index 1: expected a string, found integer 2");
  expect([&] { (void)r.at("s").get<double>("x"); }, "key 's': expected an object, found string");
  expect([&] { (void)r.at("list").at(5); }, "key 'list': index 5 out of range (size 2)");
  expect([&] { (void)r.at("tags").at(0); }, "key 'tags': expected an array, found object");
  expect([&] { (void)r.at("s").size(); }, "key 's': expected an array or an object, found string");
  expect([&] { (void)r.at("nope"); }, "no key 'nope'");
  expect([&] { (void)r.at_pointer("/tags/x"); }, "pointer '/tags/x': not found");
  try {
    (void)r.get<double>("value");
  } catch (const io_error& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_EQ(e.line(), 3u);
  }
}

TEST_F(jsonl_test, a_bad_line_throws_with_file_line_and_simdjson_message_by_default) {
  const std::string path = write("{\"a\":1}\n{\"a\":tru}\n{\"a\":3}\n");
  std::vector<std::int64_t> seen;
  try {
    for (const json_record& r : read_jsonl(path)) seen.push_back(r.get<std::int64_t>("a"));
    ADD_FAILURE() << "no error";
  } catch (const io_error& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_EQ(e.line(), 2u);
    EXPECT_TRUE(e.reason().starts_with("invalid JSON: ")) << e.reason();
    EXPECT_NE(e.reason().find("atom"), std::string::npos) << e.reason();  // simdjson's message
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1}));
}

TEST_F(jsonl_test, a_line_that_is_not_an_object_is_a_bad_line) {
  const std::string path = write("[1,2]\n");
  EXPECT_EQ(error_of([&] { (void)(read_jsonl(path) | count()); }),
            path + ":1: not an object: expected a JSON object, found array");
  for (const std::string line : {"3", "\"text\"", "null", "true"}) {
    auto records = read_jsonl(write(line + "\n", "scalar.jsonl"));
    EXPECT_THROW(records.begin(), io_error) << line;
  }
}

// Lines 1..8: good, bad JSON, blank, not an object, good, truncated, bad UTF-8, good without newline.
const std::string mixed = "{\"v\":1}\n{\"v\":}\n\n[1]\r\n{\"v\":5}\n{\"v\":\n{\"v\":\"\xff\"}\n{\"v\":8}";

TEST_F(jsonl_test, skip_sets_bad_lines_aside_and_counts_them_by_reason) {
  const std::string path = write(mixed);
  auto policy = on_error::skip();
  auto records = read_jsonl(path, {.on_reject = io::reject_with(policy)});
  std::vector<std::uint64_t> lines;
  for (const json_record& r : records) lines.push_back(r.line());
  EXPECT_EQ(lines, (std::vector<std::uint64_t>{1, 5, 8}));
  EXPECT_EQ(policy.counts().total(), 4u);
  EXPECT_EQ(policy.counts().count("invalid JSON"), 3u);
  EXPECT_EQ(policy.counts().count("not an object"), 1u);
  EXPECT_EQ(records.reader().records(), 3u);
  EXPECT_EQ(records.reader().rejected(), 4u);
}

TEST_F(jsonl_test, dead_letter_receives_each_bad_line_with_its_number_offset_and_text) {
  const std::string path = write(mixed);
  struct letter {
    std::uint64_t line, offset;
    std::string text, message, where;
  };
  std::vector<letter> letters;
  auto policy = on_error::dead_letter([&](const io::rejected_record& r, std::string_view message) {
    letters.push_back({r.line, r.offset, std::string(r.text), std::string(message), r.to_string()});
  });
  EXPECT_EQ(read_jsonl(path, {.on_reject = io::reject_with(policy)}) | count(), 3u);
  ASSERT_EQ(letters.size(), 4u);
  EXPECT_EQ(letters[0].line, 2u);
  EXPECT_EQ(letters[0].offset, 8u);
  EXPECT_EQ(letters[0].text, "{\"v\":}");
  EXPECT_TRUE(letters[0].message.starts_with(path + ":2: invalid JSON: ")) << letters[0].message;
  EXPECT_EQ(letters[1].line, 4u);
  EXPECT_EQ(letters[1].offset, 16u);
  EXPECT_EQ(letters[1].text, "[1]");  // without its \r\n
  EXPECT_EQ(letters[1].message, path + ":4: not an object: expected a JSON object, found array");
  EXPECT_EQ(letters[2].line, 6u);
  EXPECT_EQ(letters[2].text, "{\"v\":");
  EXPECT_EQ(letters[3].line, 7u);
  EXPECT_EQ(letters[3].where, path + ":7: {\"v\":\"\xff\"}");
  EXPECT_NE(letters[3].message.find("UTF-8"), std::string::npos) << letters[3].message;
  EXPECT_EQ(policy.counts().total(), 4u);
}

TEST_F(jsonl_test, the_fail_policy_counts_then_throws) {
  const std::string path = write(mixed);
  auto policy = on_error::fail();
  EXPECT_EQ(error_of([&] {
              (void)(read_jsonl(path, {.on_reject = io::reject_with(policy)}) | count());
            }).substr(0, path.size() + 17),
            path + ":2: invalid JSON:");
  EXPECT_EQ(policy.counts().total(), 1u);
}

TEST_F(jsonl_test, blank_lines_are_skipped_and_keep_their_numbers) {
  const std::string path = write("\n   \n\t\r\n{\"a\":1}\n\n  {\"a\":2}  \n \r\n");
  EXPECT_EQ(records_of(path), (numbered{{4, R"({"a":1})"}, {6, R"({"a":2})"}}));
  EXPECT_TRUE(records_of(write("", "empty.jsonl")).empty());
  EXPECT_TRUE(records_of(write("\n\n \n", "blank.jsonl")).empty());
}

TEST_F(jsonl_test, crlf_line_endings_and_a_last_line_without_newline_are_read) {
  const std::string path = write("{\"a\":1}\r\n{\"a\":2}\r\n{\"a\":3}");
  EXPECT_EQ(records_of(path), (numbered{{1, R"({"a":1})"}, {2, R"({"a":2})"}, {3, R"({"a":3})"}}));
  auto records = read_jsonl(path);
  std::vector<std::string> texts;
  std::vector<std::uint64_t> offsets;
  for (const json_record& r : records) {
    texts.emplace_back(r.text());
    offsets.push_back(r.offset());
    EXPECT_EQ(r.path(), path);
  }
  EXPECT_EQ(texts, (std::vector<std::string>{R"({"a":1})", R"({"a":2})", R"({"a":3})"}));
  EXPECT_EQ(offsets, (std::vector<std::uint64_t>{0, 9, 18}));
}

TEST_F(jsonl_test, a_byte_order_mark_at_the_start_is_skipped) {
  EXPECT_EQ(records_of(write("\xEF\xBB\xBF{\"a\":1}\n{\"b\":2}\n")), (numbered{{1, R"({"a":1})"}, {2, R"({"b":2})"}}));
}

TEST_F(jsonl_test, a_first_line_with_a_byte_order_mark_that_straddles_chunks_is_read_whole) {
  // The line is copied (it straddled chunks), then the mark is cut off: what remains must still
  // count as a copied line, which simdjson may not read past in place (fuzzing found this).
  const std::string path = write("\xEF\xBB\xBF{\"key\":\"value\",\"n\":12345}");
  for (std::size_t buffer : {std::size_t{4}, std::size_t{16}, std::size_t{1} << 16})
    EXPECT_EQ(records_of(path, {.input = {.buffer_size = buffer}}), (numbered{{1, R"({"key":"value","n":12345})"}}))
        << buffer;
}

TEST_F(jsonl_test, gzip_and_zstd_files_read_like_the_plain_file) {
  std::string content;
  for (int i = 0; i < 3000; ++i)
    content += R"({"i":)" + std::to_string(i) + R"(,"s":"line )" + std::to_string(i) + "\"}\n";
  const numbered plain = records_of(write(content));
  ASSERT_EQ(plain.size(), 3000u);
  EXPECT_EQ(records_of(write(test::gzip(content), "f.jsonl.gz")), plain);
  EXPECT_EQ(records_of(write(test::zstd(content), "f.jsonl.zst")), plain);
  EXPECT_EQ(records_of(write(test::gzip(content), "f.jsonl.gz"), {.input = {.buffer_size = 1000}}), plain);
}

TEST_F(jsonl_test, records_are_the_same_whatever_the_chunk_boundaries) {
  std::mt19937 rng(11);
  std::string content;
  for (int i = 0; i < 300; ++i) {
    content += R"({"i":)" + std::to_string(i) + R"(,"pad":")" + std::string(rng() % 300, 'p') + R"(","x":[1.5,true]})";
    content += (i % 3 == 0) ? "\r\n" : "\n";
    if (i % 50 == 0) content += "\n";
  }
  content += R"({"last":"no newline"})";
  const std::string path = write(content);
  const numbered expected = records_of(path);
  ASSERT_EQ(expected.size(), 301u);
  for (const std::size_t buffer : {std::size_t{1}, std::size_t{7}, std::size_t{63}, std::size_t{64}, std::size_t{65},
                                   std::size_t{100}, std::size_t{4096}})
    EXPECT_EQ(records_of(path, {.input = {.buffer_size = buffer}}), expected) << "buffer " << buffer;
}

TEST_F(jsonl_test, a_line_spanning_many_chunks_is_parsed_whole) {
  const std::string big(200000, 'z');
  const std::string path = write("{\"a\":1}\n{\"big\":\"" + big + "\",\"n\":2}\n{\"a\":3}\n");
  auto records = read_jsonl(path, {.input = {.buffer_size = 1000}});
  std::vector<std::uint64_t> lines;
  for (const json_record& r : records) {
    lines.push_back(r.line());
    if (r.line() == 2) {
      EXPECT_EQ(r.get<std::string_view>("big"), big);
      EXPECT_EQ(r.get<std::int64_t>("n"), 2);
    }
  }
  EXPECT_EQ(lines, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST_F(jsonl_test, a_line_longer_than_the_maximum_is_an_error_even_under_skip) {
  const std::string path = write("{\"a\":1}\n{\"a\":\"0123456789\"}\n{\"a\":3}\n");
  auto policy = on_error::skip();
  EXPECT_EQ(error_of([&] {
              (void)(read_jsonl(path, {.max_line_length = 16, .on_reject = io::reject_with(policy)}) | count());
            }),
            path + ":2: line 2 longer than the maximum of 16 bytes");
  EXPECT_EQ(policy.counts().total(), 0u);
}

TEST_F(jsonl_test, unicode_escapes_decode_to_utf8_and_bad_ones_are_bad_lines) {
  with_record(R"({"e":"caf\u00e9","smile":"\ud83d\ude00","raw":"café 😀","ctl":"a\nb\t\u0000c","esc":"\/\\"})",
              [](const json_record& r) {
                EXPECT_EQ(r.get<std::string>("e"), "café");
                EXPECT_EQ(r.get<std::string>("smile"), "😀");
                EXPECT_EQ(r.get<std::string>("raw"), "café 😀");
                EXPECT_EQ(r.get<std::string>("ctl"), "a\nb\t\0c"s);
                EXPECT_EQ(r.get<std::string>("esc"), "/\\");
              });
  with_record(R"({"caf\u00e9":1})", [](const json_record& r) { EXPECT_EQ(r.get<std::int64_t>("café"), 1); });
  auto policy = on_error::skip();
  const std::string path = write(R"({"lone":"\ud83d"})"
                                 "\n"
                                 R"({"bad":"\x"})"
                                 "\n{\"ok\":1}\n");
  EXPECT_EQ(read_jsonl(path, {.on_reject = io::reject_with(policy)}) | count(), 1u);
  EXPECT_EQ(policy.counts().count("invalid JSON"), 2u);
}

TEST_F(jsonl_test, numbers_keep_their_range_and_precision) {
  with_record(R"({"max":9223372036854775807,"min":-9223372036854775808,"umax":18446744073709551615,)"
              R"("d":0.1,"e":1e3,"E":-2.5E-3,"one":1.0,"negzero":-0,"big":1.7976931348623157e308,"tiny":5e-324})",
              [](const json_record& r) {
                EXPECT_EQ(r.get<std::int64_t>("max"), std::numeric_limits<std::int64_t>::max());
                EXPECT_EQ(r.get<std::int64_t>("min"), std::numeric_limits<std::int64_t>::min());
                EXPECT_EQ(r.get<std::uint64_t>("umax"), std::numeric_limits<std::uint64_t>::max());
                EXPECT_EQ(r.get<double>("umax"), 18446744073709551615.0);
                EXPECT_EQ(r.get<double>("d"), 0.1);
                EXPECT_EQ(r.get<double>("e"), 1000.0);
                EXPECT_EQ(r.at("e").type(), json_type::floating);  // an exponent makes a floating number
                EXPECT_EQ(r.get<double>("E"), -0.0025);
                EXPECT_EQ(r.at("one").type(), json_type::floating);
                EXPECT_THROW((void)r.get<std::int64_t>("one"), io_error);  // 1.0 is not an integer
                EXPECT_EQ(r.get<std::int64_t>("negzero"), 0);
                EXPECT_EQ(r.get<double>("big"), std::numeric_limits<double>::max());
                EXPECT_EQ(r.get<double>("tiny"), std::numeric_limits<double>::denorm_min());
              });
  // What simdjson cannot hold is a bad line: an integer beyond uint64, a number beyond double.
  auto policy = on_error::skip();
  const std::string path = write("{\"n\":18446744073709551616}\n{\"n\":1e400}\n{\"n\":01}\n{\"n\":1}\n");
  EXPECT_EQ(read_jsonl(path, {.on_reject = io::reject_with(policy)}) | count(), 1u);
  EXPECT_EQ(policy.counts().count("invalid JSON"), 3u);
}

TEST_F(jsonl_test, nesting_deeper_than_simdjson_allows_is_a_bad_line) {
  const std::string deep = "{\"a\":" + std::string(2000, '[') + std::string(2000, ']') + "}";
  const std::string path = write(deep + "\n{\"a\":1}\n");
  auto policy = on_error::skip();
  EXPECT_EQ(read_jsonl(path, {.on_reject = io::reject_with(policy)}) | count(), 1u);
  EXPECT_EQ(policy.counts().count("invalid JSON"), 1u);
}

TEST_F(jsonl_test, a_thousand_records_written_by_jsonl_writer_read_back_equal) {
  struct row {
    std::string name;
    std::int64_t seq;
    double value;
    bool ok;
    std::optional<double> maybe;
  };
  std::mt19937_64 rng(2024);
  std::vector<row> rows;
  const std::vector<std::string> names = {
      "plain", "quote\"d", "back\\slash", "new\nline", "tab\t", "é😀", "", std::string("nul\0byte", 8), "ctl\x01"};
  for (int i = 0; i < 1000; ++i) {
    const double v =
        std::uniform_real_distribution<double>(-1e6, 1e6)(rng) * std::pow(10.0, static_cast<int>(rng() % 40) - 20);
    rows.push_back({names[rng() % names.size()] + std::to_string(i), static_cast<std::int64_t>(rng()), v,
                    rng() % 2 == 0, rng() % 3 == 0 ? std::nullopt : std::optional<double>(static_cast<double>(i) / 8)});
  }
  const std::string path = (dir_ / "round.jsonl").string();
  {
    io::output out(path);
    io::jsonl_writer writer(out, {"name", "seq", "value", "ok", "maybe"});
    for (const row& r : rows) writer.write_row({r.name, r.seq, r.value, r.ok, r.maybe});
    out.commit();
  }
  std::size_t i = 0;
  for (const json_record& r : read_jsonl(path)) {
    ASSERT_LT(i, rows.size());
    const row& want = rows[i++];
    EXPECT_EQ(r.line(), i);
    EXPECT_EQ(r.get<std::string_view>("name"), want.name);
    EXPECT_EQ(r.get<std::int64_t>("seq"), want.seq);
    EXPECT_EQ(r.get<double>("value"), want.value);  // shortest round-trip digits parse back exactly
    EXPECT_EQ(r.get<bool>("ok"), want.ok);
    EXPECT_EQ(r.get_optional<double>("maybe"), want.maybe);
  }
  EXPECT_EQ(i, rows.size());
}

TEST_F(jsonl_test, records_compose_with_iter_stages_and_terminals) {
  const std::string path = write("{\"v\":1.5,\"s\":\"a\"}\n{\"v\":30.5,\"s\":\"b\"}\n{\"v\":40,\"s\":\"a\"}\n");
  EXPECT_EQ(read_jsonl(path) | filter([](const json_record& r) { return r.get<double>("v") > 30; }) | count(), 2u);
  EXPECT_EQ(read_jsonl(path) | map([](const json_record& r) { return r.get<double>("v"); }) | sum(0.0), 72.0);
  auto records = read_jsonl(path);
  EXPECT_EQ(records | map([](const json_record& r) { return r.get<std::string>("s"); }) | to_vector(),
            (std::vector<std::string>{"a", "b", "a"}));
}

TEST_F(jsonl_test, a_second_begin_continues_where_the_loop_stopped) {
  auto records = read_jsonl(write("{\"i\":1}\n{\"i\":2}\n{\"i\":3}\n"));
  for (const json_record& r : records)
    if (r.get<std::int64_t>("i") == 2) break;
  std::vector<std::int64_t> rest;
  for (const json_record& r : records) rest.push_back(r.get<std::int64_t>("i"));
  EXPECT_EQ(rest, (std::vector<std::int64_t>{2, 3}));
  EXPECT_TRUE(records.begin() == std::default_sentinel);
}

TEST_F(jsonl_test, a_moved_range_keeps_reading) {
  auto records = read_jsonl(write("{\"i\":1}\n{\"i\":2}\n{\"i\":3}\n"));
  auto it = records.begin();
  EXPECT_EQ(it->get<std::int64_t>("i"), 1);
  io::jsonl_range moved = std::move(records);
  ++it;
  EXPECT_EQ(it->get<std::int64_t>("i"), 2);
  EXPECT_EQ(moved | count(), 2u);  // the current record and the next
}

TEST_F(jsonl_test, a_missing_file_throws_when_the_records_are_requested) {
  EXPECT_THROW(read_jsonl((dir_ / "missing.jsonl").string()), io_error);
}

TEST_F(jsonl_test, reading_and_typed_access_allocate_nothing_once_warm) {
  std::string content;
  for (int i = 0; i < 5000; ++i)
    content += R"({"sensor":"s-)" + std::to_string(i % 97) + R"(","value":)" + std::to_string(i * 0.25) +
               R"(,"tags":{"site":"north"},"note":")" + std::string(static_cast<std::size_t>(i % 50), 'n') + "\"}\n";
  auto records = read_jsonl(write(content), {.input = {.buffer_size = 4096}});
  auto it = records.begin();
  for (int i = 0; i < 1000; ++i) ++it;
  const std::size_t before = test::allocations;
  double total = 0;
  std::size_t chars = 0;
  for (; it != std::default_sentinel; ++it) {
    total += it->get<double>("value");
    chars += it->get<std::string_view>("sensor").size() + it->at_pointer("/tags/site").get<std::string_view>().size();
  }
  EXPECT_EQ(test::allocations, before);
  EXPECT_GT(total, 0.0);
  EXPECT_GT(chars, 0u);
}

}  // namespace
