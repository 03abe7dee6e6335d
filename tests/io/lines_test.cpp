// io::read_lines: line endings, chunk boundaries, the maximum length, composition with iter.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>
#include <yieldpipe/io/detail/newline_index.hpp>
#include <yieldpipe/io/lines.hpp>
#include <yieldpipe/iter/filter.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/terminals.hpp>

#include "support/allocation_counter.hpp"
#include "support/compress.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace yieldpipe;
using io::io_error;
using io::line_options;
using io::read_lines;
using io::read_lines_owned;

static_assert(std::ranges::input_range<io::line_range>);
static_assert(std::ranges::viewable_range<io::line_range> && std::ranges::viewable_range<io::line_range&>);
static_assert(std::same_as<std::ranges::range_reference_t<io::line_range>, std::string_view>);
static_assert(std::ranges::input_range<io::owned_line_range>);
static_assert(std::same_as<std::ranges::range_reference_t<io::owned_line_range>, std::string&>);

// The reference: lines as the documentation defines them.
std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back(s.substr(start));
      break;
    }
    std::size_t len = nl - start;
    if (len > 0 && s[nl - 1] == '\r') --len;
    out.push_back(s.substr(start, len));
    start = nl + 1;
  }
  return out;
}

std::vector<std::string> collect(io::line_range lines) {
  std::vector<std::string> out;
  for (std::string_view line : lines) out.emplace_back(line);
  return out;
}

class lines_test : public test::temp_dir_test {
 protected:
  std::string write(const std::string& bytes, const std::string& name = "f.txt") {
    return temp_dir_test::write(bytes, name);
  }
  std::vector<std::string> lines_of(const std::string& bytes, std::size_t buffer = 1 << 20) {
    return collect(read_lines(write(bytes), {.input = {.buffer_size = buffer}}));
  }
};

using strings = std::vector<std::string>;

TEST_F(lines_test, lines_end_at_newline_or_crlf_and_a_lone_cr_stays) {
  EXPECT_EQ(lines_of("a\nbb\r\n\r\nc\rd\n"), (strings{"a", "bb", "", "c\rd"}));
}

TEST_F(lines_test, a_line_copied_across_chunks_and_any_part_of_it_is_not_padded) {
  const std::string path = write("abcdefghij\nk\n");
  io::line_reader reader(io::input(path, {.buffer_size = 4}));
  std::string_view line;
  ASSERT_TRUE(reader.next(line));  // "abcdefghij" straddles chunks: copied
  EXPECT_FALSE(reader.padded(line));
  EXPECT_FALSE(reader.padded(line.substr(3)));
  EXPECT_FALSE(reader.padded(line.substr(line.size())));

  io::line_reader whole{io::input(path)};
  ASSERT_TRUE(whole.next(line));  // in the chunk, followed by its padding
  EXPECT_TRUE(whole.padded(line));
  EXPECT_TRUE(whole.padded(line.substr(3)));
}

TEST_F(lines_test, the_last_line_needs_no_newline) {
  EXPECT_EQ(lines_of("a\nb"), (strings{"a", "b"}));
  EXPECT_EQ(lines_of("only"), (strings{"only"}));
}

TEST_F(lines_test, a_final_newline_makes_no_empty_line) {
  EXPECT_EQ(lines_of("a\n"), (strings{"a"}));
  EXPECT_EQ(lines_of("a\r\n"), (strings{"a"}));
  EXPECT_EQ(lines_of("\n"), (strings{""}));
  EXPECT_EQ(lines_of("\n\n"), (strings{"", ""}));
}

TEST_F(lines_test, an_empty_file_has_no_lines) {
  EXPECT_TRUE(lines_of("").empty());
  EXPECT_TRUE(lines_of("", 1).empty());
}

TEST_F(lines_test, lines_are_the_same_whatever_the_chunk_boundaries) {
  const std::string content = "first\r\n\r\nsecond line\n\n\r\nx\r\n" + std::string(100, 'y') + "\r\nlast\r";
  const strings expected = split(content);
  for (std::size_t buffer = 1; buffer <= 40; ++buffer)
    EXPECT_EQ(lines_of(content, buffer), expected) << "buffer " << buffer;
}

