// io::input: plain, gzip and zstd files and standard input, and their errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <yieldpipe/io/input.hpp>

#include "support/compress.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using yieldpipe::io::compression;
using yieldpipe::io::input;
using yieldpipe::io::input_options;
using yieldpipe::io::io_error;

std::string text(std::size_t lines, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::string out;
  for (std::size_t i = 0; i < lines; ++i) {
    out += "line " + std::to_string(i) + ",";
    out.append(rng() % 80, static_cast<char>('a' + rng() % 26));
    out += '\n';
  }
  return out;
}

std::string read_all(input& in) {
  std::string out;
  for (auto chunk = in.next_chunk(); !chunk.empty(); chunk = in.next_chunk()) out.append(chunk.data(), chunk.size());
  return out;
}

class input_test : public yieldpipe::test::temp_dir_test {
 protected:
  std::string write(const std::string& name, const std::string& bytes) { return temp_dir_test::write(bytes, name); }
};

TEST_F(input_test, plain_gzip_and_zstd_files_with_the_same_content_read_identically) {
  const std::string content = text(40000);
  const std::string plain = write("a.txt", content);
  const std::string gz = write("a.txt.gz", yieldpipe::test::gzip(content));
  const std::string zst = write("a.txt.zst", yieldpipe::test::zstd(content));
  for (const std::size_t buffer : {std::size_t{1} << 20, std::size_t{4096}, std::size_t{7}}) {
    input a(plain, {.buffer_size = buffer});
    input b(gz, {.buffer_size = buffer});
    input c(zst, {.buffer_size = buffer});
    EXPECT_EQ(a.compression(), compression::none);
    EXPECT_EQ(b.compression(), compression::gzip);
    EXPECT_EQ(c.compression(), compression::zstd);
    EXPECT_EQ(read_all(a), content);
    EXPECT_EQ(read_all(b), content);
    EXPECT_EQ(read_all(c), content);
  }
}

// A read() into a buffer 16 bytes past a page boundary (where malloc puts a large block) copies
// from the page cache at half the speed.
TEST_F(input_test, chunks_start_on_a_page_boundary) {
  const std::string content = text(3000);
  for (const std::string& name :
       {write("p", content), write("g", yieldpipe::test::gzip(content)), write("z", yieldpipe::test::zstd(content))}) {
    input in(name, {.buffer_size = 1 << 16});
    for (auto chunk = in.next_chunk(); !chunk.empty(); chunk = in.next_chunk())
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(chunk.data()) % 4096, 0u) << name;
  }
}

TEST_F(input_test, chunks_are_never_empty_before_the_end_and_stay_empty_after_it) {
  const std::string content = text(1000);
  for (const std::string& name :
       {write("p", content), write("g", yieldpipe::test::gzip(content)), write("z", yieldpipe::test::zstd(content))}) {
    input in(name, {.buffer_size = 100});
    std::size_t total = 0;
    for (auto chunk = in.next_chunk(); !chunk.empty(); chunk = in.next_chunk()) {
      EXPECT_LE(chunk.size(), 100u);
      total += chunk.size();
    }
    EXPECT_EQ(total, content.size());
    EXPECT_TRUE(in.next_chunk().empty());
    EXPECT_TRUE(in.next_chunk().empty());
  }
}

TEST_F(input_test, compression_is_detected_by_magic_bytes_not_by_name) {
  const std::string content = "hello\nworld\n";
  input gz_named_txt(write("really_gzip.txt", yieldpipe::test::gzip(content)));
  EXPECT_EQ(gz_named_txt.compression(), compression::gzip);
  EXPECT_EQ(read_all(gz_named_txt), content);
  input zst_named_csv(write("really_zstd.csv", yieldpipe::test::zstd(content)));
  EXPECT_EQ(zst_named_csv.compression(), compression::zstd);
  EXPECT_EQ(read_all(zst_named_csv), content);
  input plain_named_gz(write("plain.gz", content));
  EXPECT_EQ(plain_named_gz.compression(), compression::none);
  EXPECT_EQ(read_all(plain_named_gz), content);
}

TEST_F(input_test, short_files_are_plain) {
  for (const std::string& content :
       {std::string(), std::string("\x1f"), std::string("ab"), std::string("\x28\xb5\x2f")}) {
    input in(write("short", content));
    EXPECT_EQ(in.compression(), compression::none);
    EXPECT_EQ(read_all(in), content);
  }
}

