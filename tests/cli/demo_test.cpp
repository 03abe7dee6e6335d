// `yieldpipe demo`: the guide's scenarios on generated data, in a temporary folder that does not
// outlive the run; and run_cli(), the command line as a function, which the demo runs them through.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "support/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 10> titles = {
    "Big Data Scenario: CSV File Processor",
    "Conditional Generator Expressions",
    "Memory Efficient Processing",
    "Big Data Log Analysis Pipeline",
    "Advanced Coroutine: Real-time Data Processor",
    "Advanced: Stateful Generator with Memory",
    "Directory Tree Walker",
    "Graph Traversal Generator: depth-first",
    "Graph Traversal Generator: breadth-first",
    "Batching Generator: bulk insert",
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The rest of the first line that starts with `prefix`.
std::optional<std::string> after(const std::string& text, const std::string& prefix) {
  for (const auto& line : lines_of(text))
    if (line.starts_with(prefix)) return line.substr(prefix.size());
  return std::nullopt;
}

// "... at 2.52 M rows/s ...": a rate of records (std::regex is avoided: g++ 12 -O1 with the
// sanitizers warns inside <regex>).
bool has_throughput(const std::string& line) {
  for (const char* unit : {"rows", "lines", "entries", "edges"}) {
    const auto at = line.find(std::string(" ") + unit + "/s");
    if (at == std::string::npos) continue;
    const auto before = line.rfind(" at ", at);
    if (before == std::string::npos) continue;
    const std::string figure = line.substr(before + 4, at - before - 4);  // "2.52 M", "812.3 k", "95"
    if (!figure.empty() && figure.find_first_not_of("0123456789. kM") == std::string::npos && figure.front() >= '0' &&
        figure.front() <= '9')
      return true;
  }
  return false;
}

// 2654000 -> "2,654,000", as the demo prints counts.
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, 1, ',');
  return digits;
}

// A fixture whose TMPDIR is a folder of its own, so that what the demo leaves behind can be seen.
class demo_test : public yieldpipe::test::cli_fixture {
 protected:
  void SetUp() override {
    cli_fixture::SetUp();
    tmp_ = root_ / "tmp";
    fs::create_directories(tmp_);
    if (const char* old = std::getenv("TMPDIR")) old_tmpdir_ = old;
    ::setenv("TMPDIR", tmp_.c_str(), 1);
  }
  void TearDown() override {
    if (old_tmpdir_)
      ::setenv("TMPDIR", old_tmpdir_->c_str(), 1);
    else
      ::unsetenv("TMPDIR");
    cli_fixture::TearDown();
  }

  fs::path tmp_;
  std::optional<std::string> old_tmpdir_;
};

