// `yieldpipe anomalies` and `moving-average`, run through the built executable, against a naive
// O(window) transcription of the guide's coroutines.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>

#include "support/cli_fixture.hpp"
#include "support/compress.hpp"

namespace {

using namespace yieldpipe;
namespace fs = std::filesystem;

class anomalies_test : public yieldpipe::test::cli_fixture {
 protected:
  // The rows of a CSV text, header first.
  std::vector<std::vector<std::string>> rows(const std::string& text) {
    const fs::path p = write("parsed.csv", text);
    io::csv_options options;
    options.header = false;
    std::vector<std::vector<std::string>> all;
    for (const io::csv_row& row : io::read_csv(p.string(), options))
      all.emplace_back(row.fields().begin(), row.fields().end());
    return all;
  }
};

// The guide's real_time_anomaly_detector, as written: a list, pop(0), sum() — per key.
struct naive_detector {
  std::size_t window;
  std::deque<double> history;
  // z when the guide computes one (more than 10 values, std_dev > 0).
  std::optional<double> push(double x) {
    history.push_back(x);
    if (history.size() > window) history.pop_front();
    if (history.size() <= 10) return std::nullopt;
    double sum = 0;
    for (double v : history) sum += v;
    const double mean = sum / static_cast<double>(history.size());
    double squares = 0;
    for (double v : history) squares += (v - mean) * (v - mean);
    const double std_dev = std::sqrt(squares / static_cast<double>(history.size()));
    if (!(std_dev > 0)) return std::nullopt;
    return std::abs(x - mean) / std_dev;
  }
};

struct reference_result {
  std::map<std::string, double> anomalies;  // id -> z
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> by_category;
  std::vector<std::string> borderline;  // ids whose z is within rounding of the threshold
};

reference_result reference(const fs::path& sensors, std::size_t window, double threshold) {
  reference_result r;
  std::map<std::string, naive_detector> detectors;
  for (const io::csv_row& row : io::read_csv(sensors.string())) {
    const double x = row.get<double>("value");
    auto [it, _] = detectors.try_emplace(std::string(row["sensor"]), naive_detector{window, {}});
    const std::optional<double> z = it->second.push(x);
    auto& counts = r.by_category[std::string(row["category"])];
    ++counts.first;
    if (z && std::abs(*z - threshold) < 1e-9) r.borderline.emplace_back(row["id"]);
    if (z && *z > threshold) {
      r.anomalies.emplace(std::string(row["id"]), *z);
      ++counts.second;
    }
  }
  return r;
}

TEST_F(anomalies_test, the_anomalous_rows_are_those_of_the_guides_detector_per_sensor) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 60000 --seed 3 -o " + (root_ / "s.csv").string()), 0) << err();
  const reference_result expected = reference(root_ / "s.csv", 30, 2.5);
  ASSERT_TRUE(expected.borderline.empty());
  ASSERT_GT(expected.anomalies.size(), 100u);

  ASSERT_EQ(yieldpipe("anomalies " + (root_ / "s.csv").string() + " --key sensor --column value --window 30"), 0)
      << err();
  const auto got = rows(out());
  ASSERT_FALSE(got.empty());
  const std::vector<std::string>& header = got[0];
  ASSERT_EQ(header.size(), 13u);
  EXPECT_EQ(header[0], "id");
  EXPECT_EQ(header[10], "z_score");
  EXPECT_EQ(header[11], "mean");
  EXPECT_EQ(header[12], "std_dev");
  ASSERT_EQ(got.size() - 1, expected.anomalies.size());
  for (std::size_t i = 1; i < got.size(); ++i) {
    const auto it = expected.anomalies.find(got[i][0]);
    ASSERT_NE(it, expected.anomalies.end()) << "row id " << got[i][0];
    EXPECT_NEAR(std::stod(got[i][10]), it->second, 1e-9 * it->second);
  }
}