TEST_F(input_test, an_empty_file_has_no_chunks) {
  input in(write("empty", ""));
  EXPECT_TRUE(in.next_chunk().empty());
  EXPECT_EQ(in.total_bytes(), 0u);
}

TEST_F(input_test, concatenated_gzip_members_read_as_one_stream) {
  const std::string a = text(3000, 1), b = text(10, 2), c = text(5000, 3);
  const std::string path = write("abc.gz", yieldpipe::test::gzip(a) + yieldpipe::test::gzip(b) +
                                               yieldpipe::test::gzip("") + yieldpipe::test::gzip(c));
  for (const std::size_t buffer : {std::size_t{1} << 20, std::size_t{13}}) {
    input in(path, {.buffer_size = buffer});
    EXPECT_EQ(read_all(in), a + b + c);
  }
}

TEST_F(input_test, several_zstd_frames_read_as_one_stream) {
  const std::string a = text(3000, 1), b = text(5000, 2);
  input in(write("ab.zst", yieldpipe::test::zstd(a) + yieldpipe::test::zstd(b)), {.buffer_size = 1000});
  EXPECT_EQ(read_all(in), a + b);
}

TEST_F(input_test, progress_counts_compressed_bytes_up_to_the_file_size) {
  const std::string content = text(20000);
  const std::string packed = yieldpipe::test::gzip(content);
  input in(write("p.gz", packed), {.buffer_size = 4096});
  EXPECT_EQ(in.total_bytes(), packed.size());
  std::uint64_t last = 0;
  for (auto chunk = in.next_chunk(); !chunk.empty(); chunk = in.next_chunk()) {
    EXPECT_GE(in.bytes_read(), last);
    last = in.bytes_read();
  }
  EXPECT_EQ(in.bytes_read(), packed.size());

  input plain(write("p.txt", content));
  read_all(plain);
  EXPECT_EQ(plain.bytes_read(), content.size());
  EXPECT_EQ(plain.total_bytes(), content.size());
}

void expect_error(const std::function<void()>& fn, const std::string& path, const std::string& reason_part,
                  std::optional<std::uint64_t> offset) {
  try {
    fn();
    ADD_FAILURE() << "no io_error for " << path;
  } catch (const io_error& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(e.reason().find(reason_part), std::string::npos) << e.what();
    if (offset) {
      EXPECT_EQ(e.offset(), offset) << e.what();
      EXPECT_NE(std::string(e.what()).find("byte " + std::to_string(*offset)), std::string::npos) << e.what();
    }
  }
}

TEST_F(input_test, a_truncated_gzip_file_is_an_error_at_the_end_of_its_bytes) {
  const std::string packed = yieldpipe::test::gzip(text(20000));
  const std::string cut = packed.substr(0, packed.size() / 2);
  const std::string path = write("cut.gz", cut);
  for (const std::size_t buffer : {std::size_t{1} << 20, std::size_t{100}}) {
    expect_error(
        [&] {
          input in(path, {.buffer_size = buffer});
          read_all(in);
        },
        path, "truncated gzip stream", cut.size());
  }
  // Also when the cut falls in the 8-byte trailer.
  const std::string no_trailer = write("no_trailer.gz", packed.substr(0, packed.size() - 3));
  expect_error(
      [&] {
        input in(no_trailer);
        read_all(in);
      },
      no_trailer, "truncated gzip stream", packed.size() - 3);
}

TEST_F(input_test, a_corrupt_gzip_file_is_an_error_naming_the_offset_and_zlibs_message) {
  std::string packed = yieldpipe::test::gzip(text(20000));
  for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 16; ++i) packed[i] = static_cast<char>(~packed[i]);
  const std::string path = write("bad.gz", packed);
  try {
    input in(path);
    read_all(in);
    ADD_FAILURE() << "no error";
  } catch (const io_error& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_NE(e.reason().find("corrupt gzip stream (zlib: "), std::string::npos) << e.what();
    ASSERT_TRUE(e.offset().has_value());
    EXPECT_GT(*e.offset(), packed.size() / 2 - 1);
    EXPECT_LE(*e.offset(), packed.size());
  }
  // A damaged header: zlib's own words.
  std::string bad_header = yieldpipe::test::gzip("abc");
  bad_header[2] = 9;  // compression method 9 does not exist
  const std::string header_path = write("bad_header.gz", bad_header);
  expect_error(
      [&] {
        input in(header_path);
        read_all(in);
      },
      header_path, "unknown compression method", std::nullopt);
}

