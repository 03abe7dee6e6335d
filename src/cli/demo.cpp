// `yieldpipe demo`: generates data in a temporary folder and runs the guide's scenarios on it, each one
// through run_cli() exactly as its command line would run, printing the result, the throughput and the
// peak memory; then removes the folder. `--examples` runs the guide's example programs instead.
#include <sqlite3.h>
#include <stdlib.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/output.hpp>
#include <yieldpipe/iter/memory.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "example.hpp"
#include "stop_signals.hpp"

namespace yieldpipe::cli {
namespace {

namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

struct demo_settings {
  std::string size = "600MB";
  bool keep = false;
  bool examples = false;
};

// --- text -----------------------------------------------------------------------------------------

[[gnu::format(printf, 1, 2)]] std::string strf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string out(n > 0 ? static_cast<std::size_t>(n) : 0, '\0');
  std::vsnprintf(out.data(), out.size() + 1, format, again);
  va_end(again);
  return out;
}

// 2654000 -> "2,654,000".
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, 1, ',');
  return digits;
}

// A rate for people: "2.52 M", "812.3 k", "95".
std::string rate(double per_second) {
  if (per_second >= 1e6) return strf("%.2f M", per_second / 1e6);
  if (per_second >= 1e3) return strf("%.1f k", per_second / 1e3);
  return strf("%.0f", per_second);
}

std::string megabytes(std::uint64_t bytes) { return strf("%.1f MB", static_cast<double>(bytes) / 1e6); }

// `arg` as a POSIX shell reads it back: bare when it is made of safe characters, else in single quotes.
std::string shell_quoted(const std::string& arg) {
  const bool safe = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("_-+=.,/:@%", c) != nullptr;
  });
  if (safe) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string command_line(const std::vector<std::string>& args) {
  std::string out = "yieldpipe";
  for (const auto& arg : args) out += ' ' + shell_quoted(arg);
  return out;
}

double seconds_since(steady::time_point start) { return std::chrono::duration<double>(steady::now() - start).count(); }

std::string peak_memory() { return format_bytes(peak_rss_bytes()); }

// --- the folder, signals, failures ----------------------------------------------------------------

// The demo's files: a fresh folder under the temporary directory (TMPDIR), removed with everything in
// it however the demo ends (a failed step, an exception, a signal between steps), unless kept.
class work_folder {
 public:
  work_folder() {
    std::error_code ec;
    const fs::path base = fs::temp_directory_path(ec);
    if (ec) {
      const char* tmpdir = std::getenv("TMPDIR");
      throw io::io_error(tmpdir ? tmpdir : "TMPDIR", "no temporary directory: " + ec.message());
    }
    std::string name = (base / "yieldpipe-demo-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) {
      const int err = errno;
      throw io::io_error(base.string(), "cannot create the demo's folder: " + std::generic_category().message(err));
    }
    path_ = name;
  }
  work_folder(const work_folder&) = delete;
  work_folder& operator=(const work_folder&) = delete;
  ~work_folder() {
    std::error_code ignored;
    if (!keep_ && !removed_) fs::remove_all(path_, ignored);
  }

  const fs::path& path() const noexcept { return path_; }
  std::string operator/(std::string_view name) const { return (path_ / name).string(); }
  void keep() noexcept { keep_ = true; }
  bool kept() const noexcept { return keep_; }
  // Removes the folder now, so that the end of the run can say whether it went.
  std::error_code remove() {
    std::error_code ec;
    fs::remove_all(path_, ec);
    removed_ = !ec;
    return ec;
  }

 private:
  fs::path path_;
  bool keep_ = false;
  bool removed_ = false;
};

// A step failed (its command said why on stderr) or a signal came: the demo ends with this code.
struct demo_stopped {
  int code;
};

void stop_if_signalled() {
  if (stop_signal != 0) {
    std::cerr << "yieldpipe demo: interrupted\n";
    throw demo_stopped{128 + stop_signal};
  }
}

// --- steps ----------------------------------------------------------------------------------------

class console {
 public:
  void say(std::string_view text) { out_.write(text); }
  // Before a command runs: it writes to the same standard output with its own buffer.
  void flush() { out_.flush(); }
  void commit() { out_.commit(); }

 private:
  io::output out_{"-"};
};

