// `yieldpipe gen`: deterministic data sets of the right shape, limits, and the command's exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <yieldpipe/io/log_record.hpp>
#include <yieldpipe/io/output.hpp>

#include "gen_data.hpp"
#include "support/cli_fixture.hpp"

namespace {

using namespace yieldpipe;
namespace fs = std::filesystem;
using cli::dataset;

constexpr std::string_view sensors_header =
    "id,timestamp,sensor,category,value,temperature,humidity,status,quality_score,location";

class gen_test : public yieldpipe::test::cli_fixture {
 protected:
  // The data set as `generate` writes it to a file.
  std::string generate(dataset set, cli::gen_options options, std::uint64_t* records = nullptr) {
    const fs::path path = root_ / "out";
    io::output out(path.string());
    const std::uint64_t n = cli::generate(set, out, options);
    out.commit();
    if (records) *records = n;
    return slurp(path);
  }
};

// The lines of `text`, viewing into it.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// ---- determinism ----

TEST_F(gen_test, the_same_seed_gives_the_same_bytes) {
  for (const dataset set : {dataset::sensors, dataset::logs, dataset::graph}) {
    const cli::gen_options options{.seed = 7, .rows = 20000};
    EXPECT_EQ(generate(set, options), generate(set, options)) << static_cast<int>(set);
  }
}

TEST_F(gen_test, different_seeds_give_different_data) {
  for (const dataset set : {dataset::sensors, dataset::logs, dataset::graph}) {
    const std::string a = generate(set, {.seed = 1, .rows = 1000});
    const std::string b = generate(set, {.seed = 2, .rows = 1000});
    EXPECT_NE(a, b) << static_cast<int>(set);
    EXPECT_EQ(lines_of(a).size(), lines_of(b).size());
  }
}

TEST_F(gen_test, a_shorter_run_is_a_prefix_of_a_longer_one) {
  for (const dataset set : {dataset::sensors, dataset::logs, dataset::graph}) {
    const std::string shorter = generate(set, {.seed = 42, .rows = 100});
    const std::string longer = generate(set, {.seed = 42, .rows = 5000});
    EXPECT_EQ(longer.substr(0, shorter.size()), shorter) << static_cast<int>(set);
  }
}

TEST_F(gen_test, the_default_seed_gives_known_first_rows) {
  // Pins the algorithm: a change to any generator changes these (and every benchmark's data).
  const std::string sensors_text = generate(dataset::sensors, {.rows = 2});
  const auto sensors = lines_of(sensors_text);
  ASSERT_EQ(sensors.size(), 3u);
  EXPECT_EQ(sensors[1],
            "1,2024-01-01T00:00:00,sensor_0122,energy,263.35,20.4,42.9,active,1.00,\"Building 11, Floor 1\"");
  const std::string logs_text = generate(dataset::logs, {.rows = 1});
  const auto logs = lines_of(logs_text);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0], "2024-03-01 00:00:00 INFO billing: invoice 46e5ce2e created for user_038487");
  const std::string graph_text = generate(dataset::graph, {.rows = 3});
  const auto graph = lines_of(graph_text);
  EXPECT_EQ(graph, (std::vector<std::string_view>{"source,target", "user_000002,user_000001", "user_000003,user_000001",
                                                  "user_000003,user_000002"}));
}