TEST_F(lines_test, random_lines_match_the_reference_for_plain_and_gzip_files) {
  std::mt19937 rng(42);
  std::string content;
  for (int i = 0; i < 5000; ++i) {
    content.append(rng() % 300, static_cast<char>('a' + rng() % 26));
    content += (rng() % 3 == 0) ? "\r\n" : "\n";
  }
  content += "tail";
  const strings expected = split(content);
  const std::string gz = write(test::gzip(content), "f.gz");
  for (const std::size_t buffer : {std::size_t{1} << 20, std::size_t{4096}, std::size_t{97}}) {
    EXPECT_EQ(lines_of(content, buffer), expected);
    EXPECT_EQ(collect(read_lines(gz, {.input = {.buffer_size = buffer}})), expected);
  }
}

TEST_F(lines_test, a_line_spanning_many_chunks_is_whole) {
  const std::string big(100000, 'z');
  EXPECT_EQ(lines_of("a\n" + big + "\r\nb", 1000), (strings{"a", big, "b"}));
  EXPECT_EQ(lines_of("a\n" + big, 1000), (strings{"a", big}));
}

TEST_F(lines_test, line_numbers_and_offsets_follow_the_lines) {
  auto lines = read_lines(write("ab\r\ncd\n\nlast"), {.input = {.buffer_size = 3}});
  std::vector<std::uint64_t> numbers, offsets;
  for (std::string_view line : lines) {
    (void)line;
    numbers.push_back(lines.line_number());
    offsets.push_back(lines.reader().line_offset());
  }
  EXPECT_EQ(numbers, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(offsets, (std::vector<std::uint64_t>{0, 4, 7, 8}));
  EXPECT_EQ(lines.reader().input().bytes_read(), 12u);
}

void expect_too_long(const std::function<void()>& fn, const std::string& path, std::uint64_t line, std::size_t max) {
  try {
    fn();
    ADD_FAILURE() << "no error";
  } catch (const io_error& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_EQ(e.line(), line);
    EXPECT_EQ(e.reason(),
              "line " + std::to_string(line) + " longer than the maximum of " + std::to_string(max) + " bytes");
    EXPECT_EQ(std::string(e.what()), path + ":" + std::to_string(line) + ": " + e.reason());
  }
}

TEST_F(lines_test, a_line_longer_than_the_maximum_is_an_error_naming_it) {
  const std::string path = write("ok\n0123456789\r\n0123456789A\nnever\n");
  for (const std::size_t buffer : {std::size_t{1} << 20, std::size_t{4}, std::size_t{1}}) {
    std::vector<std::string> seen;
    expect_too_long(
        [&] {
          for (std::string_view line : read_lines(path, {.max_line_length = 10, .input = {.buffer_size = buffer}}))
            seen.emplace_back(line);
        },
        path, 3, 10);
    EXPECT_EQ(seen, (strings{"ok", "0123456789"})) << "buffer " << buffer;  // a line of exactly the maximum is fine
  }
  // The last line, without newline, too.
  const std::string last = write("ok\n0123456789A", "last.txt");
  for (const std::size_t buffer : {std::size_t{1} << 20, std::size_t{4}})
    expect_too_long([&] { collect(read_lines(last, {.max_line_length = 10, .input = {.buffer_size = buffer}})); }, last,
                    2, 10);
}

TEST_F(lines_test, an_endless_line_fails_without_holding_it_all) {
  // 8 MiB without a newline, a 1 MiB maximum: the error comes after about 1 MiB has been read.
  const std::string path = write(std::string(8 << 20, 'x'));
  auto lines = read_lines(path, {.max_line_length = 1 << 20, .input = {.buffer_size = 64 << 10}});
  expect_too_long([&] { lines.begin(); }, path, 1, 1 << 20);
  EXPECT_LT(lines.reader().input().bytes_read(), 2u << 20);
}

TEST_F(lines_test, lines_compose_with_iter_stages_and_terminals) {
  const std::string path = write("apple\nbanana\r\navocado\ncherry\n");
  EXPECT_EQ(read_lines(path) | filter([](std::string_view l) { return l.starts_with('a'); }) | count(), 2u);
  EXPECT_EQ(read_lines(path) | map([](std::string_view l) { return l.size(); }) | sum(std::size_t{0}), 24u);
  auto lines = read_lines(path);
  EXPECT_EQ(lines | map([](std::string_view l) { return std::string(l); }) | to_vector(),
            (strings{"apple", "banana", "avocado", "cherry"}));
}

TEST_F(lines_test, owned_lines_can_be_kept) {
  const std::string content = "one\r\ntwo\n" + std::string(5000, 'l') + "\nfour";
  const std::string path = write(content);
  EXPECT_EQ(read_lines_owned(path, {.input = {.buffer_size = 16}}) | to_vector(), split(content));
  std::vector<std::string> kept;
  for (std::string& line : read_lines_owned(path)) kept.push_back(std::move(line));
  EXPECT_EQ(kept, split(content));
}

TEST_F(lines_test, a_second_begin_continues_where_the_loop_stopped) {
  auto lines = read_lines(write("a\nb\nc\nd\n"));
  for (std::string_view line : lines)
    if (line == "b") break;
  strings rest;
  for (std::string_view line : lines) rest.emplace_back(line);
  EXPECT_EQ(rest, (strings{"b", "c", "d"}));
  EXPECT_TRUE(lines.begin() == std::default_sentinel);
}

TEST_F(lines_test, a_moved_view_keeps_reading) {
  auto lines = read_lines(write("a\nb\nc\n"));
  auto it = lines.begin();
  EXPECT_EQ(*it, "a");
  io::line_range moved = std::move(lines);  // a move is not a copy: the reading continues
  ++it;
  EXPECT_EQ(*it, "b");
  EXPECT_EQ(collect(std::move(moved)), (strings{"b", "c"}));
}

TEST_F(lines_test, a_missing_file_throws_when_the_lines_are_requested) {
  const std::string path = (dir_ / "missing.txt").string();
  EXPECT_THROW(read_lines(path), io_error);
  EXPECT_THROW(read_lines_owned(path), io_error);
}

TEST_F(lines_test, reading_lines_allocates_nothing_once_warm) {
  std::string content;
  for (int i = 0; i < 20000; ++i) content += std::string(30 + i % 11, 'a' + static_cast<char>(i % 26)) + "\n";
  auto lines = read_lines(write(content), {.input = {.buffer_size = 4096}});
  auto it = lines.begin();
  for (int i = 0; i < 2000; ++i) ++it;
  const std::size_t before = test::allocations;
  std::size_t n = 0;
  for (; it != std::default_sentinel; ++it) n += (*it).size();
  EXPECT_EQ(test::allocations, before);
  EXPECT_GT(n, 0u);
}

TEST_F(lines_test, a_20_mb_file_has_as_many_lines_as_wc_l_counts) {
  std::mt19937 rng(7);
  std::string content;
  content.reserve(21 << 20);
  while (content.size() < (20u << 20)) {
    content.append(rng() % 200, 'x');
    content += (rng() % 5 == 0) ? "\r\n" : "\n";
  }
  content += "no newline at the end";
  const auto newlines = static_cast<std::size_t>(std::count(content.begin(), content.end(), '\n'));  // wc -l
  const std::string path = write(content);
  EXPECT_EQ(read_lines(path) | count(), newlines + 1);
  std::size_t bytes = 0;
  for (std::string_view line : read_lines(path)) bytes += line.size();
  EXPECT_EQ(bytes,
            content.size() - newlines - static_cast<std::size_t>(std::count(content.begin(), content.end(), '\r')));
}

// The newline scans: every variant this CPU runs must find what the reference finds.

using io::detail::newline_scan;

constexpr newline_scan all_scans[] = {newline_scan::portable, newline_scan::sse2, newline_scan::avx2};

std::string scan_name(newline_scan scan) {
  switch (scan) {
    case newline_scan::portable: return "portable";
    case newline_scan::sse2: return "sse2";
    case newline_scan::avx2: return "avx2";
  }
  return "?";
}

// Makes line_reader use `scan` while it lives, then the best one again.
class scan_choice {
 public:
  explicit scan_choice(newline_scan scan) : ok_(io::detail::use_newline_scan(scan)) {}
  scan_choice(const scan_choice&) = delete;
  scan_choice& operator=(const scan_choice&) = delete;
  ~scan_choice() { io::detail::use_newline_scan(io::detail::best_newline_scan()); }
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

// Text whose lines have random lengths around `mean` (so blocks hold 0 to 64 newlines), with `\r\n`
// and lone `\r` here and there.
std::string random_text(std::mt19937& rng, std::size_t bytes, unsigned mean) {
  std::string out;
  while (out.size() < bytes) {
    out.append(rng() % (2 * mean + 1), static_cast<char>('a' + rng() % 26));
    switch (rng() % 8) {
      case 0: out += "\r\n"; break;
      case 1: out += '\r'; break;
      default: out += '\n';
    }
  }
  return out;
}

TEST(newline_scan_test, the_portable_scan_exists_everywhere_and_the_best_one_runs_here) {
  EXPECT_NE(io::detail::newline_index_for(newline_scan::portable), nullptr);
  EXPECT_NE(io::detail::newline_index_for(io::detail::best_newline_scan()), nullptr);
  EXPECT_NE(io::detail::current_newline_index(), nullptr);
}

#if defined(__x86_64__)
TEST(newline_scan_test, the_best_scan_is_the_widest_this_cpu_runs) {
  const bool popcnt = __builtin_cpu_supports("popcnt");
  const bool avx2 = popcnt && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
  EXPECT_EQ(io::detail::newline_index_for(newline_scan::sse2) != nullptr, popcnt);
  EXPECT_EQ(io::detail::newline_index_for(newline_scan::avx2) != nullptr, avx2);
  EXPECT_EQ(io::detail::best_newline_scan(),
            avx2 ? newline_scan::avx2 : (popcnt ? newline_scan::sse2 : newline_scan::portable));
}
#endif

TEST(newline_scan_test, every_scan_finds_each_newline_of_random_spans) {
  std::mt19937 rng(11);
  for (const newline_scan scan : all_scans) {
    const io::detail::newline_index_fn fn = io::detail::newline_index_for(scan);
    if (fn == nullptr) continue;  // this CPU lacks it
    for (int round = 0; round < 400; ++round) {
      const unsigned mean = std::vector<unsigned>{0, 1, 3, 10, 60, 500}[rng() % 6];
      // 64 padding bytes after the span, full of newlines that must not be reported.
      std::string text = random_text(rng, rng() % 9000, mean);
      const std::size_t from = text.empty() ? 0 : rng() % (text.size() + 1);
      const std::size_t to = from + rng() % (text.size() - from + 1);
      text.resize(to);
      const std::string bytes = text + std::string(64, '\n');
      std::vector<const char*> out(to - from + io::detail::newline_index_slack);
      const std::size_t n = fn(bytes.data() + from, bytes.data() + to, out.data());
      std::vector<const char*> expected;
      for (std::size_t i = from; i < to; ++i)
        if (bytes[i] == '\n') expected.push_back(bytes.data() + i + 1);
      ASSERT_EQ(std::vector<const char*>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)), expected)
          << scan_name(scan) << " round " << round;
    }
  }
}