// Shows `yieldpipe ARGS` and runs it as typed; the seconds it took. A failure stops the demo with the
// command's exit code (the command has printed its message).
double run_shown(console& out, const std::vector<std::string>& args) {
  stop_if_signalled();
  out.say("$ " + command_line(args) + "\n");
  out.flush();
  const auto start = steady::now();
  const int code = run_cli(args);
  const double seconds = seconds_since(start);
  stop_if_signalled();  // the step stopped for the demo's own signal: not a failed step
  if (code != 0) {
    std::cerr << "yieldpipe demo: `" << command_line(args) << "` failed with exit code " << code << '\n';
    throw demo_stopped{code};
  }
  return seconds;
}

struct gz_closer {
  void operator()(gzFile gz) const noexcept { gzclose(gz); }
};

// `gzip -1 PATH`: PATH.gz in place of PATH (level 1: the demo's time is for the scenarios).
void gzip_file(const std::string& path) {
  const std::string gz_path = path + ".gz";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io::io_error(path, "cannot open for reading");
  std::unique_ptr<gzFile_s, gz_closer> gz(gzopen(gz_path.c_str(), "wb1"));
  if (!gz) throw io::io_error(gz_path, "cannot open for writing");
  gzbuffer(gz.get(), 1u << 17);
  std::vector<char> buffer(std::size_t{1} << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<unsigned>(in.gcount());
    if (n > 0 && gzwrite(gz.get(), buffer.data(), n) != static_cast<int>(n)) {
      int err = 0;
      throw io::io_error(gz_path, std::string("cannot write: ") + gzerror(gz.get(), &err));
    }
  }
  if (in.bad()) throw io::io_error(path, "cannot read");
  // The last bytes are compressed and written by gzclose, so its result is the write's.
  if (gzclose(gz.release()) != Z_OK) throw io::io_error(gz_path, "cannot write");
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) throw io::io_error(path, "cannot remove: " + ec.message());
}

// A small Python project for `walk`: packages of modules with their tests, byte-code caches and data.
struct project_tree {
  std::uint64_t entries = 0;       // below the root, as walk lists them
  std::uint64_t python_files = 0;  // *.py
};

project_tree make_project(const fs::path& root) {
  project_tree tree;
  auto dir = [&](const fs::path& p) {
    std::error_code ec;
    fs::create_directory(p, ec);
    if (ec) throw io::io_error(p.string(), "cannot create the directory: " + ec.message());
    if (p != root) ++tree.entries;
  };
  auto file = [&](const fs::path& p, std::string_view text) {
    std::ofstream f(p, std::ios::binary);
    f << text;
    if (!f.flush()) throw io::io_error(p.string(), "cannot write");
    ++tree.entries;
    if (p.extension() == ".py") ++tree.python_files;
  };
  dir(root);
  file(root / "README.md", "# a project for the walk scenario\n");
  file(root / "setup.py", "from setuptools import setup\nsetup(name='demo')\n");
  dir(root / "src");
  for (int p = 1; p <= 12; ++p) {
    const fs::path package = root / "src" / strf("pkg_%02d", p);
    dir(package);
    file(package / "__init__.py", "");
    file(package / "data.json", "{\"rows\": 0}\n");
    file(package / "notes.txt", "todo\n");
    dir(package / "tests");
    dir(package / "__pycache__");
    for (int m = 1; m <= 8; ++m) {
      file(package / strf("module_%d.py", m), strf("def f%d(x):\n    yield from range(x)\n", m));
      file(package / "tests" / strf("test_module_%d.py", m), strf("def test_f%d():\n    pass\n", m));
      file(package / "__pycache__" / strf("module_%d.cpython-311.pyc", m), "\x0d\x0d\x0a");
    }
  }
  return tree;
}

// The first lines of a result file, then how many rows it holds (its header not counted).
void preview(console& out, const std::string& path, std::size_t lines_shown) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io::io_error(path, "cannot open for reading");
  std::vector<char> buffer(std::size_t{1} << 20);
  std::uint64_t lines = 0;
  std::string line;
  std::string shown;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    for (std::size_t i = 0; i < n; ++i) {
      if (buffer[i] != '\n') {
        if (lines < lines_shown) line += buffer[i];
        continue;
      }
      if (lines < lines_shown) {
        shown += "  " + line + "\n";
        line.clear();
      }
      ++lines;
    }
  }
  out.say(shown);
  const std::uint64_t rows = lines > 0 ? lines - 1 : 0;
  out.say("  ... " + grouped(rows) + " rows in " + path + "\n");
}

