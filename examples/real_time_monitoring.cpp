// The guide, "5. Async Generators" › "Advanced: Async Stream Processor": `async_log_processor` and
// `real_time_monitoring`.
//
// The data: four log files app1.log .. app4.log of 400 lines each ("YYYY-MM-DD HH:MM:SS LEVEL
// component: message", about 8% ERROR), generated with a seeded xorshift64, in a temporary directory
// removed at the end. Here the files start empty and four "applications" (a timer on the same
// io_context) append their lines, 20 at a time, file after file, while the monitor runs: the monitor
// follows all four files at once with yieldpipe::async::followed_lines (inotify), and each error is
// handled as it is written. tests/examples/python/real_time_monitoring.py writes the same files
// first, then runs the guide's code (aiofiles reads each file to its end) from their directory: the
// two print the same lines, since the applications write file after file.
//
// The guide's `async for line in file` ends at the end of the file; a monitor must not, so ours
// never ends by itself: it stops (a std::stop_token) once the applications are done and their last
// error has been handled.
#include <unistd.h>

#include <array>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <system_error>
#include <utility>
#include <vector>
#include <yieldpipe/async/followed_lines.hpp>
#include <yieldpipe/async/run.hpp>
#include <yieldpipe/core/async_generator.hpp>
#include <yieldpipe/core/task.hpp>

#include "example.hpp"
#include "xorshift.hpp"

namespace {

namespace fs = std::filesystem;

using yieldpipe::examples::xorshift;

constexpr std::array<const char*, 5> components{"auth", "db", "api", "cache", "scheduler"};
constexpr std::array<const char*, 3> info_messages{"request served", "user logged in", "job finished"};
constexpr std::array<const char*, 3> warning_messages{"slow response", "retrying connection", "disk 85% full"};
constexpr std::array<const char*, 3> error_messages{"connection refused", "timeout after 30s", "invalid token"};

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

// The lines of app1.log .. app4.log: 400 each, 60% INFO, 32% WARNING, 8% ERROR.
std::vector<std::vector<std::string>> make_log_lines() {
  xorshift rng(2024);
  std::vector<std::vector<std::string>> files(4);
  for (std::size_t k = 0; k < files.size(); ++k) {
    long long t = static_cast<long long>(k) * 3600;
    for (int i = 0; i < 400; ++i) {
      t += static_cast<long long>(rng.below(30));
      const std::size_t r = rng.below(100);
      const char* component = components[rng.below(components.size())];
      const char* level = r < 60 ? "INFO" : r < 92 ? "WARNING" : "ERROR";
      const auto& messages = r < 60 ? info_messages : r < 92 ? warning_messages : error_messages;
      files[k].push_back(timestamp(t) + ' ' + level + ' ' + component + ": " + messages[rng.below(messages.size())]);
    }
  }
  return files;
}

// Python's str.strip() (whitespace at both ends).
std::string strip(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n\f\v") - first + 1);
}

struct error_data {
  std::string filename;
  std::string line;
  std::string timestamp;
};

/// Process multiple log files asynchronously
yieldpipe::async_generator<error_data> async_log_processor(asio::any_io_executor executor,
                                                           std::vector<fs::path> log_files, std::stop_token stop) {
  std::vector<std::string> paths;
  for (const fs::path& f : log_files) paths.push_back(f.string());
  // All files at once: each line as it is written, whichever file it is in.
  auto lines = yieldpipe::async::followed_lines(std::move(executor), std::move(paths), {.stop = std::move(stop)});
  while (auto line = co_await lines.next()) {
    if (line->text.find("ERROR") != std::string::npos) {
      error_data error{log_files[line->file].filename().string(), strip(line->text), line->text.substr(0, 19)};
      co_yield std::move(error);
    }
  }
}

// What the monitor does with an error (the guide leaves these out): an alert for the first five, a
// dashboard of errors per file.
struct monitor {
  int alerts = 0;
  std::map<std::string, std::pair<int, std::string>> dashboard;  // file -> (errors, last timestamp)
};

yieldpipe::task<void> send_alert_async(const error_data& error, monitor* m) {
  if (++m->alerts <= 5)
    std::printf("ALERT %s at %s: %s\n", error.filename.c_str(), error.timestamp.c_str(), error.line.c_str());
  co_return;
}

yieldpipe::task<void> update_dashboard_async(const error_data& error, monitor* m) {
  auto& [count, last] = m->dashboard[error.filename];
  ++count;
  last = error.timestamp;
  co_return;
}

// The four applications: append their lines, 20 at a time every millisecond, file after file.
// They run on the monitor's io_context, so they write only while the monitor waits for lines.
class applications {
 public:
  applications(asio::io_context& ctx, std::vector<fs::path> files, std::vector<std::vector<std::string>> lines,
               std::function<void()> on_done)
      : timer_(ctx), files_(std::move(files)), lines_(std::move(lines)), on_done_(std::move(on_done)) {
    for (const auto& file : lines_)
      for (const std::string& line : file) errors_ += line.find("ERROR") != std::string::npos ? 1 : 0;
  }

