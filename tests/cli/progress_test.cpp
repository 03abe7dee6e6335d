// The commands' progress on stderr (--progress/--no-progress, a bar by default only when stderr is a
// terminal) and --memory, through the built `yieldpipe`.
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/cli_fixture.hpp"

namespace {

using yieldpipe::test::cli_fixture;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool is_number(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789.") == std::string_view::npos;
}

// The "(...)" after "N items" in a final progress line: "1.9 MiB/1.9 MiB, 100.0%" or "1.9 MiB".
std::string bytes_part(const std::string& line) {
  const std::size_t open = line.find(" items (");
  const std::size_t close = line.find(") in ");
  if (open == std::string::npos || close == std::string::npos || close < open) return {};
  return line.substr(open + 8, close - open - 8);
}

// "6.1 MiB" (a number and a unit of format_bytes) as bytes; -1 if it is not that.
double bytes_of(std::string_view text) {
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos || !is_number(text.substr(0, space))) return -1;
  const std::string_view unit = text.substr(space + 1);
  const double scale = unit == "B"     ? 1.0
                       : unit == "KiB" ? 1024.0
                       : unit == "MiB" ? 1048576.0
                       : unit == "GiB" ? 1073741824.0
                                       : -1.0;
  return scale < 0 ? -1 : std::stod(std::string(text.substr(0, space))) * scale;
}

// Whether `drawn` is a bar with a percent: "stats:  12.3% [##                  ] 240.0 KiB/1.9 MiB | 2000 it | ...".
bool is_percent_bar(const std::string& drawn, const std::string& label) {
  if (!drawn.starts_with(label + ": ")) return false;
  const std::size_t pct = drawn.find("% [");
  if (pct == std::string::npos || pct + 3 + 20 + 2 > drawn.size()) return false;
  const std::string_view number = std::string_view(drawn).substr(label.size() + 2, pct - label.size() - 2);
  const std::size_t digits = number.find_first_not_of(' ');
  if (digits == std::string_view::npos || !is_number(number.substr(digits))) return false;
  const std::string cells = drawn.substr(pct + 3, 20);
  return cells.find_first_not_of("# ") == std::string::npos && drawn.compare(pct + 23, 2, "] ") == 0 &&
         drawn.find("/", pct) != std::string::npos && drawn.find(" it | ", pct) != std::string::npos;
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += c == '\n' ? 1 : 0;
  return n;
}

// What a command wrote to a terminal, and how it exited.
struct terminal_run {
  std::string screen;
  int status = -1;
};

// Runs `sh -c command` with a pseudo-terminal as its standard input, output and error (the command
// may redirect some of them), in raw mode so that the screen holds the bytes as written.
terminal_run run_on_terminal(const std::string& command) {
  termios raw{};
  ::cfmakeraw(&raw);
  winsize size{};
  size.ws_row = 24;
  size.ws_col = 160;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, &raw, &size);
  if (pid < 0) return {};
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  terminal_run run;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n > 0) {
      run.screen.append(buffer, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO: every process holding the terminal has closed it
    }
  }
  ::close(master);
  int status = 0;
  if (::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) run.status = WEXITSTATUS(status);
  return run;
}

// A screen where a bar is drawn as "\rTEXT\x1b[K" (erased as "\r\x1b[K"), split into the bar's
// drawings and the rest. `beside_bar` counts the bytes of the rest that were written while a bar
// stood on the line (results glued to the bar); `bar_left` says whether one stands at the end.
struct screen_parts {
  std::string rest;
  std::vector<std::string> drawings;
  std::size_t beside_bar = 0;
  bool bar_left = false;
};

screen_parts split_screen(const std::string& screen) {
  screen_parts parts;
  std::size_t i = 0;
  while (i < screen.size()) {
    const std::size_t erase_at = screen.find("\x1b[K", i);
    if (screen[i] == '\r' && erase_at != std::string::npos && screen.find('\n', i) > erase_at) {
      const std::string drawn = screen.substr(i + 1, erase_at - i - 1);
      parts.bar_left = !drawn.empty();
      if (!drawn.empty()) parts.drawings.push_back(drawn);
      i = erase_at + 3;
      continue;
    }
    const std::size_t next = screen.find('\r', i + 1);
    const std::size_t end = next == std::string::npos ? screen.size() : next;
    if (parts.bar_left) parts.beside_bar += end - i;
    parts.rest += screen.substr(i, end - i);
    i = end;
  }
  return parts;
}