// The rows `sql` returns from the SQLite database at `path`, each value as text (NULL as ""): the db
// layer loads tables but has no query API, so the demo reads a load's result with SQLite's own.
std::vector<std::vector<std::string>> sqlite_rows(const std::string& path, const std::string& sql) {
  sqlite3* handle = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
  const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(handle, &sqlite3_close);
  if (opened != SQLITE_OK) throw io::io_error(path, std::string("cannot open: ") + sqlite3_errmsg(handle));
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
    throw io::io_error(path, sql + ": " + sqlite3_errmsg(handle));
  const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> query(statement, &sqlite3_finalize);
  std::vector<std::vector<std::string>> rows;
  int rc = 0;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    auto& row = rows.emplace_back();
    for (int i = 0; i < sqlite3_column_count(statement); ++i) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
      row.emplace_back(text != nullptr ? text : "");
    }
  }
  if (rc != SQLITE_DONE) throw io::io_error(path, sql + ": " + sqlite3_errmsg(handle));
  return rows;
}

// What `yieldpipe load` put in `table` of the SQLite database at `path`: its row count, then the
// count and mean value per category, as SQL reads them back.
void show_table(console& out, const std::string& path, const std::string& table) {
  const auto count = sqlite_rows(path, "SELECT count(*) FROM " + table);
  out.say("  " + table + ": " + grouped(std::stoull(count.at(0).at(0))) + " rows in sqlite:" + path + "\n");
  out.say(strf("  %-12s %10s %10s\n", "category", "rows", "mean value"));
  for (const auto& row : sqlite_rows(
           path, "SELECT category, count(*), avg(value) FROM " + table + " GROUP BY category ORDER BY category"))
    out.say(strf("  %-12s %10s %10.2f\n", row.at(0).c_str(), grouped(std::stoull(row.at(1))).c_str(),
                 row.at(2).empty() ? 0.0 : std::stod(row.at(2))));
}

// --- the demo -------------------------------------------------------------------------------------

// Bytes per record of `gen`'s data sets, measured: the --rows that make about the bytes wanted.
constexpr std::uint64_t sensor_row_bytes = 94;
constexpr std::uint64_t log_line_bytes = 68;
constexpr std::uint64_t edge_row_bytes = 24;
constexpr int log_files = 4;

struct generated {
  std::string sensors;
  std::uint64_t sensor_rows = 0;
  std::uint64_t sensor_bytes = 0;
  std::vector<std::string> logs;
  std::uint64_t log_lines = 0;
  std::uint64_t log_bytes = 0;  // uncompressed
  std::string edges;
  std::uint64_t edge_rows = 0;
  std::uint64_t edge_bytes = 0;
  std::string project;
  project_tree tree;
};

std::uint64_t file_size(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw io::io_error(path, ec.message());
  return size;
}

// Half the size in sensor readings, four log files of an eighth each (the last one gzip'd), a fiftieth
// in a graph (whose traversal holds it in memory), and a small project tree.
generated generate_data(console& out, const work_folder& folder, std::uint64_t size) {
  generated g;
  const auto rows_for = [](std::uint64_t bytes, std::uint64_t per_row) {
    return std::max<std::uint64_t>(bytes / per_row, 1);
  };

  g.sensors = folder / "sensors.csv";
  g.sensor_rows = rows_for(size / 2, sensor_row_bytes);
  run_shown(out, {"gen", "sensors", "--rows", std::to_string(g.sensor_rows), "--seed", "42", "-o", g.sensors});
  g.sensor_bytes = file_size(g.sensors);

  const std::uint64_t lines_per_file = rows_for(size / 8, log_line_bytes);
  for (int i = 1; i <= log_files; ++i) {
    std::string log = folder / strf("app-%d.log", i);
    run_shown(out, {"gen", "logs", "--rows", std::to_string(lines_per_file), "--seed", std::to_string(i), "-o", log});
    g.log_lines += lines_per_file;
    g.log_bytes += file_size(log);
    if (i == log_files) {
      stop_if_signalled();
      out.say("$ gzip -1 " + shell_quoted(log) + "\n");
      out.flush();
      gzip_file(log);
      log += ".gz";
    }
    g.logs.push_back(log);
  }

  g.edges = folder / "edges.csv";
  g.edge_rows = rows_for(size / 50, edge_row_bytes);
  run_shown(out, {"gen", "graph", "--rows", std::to_string(g.edge_rows), "--seed", "42", "-o", g.edges});
  g.edge_bytes = file_size(g.edges);

  g.project = folder / "project";
  g.tree = make_project(g.project);
  out.say(strf("(and a project tree for walk: %s entries, %s .py files, in %s)\n", grouped(g.tree.entries).c_str(),
               grouped(g.tree.python_files).c_str(), shell_quoted(g.project).c_str()));
  return g;
}

