// io::printable: input bytes as messages show them.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/printable.hpp>

namespace {

using yieldpipe::io::is_printable;
using yieldpipe::io::printable;

TEST(printable, keeps_valid_utf8_text_as_it_is) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \"quoted\", back\\slash";
  EXPECT_EQ(printable(text), text);
  EXPECT_TRUE(is_printable(text));
}

TEST(printable, escapes_controls_and_bytes_that_are_not_utf8) {
  EXPECT_EQ(printable(std::string("a\tb\nc\rd\x01\x7F", 9)), "a\\tb\\nc\\rd\\x01\\x7f");
  EXPECT_EQ(printable(std::string("nul\0end", 7)), "nul\\x00end");
  EXPECT_EQ(printable("latin1 caf\xE9"), "latin1 caf\\xe9");
  EXPECT_EQ(printable("\x80\xBF"), "\\x80\\xbf");                    // stray continuation bytes
  EXPECT_EQ(printable("\xC0\xAF"), "\\xc0\\xaf");                    // an overlong '/'
  EXPECT_EQ(printable("\xE0\x80\xAF"), "\\xe0\\x80\\xaf");           // overlong in three bytes
  EXPECT_EQ(printable("\xED\xA0\x80"), "\\xed\\xa0\\x80");           // a surrogate
  EXPECT_EQ(printable("\xF4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // beyond U+10FFFF
  EXPECT_EQ(printable("cut \xE2\x82"), "cut \\xe2\\x82");            // a truncated sequence
  EXPECT_EQ(printable("c1 \xC2\x85"), "c1 \\u0085");                 // a C1 control
  EXPECT_FALSE(is_printable("caf\xE9"));
  EXPECT_FALSE(is_printable("a\nb"));
}

TEST(printable, cuts_long_text_at_a_character_and_says_so) {
  EXPECT_EQ(printable("abcdef", 4), "abcd...");
  EXPECT_EQ(printable("ab\xE2\x82\xAC", 4), "ab...");  // the euro sign does not fit whole
  EXPECT_EQ(printable("a\x01", 3), "a...");            // nor does \x01's escape
  EXPECT_EQ(printable("abc", 3), "abc");
}

TEST(printable, is_idempotent_on_random_bytes_and_always_printable) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 256);
    const std::string once = printable(bytes);
    EXPECT_TRUE(is_printable(once)) << once;
    EXPECT_EQ(printable(once), once);
  }
}

TEST(printable, io_errors_show_printable_paths_and_reasons) {
  const yieldpipe::io::io_error e("dir/\xFF.csv", "cannot read \"\x01\xE9\" as a number", {.line = 3, .column = 2});
  EXPECT_STREQ(e.what(), "dir/\\xff.csv:3:2: cannot read \"\\x01\\xe9\" as a number");
  EXPECT_EQ(e.path(), "dir/\xFF.csv");  // as given
}

TEST(printable, every_csv_error_on_random_bytes_is_printable) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::string bytes(1 + rng() % 3000, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 4 == 0 ? ',' : rng() % 256);
    try {
      yieldpipe::io::csv_reader reader(yieldpipe::io::input::from_memory(bytes, "random.csv"));
      while (const yieldpipe::io::csv_row* row = reader.next())
        if (row->size() > 1) (void)row->get<double>(1);
    } catch (const yieldpipe::io::io_error& e) {
      EXPECT_TRUE(is_printable(e.what())) << printable(e.what());
    }
  }
}

}  // namespace