// The files every test reads: 20,000 sensor rows, two log files (one gzip), an edge list, a tree.
class progress_cli : public cli_fixture {
 protected:
  void SetUp() override {
    cli_fixture::SetUp();
    ASSERT_EQ(yieldpipe("gen sensors --rows 20000 --seed 7 -o s.csv"), 0) << err();
    ASSERT_EQ(yieldpipe("gen logs --rows 3000 --seed 1 -o a.log"), 0) << err();
    ASSERT_EQ(yieldpipe("gen logs --rows 2000 --seed 2 -o b.log"), 0) << err();
    ASSERT_EQ(shell("cd '" + root_.string() + "' && gzip b.log"), 0);
    ASSERT_EQ(yieldpipe("gen graph --rows 3000 --seed 3 -o edges.csv"), 0) << err();
    std::filesystem::create_directories(root_ / "tree" / "sub");
    write("tree/a.txt", "a");
    write("tree/b.py", "b");
    write("tree/sub/c.py", "c");
  }

  // Each data command, with the number of items its progress counts.
  struct command {
    std::string name;
    std::string args;
    std::uint64_t items;
    bool has_total;  // reads files of known size: a percent
  };
  std::vector<command> commands() const {
    const std::uint64_t edges = count_lines(slurp(root_ / "edges.csv")) - 1;
    return {
        {"filter", "filter s.csv --where 'value > 50'", 20000, true},
        {"stats", "stats s.csv --by category --agg count,mean:value", 20000, true},
        {"anomalies", "anomalies s.csv --key sensor --column value --window 20", 20000, true},
        {"moving-average", "moving-average s.csv --key sensor --column value --window 5", 20000, true},
        {"logs", "logs a.log b.log.gz --by hour,level", 5000, true},
        {"graph", "graph edges.csv --from user_000001 --order bfs", edges, true},
        {"walk", "walk tree", 4, false},
    };
  }

  std::string cli() const { return std::string(YIELDPIPE_CLI); }
};

TEST_F(progress_cli, with_progress_and_stderr_in_a_file_each_command_logs_its_count_and_ends_at_100_percent) {
  for (const command& c : commands()) {
    SCOPED_TRACE(c.args);
    ASSERT_EQ(yieldpipe(c.args + " --progress"), 0) << err();
    const std::vector<std::string> lines = lines_of(err());
    ASSERT_FALSE(lines.empty());
    for (const std::string& line : lines) EXPECT_TRUE(line.starts_with("yieldpipe " + c.name + ": ")) << line;
    const std::string done = "yieldpipe " + c.name + ": done, " + std::to_string(c.items) + " items";
    EXPECT_TRUE(lines.back().starts_with(done)) << lines.back();
    // All the bytes of files of known size: "(1.9 MiB/1.9 MiB, 100.0%)"; a count alone has no "(...)".
    const std::string bytes = bytes_part(lines.back());
    const std::size_t slash = bytes.find('/');
    if (c.has_total) {
      ASSERT_NE(slash, std::string::npos) << lines.back();
      EXPECT_TRUE(bytes.ends_with(", 100.0%")) << lines.back();
      EXPECT_EQ(bytes.substr(0, slash), bytes.substr(slash + 1, bytes.size() - slash - 1 - 8)) << lines.back();
      EXPECT_GT(bytes_of(bytes.substr(0, slash)), 0) << lines.back();
    } else {
      EXPECT_EQ(bytes, "") << lines.back();
    }
  }
}

TEST_F(progress_cli, stats_reading_in_pieces_counts_every_row_once_and_ends_at_100_percent) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 60000 --seed 3 -o big.csv"), 0) << err();  // 5.6 MB: 3 pieces
  ASSERT_EQ(yieldpipe("stats big.csv --by category --threads 3 --progress"), 0) << err();
  const std::vector<std::string> lines = lines_of(err());
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.back().starts_with("yieldpipe stats: done, 60000 items (")) << lines.back();
  const std::string bytes = bytes_part(lines.back());
  EXPECT_TRUE(bytes.ends_with(", 100.0%")) << lines.back();
  const std::size_t slash = bytes.find('/');
  ASSERT_NE(slash, std::string::npos) << lines.back();
  EXPECT_EQ(bytes.substr(0, slash), bytes.substr(slash + 1, bytes.size() - slash - 1 - 8)) << lines.back();
}

TEST_F(progress_cli, from_a_pipe_the_log_line_has_the_bytes_and_count_but_no_percent) {
  ASSERT_EQ(shell("cd '" + root_.string() + "' && cat s.csv | " + cli() + " stats - --by category --progress >o 2>e"),
            0);
  const std::vector<std::string> lines = lines_of(slurp(root_ / "e"));
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.back().starts_with("yieldpipe stats: done, 20000 items (")) << lines.back();
  EXPECT_GT(bytes_of(bytes_part(lines.back())), 1024.0 * 1024.0) << lines.back();  // bytes only: no total
  // Standard input redirected from a file has that file's size: a percent.
  ASSERT_EQ(yieldpipe("stats - --by category --progress", "s.csv"), 0) << err();
  EXPECT_NE(err().find("20000 items"), std::string::npos) << err();
  EXPECT_NE(err().find(", 100.0%)"), std::string::npos) << err();
}