  void start() { schedule(); }
  [[nodiscard]] bool done() const noexcept { return file_ == files_.size(); }
  [[nodiscard]] int errors_written() const noexcept { return errors_; }

 private:
  void schedule() {
    timer_.expires_after(std::chrono::milliseconds(1));
    timer_.async_wait([this](const std::error_code& ec) {
      if (ec || done()) return;
      std::ofstream out(files_[file_], std::ios::app);
      for (int i = 0; i < 20 && next_ < lines_[file_].size(); ++i) out << lines_[file_][next_++] << '\n';
      if (!out.flush()) throw std::runtime_error("cannot write " + files_[file_].string());
      if (next_ == lines_[file_].size()) {
        ++file_;
        next_ = 0;
      }
      if (done())
        on_done_();
      else
        schedule();
    });
  }

  asio::steady_timer timer_;
  std::vector<fs::path> files_;
  std::vector<std::vector<std::string>> lines_;
  std::function<void()> on_done_;
  std::size_t file_ = 0;
  std::size_t next_ = 0;
  int errors_ = 0;
};

/// Real-time log monitoring system
yieldpipe::task<void> real_time_monitoring(asio::any_io_executor executor, std::vector<fs::path> log_files,
                                           const applications* apps, std::stop_source* stop, monitor* m) {
  auto errors = async_log_processor(std::move(executor), std::move(log_files), stop->get_token());
  while (auto error = co_await errors.next()) {
    // Process errors in real-time
    co_await send_alert_async(*error, m);
    co_await update_dashboard_async(*error, m);
    if (apps->done() && m->alerts == apps->errors_written()) stop->request_stop();  // nothing more to come
  }
}

// Removes the temporary directory however the example ends.
struct temp_dir {
  fs::path path;
  explicit temp_dir(fs::path p) : path(std::move(p)) { fs::create_directories(path); }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

}  // namespace

YIELDPIPE_EXAMPLE(199, real_time_monitoring, "Real-time Log Monitoring") {
  const temp_dir dir(fs::temp_directory_path() / ("yieldpipe_monitoring_" + std::to_string(::getpid())));
  std::vector<fs::path> log_files;
  for (const char* name : {"app1.log", "app2.log", "app3.log", "app4.log"}) {
    log_files.push_back(dir.path / name);
    std::ofstream(log_files.back()).flush();  // empty: the applications have not started
  }
  std::printf("Monitoring app1.log, app2.log, app3.log, app4.log\n");

  asio::io_context ctx;
  std::stop_source stop;
  monitor m;
  // Once the applications are done, the monitor stops after their last error (at once if it has
  // handled it already).
  applications apps(ctx, log_files, make_log_lines(), [&] {
    if (m.alerts == apps.errors_written()) stop.request_stop();
  });
  apps.start();
  // A monitor that missed a line would wait for it for ever: give up after 30 s instead.
  asio::steady_timer deadline(ctx, std::chrono::seconds(30));
  deadline.async_wait([&stop](const std::error_code& ec) {
    if (!ec) stop.request_stop();
  });
  yieldpipe::async::run(ctx, real_time_monitoring(ctx.get_executor(), log_files, &apps, &stop, &m));
  if (!apps.done() || m.alerts != apps.errors_written())
    std::fprintf(stderr, "the monitor saw %d of the %d errors written\n", m.alerts, apps.errors_written());

  std::printf("Dashboard:\n");
  for (const auto& [name, entry] : m.dashboard)
    std::printf("  %s: %d errors, last at %s\n", name.c_str(), entry.first, entry.second.c_str());
  std::printf("Total: %d alerts\n", m.alerts);
}