struct line_seen {
  std::string text;
  std::uint64_t number;
  std::uint64_t offset;
  friend bool operator==(const line_seen&, const line_seen&) = default;
};

std::vector<line_seen> read_all_lines(const std::string& path, std::size_t buffer, std::size_t max) {
  io::line_reader reader(io::input(path, {.buffer_size = buffer}), max);
  std::vector<line_seen> out;
  std::string_view line;
  while (reader.next(line)) out.push_back({std::string(line), reader.line_number(), reader.line_offset()});
  return out;
}

TEST_F(lines_test, every_scan_gives_the_same_lines_numbers_and_offsets_whatever_the_chunks) {
  std::mt19937 rng(5);
  for (int round = 0; round < 12; ++round) {
    const unsigned mean = std::vector<unsigned>{0, 2, 20, 70, 3000}[round % 5];
    const std::string content = random_text(rng, 20000 + rng() % 60000, mean);
    const std::string path = write(content);
    // The reference: lines, their numbers and where they start.
    std::vector<line_seen> expected;
    std::size_t start = 0;
    for (const std::string& line : split(content)) {
      expected.push_back({line, expected.size() + 1, start});
      const std::size_t nl = content.find('\n', start);
      start = nl == std::string::npos ? content.size() : nl + 1;
    }
    const std::size_t buffer = std::vector<std::size_t>{1, 63, 64, 4096, 5000, 1 << 20}[rng() % 6] + rng() % 3;
    for (const newline_scan scan : all_scans) {
      const scan_choice choice(scan);
      if (!choice.ok()) continue;
      EXPECT_EQ(read_all_lines(path, buffer, SIZE_MAX), expected)
          << scan_name(scan) << " round " << round << " buffer " << buffer;
    }
  }
}