TEST_F(anomalies_test, by_counts_the_rows_and_anomalies_per_category) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 30000 --seed 5 -o " + (root_ / "s.csv").string()), 0) << err();
  const reference_result expected = reference(root_ / "s.csv", 20, 2.0);
  ASSERT_TRUE(expected.borderline.empty());
  ASSERT_EQ(yieldpipe("anomalies " + (root_ / "s.csv").string() +
                      " --key sensor --window 20 --threshold 2 --by category -o " + (root_ / "by.csv").string()),
            0)
      << err();
  const auto got = rows(slurp(root_ / "by.csv"));
  ASSERT_EQ(got.size(), expected.by_category.size() + 1);
  EXPECT_EQ(got[0], (std::vector<std::string>{"category", "rows", "anomalies"}));
  std::size_t i = 1;
  for (const auto& [category, counts] : expected.by_category) {  // sorted by name, as the command writes
    EXPECT_EQ(got[i][0], category);
    EXPECT_EQ(got[i][1], std::to_string(counts.first));
    EXPECT_EQ(got[i][2], std::to_string(counts.second));
    ++i;
  }
}

TEST_F(anomalies_test, each_key_has_its_own_window) {
  // Key a: small variations and one spike; key b, interleaved, lives around 1000.
  std::string csv = "k,v\n";
  for (int i = 0; i < 40; ++i) {
    csv += "a," + std::to_string(i == 30 ? 50 : 10 + i % 3) + "\n";
    csv += "b," + std::to_string(1000 + i % 5) + "\n";
  }
  const fs::path p = write("k.csv", csv);
  ASSERT_EQ(yieldpipe("anomalies " + p.string() + " --key k --column v --window 20"), 0) << err();
  const auto keyed = rows(out());
  ASSERT_EQ(keyed.size(), 2u) << out();
  EXPECT_EQ(keyed[1][0], "a");
  EXPECT_EQ(keyed[1][1], "50");

  // One window over both keys: the spike of a is nothing next to b's values.
  ASSERT_EQ(yieldpipe("anomalies " + p.string() + " --column v --window 20"), 0) << err();
  for (const auto& row : rows(out())) EXPECT_NE(row[1], "50");
}

TEST_F(anomalies_test, nothing_is_reported_before_eleven_values_nor_when_the_window_is_constant) {
  // Nine zeros then 100: the 10th value is far out, but only 10 values are known.
  std::string early = "v\n";
  for (int i = 0; i < 9; ++i) early += "0\n";
  early += "100\n";
  ASSERT_EQ(yieldpipe("anomalies " + write("early.csv", early).string() + " --column v"), 0) << err();
  EXPECT_EQ(rows(out()).size(), 1u) << out();

  // Ten zeros then 100: z = sqrt(10) > 2.5 at the 11th value.
  std::string eleventh = "v\n";
  for (int i = 0; i < 10; ++i) eleventh += "0\n";
  eleventh += "100\n";
  ASSERT_EQ(yieldpipe("anomalies " + write("eleventh.csv", eleventh).string() + " --column v"), 0) << err();
  const auto got = rows(out());
  ASSERT_EQ(got.size(), 2u) << out();
  EXPECT_NEAR(std::stod(got[1][1]), std::sqrt(10.0), 1e-12);

  // A constant window has a standard deviation of 0: no z-score, no anomaly.
  std::string flat = "v\n";
  for (int i = 0; i < 50; ++i) flat += "7\n";
  ASSERT_EQ(yieldpipe("anomalies " + write("flat.csv", flat).string() + " --column v"), 0) << err();
  EXPECT_EQ(rows(out()).size(), 1u) << out();
}