TEST_F(input_test, data_after_the_last_gzip_member_is_an_error) {
  const std::string packed = yieldpipe::test::gzip("abc\n");
  const std::string path = write("trailing.gz", packed + "garbage");
  expect_error(
      [&] {
        input in(path);
        read_all(in);
      },
      path, "unexpected data after the end of the gzip stream", packed.size());
}

TEST_F(input_test, a_truncated_zstd_file_is_an_error_at_the_end_of_its_bytes) {
  const std::string packed = yieldpipe::test::zstd(text(20000));
  for (const std::size_t keep : {packed.size() / 2, packed.size() - 1, std::size_t{6}}) {
    const std::string path = write("cut.zst", packed.substr(0, keep));
    expect_error(
        [&] {
          input in(path, {.buffer_size = 1000});
          read_all(in);
        },
        path, "truncated zstd stream", keep);
  }
}

TEST_F(input_test, a_corrupt_zstd_file_is_an_error_naming_the_offset_and_zstds_message) {
  std::string packed = yieldpipe::test::zstd(text(20000));
  for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 16; ++i) packed[i] = static_cast<char>(~packed[i]);
  const std::string path = write("bad.zst", packed);
  try {
    input in(path);
    read_all(in);
    ADD_FAILURE() << "no error";
  } catch (const io_error& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_NE(e.reason().find("corrupt zstd stream (zstd: "), std::string::npos) << e.what();
    ASSERT_TRUE(e.offset().has_value());
    EXPECT_LE(*e.offset(), packed.size());
  }
  const std::string trailing = write("trailing.zst", yieldpipe::test::zstd("abc") + "garbage!");
  expect_error(
      [&] {
        input in(trailing);
        read_all(in);
      },
      trailing, "corrupt zstd stream (zstd: Unknown frame descriptor)", std::nullopt);
}

TEST_F(input_test, a_missing_file_is_an_error_naming_it_and_the_os_reason) {
  const std::string path = (dir_ / "missing.csv").string();
  expect_error([&] { input in(path); }, path, "cannot open: No such file or directory", std::nullopt);
}

TEST_F(input_test, a_directory_is_an_error) {
  const std::string path = dir_.string();
  expect_error([&] { input in(path); }, path, "is a directory", std::nullopt);
}

TEST_F(input_test, an_unreadable_file_is_an_error_naming_the_os_reason) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their permissions";
  const std::string path = write("secret.txt", "x\n");
  fs::permissions(path, fs::perms::none);
  expect_error([&] { input in(path); }, path, "cannot open: Permission denied", std::nullopt);
}

// Root reads any file, so the read-failure path is exercised with a file whose read() fails for
// everyone: /proc/self/mem at offset 0 (an unmapped address) gives EIO.
TEST_F(input_test, a_failing_read_is_an_error_naming_the_os_reason_and_offset) {
  if (!fs::exists("/proc/self/mem")) GTEST_SKIP() << "no /proc/self/mem on this system";
  expect_error([&] { input in("/proc/self/mem"); }, "/proc/self/mem", "read failed: Input/output error", 0);
}

TEST_F(input_test, a_zero_buffer_size_is_rejected) {
  const std::string path = write("a", "abc");
  EXPECT_THROW(input(path, {.buffer_size = 0}), std::invalid_argument);
}

TEST_F(input_test, an_input_can_be_moved_while_reading) {
  const std::string content = text(2000);
  input a(write("a", content), {.buffer_size = 64});
  std::string got(a.next_chunk().data(), 64);
  input b = std::move(a);
  got += read_all(b);
  EXPECT_EQ(got, content);
}

