// Following a growing file as `tail -F` does: complete lines only, rotation, truncation, errors.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/file_follower.hpp>

#include "support/temp_dir.hpp"

namespace {

using namespace yieldpipe;

struct seen_line {
  std::string text;
  std::uint64_t number;
  std::uint64_t offset;
  bool operator==(const seen_line&) const = default;
};

class file_follower_test : public test::temp_dir_test {
 protected:
  void append(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
  }
  // The lines one poll hands out.
  static std::vector<seen_line> poll(io::file_follower& f) {
    std::vector<seen_line> got;
    f.poll([&](std::string_view text, std::uint64_t number, std::uint64_t offset) {
      got.push_back({std::string(text), number, offset});
    });
    return got;
  }
};

TEST_F(file_follower_test, hands_out_complete_lines_and_waits_for_the_end_of_an_unfinished_one) {
  const std::string path = write("a\r\nbb\ncc", "app.log");
  io::file_follower f(path);
  EXPECT_EQ(poll(f), (std::vector<seen_line>{{"a", 1, 0}, {"bb", 2, 3}}));
  EXPECT_EQ(poll(f), std::vector<seen_line>{});  // "cc" has no end yet
  append(path, "c\ndd\n");
  EXPECT_EQ(poll(f), (std::vector<seen_line>{{"ccc", 3, 6}, {"dd", 4, 10}}));
}

TEST_F(file_follower_test, a_rotated_file_is_read_to_its_end_then_the_new_one_from_its_start) {
  const std::string path = write("one\n", "app.log");
  io::file_follower f(path);
  EXPECT_EQ(poll(f).size(), 1u);
  std::filesystem::rename(path, path + ".1");
  append(path + ".1", "two\nunfinished");
  EXPECT_EQ(poll(f), (std::vector<seen_line>{{"two", 2, 4}}));  // the path is missing: the old file is kept
  write("new\n", "app.log");
  EXPECT_EQ(poll(f), (std::vector<seen_line>{{"unfinished", 3, 8}, {"new", 1, 0}}));
}

TEST_F(file_follower_test, a_truncated_file_is_read_again_from_its_start) {
  const std::string path = write("first line\nsecond line\n", "app.log");
  io::file_follower f(path);
  EXPECT_EQ(poll(f).size(), 2u);
  write("x\n", "app.log");  // copytruncate: the same file, shorter
  EXPECT_EQ(poll(f), (std::vector<seen_line>{{"x", 1, 0}}));
}

TEST_F(file_follower_test, next_hands_out_one_line_at_a_time_whose_view_lasts_until_the_next_call) {
  const std::string path = write("one\ntwo\nunfinished", "app.log");
  io::file_follower f(path);
  io::file_follower::line l;
  ASSERT_TRUE(f.next(l));
  EXPECT_EQ(seen_line(std::string(l.text), l.number, l.offset), (seen_line{"one", 1, 0}));
  append(path, "\nthree\n");  // read by the calls that follow, not by the first
  std::vector<seen_line> rest;
  while (f.next(l)) rest.push_back({std::string(l.text), l.number, l.offset});
  EXPECT_EQ(rest, (std::vector<seen_line>{{"two", 2, 4}, {"unfinished", 3, 8}, {"three", 4, 19}}));
  EXPECT_FALSE(f.next(l));
  // Rotated: the old file's unterminated last line, valid until the next call adopts the new file.
  append(path, "last");
  std::filesystem::rename(path, path + ".1");
  write("new\n", "app.log");
  ASSERT_TRUE(f.next(l));
  EXPECT_EQ(l.text, "last");
  EXPECT_EQ(l.number, 5u);
  ASSERT_TRUE(f.next(l));
  EXPECT_EQ(seen_line(std::string(l.text), l.number, l.offset), (seen_line{"new", 1, 0}));
}

TEST_F(file_follower_test, a_missing_file_or_a_directory_is_an_io_error_naming_it) {
  EXPECT_THROW(io::file_follower((dir_ / "missing.log").string()), io::io_error);
  try {
    io::file_follower f(dir_.string());
    poll(f);
    FAIL() << "no io_error";
  } catch (const io::io_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir_.string()), std::string::npos) << e.what();
  }
}

}  // namespace