// FNV-1a, 64 bits.
std::uint64_t fingerprint(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

TEST_F(gen_test, the_default_seed_gives_known_bytes) {
  // Every byte of 100,000 records, pinned: the same on every machine and standard library.
  EXPECT_EQ(fingerprint(generate(dataset::sensors, {.rows = 100000})), 0x223676b024416628ULL);
  EXPECT_EQ(fingerprint(generate(dataset::logs, {.rows = 100000})), 0x46ad740d6de18a7eULL);
  EXPECT_EQ(fingerprint(generate(dataset::graph, {.rows = 100000})), 0xccdf4268a32e1da3ULL);
}

// ---- limits ----

TEST_F(gen_test, rows_are_honoured_exactly) {
  for (const dataset set : {dataset::sensors, dataset::logs, dataset::graph}) {
    const std::size_t header = set == dataset::logs ? 0 : 1;
    for (const std::uint64_t rows : {0u, 1u, 2u, 3u, 7u, 1000u, 12345u}) {
      std::uint64_t records = 0;
      const std::string text = generate(set, {.rows = rows}, &records);
      EXPECT_EQ(records, rows);
      EXPECT_EQ(lines_of(text).size(), rows + header) << static_cast<int>(set) << " rows " << rows;
      EXPECT_TRUE(text.empty() || text.back() == '\n');
    }
  }
}

TEST_F(gen_test, a_byte_limit_stops_after_the_record_that_reaches_it) {
  for (const dataset set : {dataset::sensors, dataset::logs, dataset::graph}) {
    const std::uint64_t limit = 100'000;
    const std::string text = generate(set, {.rows = UINT64_MAX, .bytes = limit});
    ASSERT_GE(text.size(), limit);
    const auto lines = lines_of(text);
    EXPECT_LT(text.size() - lines.back().size() - 1, limit) << "one record too many";
    // The same bytes as the run with that many records.
    const std::uint64_t records = lines.size() - (set == dataset::logs ? 0 : 1);
    EXPECT_EQ(generate(set, {.rows = records}), text);
  }
}

// ---- sensors ----

TEST_F(gen_test, sensors_have_the_header_ten_fields_and_unix_lines) {
  const std::string text = generate(dataset::sensors, {.rows = 20000});
  EXPECT_EQ(text.find('\r'), std::string::npos);
  const auto lines = lines_of(text);
  EXPECT_EQ(lines[0], sensors_header);
  std::size_t missing_humidity = 0, quoted_commas = 0, quoted_quotes = 0, spikes_or_outliers = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    // Fields by RFC 4180: commas outside quotes separate them.
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t k = 0; k < lines[i].size(); ++k) {
      const char c = lines[i][k];
      if (c == '"') {
        if (quoted && k + 1 < lines[i].size() && lines[i][k + 1] == '"') {
          fields.back() += '"';
          ++k;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        fields.emplace_back();
      } else {
        fields.back() += c;
      }
    }
    ASSERT_FALSE(quoted) << lines[i];
    ASSERT_EQ(fields.size(), 10u) << lines[i];
    EXPECT_EQ(fields[0], std::to_string(i));
    EXPECT_EQ(fields[1].size(), 19u);
    EXPECT_EQ(fields[1][10], 'T');
    missing_humidity += fields[6].empty();
    quoted_commas += fields[9].find(',') != std::string::npos;
    quoted_quotes += fields[9].find('"') != std::string::npos;
    const double t = std::stod(fields[5]);
    spikes_or_outliers += t < -50 || t > 100;
    const double q = std::stod(fields[8]);
    EXPECT_TRUE(q >= 0 && q <= 1) << lines[i];
    EXPECT_TRUE(fields[7] == "active" || fields[7] == "inactive" || fields[7] == "maintenance") << lines[i];
  }
  EXPECT_GT(missing_humidity, 200u);  // about 3%
  EXPECT_GT(quoted_commas, 5000u);
  EXPECT_GT(quoted_quotes, 100u);
  EXPECT_GT(spikes_or_outliers, 5u);  // about 0.2%
}

TEST_F(gen_test, every_sensor_row_parses_with_pythons_csv_module) {
  if (shell("python3 -c pass >/dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
  const fs::path file = root_ / "sensors.csv";
  {
    io::output out(file.string());
    cli::generate(dataset::sensors, out, {.seed = 3, .rows = 50000});
    out.commit();
  }
  const fs::path script = root_ / "check.py";
  std::ofstream(script) << R"(import csv, sys
with open(sys.argv[1], newline='') as f:
    rows = list(csv.reader(f))
header = 'id,timestamp,sensor,category,value,temperature,humidity,status,quality_score,location'.split(',')
assert rows[0] == header, rows[0]
body = rows[1:]
assert len(body) == 50000, len(body)
for r in body:
    assert len(r) == 10, r
    float(r[4]); float(r[5]); float(r[8])
    if r[6]: float(r[6])
assert [r[1] for r in body] == sorted(r[1] for r in body), 'timestamps decrease'
assert sum(1 for r in body if r[6] == '') > 500, 'no missing humidity'
assert sum(1 for r in body if ',' in r[9]) > 10000, 'no quoted commas'
assert len({r[2] for r in body}) == 1000, 'not 1000 sensors'
)";
  EXPECT_EQ(shell("python3 " + script.string() + " " + file.string()), 0);
}

// ---- logs ----

TEST_F(gen_test, every_log_line_parses_and_info_lines_mention_error) {
  const std::string text = generate(dataset::logs, {.rows = 100000});
  std::uint64_t per_level[5] = {};
  std::size_t info_saying_error = 0;
  std::chrono::sys_seconds previous{};
  std::set<std::string_view> components;
  for (const std::string_view line : lines_of(text)) {
    const auto r = io::parse_log_line(line);
    ASSERT_TRUE(r) << line << " (column " << r.error().column << ": " << r.error().reason << ")";
    ++per_level[static_cast<int>(r->level)];
    if (r->level == io::log_level::info && r->message.find("ERROR") != std::string_view::npos) ++info_saying_error;
    EXPECT_GE(r->timestamp, previous);
    previous = r->timestamp;
    components.insert(r->component);
    EXPECT_FALSE(r->message.empty());
  }
  for (const auto n : per_level) EXPECT_GT(n, 0u);
  EXPECT_GT(per_level[1], per_level[3] * 10) << "errors are rare";
  EXPECT_GT(info_saying_error, 100u);
  EXPECT_GE(components.size(), 8u);
  EXPECT_GT(previous, std::chrono::sys_days{std::chrono::year{2024} / 3 / 2}) << "spans more than a day";
}

// ---- graph ----

TEST_F(gen_test, the_graph_is_an_edge_list_without_loops_or_duplicates_and_with_hubs) {
  const std::string text = generate(dataset::graph, {.rows = 50000});
  const auto lines = lines_of(text);
  ASSERT_EQ(lines[0], "source,target");
  std::set<std::pair<std::string_view, std::string_view>> edges;
  std::map<std::string_view, int> degree;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto comma = lines[i].find(',');
    ASSERT_NE(comma, std::string_view::npos);
    const auto a = lines[i].substr(0, comma), b = lines[i].substr(comma + 1);
    ASSERT_EQ(a.substr(0, 5), "user_");
    ASSERT_NE(a, b);
    EXPECT_TRUE(edges.insert(a < b ? std::pair(a, b) : std::pair(b, a)).second) << lines[i];
    ++degree[a];
    ++degree[b];
  }
  int max_degree = 0;
  for (const auto& [user, d] : degree) max_degree = std::max(max_degree, d);
  EXPECT_GT(max_degree, 100) << "preferential attachment makes hubs";
}