TEST_F(demo_test, a_small_demo_runs_the_ten_scenarios_with_their_figures_and_removes_its_folder) {
  ASSERT_EQ(yieldpipe("demo --size 2MB"), 0) << err();
  const std::string text = out();
  // Nothing on stderr but load's summary (a command's own report, as it prints it on the command line).
  EXPECT_TRUE(err().starts_with("yieldpipe load: ") &&
              err().find(" rows into readings (sqlite:") != std::string::npos && err().ends_with(" batches\n") &&
              err().find('\n') == err().size() - 1)
      << err();

  for (std::size_t i = 0; i < titles.size(); ++i)
    EXPECT_NE(text.find("=== " + std::to_string(i + 1) + "/10 " + titles[i] + " ===\n"), std::string::npos)
        << titles[i];
  // Each command is shown as typed, generation included.
  EXPECT_NE(text.find("$ yieldpipe gen sensors --rows "), std::string::npos);
  EXPECT_NE(text.find("$ yieldpipe stats "), std::string::npos);
  EXPECT_NE(text.find(" --where 'status == \"active\" and quality_score >= 0.8 and -50 <= temperature <= 100 and "
                      "humidity is not null and 0 <= humidity <= 100' --by category"),
            std::string::npos);

  std::vector<std::string> figures;
  for (const auto& line : lines_of(text))
    if (line.starts_with("--- ") && !line.starts_with("--- generated")) figures.push_back(line);
  ASSERT_EQ(figures.size(), titles.size()) << text;
  for (std::size_t i = 0; i < figures.size(); ++i) {
    EXPECT_NE(figures[i].find("peak RSS "), std::string::npos) << figures[i];
    if (titles[i] == std::string("Memory Efficient Processing"))
      EXPECT_NE(figures[i].find("stopped after 5 rows (--head)"), std::string::npos) << figures[i];
    else
      EXPECT_TRUE(has_throughput(figures[i])) << figures[i];
  }
  EXPECT_NE(figures[0].find(" MB/s"), std::string::npos) << figures[0];
  EXPECT_NE(text.find("peak RSS after generation "), std::string::npos);
  EXPECT_NE(text.find("\nyieldpipe demo: 10 scenarios in "), std::string::npos);

  // T1's table: one row per category.
  for (const char* category : {"air_quality", "energy", "industrial", "traffic", "water"})
    EXPECT_NE(text.find("\n" + std::string(category) + " "), std::string::npos) << category;

  // The load's table, read back from SQLite: every generated reading, and per category counts that
  // add up to them.
  const auto generated_rows = after(text, "$ yieldpipe gen sensors --rows ");
  ASSERT_TRUE(generated_rows) << text;
  const std::uint64_t sensor_rows = std::stoull(generated_rows->substr(0, generated_rows->find(' ')));
  EXPECT_NE(text.find("$ yieldpipe load "), std::string::npos);
  const auto loaded = after(text, "  readings: ");
  ASSERT_TRUE(loaded) << text;
  EXPECT_TRUE(loaded->starts_with(grouped(sensor_rows) + " rows in sqlite:")) << *loaded;
  std::uint64_t per_category = 0;
  for (const char* category : {"air_quality", "energy", "industrial", "traffic", "water"}) {
    const auto row = after(text, "  " + std::string(category) + " ");
    ASSERT_TRUE(row) << category;
    std::istringstream fields(*row);
    std::string count;
    double mean = -1;
    fields >> count >> mean;
    count.erase(std::remove(count.begin(), count.end(), ','), count.end());
    per_category += std::stoull(count);
    EXPECT_GE(mean, 0) << *row;
  }
  EXPECT_EQ(per_category, sensor_rows);

  const auto removed = after(text, "removed ");
  ASSERT_TRUE(removed) << text;
  EXPECT_EQ(fs::path(*removed).parent_path(), tmp_);
  EXPECT_FALSE(fs::exists(*removed));
  EXPECT_TRUE(fs::is_empty(tmp_));
}

TEST_F(demo_test, keep_keeps_the_data_and_the_first_table_is_what_stats_prints_on_it) {
  ASSERT_EQ(yieldpipe("demo --size 1MB --keep"), 0) << err();
  const std::string demo_out = out();
  const auto kept = after(demo_out, "kept ");
  ASSERT_TRUE(kept) << demo_out;
  const fs::path folder(*kept);
  EXPECT_EQ(folder.parent_path(), tmp_);
  for (const char* name : {"sensors.csv", "app-1.log", "app-2.log", "app-3.log", "app-4.log.gz", "edges.csv",
                           "project/setup.py", "quality.csv", "moving_average.csv", "errors_by_hour.csv", "sensors.db"})
    EXPECT_TRUE(fs::is_regular_file(folder / name)) << name;
  EXPECT_FALSE(fs::exists(folder / "app-4.log"));  // replaced by its gzip'd copy

  ASSERT_EQ(yieldpipe("stats '" + (folder / "sensors.csv").string() +
                      "' --where 'status == \"active\" and quality_score >= 0.8 and -50 <= temperature <= 100 and "
                      "humidity is not null and 0 <= humidity <= 100' --by category "
                      "--agg count,mean:value,min:value,max:value --format table"),
            0)
      << err();
  const std::string table = out();
  ASSERT_NE(table.find("category"), std::string::npos);
  EXPECT_NE(demo_out.find(table), std::string::npos) << table;
}