TEST_F(anomalies_test, a_bad_number_fails_by_default_and_goes_to_the_dead_letter_file_on_request) {
  std::string csv = "k,v\n";
  for (int i = 0; i < 20; ++i) csv += "a," + std::to_string(i % 4) + "\n";
  csv += "a,n/a\n";  // line 22
  csv += "a,nan\n";  // line 23: parses, but is no finite number
  csv += "a,\n";     // line 24: missing, skipped
  const fs::path p = write("bad.csv", csv);

  EXPECT_EQ(yieldpipe("anomalies " + p.string() + " --key k --column v"), 1);
  EXPECT_NE(err().find("yieldpipe anomalies: "), std::string::npos) << err();
  EXPECT_NE(err().find(":22:"), std::string::npos) << err();
  EXPECT_NE(err().find("n/a"), std::string::npos) << err();

  const fs::path dead = root_ / "dead.csv";
  ASSERT_EQ(yieldpipe("anomalies " + p.string() + " --key k --column v --on-error dead-letter=" + dead.string()), 0)
      << err();
  EXPECT_NE(err().find("2 records rejected: 2 bad number"), std::string::npos) << err();
  const auto dead_rows = rows(slurp(dead));
  ASSERT_EQ(dead_rows.size(), 3u);
  EXPECT_EQ(dead_rows[1][0], p.string());
  EXPECT_EQ(dead_rows[1][1], "22");
  EXPECT_EQ(dead_rows[1][3], "bad number");
  EXPECT_EQ(dead_rows[1][5], "a,n/a");
  EXPECT_EQ(dead_rows[2][1], "23");
  EXPECT_EQ(dead_rows[2][5], "a,nan");

  EXPECT_EQ(yieldpipe("moving-average " + p.string() + " --key k --column v --on-error skip"), 0) << err();
  EXPECT_EQ(rows(out()).size(), 21u);  // the header and the 20 good values
}

TEST_F(anomalies_test, passing_max_memory_stops_with_the_operator_and_the_figure) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 5000 -o " + (root_ / "s.csv").string()), 0) << err();
  EXPECT_EQ(yieldpipe("anomalies " + (root_ / "s.csv").string() + " --key sensor --window 100 --max-memory 64kB -o " +
                      (root_ / "never.csv").string()),
            1);
  EXPECT_NE(err().find("--max-memory 64000 bytes exceeded by anomalies"), std::string::npos) << err();
  EXPECT_FALSE(fs::exists(root_ / "never.csv"));
  // 1000 sensors × (800 + overhead) bytes fit in 2 MB.
  EXPECT_EQ(yieldpipe("anomalies " + (root_ / "s.csv").string() + " --key sensor --window 100 --max-memory 2MB"), 0)
      << err();
}

TEST_F(anomalies_test, usage_errors_exit_2) {
  const fs::path p = write("v.csv", "v\n1\n");
  EXPECT_EQ(yieldpipe("anomalies " + p.string() + " --column v --window 10"), 2);
  EXPECT_NE(err().find("--window"), std::string::npos) << err();
  EXPECT_EQ(yieldpipe("anomalies " + p.string() + " --column nope"), 2);  // an unknown column, as in stats
  EXPECT_NE(err().find("nope"), std::string::npos) << err();
}

TEST_F(anomalies_test, moving_average_is_the_mean_of_the_keys_last_values) {
  const fs::path p = write("m.csv", "k,v\na,1\nb,100\na,2\na,3\nb,200\na,10\n");
  ASSERT_EQ(yieldpipe("moving-average " + p.string() + " --key k --column v --window 3"), 0) << err();
  EXPECT_EQ(out(),
            "k,v,moving_average,count\n"
            "a,1,1.0,1\n"
            "b,100,100.0,1\n"
            "a,2,1.5,2\n"
            "a,3,2.0,3\n"
            "b,200,150.0,2\n"
            "a,10,5.0,3\n");
  ASSERT_EQ(yieldpipe("moving-average " + p.string() + " --column v --window 2 --format jsonl"), 0) << err();
  EXPECT_EQ(out().substr(0, out().find('\n')), R"({"v":"1","moving_average":1.0,"count":1})");
}