struct scenario {
  std::string title;  // the guide's heading
  std::string shows;  // what the command line does here
  std::vector<std::string> args{};
  std::uint64_t rows = 0;                // the input's records
  std::string unit = "rows";             // what a record is
  std::uint64_t bytes = 0;               // the input's bytes (uncompressed); 0: not a file's contents
  std::string result{};                  // the -o file, previewed after the run; empty: the result went to stdout
  bool reads_all = true;                 // false when --head closes the input early: no throughput then
  std::function<void(console&)> show{};  // after the run: shows a result that is not a file (a table)
};

std::vector<scenario> scenarios(const work_folder& folder, const generated& g) {
  const std::string t1 =
      "status == \"active\" and quality_score >= 0.8 and -50 <= temperature <= 100 and humidity is not null and "
      "0 <= humidity <= 100";
  std::vector<std::string> logs_args{"logs"};
  logs_args.insert(logs_args.end(), g.logs.begin(), g.logs.end());
  for (const char* arg : {"--level", "ERROR", "--by", "hour,level", "-o"}) logs_args.emplace_back(arg);
  logs_args.push_back(folder / "errors_by_hour.csv");

  std::vector<scenario> all;
  all.push_back({.title = "Big Data Scenario: CSV File Processor",
                 .shows = "the guide's quality filters, then count/mean/min/max of value by category, in one pass (T1)",
                 .args = {"stats", g.sensors, "--where", t1, "--by", "category", "--agg",
                          "count,mean:value,min:value,max:value", "--format", "table"},
                 .rows = g.sensor_rows,
                 .bytes = g.sensor_bytes});
  all.push_back({.title = "Conditional Generator Expressions",
                 .shows = "the readings of good quality, with a computed column, written to a new CSV",
                 .args = {"filter", g.sensors, "--where", "quality_score >= 0.8 and humidity is not null", "--select",
                          "id,sensor,humidity,temp_f=temperature * 1.8 + 32", "-o", folder / "quality.csv"},
                 .rows = g.sensor_rows,
                 .bytes = g.sensor_bytes,
                 .result = folder / "quality.csv"});
  all.push_back({.title = "Memory Efficient Processing",
                 .shows = "lazy evaluation: --head 5 closes the input after five rows, whatever the file's size",
                 .args = {"filter", g.sensors, "--select", "id,timestamp,sensor,temp_f=temperature * 1.8 + 32",
                          "--head", "5", "--format", "table"},
                 .rows = 5,
                 .reads_all = false});
  all.push_back({.title = "Big Data Log Analysis Pipeline",
                 .shows = "ERROR and CRITICAL lines per hour and level, over four log files, the last one gzip'd (T2)",
                 .args = logs_args,
                 .rows = g.log_lines,
                 .unit = "lines",
                 .bytes = g.log_bytes,
                 .result = folder / "errors_by_hour.csv"});
  all.push_back({.title = "Advanced Coroutine: Real-time Data Processor",
                 .shows = "a rolling z-score per sensor (window 100, threshold 2.5): anomalies by category (T3)",
                 .args = {"anomalies", g.sensors, "--key", "sensor", "--column", "value", "--window", "100",
                          "--threshold", "2.5", "--by", "category", "--format", "table"},
                 .rows = g.sensor_rows,
                 .bytes = g.sensor_bytes});
  all.push_back({.title = "Advanced: Stateful Generator with Memory",
                 .shows = "the moving average of each sensor's last 10 values, one row per reading",
                 .args = {"moving-average", g.sensors, "--key", "sensor", "--column", "value", "--window", "10", "-o",
                          folder / "moving_average.csv"},
                 .rows = g.sensor_rows,
                 .bytes = g.sensor_bytes,
                 .result = folder / "moving_average.csv"});
  all.push_back({.title = "Directory Tree Walker",
                 .shows = "the guide's find_python_files: every .py file below a project",
                 .args = {"walk", g.project, "--ext", ".py", "--type", "file", "-o", folder / "python_files.csv"},
                 .rows = g.tree.entries,
                 .unit = "entries",
                 .result = folder / "python_files.csv"});
  all.push_back({.title = "Graph Traversal Generator: depth-first",
                 .shows = "the friendship graph (edges both ways) from user_000100, depth-first, first 10 nodes",
                 .args = {"graph", g.edges, "--from", "user_000100", "--order", "dfs", "--undirected", "--head", "10",
                          "--format", "table"},
                 .rows = g.edge_rows,
                 .unit = "edges",
                 .bytes = g.edge_bytes});
  all.push_back({.title = "Graph Traversal Generator: breadth-first",
                 .shows = "the same graph from user_000100, breadth-first, at most 2 edges away, first 10 nodes",
                 .args = {"graph", g.edges, "--from", "user_000100", "--order", "bfs", "--undirected", "--max-depth",
                          "2", "--head", "10", "--format", "table"},
                 .rows = g.edge_rows,
                 .unit = "edges",
                 .bytes = g.edge_bytes});
  const std::string database = folder / "sensors.db";
  all.push_back({.title = "Batching Generator: bulk insert",
                 .shows = "the readings into an SQLite table in batches of 1000, one transaction each, then read back",
                 .args = {"load", g.sensors, "--into", "sqlite:" + database, "--table", "readings", "--batch", "1000"},
                 .rows = g.sensor_rows,
                 .bytes = g.sensor_bytes,
                 .show = [database](console& out) { show_table(out, database, "readings"); }});
  return all;
}