TEST_F(demo_test, a_tmpdir_that_is_not_a_directory_is_an_error_with_exit_code_1) {
  const fs::path not_a_dir = write("a_file", "x");
  ::setenv("TMPDIR", not_a_dir.c_str(), 1);
  EXPECT_EQ(yieldpipe("demo --size 1MB"), 1);
  EXPECT_NE(err().find("yieldpipe demo: " + not_a_dir.string() + ": no temporary directory: Not a directory"),
            std::string::npos)
      << err();
  EXPECT_EQ(out(), "");
}

TEST_F(demo_test, sigterm_stops_the_demo_after_its_step_removes_the_folder_and_exits_143) {
  // The signal is sent as soon as the folder exists, while the data is being generated: a size that
  // takes seconds, so the demo is still running.
  const std::string run = std::string(YIELDPIPE_CLI) + " demo --size 400MB >'" + (root_ / "stdout").string() + "' 2>'" +
                          (root_ / "stderr").string() + "' & pid=$!; while kill -0 $pid 2>/dev/null && " +
                          "[ -z \"$(ls -A '" + tmp_.string() +
                          "')\" ]; do sleep 0.01; done; kill -TERM $pid; wait $pid";
  EXPECT_EQ(shell(run), 143) << err();
  EXPECT_NE(err().find("yieldpipe demo: interrupted"), std::string::npos) << err();
  EXPECT_TRUE(after(out(), "removed ")) << out();
  EXPECT_TRUE(fs::is_empty(tmp_));
}

TEST_F(demo_test, a_size_under_1mb_is_a_usage_error) {
  EXPECT_EQ(yieldpipe("demo --size 100kB"), 2);
  EXPECT_NE(err().find("at least 1MB"), std::string::npos) << err();
  EXPECT_EQ(yieldpipe("demo --size lots"), 2);
  EXPECT_NE(err().find("not a size"), std::string::npos) << err();
  EXPECT_TRUE(fs::is_empty(tmp_));
}

TEST_F(demo_test, examples_runs_the_guide_programs_without_generating_data) {
  ASSERT_EQ(yieldpipe("demo --examples"), 0) << err();
  const std::string text = out();
  EXPECT_NE(text.find("=== Generator Object Lifecycle (examples/generator_lifecycle) ===\n"), std::string::npos);
  EXPECT_NE(text.find("=== Graph Traversal Generator (examples/graph_traversal) ===\n"), std::string::npos);
  const auto summary = after(text, "yieldpipe demo: ");
  ASSERT_TRUE(summary) << text;
  EXPECT_NE(summary->find(" scenarios in "), std::string::npos) << *summary;
  EXPECT_TRUE(fs::is_empty(tmp_));
  EXPECT_EQ(yieldpipe("demo --examples --keep"), 2);
}

// run_cli is main() as a function: the same parse, the same commands, the same exit codes.
TEST_F(demo_test, run_cli_returns_the_exit_code_of_the_command_line) {
  const fs::path sensors = root_ / "s.csv";
  EXPECT_EQ(yieldpipe::cli::run_cli({"gen", "sensors", "--rows", "3", "-o", sensors.string()}), 0);
  EXPECT_EQ(lines_of(slurp(sensors)).size(), 4u);
  EXPECT_EQ(yieldpipe::cli::run_cli({"stats", sensors.string(), "-o", (root_ / "count.csv").string()}), 0);
  EXPECT_EQ(slurp(root_ / "count.csv"), "count\n3\n");
  EXPECT_EQ(yieldpipe::cli::run_cli({"stats", (root_ / "missing.csv").string()}), 1);
  EXPECT_EQ(yieldpipe::cli::run_cli({"stats", sensors.string(), "--where", "nope >"}), 2);
  EXPECT_EQ(yieldpipe::cli::run_cli({"stats", "--no-such-flag"}), 2);
  EXPECT_EQ(yieldpipe::cli::run_cli({}), 2);
  // Parsed twice in one process: each call builds its own App and settings.
  EXPECT_EQ(yieldpipe::cli::run_cli({"gen", "sensors", "--rows", "5", "-o", sensors.string()}), 0);
  EXPECT_EQ(lines_of(slurp(sensors)).size(), 6u);
}

}  // namespace
