// io::next_line_start, io::count_line_breaks, input_options::start_offset and reading a CSV file from
// a position (csv_reader::position() and the resuming constructor): the io parts of reading one file
// on several threads.
#include <gtest/gtest.h>

#include <string>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/file_pieces.hpp>
#include <yieldpipe/io/input.hpp>

#include "support/compress.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace yieldpipe;

class file_pieces_test : public test::temp_dir_test {};

std::string read_all(io::input& in) {
  std::string out;
  for (auto chunk = in.next_chunk(); !chunk.empty(); chunk = in.next_chunk()) out.append(chunk.data(), chunk.size());
  return out;
}

TEST_F(file_pieces_test, an_input_starting_at_an_offset_reads_the_rest_and_reports_file_offsets) {
  const std::string path = write("0123456789abcdef", "plain.txt");
  io::input_options options;
  options.start_offset = 10;
  options.buffer_size = 4;
  io::input in(path, options);
  EXPECT_EQ(read_all(in), "abcdef");
  EXPECT_EQ(in.bytes_read(), 16u);
}

TEST_F(file_pieces_test, an_input_starting_inside_gzip_looking_bytes_is_still_plain) {
  const std::string path = write(std::string("abc\x1f\x8b\x08xyz", 9), "looks.txt");
  io::input_options options;
  options.start_offset = 3;
  io::input in(path, options);
  EXPECT_EQ(in.compression(), io::compression::none);
  EXPECT_EQ(read_all(in), std::string("\x1f\x8b\x08xyz", 6));
}

TEST_F(file_pieces_test, a_compressed_file_cannot_start_elsewhere_than_at_its_start) {
  const std::string path = write(test::gzip("a,b\n1,2\n"), "data.csv.gz");
  io::input_options options;
  options.start_offset = 4;
  try {
    io::input in(path, options);
    FAIL() << "no error";
  } catch (const io::io_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot start reading at byte 4: a compressed file is read from its start"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(file_pieces_test, next_line_start_is_after_the_next_newline_or_the_end) {
  const std::string path = write("ab\ncd\r\nef", "lines.txt");
  EXPECT_EQ(io::next_line_start(path, 0), 3u);
  EXPECT_EQ(io::next_line_start(path, 3), 7u);
  EXPECT_EQ(io::next_line_start(path, 2), 3u);
  EXPECT_EQ(io::next_line_start(path, 7), 9u);
}

TEST_F(file_pieces_test, count_line_breaks_counts_lf_crlf_once_and_a_lone_cr) {
  const std::string text = "a\nb\r\nc\rd\r\ne\r";
  const std::string path = write(text, "breaks.txt");
  EXPECT_EQ(io::count_line_breaks(path, 0, text.size()), 5u);
  // A range that ends between \r and \n: the \r is not a line break of its own.
  EXPECT_EQ(io::count_line_breaks(path, 0, 4), 1u);
  // One that ends after a lone \r.
  EXPECT_EQ(io::count_line_breaks(path, 0, 7), 3u);
  EXPECT_EQ(io::count_line_breaks(path, 5, 5), 0u);
  EXPECT_EQ(io::count_line_breaks(path, 2, text.size()), 4u);
}

TEST_F(file_pieces_test, count_line_breaks_is_right_across_chunks_of_a_large_file) {
  std::string text;
  std::uint64_t expected = 0;
  for (int i = 0; i < 300000; ++i) {
    text += std::to_string(i);
    const char* end = i % 7 == 0 ? "\r\n" : i % 11 == 0 ? "\r" : "\n";
    text += end;
    ++expected;
  }
  const std::string path = write(text, "big.txt");
  EXPECT_EQ(io::count_line_breaks(path, 0, text.size()), expected);
  const std::uint64_t cut = io::next_line_start(path, text.size() / 2);
  EXPECT_EQ(io::count_line_breaks(path, 0, cut) + io::count_line_breaks(path, cut, text.size()), expected);
}

TEST_F(file_pieces_test, a_reader_resumed_at_a_position_reads_what_the_first_would_have) {
  const std::string text = "\xEF\xBB\xBFid,note\n1,\"two\nlines\"\n\n2,plain\r\n3,\"x,y\"\n4,last";
  const std::string path = write(text, "data.csv");
  io::csv_reader first(path);
  const io::csv_position at_start = first.position();
  EXPECT_EQ(at_start.offset, 11u);  // after the BOM and the header
  EXPECT_EQ(at_start.line, 2u);
  const io::csv_row* row = first.next();
  ASSERT_NE(row, nullptr);
  const io::csv_position after_one = first.position();
  EXPECT_EQ(after_one.offset, 25u);  // the blank line: the reader skips it later
  EXPECT_EQ(after_one.line, 4u);

  struct seen {
    std::string id, note;
    std::uint64_t line, offset;
    bool operator==(const seen&) const = default;
  };
  const auto rest = [](io::csv_reader& r) {
    std::vector<seen> out;
    while (const io::csv_row* x = r.next())
      out.push_back({std::string((*x)[0]), std::string((*x)[1]), x->line(), x->offset()});
    return out;
  };
  io::csv_reader resumed(path, *first.header(), after_one);
  EXPECT_EQ(resumed.column("note"), 1u);
  const std::vector<seen> expected{{"2", "plain", 5, 26}, {"3", "x,y", 6, 35}, {"4", "last", 7, 43}};
  EXPECT_EQ(rest(resumed), expected);
  EXPECT_EQ(rest(first), expected);
  EXPECT_EQ(first.position().offset, text.size());
}

TEST_F(file_pieces_test, a_resumed_reader_names_the_files_lines_in_errors) {
  const std::string path = write("a,b\n1,2\n3,x\n", "bad.csv");
  io::csv_reader first(path);
  first.next();
  io::csv_reader resumed(path, *first.header(), first.position());
  const io::csv_row* row = resumed.next();
  ASSERT_NE(row, nullptr);
  try {
    (void)row->get<double>(1);
    FAIL() << "no error";
  } catch (const io::io_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ":3:3: column 'b': cannot read \"x\" as a number");
  }
}

}  // namespace
