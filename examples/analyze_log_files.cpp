// The guide, "2. Generator Expressions" › "Big Data Log Analysis Pipeline".
//
// The data: three log files of 400 lines each ("YYYY-MM-DD HH:MM:SS LEVEL component: message"),
// generated with a seeded xorshift64 into a temporary directory that is removed at the end;
// tests/examples/python/analyze_log_files.py writes the same files with the same generator and runs
// the guide's function on them.
//
// The guide's three generator expressions are three stages here: `map(read_lines) | chain_from()`
// is `line for filename in log_files for line in open(filename)` (a file is opened only when the
// one before it is used up), `filter` keeps the ERROR and CRITICAL lines (the guide's substring
// test), `map` parses them. Nothing runs until the caller reads the result.
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

// xorshift64 (13, 7, 17), written identically in the Python counterpart.
class xorshift {
 public:
  explicit xorshift(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

constexpr std::array<const char*, 5> components{"auth", "db", "api", "cache", "scheduler"};
constexpr std::array<const char*, 3> debug_messages{"cache lookup", "request parsed", "query plan chosen"};
constexpr std::array<const char*, 3> info_messages{"request served", "user logged in", "job finished"};
constexpr std::array<const char*, 3> warning_messages{"slow response", "retrying connection", "disk 85% full"};
constexpr std::array<const char*, 3> error_messages{"connection refused", "timeout after 30s", "invalid token"};
constexpr std::array<const char*, 2> critical_messages{"database unreachable", "out of memory"};

std::string timestamp(long long seconds_since_start) {
  using namespace std::chrono;
  const sys_seconds t = sys_days{year{2024} / March / 15} + seconds{seconds_since_start};
  const year_month_day date{floor<days>(t)};
  const hh_mm_ss time{t - floor<days>(t)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buf;
}

// Writes app-1.log .. app-3.log into `dir`: 400 lines each, about 8% ERROR and 2% CRITICAL.
std::vector<std::filesystem::path> write_log_files(const std::filesystem::path& dir) {
  xorshift rng(42);
  std::vector<std::filesystem::path> files;
  for (int k = 1; k <= 3; ++k) {
    files.push_back(dir / ("app-" + std::to_string(k) + ".log"));
    std::ofstream out(files.back());
    long long t = (k - 1) * 6 * 3600;
    for (int i = 0; i < 400; ++i) {
      t += static_cast<long long>(rng.below(60));
      const std::size_t r = rng.below(100);
      const char* component = components[rng.below(components.size())];
      const char* level = nullptr;
      const char* message = nullptr;
      if (r < 30) {
        level = "DEBUG";
        message = debug_messages[rng.below(debug_messages.size())];
      } else if (r < 75) {
        level = "INFO";
        message = info_messages[rng.below(info_messages.size())];
      } else if (r < 90) {
        level = "WARNING";
        message = warning_messages[rng.below(warning_messages.size())];
      } else if (r < 98) {
        level = "ERROR";
        message = error_messages[rng.below(error_messages.size())];
      } else {
        level = "CRITICAL";
        message = critical_messages[rng.below(critical_messages.size())];
      }
      out << timestamp(t) << ' ' << level << ' ' << component << ": " << message << '\n';
    }
    if (!out.flush()) throw std::runtime_error("cannot write " + files.back().string());
  }
  return files;
}

// A file's lines, one at a time (Python's `for line in open(filename)`).
yieldpipe::generator<std::string> read_lines(std::filesystem::path filename) {
  std::ifstream in(filename);
  if (!in) throw std::runtime_error("cannot open " + filename.string());
  std::string line;
  while (std::getline(in, line)) co_yield line;
}

// Python's str.strip() (whitespace at both ends).
std::string strip(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n\f\v") - first + 1);
}

struct parsed_error {
  std::string timestamp;
  std::string level;
  std::string message;
};

bool contains(const std::string& line, const char* word) { return line.find(word) != std::string::npos; }

/// Multi-stage generator pipeline for log analysis
auto analyze_log_files(std::vector<std::filesystem::path> log_files) {
  // Stage 1: Read all log files
  auto all_lines = std::move(log_files) | yieldpipe::map(read_lines) | yieldpipe::chain_from() | yieldpipe::map(strip);

  // Stage 2: Filter error lines
  auto error_lines = std::move(all_lines) | yieldpipe::filter([](const std::string& line) {
                       return contains(line, "ERROR") || contains(line, "CRITICAL");
                     });

  // Stage 3: Parse structured data (Python's slices line[:19] and line[20:] never fail: nor do these)
  auto parsed_errors = std::move(error_lines) | yieldpipe::map([](const std::string& line) {
                         return parsed_error{line.substr(0, 19), contains(line, "ERROR") ? "ERROR" : "CRITICAL",
                                             line.size() > 20 ? line.substr(20) : std::string()};
                       });

  return parsed_errors;
}

// Removes the temporary directory however the example ends.
struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(std::filesystem::path p) : path(std::move(p)) { std::filesystem::create_directories(path); }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

YIELDPIPE_EXAMPLE(150, analyze_log_files, "Big Data Log Analysis Pipeline") {
  const temp_dir dir(std::filesystem::temp_directory_path() / ("yieldpipe_logs_" + std::to_string(::getpid())));
  const auto log_files = write_log_files(dir.path);
  std::printf("Wrote %zu log files of 400 lines\n", log_files.size());

  std::map<std::string, int> per_level;
  int shown = 0;
  for (const parsed_error& error : analyze_log_files(log_files)) {
    if (shown < 5) {
      std::printf("%s | %s | %s\n", error.timestamp.c_str(), error.level.c_str(), error.message.c_str());
      ++shown;
    }
    ++per_level[error.level];
  }
  for (const auto& [level, n] : per_level) std::printf("%s: %d\n", level.c_str(), n);
}