TEST_F(lines_test, a_line_too_long_is_found_when_it_spans_many_scans_in_one_chunk) {
  // Lines of exactly the maximum pass, wherever the 4 KiB spans of the scan fall; the first longer
  // one is an error, after the lines before it.
  const std::size_t max = 9000;
  std::string content;
  for (int i = 0; i < 5; ++i) content += std::string(max, 'a') + (i % 2 == 0 ? "\r\n" : "\n");
  content += std::string(max + 1, 'b') + "\nnever\n";
  const std::string path = write(content);
  for (const std::size_t buffer : {std::size_t{1} << 20, std::size_t{5000}, std::size_t{4096}}) {
    std::size_t seen = 0;
    expect_too_long(
        [&] {
          for (std::string_view line : read_lines(path, {.max_line_length = max, .input = {.buffer_size = buffer}})) {
            EXPECT_EQ(line, std::string(max, 'a'));
            ++seen;
          }
        },
        path, 6, max);
    EXPECT_EQ(seen, 5u) << "buffer " << buffer;
  }
}

TEST_F(lines_test, a_too_long_line_right_after_a_short_one_in_the_same_scan_is_an_error) {
  const std::string path = write("ok\nmuch too long\nnever\n");
  io::line_reader reader(io::input(path), 5);
  std::string_view line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "ok");
  expect_too_long([&] { reader.next(line); }, path, 2, 5);
  expect_too_long([&] { reader.next(line); }, path, 2, 5);  // and again: the reader does not skip it
}