// The scenario's figures: time, records and bytes per second, the process's peak memory.
std::string figures(const scenario& s, double seconds) {
  std::string line = strf("--- %.3f s", seconds);
  if (!s.reads_all) {
    line += strf(", stopped after %s %s (--head): the input was not read to its end", grouped(s.rows).c_str(),
                 s.unit.c_str());
  } else {
    const double per_second = seconds > 0 ? 1.0 / seconds : 0.0;
    line += strf(", %s %s at %s %s/s", grouped(s.rows).c_str(), s.unit.c_str(),
                 rate(static_cast<double>(s.rows) * per_second).c_str(), s.unit.c_str());
    if (s.bytes > 0)
      line += strf(", %s at %.1f MB/s", megabytes(s.bytes).c_str(), static_cast<double>(s.bytes) / 1e6 * per_second);
  }
  return line + ", peak RSS " + peak_memory() + " (the process)\n";
}

int run_demo(const demo_settings& settings) {
  console out;
  // Ctrl-C stops the demo after its current step and the folder is removed, instead of killing the
  // process with gigabytes left in /tmp; the step's reads and writes go on undisturbed.
  const stop_signals signals(true);
  work_folder folder;
  if (settings.keep) folder.keep();
  const std::uint64_t size = *parse_size(settings.size);  // checked by the option's validator

  out.say("yieldpipe demo: about " + megabytes(size) + " of data in " + folder.path().string() +
          (settings.keep ? " (kept: --keep)\n" : " (removed at the end)\n"));
  int code = 0;
  try {
    out.say("\n=== generating the data ===\n");
    const auto generation_start = steady::now();
    const generated g = generate_data(out, folder, size);
    const double generation_seconds = seconds_since(generation_start);
    const std::uint64_t data_bytes = g.sensor_bytes + g.log_bytes + g.edge_bytes;
    out.say(strf("--- generated %s in %.2f s; peak RSS after generation %s (the process)\n",
                 megabytes(data_bytes).c_str(), generation_seconds, peak_memory().c_str()));

    const std::vector<scenario> all = scenarios(folder, g);
    double total_seconds = 0;
    std::uint64_t bytes_read = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const scenario& s = all[i];
      out.say(strf("\n=== %zu/%zu %s ===\n%s\n", i + 1, all.size(), s.title.c_str(), s.shows.c_str()));
      const double seconds = run_shown(out, s.args);
      total_seconds += seconds;
      if (s.reads_all) bytes_read += s.bytes;
      if (!s.result.empty()) preview(out, s.result, 6);
      if (s.show) s.show(out);
      out.say(figures(s, seconds));
    }
    out.say(
        strf("\nyieldpipe demo: %zu scenarios in %.2f s over %s of generated data (%s read, %.1f MB/s); peak "
             "RSS %s for the whole process, data generation included\n",
             all.size(), total_seconds, megabytes(data_bytes).c_str(), megabytes(bytes_read).c_str(),
             total_seconds > 0 ? static_cast<double>(bytes_read) / 1e6 / total_seconds : 0.0, peak_memory().c_str()));
  } catch (const demo_stopped& stopped) {
    code = stopped.code;
  }
  if (folder.kept()) {
    out.say("kept " + folder.path().string() + "\n");
  } else if (const std::error_code ec = folder.remove()) {
    std::cerr << "yieldpipe demo: " << folder.path().string() << ": cannot remove: " << ec.message() << '\n';
    if (code == 0) code = 1;
  } else {
    out.say("removed " + folder.path().string() + "\n");
  }
  out.commit();
  return code;
}