// --threads: the input read in pieces on several threads, each key's rows taken in file order. A
// file of about 8 MB is cut into several pieces (at most 4 MiB each, about four a thread) and so is
// a stream (blocks of 4 MiB).
TEST_F(anomalies_test, any_thread_count_gives_the_bytes_and_the_dead_letters_of_one_thread) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 90000 --seed 5 -o gen.csv"), 0) << err();
  std::string text = slurp(root_ / "gen.csv");
  // Bad rows in the middle of pieces: a ragged one, one whose value is not a number, one whose
  // value is empty (skipped).
  const std::size_t third = text.find('\n', text.size() / 3) + 1;
  text.insert(third, "1,2,3\n");
  const auto value_of_line_at = [&](std::size_t at) {
    const std::size_t line = text.find('\n', at) + 1;
    return text.find(',', text.find(',', text.find(',', text.find(',', line) + 1) + 1) + 1) + 1;
  };
  text.insert(value_of_line_at(text.size() * 2 / 3), "n/a");
  const std::size_t empty_at = value_of_line_at(text.size() / 2);
  text.erase(empty_at, text.find(',', empty_at) - empty_at);
  write("big.csv", text);
  write("big.csv.gz", yieldpipe::test::gzip(text));
  const std::vector<std::string> commands = {
      "anomalies INPUT --key sensor --column value --window 30 --threshold 2",
      "anomalies INPUT --key sensor --window 100 --by category",
      "moving-average INPUT --key sensor --window 10",
      "moving-average INPUT --window 5 --format jsonl",
  };
  const auto with = [](std::string command, const std::string& input) {
    return command.replace(command.find("INPUT"), 5, input);
  };
  for (const std::string& command : commands) {
    for (const std::string input : {"big.csv", "big.csv.gz", "-"}) {
      SCOPED_TRACE(with(command, input));
      const std::string stdin_from = input == "-" ? (root_ / "big.csv").string() : "";
      ASSERT_EQ(yieldpipe(with(command, input) + " --on-error dead-letter=one.csv --threads 1", stdin_from), 0)
          << err();
      const std::string one = out();
      const std::string one_err = err();
      EXPECT_NE(one_err.find("2 records rejected: 1 bad number, 1 ragged row"), std::string::npos) << one_err;
      for (const char* threads : {"2", "3", "8", ""}) {  // "": the default, one per core
        SCOPED_TRACE(std::string("--threads ") + threads);
        ASSERT_EQ(yieldpipe(with(command, input) + " --on-error dead-letter=many.csv" +
                                (*threads ? " --threads " : "") + threads,
                            stdin_from),
                  0)
            << err();
        EXPECT_EQ(out(), one);
        EXPECT_EQ(err(), one_err.substr(0, one_err.find("one.csv")) + "many.csv)\n");
        EXPECT_EQ(slurp(root_ / "many.csv"), slurp(root_ / "one.csv"));
      }
    }
  }
}

TEST_F(anomalies_test, with_threads_a_failure_leaves_the_output_and_message_of_one_thread) {
  ASSERT_EQ(yieldpipe("gen sensors --rows 90000 --seed 6 -o gen.csv"), 0) << err();
  std::string text = slurp(root_ / "gen.csv");
  text.insert(text.find('\n', text.size() / 2) + 1, "1,2,3\n");  // ragged, in the middle of a piece
  write("bad.csv", text);
  for (const std::string command :
       {"moving-average bad.csv --key sensor", "anomalies bad.csv --key sensor --window 20 --threshold 2",
        // Past --max-memory: the message names the figures of one thread.
        "anomalies gen.csv --key sensor --window 100 --max-memory 64kB",
        "anomalies gen.csv --key sensor --window 20 --by category --max-memory 200kB"}) {
    SCOPED_TRACE(command);
    EXPECT_EQ(yieldpipe(command + " --threads 1"), 1);
    const std::string one = out();
    const std::string one_err = err();
    EXPECT_NE(one_err.find("yieldpipe "), std::string::npos) << one_err;
    for (const char* threads : {"2", "3", "8"}) {
      SCOPED_TRACE(std::string("--threads ") + threads);
      EXPECT_EQ(yieldpipe(command + " --threads " + threads), 1);
      EXPECT_EQ(out(), one);
      EXPECT_EQ(err(), one_err);
    }
  }
}

}  // namespace