TEST_F(progress_cli, a_gzip_file_shows_the_percent_of_its_compressed_bytes) {
  ASSERT_EQ(shell("cd '" + root_.string() + "' && gzip -k s.csv"), 0);
  const auto compressed = std::filesystem::file_size(root_ / "s.csv.gz");
  ASSERT_EQ(yieldpipe("stats s.csv.gz --progress"), 0) << err();
  const std::vector<std::string> lines = lines_of(err());
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("100.0%"), std::string::npos) << lines.back();
  // The compressed size, as the meter formats it (KiB below 1 MiB, else MiB).
  const double kib = static_cast<double>(compressed) / 1024.0;
  char expected[64];
  if (kib < 1024.0)
    std::snprintf(expected, sizeof expected, "/%.1f KiB, 100.0%%)", kib);
  else
    std::snprintf(expected, sizeof expected, "/%.1f MiB, 100.0%%)", kib / 1024.0);
  EXPECT_NE(lines.back().find(expected), std::string::npos) << lines.back() << " expected " << expected;
}

TEST_F(progress_cli, without_progress_and_stderr_not_a_terminal_stderr_stays_empty) {
  for (const command& c : commands()) {
    SCOPED_TRACE(c.args);
    ASSERT_EQ(yieldpipe(c.args), 0) << err();
    EXPECT_EQ(err(), "");
  }
}

TEST_F(progress_cli, no_progress_wins_over_progress_in_either_order) {
  ASSERT_EQ(yieldpipe("stats s.csv --progress --no-progress"), 0) << err();
  EXPECT_EQ(err(), "");
  ASSERT_EQ(yieldpipe("stats s.csv --no-progress --progress"), 0) << err();
  EXPECT_EQ(err(), "");
}

TEST_F(progress_cli, standard_output_is_the_same_with_and_without_progress) {
  for (const command& c : commands()) {
    SCOPED_TRACE(c.args);
    ASSERT_EQ(yieldpipe(c.args + " --no-progress"), 0) << err();
    const std::string plain = out();
    ASSERT_FALSE(plain.empty());
    ASSERT_EQ(yieldpipe(c.args + " --progress"), 0) << err();
    EXPECT_EQ(out(), plain);
    ASSERT_EQ(yieldpipe(c.args + " --progress --format table"), 0) << err();
    const std::string table = out();
    ASSERT_EQ(yieldpipe(c.args + " --format table"), 0) << err();
    EXPECT_EQ(out(), table);
  }
}

TEST_F(progress_cli, log_lines_into_the_same_file_as_the_results_fall_between_whole_rows) {
  ASSERT_EQ(yieldpipe("filter s.csv --format jsonl"), 0) << err();
  const std::string rows = out();
  ASSERT_EQ(shell("cd '" + root_.string() + "' && " + cli() + " filter s.csv --format jsonl --progress >both 2>&1"), 0);
  std::string results;
  std::vector<std::string> progress;
  for (const std::string& line : lines_of(slurp(root_ / "both"))) {
    if (line.starts_with("yieldpipe filter: "))
      progress.push_back(line);
    else
      results += line + "\n";
  }
  EXPECT_TRUE(results == rows) << "the rows in the file are not those written without progress";
  ASSERT_FALSE(progress.empty());
  EXPECT_TRUE(progress.back().starts_with("yieldpipe filter: done, 20000 items")) << progress.back();
}

TEST_F(progress_cli, a_failed_run_prints_its_error_and_no_final_progress_line) {
  std::string csv = "id,value\n";
  for (int i = 0; i < 5000; ++i) csv += std::to_string(i) + "," + std::to_string(i % 97) + "\n";
  csv += "5000,not-a-number\n";
  write("bad.csv", csv);
  EXPECT_EQ(yieldpipe("stats bad.csv --agg mean:value --progress"), 1);
  EXPECT_EQ(err().find("done,"), std::string::npos) << err();
  EXPECT_NE(err().find("yieldpipe stats: bad.csv:5002"), std::string::npos) << err();
}

TEST_F(progress_cli, memory_prints_a_plausible_peak_at_the_end_and_leaves_the_results_alone) {
  ASSERT_EQ(yieldpipe("stats s.csv --by category"), 0) << err();
  const std::string plain = out();
  ASSERT_EQ(yieldpipe("stats s.csv --by category --memory"), 0) << err();
  EXPECT_EQ(out(), plain);
  const std::string text = err();
  const std::string prefix = "yieldpipe stats: peak memory ";
  ASSERT_TRUE(text.starts_with(prefix) && text.ends_with("\n") && count_lines(text) == 1) << text;
  const double bytes = bytes_of(std::string_view(text).substr(prefix.size(), text.size() - prefix.size() - 1));
  EXPECT_GT(bytes, 1024.0 * 1024.0);                 // a process with its libraries mapped
  EXPECT_LT(bytes, 2.0 * 1024.0 * 1024.0 * 1024.0);  // 2 MB of input read as a stream
}

