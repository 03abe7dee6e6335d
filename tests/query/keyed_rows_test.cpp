// A piece's rows kept for a per-key window stage: numbers, interned keys and groups, kept fields.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/input.hpp>
#include <yieldpipe/query/keyed_rows.hpp>

namespace {

using namespace yieldpipe;

// Adds every row of `csv` (with its header) to `rows`.
void add_all(query::keyed_rows& rows, const std::string& csv, const io::reject_handler& on_reject = {}) {
  io::csv_reader reader(io::input::from_memory(csv, "in.csv"));
  while (const io::csv_row* row = reader.next()) rows.add(*row, on_reject);
}

TEST(keyed_rows, keys_and_groups_are_numbered_in_order_of_first_appearance) {
  query::keyed_rows rows({.value = 2, .key = 0, .group = 1});
  add_all(rows, "k,g,v\nb,x,1\na,y,2\nb,y,3\nc,x,4\n");
  ASSERT_EQ(rows.rows().size(), 4u);
  EXPECT_EQ(std::vector<std::string_view>(rows.keys().begin(), rows.keys().end()),
            (std::vector<std::string_view>{"b", "a", "c"}));
  EXPECT_EQ(std::vector<std::string_view>(rows.groups().begin(), rows.groups().end()),
            (std::vector<std::string_view>{"x", "y"}));
  std::vector<std::uint32_t> keys;
  std::vector<double> values;
  for (const query::keyed_rows::row& r : rows.rows()) {
    keys.push_back(r.key);
    values.push_back(r.value);
  }
  EXPECT_EQ(keys, (std::vector<std::uint32_t>{0, 1, 0, 2}));
  EXPECT_EQ(values, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(rows.rows()[3].group, 0u);
}

TEST(keyed_rows, without_a_key_column_every_row_has_the_empty_key) {
  query::keyed_rows rows({.value = 0});
  add_all(rows, "v\n1\n2\n");
  ASSERT_EQ(rows.keys().size(), 1u);
  EXPECT_EQ(rows.keys()[0], "");
  EXPECT_EQ(rows.rows()[1].key, 0u);
}

TEST(keyed_rows, keeps_the_value_as_written_or_every_field) {
  query::keyed_rows value({.value = 1, .key = 0, .keep = query::kept_fields::value});
  add_all(value, "k,v\na,1.50\nb,\"2e0\"\n");
  ASSERT_EQ(value.rows().size(), 2u);
  EXPECT_EQ(value.kept_count(0), 1u);
  EXPECT_EQ(value.kept(0, 0), "1.50");
  EXPECT_EQ(value.kept(1, 0), "2e0");

  query::keyed_rows all({.value = 1, .key = 0, .keep = query::kept_fields::all});
  add_all(all, "k,v,note\na,1,\"x, \"\"y\"\"\"\nb,2,\n");
  ASSERT_EQ(all.rows().size(), 2u);
  EXPECT_EQ(all.kept_count(0), 3u);
  EXPECT_EQ(all.kept(0, 2), "x, \"y\"");  // the field as parsed
  EXPECT_EQ(all.kept_count(1), 3u);
  EXPECT_EQ(all.kept(1, 0), "b");
  EXPECT_EQ(all.kept(1, 2), "");
}

TEST(keyed_rows, an_empty_value_is_skipped_and_a_bad_one_goes_to_the_policy) {
  query::keyed_rows rows({.value = 1, .key = 0});
  std::vector<std::string> rejected;
  add_all(rows, "k,v\na,\nb,x\nc,nan\nd,4\n",
          [&](const io::rejected_record& r, std::string_view reason, std::string_view) {
            rejected.push_back(std::string(r.text) + " " + std::string(reason));
            return true;
          });
  ASSERT_EQ(rows.rows().size(), 1u);
  EXPECT_EQ(rows.keys()[rows.rows()[0].key], "d");
  EXPECT_EQ(rejected, (std::vector<std::string>{"b,x bad number", "c,nan bad number"}));
  query::keyed_rows strict({.value = 1, .key = 0});
  EXPECT_THROW(add_all(strict, "k,v\nb,x\n"), io::io_error);
}

TEST(keyed_rows, a_moved_batch_keeps_its_key_texts) {
  query::keyed_rows rows({.value = 1, .key = 0});
  add_all(rows, "k,v\nshort,1\na-key-longer-than-any-inline-buffer,2\n");
  const query::keyed_rows moved(std::move(rows));
  EXPECT_EQ(moved.keys()[0], "short");
  EXPECT_EQ(moved.keys()[1], "a-key-longer-than-any-inline-buffer");
}

}  // namespace