TEST_F(lines_test, line_number_and_offset_stay_on_the_last_line_at_the_end) {
  for (const std::string content : {"ab\ncd\n", "ab\ncd"}) {
    for (const std::size_t buffer : {std::size_t{1} << 20, std::size_t{4}}) {
      io::line_reader reader(io::input(write(content), {.buffer_size = buffer}));
      EXPECT_EQ(reader.line_number(), 0u);
      std::string_view line;
      while (reader.next(line)) {
      }
      EXPECT_FALSE(reader.next(line));
      EXPECT_EQ(reader.line_number(), 2u) << content << " buffer " << buffer;
      EXPECT_EQ(reader.line_offset(), 3u) << content << " buffer " << buffer;
    }
  }
}

TEST_F(lines_test, a_moved_reader_keeps_reading) {
  std::mt19937 rng(3);
  const std::string content = random_text(rng, 50000, 30);
  io::line_reader a(io::input(write(content), {.buffer_size = 10000}));
  std::string_view line;
  std::vector<std::string> got;
  for (int i = 0; i < 100 && a.next(line); ++i) got.emplace_back(line);
  io::line_reader b = std::move(a);
  while (b.next(line)) got.emplace_back(line);
  EXPECT_EQ(got, split(content));
}

TEST(line_reader_origin, lines_are_numbered_and_placed_from_where_the_input_starts) {
  const std::string block = "c\r\nd\n\nlast";
  io::line_reader reader(
      io::input::from_memory(block, "block", {.buffer_size = 3, .start_offset = 100, .start_line = 4}));
  std::string_view line;
  std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> got;
  while (reader.next(line)) got.emplace_back(std::string(line), reader.line_number(), reader.line_offset());
  const std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> expected{
      {"c", 4, 100}, {"d", 5, 103}, {"", 6, 105}, {"last", 7, 106}};
  EXPECT_EQ(got, expected);
}

}  // namespace