// The guide's example programs (examples/), one after the other: the demo before it generated data.
void run_examples() {
  const auto& all = examples::all_examples();
  const auto start = steady::now();
  for (const auto& e : all) {
    std::cout << "\n=== " << e.title << " (examples/" << e.name << ") ===\n" << std::flush;
    const auto t0 = steady::now();
    e.run();
    std::cout << std::flush;
    std::printf("--- %.2f ms\n", seconds_since(t0) * 1e3);
  }
  std::printf("\nyieldpipe demo: %zu scenarios in %.3f s, peak memory %.1f MB\n", all.size(), seconds_since(start),
              static_cast<double>(peak_rss_bytes()) / (1024.0 * 1024.0));
  std::fflush(stdout);
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto settings = std::make_shared<demo_settings>();
  auto* demo = app.add_subcommand(
      "demo", "Generate data in a temporary folder and run the guide's scenarios on it, with throughput and memory");
  auto* size =
      demo->add_option("--size", settings->size,
                       "About how much data to generate: half sensor readings, four log files of an eighth each, "
                       "a graph of a fiftieth (at least 1MB)")
          ->capture_default_str()
          ->check(CLI::Validator(
              [](std::string& text) {
                const auto bytes = parse_size(text);
                if (!bytes) return "not a size (600MB, 1.5GB): " + text;
                return *bytes < 1'000'000 ? "at least 1MB: " + text : std::string();
              },
              "SIZE"));
  auto* keep = demo->add_flag("--keep", settings->keep, "Keep the folder and its files (its path is printed)");
  demo->add_flag("--examples", settings->examples,
                 "Instead: run the guide's example programs (examples/), with their timings")
      ->excludes(size)
      ->excludes(keep);
  demo->footer(
      "Examples:\n"
      "  yieldpipe demo\n"
      "  yieldpipe demo --size 2GB --keep\n"
      "  yieldpipe demo --examples\n"
      "\n"
      "Each scenario is a command line run as typed (the same parsing and code as the command), shown with\n"
      "the temporary paths, then its result and a line: time, rows/s, MB/s of input, and the peak RSS of\n"
      "the whole process so far (it only grows: generation's peak is printed on its own line). The folder,\n"
      "yieldpipe-demo-XXXXXX under TMPDIR (default /tmp), needs about 1.2 times --size and is removed at\n"
      "the end, also after a failure or Ctrl-C (which stops after the current step). A command that fails\n"
      "stops the demo with its exit code.");
  demo->callback([settings] {
    int code = 0;
    try {
      run_command("demo", [&] {
        if (settings->examples)
          run_examples();
        else
          code = run_demo(*settings);
      });
    } catch (const CLI::Error&) {
      throw;
    } catch (const std::exception& e) {
      // Caught here so that the stack unwinds and the folder is removed (an uncaught exception may not).
      std::cerr << "yieldpipe demo: " << e.what() << '\n';
      throw CLI::RuntimeError(1);
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

YIELDPIPE_COMMAND(20, add_demo_command);

}  // namespace yieldpipe::cli