TEST(gen_names, parse_dataset_knows_the_three_kinds) {
  EXPECT_EQ(cli::parse_dataset("sensors"), dataset::sensors);
  EXPECT_EQ(cli::parse_dataset("logs"), dataset::logs);
  EXPECT_EQ(cli::parse_dataset("graph"), dataset::graph);
  EXPECT_FALSE(cli::parse_dataset("Sensors"));
}

// ---- the command ----

TEST_F(gen_test, the_command_writes_what_generate_writes_to_a_file_and_to_stdout) {
  const fs::path file = root_ / "g.csv";
  ASSERT_EQ(yieldpipe("gen graph --rows 500 --seed 9 -o " + file.string()), 0) << err();
  EXPECT_EQ(slurp(file), generate(dataset::graph, {.seed = 9, .rows = 500}));
  ASSERT_EQ(yieldpipe("gen graph --rows 500 --seed 9"), 0) << err();
  EXPECT_EQ(out(), slurp(file));
  EXPECT_EQ(err(), "");
}

TEST_F(gen_test, the_command_defaults_to_1000_rows_and_seed_42) {
  ASSERT_EQ(yieldpipe("gen sensors"), 0) << err();
  EXPECT_EQ(out(), generate(dataset::sensors, {.seed = 42, .rows = 1000}));
}

TEST_F(gen_test, the_command_takes_counts_and_sizes_with_units) {
  ASSERT_EQ(yieldpipe("gen logs --rows 2e3"), 0) << err();
  EXPECT_EQ(lines_of(out()).size(), 2000u);
  ASSERT_EQ(yieldpipe("gen sensors --size 1.5kB"), 0) << err();
  EXPECT_GE(out().size(), 1500u);
  EXPECT_LT(out().size(), 1500u + 200u);
  ASSERT_EQ(yieldpipe("gen graph --size 2KiB"), 0) << err();
  EXPECT_GE(out().size(), 2048u);
  EXPECT_LT(out().size(), 2048u + 30u);
}

TEST_F(gen_test, bad_usage_exits_2) {
  EXPECT_EQ(yieldpipe("gen"), 2);
  EXPECT_EQ(yieldpipe("gen tweets"), 2);
  EXPECT_EQ(yieldpipe("gen sensors --rows many"), 2);
  EXPECT_NE(err().find("many"), std::string::npos) << err();
  EXPECT_EQ(yieldpipe("gen sensors --rows -5"), 2);
  EXPECT_EQ(yieldpipe("gen sensors --rows 1e30"), 2);
  EXPECT_EQ(yieldpipe("gen sensors --size 10XB"), 2);
  EXPECT_EQ(yieldpipe("gen sensors --rows 10 --size 1MB"), 2);
  EXPECT_EQ(yieldpipe("gen sensors --seed x"), 2);
}

TEST_F(gen_test, help_shows_an_example) {
  ASSERT_EQ(yieldpipe("gen --help"), 0);
  EXPECT_NE(out().find("yieldpipe gen sensors --size 700MB"), std::string::npos) << out();
}

TEST_F(gen_test, a_full_disk_exits_1_naming_the_path) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 100 -o /dev/full"), 1);
  EXPECT_NE(err().find("/dev/full"), std::string::npos) << err();
  EXPECT_NE(err().find("No space left on device"), std::string::npos) << err();
  EXPECT_EQ(out(), "");
}

TEST_F(gen_test, a_missing_directory_exits_1_and_creates_nothing) {
  const fs::path target = root_ / "no" / "such" / "dir.csv";
  ASSERT_EQ(yieldpipe("gen sensors --rows 10 -o " + target.string()), 1);
  EXPECT_NE(err().find(target.string()), std::string::npos) << err();
  EXPECT_FALSE(fs::exists(root_ / "no"));
}

TEST_F(gen_test, a_closed_pipe_ends_quietly_with_0) {
  // A billion rows would take minutes: the command must stop when `head` goes away.
  const fs::path status = root_ / "status";
  const fs::path head = root_ / "head";
  const int rc = shell("{ " + std::string(YIELDPIPE_CLI) + " gen sensors --rows 1e9 2>" + (root_ / "stderr").string() +
                       "; echo $? >" + status.string() + "; } | head -n 3 >" + head.string());
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(slurp(status), "0\n");
  EXPECT_EQ(err(), "");
  const std::string text = slurp(head);
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], sensors_header);
}

}  // namespace