// Writes `bytes` into a pipe from another thread; the read end is returned.
class pipe_writer {
 public:
  explicit pipe_writer(std::string bytes) {
    if (::pipe(fds_) != 0) throw std::runtime_error("pipe");
    thread_ = std::thread([this, bytes = std::move(bytes)] {
      std::size_t done = 0;
      while (done < bytes.size()) {
        const ssize_t n = ::write(fds_[1], bytes.data() + done, std::min<std::size_t>(bytes.size() - done, 1000));
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      ::close(fds_[1]);
    });
  }
  ~pipe_writer() {
    thread_.join();
    ::close(fds_[0]);
  }
  int read_end() const { return fds_[0]; }

 private:
  int fds_[2]{};
  std::thread thread_;
};

TEST_F(input_test, dash_reads_standard_input) {
  const std::string content = text(5000);
  pipe_writer writer(yieldpipe::test::gzip(content));
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_EQ(::dup2(writer.read_end(), STDIN_FILENO), STDIN_FILENO);
  std::string got;
  try {
    input in("-");
    EXPECT_EQ(in.path(), "<stdin>");
    EXPECT_EQ(in.compression(), compression::gzip);
    EXPECT_EQ(in.total_bytes(), std::nullopt);
    got = read_all(in);
  } catch (...) {
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    throw;
  }
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  EXPECT_EQ(got, content);
}

TEST_F(input_test, a_file_descriptor_is_read_and_left_open) {
  const std::string content = text(5000);
  pipe_writer writer(yieldpipe::test::zstd(content));
  {
    input in = input::from_fd(writer.read_end(), "pipe");
    EXPECT_EQ(in.path(), "pipe");
    EXPECT_EQ(read_all(in), content);
  }
  EXPECT_NE(::fcntl(writer.read_end(), F_GETFD), -1);  // still open
}

TEST(input_from_memory, hands_out_its_bytes_in_chunks_with_readable_padding_and_counts_from_its_start) {
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes += static_cast<char>('a' + i % 26);
  input in = input::from_memory(bytes, "block", {.buffer_size = 100, .start_offset = 5000, .start_line = 7});
  EXPECT_EQ(in.path(), "block");
  EXPECT_EQ(in.start_offset(), 5000u);
  EXPECT_EQ(in.start_line(), 7u);
  EXPECT_EQ(in.compression(), compression::none);
  EXPECT_FALSE(in.total_bytes());
  EXPECT_EQ(in.bytes_read(), 5000u);
  std::string got;
  for (std::span<const char> chunk = in.next_chunk(); !chunk.empty(); chunk = in.next_chunk()) {
    EXPECT_LE(chunk.size(), 100u);
    volatile char padding = chunk.data()[chunk.size() + input::chunk_padding - 1];  // readable (ASan checks)
    (void)padding;
    got.append(chunk.data(), chunk.size());
    EXPECT_EQ(in.bytes_read(), 5000u + got.size());
  }
  EXPECT_EQ(got, bytes);
  EXPECT_TRUE(in.next_chunk().empty());
}

TEST(input_from_memory, bytes_that_look_compressed_are_not_decompressed) {
  const std::string gz = yieldpipe::test::gzip("hello");
  input in = input::from_memory(gz, "block");
  EXPECT_EQ(in.compression(), compression::none);
  std::string got;
  for (std::span<const char> chunk = in.next_chunk(); !chunk.empty(); chunk = in.next_chunk())
    got.append(chunk.data(), chunk.size());
  EXPECT_EQ(got, gz);
}

TEST(input_from_memory, an_empty_block_has_no_chunk_and_line_zero_is_refused) {
  input in = input::from_memory({}, "empty");
  EXPECT_TRUE(in.next_chunk().empty());
  EXPECT_THROW(input::from_memory({}, "x", {.start_line = 0}), std::invalid_argument);
}

// --- encodings and peeking ---------------------------------------------------------------------

using yieldpipe::io::text_encoding;

// `text` in UTF-16 (code units from UTF-8 by hand: the test's texts are BMP characters and one pair).
std::string utf16(const std::u16string& text, bool little_endian, bool bom) {
  std::string out;
  const auto unit = [&](char16_t u) {
    const auto lo = static_cast<char>(u & 0xFF), hi = static_cast<char>(u >> 8);
    out += little_endian ? lo : hi;
    out += little_endian ? hi : lo;
  };
  if (bom) unit(0xFEFF);
  for (const char16_t u : text) unit(u);
  return out;
}

TEST_F(input_test, utf16_with_a_byte_order_mark_is_read_as_utf8_from_files_pipes_and_gzip) {
  const std::u16string text16 = u"id,name\n1,Zo\u00eb\n2,\u20ac \U0001F600\n";
  const std::string utf8 = "id,name\n1,Zo\xC3\xAB\n2,\xE2\x82\xAC \xF0\x9F\x98\x80\n";
  for (const bool le : {true, false}) {
    const std::string bytes = utf16(text16, le, true);
    const std::string plain = write("u16.csv", bytes);
    const std::string gz = write("u16.csv.gz", yieldpipe::test::gzip(bytes));
    for (const std::size_t buffer : {std::size_t{1} << 20, std::size_t{1}, std::size_t{3}}) {
      SCOPED_TRACE(std::string(le ? "LE" : "BE") + ", buffer " + std::to_string(buffer));
      input in(plain, {.buffer_size = buffer});
      EXPECT_TRUE(in.transcoded());
      EXPECT_EQ(read_all(in), utf8);
      input zipped(gz, {.buffer_size = buffer});
      EXPECT_EQ(read_all(zipped), utf8);
      EXPECT_TRUE(zipped.transcoded());
    }
    // Without a byte order mark, UTF-16 must be named.
    const std::string named = write("u16-nobom.csv", utf16(text16, le, false));
    input in(named, {.encoding = le ? text_encoding::utf16le : text_encoding::utf16be});
    EXPECT_EQ(read_all(in), utf8);
  }
}

TEST_F(input_test, latin1_and_cp1252_are_transcoded_and_utf8_passes_through_untouched) {
  const std::string bytes = "caf\xE9;\x80 5;\x93quoted\x94\n";
  const std::string path = write("l1.csv", bytes);
  input latin1(path, {.encoding = text_encoding::latin1});
  EXPECT_EQ(read_all(latin1), "caf\xC3\xA9;\xC2\x80 5;\xC2\x93quoted\xC2\x94\n");
  input cp1252(path, {.buffer_size = 2, .encoding = text_encoding::cp1252});
  EXPECT_EQ(read_all(cp1252), "caf\xC3\xA9;\xE2\x82\xAC 5;\xE2\x80\x9Cquoted\xE2\x80\x9D\n");
  input as_is(path);  // automatic: no UTF-16 mark, so the bytes as they are, invalid UTF-8 included
  EXPECT_FALSE(as_is.transcoded());
  EXPECT_EQ(read_all(as_is), bytes);
}

TEST_F(input_test, broken_utf16_becomes_replacement_characters) {
  // A lone low surrogate, a high surrogate followed by a letter, and an odd last byte.
  std::string bytes = utf16(u"a", true, true);
  bytes += std::string("\x00\xDC", 2) + std::string("\x00\xD8", 2) + std::string("b\x00", 2) + "c";
  const std::string path = write("bad16.txt", bytes);
  input in(path);
  EXPECT_EQ(read_all(in),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
}

TEST_F(input_test, a_transcoded_input_cannot_start_in_the_middle) {
  const std::string path = write("u16.txt", utf16(u"abc\ndef\n", true, true));
  EXPECT_THROW(input(path, {.start_offset = 4, .encoding = text_encoding::latin1}), io_error);
}

TEST_F(input_test, peeking_shows_the_first_bytes_which_reading_then_gives_again) {
  const std::string content = text(3000);
  const std::string gz = write("p.txt.gz", yieldpipe::test::gzip(content));
  for (const std::size_t buffer : {std::size_t{1} << 20, std::size_t{5}}) {
    input in(gz, {.buffer_size = buffer});
    const std::string first(in.peek(100));
    EXPECT_EQ(first, content.substr(0, first.size()));
    EXPECT_GE(first.size(), 100u);
    EXPECT_EQ(std::string(in.peek(1000)).substr(0, 1000), content.substr(0, 1000));  // a second look goes further
    EXPECT_EQ(read_all(in), content);
    EXPECT_THROW((void)in.peek(10), std::logic_error);
  }
  const std::string tiny = write("tiny.txt", "ab");
  input short_input(tiny);
  EXPECT_EQ(short_input.peek(64), "ab");
  EXPECT_EQ(read_all(short_input), "ab");
}

TEST(text_encoding_names, are_parsed_in_any_case_and_printed_back) {
  using yieldpipe::io::parse_text_encoding;
  EXPECT_EQ(parse_text_encoding("UTF-16LE"), text_encoding::utf16le);
  EXPECT_EQ(parse_text_encoding("windows-1252"), text_encoding::cp1252);
  EXPECT_EQ(parse_text_encoding("ISO-8859-1"), text_encoding::latin1);
  EXPECT_EQ(parse_text_encoding("ebcdic"), std::nullopt);
  EXPECT_EQ(yieldpipe::io::to_string(text_encoding::utf16be), "utf-16be");
}

}  // namespace