TEST_F(progress_cli, memory_is_reported_for_every_data_command_and_after_an_error) {
  for (const command& c : commands()) {
    SCOPED_TRACE(c.args);
    ASSERT_EQ(yieldpipe(c.args + " --memory"), 0) << err();
    const std::string prefix = "yieldpipe " + c.name + ": peak memory ";
    const std::string text = err();
    ASSERT_TRUE(text.starts_with(prefix) && text.ends_with("\n") && count_lines(text) == 1) << text;
    EXPECT_GT(bytes_of(std::string_view(text).substr(prefix.size(), text.size() - prefix.size() - 1)), 0) << text;
  }
  EXPECT_EQ(yieldpipe("stats missing.csv --memory"), 1);
  const std::vector<std::string> lines = lines_of(err());
  ASSERT_EQ(lines.size(), 2u) << err();
  EXPECT_NE(lines[0].find("missing.csv"), std::string::npos);
  EXPECT_TRUE(lines[1].starts_with("yieldpipe stats: peak memory ")) << lines[1];
}

TEST_F(progress_cli, on_a_terminal_a_bar_is_drawn_by_default_and_erased_at_the_end) {
  ASSERT_EQ(yieldpipe("stats s.csv --by category"), 0) << err();
  const std::string expected = out();
  const terminal_run run =
      run_on_terminal("cd '" + root_.string() + "' && " + cli() + " stats s.csv --by category >on_tty.csv");
  ASSERT_EQ(run.status, 0) << run.screen;
  EXPECT_EQ(slurp(root_ / "on_tty.csv"), expected);
  const screen_parts parts = split_screen(run.screen);
  EXPECT_EQ(parts.rest, "") << run.screen;
  EXPECT_FALSE(parts.bar_left) << run.screen;
  ASSERT_FALSE(parts.drawings.empty()) << run.screen;
  for (const std::string& drawn : parts.drawings) EXPECT_TRUE(is_percent_bar(drawn, "stats")) << drawn;
}

TEST_F(progress_cli, on_a_terminal_no_progress_draws_nothing) {
  const terminal_run run =
      run_on_terminal("cd '" + root_.string() + "' && " + cli() + " stats s.csv --by category --no-progress >o.csv");
  ASSERT_EQ(run.status, 0) << run.screen;
  EXPECT_EQ(run.screen, "");
  EXPECT_FALSE(slurp(root_ / "o.csv").empty());
}

TEST_F(progress_cli, on_a_terminal_a_count_without_a_total_has_no_percent) {
  const terminal_run run = run_on_terminal("cd '" + root_.string() + "' && " + cli() + " walk tree >w.csv");
  ASSERT_EQ(run.status, 0) << run.screen;
  const screen_parts parts = split_screen(run.screen);
  ASSERT_FALSE(parts.drawings.empty()) << run.screen;
  for (const std::string& drawn : parts.drawings) {
    const std::size_t it = drawn.find(" it | ");
    EXPECT_TRUE(drawn.starts_with("walk: ") && it != std::string::npos && is_number(drawn.substr(6, it - 6))) << drawn;
    EXPECT_EQ(drawn.find('%'), std::string::npos) << drawn;
  }
  EXPECT_FALSE(parts.bar_left);
}

TEST_F(progress_cli, results_on_the_same_terminal_are_written_only_while_the_bar_is_erased) {
  ASSERT_EQ(yieldpipe("filter s.csv --format jsonl"), 0) << err();
  const std::string expected = out();
  for (const std::string flags : {"", " --flush-each", " --format table"}) {
    SCOPED_TRACE(flags);
    std::string rows = expected;
    if (flags == " --format table") {
      ASSERT_EQ(yieldpipe("filter s.csv --format table"), 0) << err();
      rows = out();
    }
    const terminal_run run =
        run_on_terminal("cd '" + root_.string() + "' && " + cli() + " filter s.csv" +
                        (flags.empty() || flags == " --flush-each" ? " --format jsonl" : "") + flags);
    ASSERT_EQ(run.status, 0);
    const screen_parts parts = split_screen(run.screen);
    EXPECT_FALSE(parts.drawings.empty());
    EXPECT_EQ(parts.beside_bar, 0u);
    EXPECT_FALSE(parts.bar_left);
    EXPECT_TRUE(parts.rest == rows) << "the results on the terminal differ from those in a file";
  }
}

}  // namespace
