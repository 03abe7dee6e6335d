// `yieldpipe logs`: the guide's log analysis pipeline over many files: level and time filters,
// parsed records as JSON lines or counts per hour, level, component..., and `--follow`.
#include <glob.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/file_follower.hpp>
#include <yieldpipe/io/input.hpp>
#include <yieldpipe/io/lines.hpp>
#include <yieldpipe/io/log_record.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "stop_signals.hpp"

namespace yieldpipe::cli {
namespace {

using std::chrono::sys_seconds;

// --- the command line -----------------------------------------------------------------------------

struct logs_settings {
  std::vector<std::string> files;
  std::string level;
  std::string since;
  std::string until;
  std::string by;
  std::string log_format;
  bool follow = false;
};

enum class by_field : std::uint8_t { hour, day, level, component, file };

constexpr std::array<std::string_view, 5> by_names = {"hour", "day", "level", "component", "file"};

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(sep);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::vector<by_field> parse_by(std::string_view text) {
  std::vector<by_field> fields;
  for (std::string_view name : split(text, ',')) {
    const auto it = std::find(by_names.begin(), by_names.end(), name);
    if (it == by_names.end())
      throw usage_error("--by: expected hour, day, level, component or file, got '" + std::string(name) + "'");
    const auto f = static_cast<by_field>(it - by_names.begin());
    if (std::find(fields.begin(), fields.end(), f) != fields.end())
      throw usage_error("--by: '" + std::string(name) + "' given twice");
    fields.push_back(f);
  }
  return fields;
}

// Which levels pass: one name is that level and above; a list is exactly those levels.
std::array<bool, 5> parse_levels(std::string_view text) {
  std::array<bool, 5> pass{};
  if (text.empty()) {
    pass.fill(true);
    return pass;
  }
  const auto names = split(text, ',');
  for (std::string_view name : names) {
    const auto level = io::parse_log_level(name);
    if (!level)
      throw usage_error("--level: expected DEBUG, INFO, WARNING, ERROR or CRITICAL, got '" + std::string(name) + "'");
    const auto i = static_cast<std::size_t>(*level);
    if (names.size() == 1)
      for (std::size_t k = i; k < pass.size(); ++k) pass[k] = true;
    else
      pass[i] = true;
  }
  return pass;
}

// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` (a `T` instead of the space), as UTC.
std::optional<sys_seconds> parse_time(std::string_view t) {
  auto digits = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    if (at + n > t.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  if (t.size() != 10 && t.size() != 16 && t.size() != 19) return std::nullopt;
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || t[4] != '-' || t[7] != '-') return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*mo)),
                                         std::chrono::day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  int h = 0, mi = 0, s = 0;
  if (t.size() >= 16) {
    const auto hh = digits(11, 2), mm = digits(14, 2);
    if ((t[10] != ' ' && t[10] != 'T') || t[13] != ':' || !hh || !mm || *hh > 23 || *mm > 59) return std::nullopt;
    h = *hh;
    mi = *mm;
  }
  if (t.size() == 19) {
    const auto ss = digits(17, 2);
    if (t[16] != ':' || !ss || *ss > 59) return std::nullopt;
    s = *ss;
  }
  return std::chrono::sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s);
}

sys_seconds time_option(const std::string& name, const std::string& value) {
  const auto t = parse_time(value);
  if (!t) throw usage_error(name + ": expected YYYY-MM-DD[ HH:MM[:SS]], got '" + value + "'");
  return *t;
}

// The files named by the arguments, globs expanded (sorted within each), in the order given.
std::vector<std::string> expand_files(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    if (arg == "-" || arg.find_first_of("*?[") == std::string::npos) {
      files.push_back(arg);
      continue;
    }
    glob_t g{};
    const int rc = ::glob(arg.c_str(), 0, nullptr, &g);
    if (rc == 0)
      for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
    if (rc == GLOB_NOMATCH) throw io::io_error(arg, "no file matches this pattern");
    if (rc != 0) throw io::io_error(arg, "cannot expand this pattern");
  }
  return files;
}

// The first `length` characters of `YYYY-MM-DD HH:MM:SS` into `out`.
void format_time(sys_seconds t, char* out, std::size_t length = 19) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss<std::chrono::seconds> time{t - days};
  char buf[19];
  auto put = [&](std::size_t at, unsigned v, std::size_t n) {
    for (std::size_t i = n; i-- > 0; v /= 10) buf[at + i] = static_cast<char>('0' + v % 10);
  };
  put(0, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  buf[4] = '-';
  put(5, static_cast<unsigned>(date.month()), 2);
  buf[7] = '-';
  put(8, static_cast<unsigned>(date.day()), 2);
  buf[10] = ' ';
  put(11, static_cast<unsigned>(time.hours().count()), 2);
  buf[13] = ':';
  put(14, static_cast<unsigned>(time.minutes().count()), 2);
  buf[16] = ':';
  put(17, static_cast<unsigned>(time.seconds().count()), 2);
  std::copy(buf, buf + length, out);
}

// --- the run --------------------------------------------------------------------------------------

// A group of --by: only the fields named by --by are set, the others keep their defaults.
struct count_key {
  std::int64_t hour = 0;
  std::int64_t day = 0;
  std::uint8_t level = 0;
  std::string component;
  std::size_t file = 0;
};

// Orders groups by the --by fields, in their order: hour and day by time, level by severity,
// component by bytes, file by its place on the command line.
struct count_order {
  const std::vector<by_field>* fields;
  bool operator()(const count_key& a, const count_key& b) const {
    for (by_field f : *fields) {
      switch (f) {
        case by_field::hour:
          if (a.hour != b.hour) return a.hour < b.hour;
          break;
        case by_field::day:
          if (a.day != b.day) return a.day < b.day;
          break;
        case by_field::level:
          if (a.level != b.level) return a.level < b.level;
          break;
        case by_field::component:
          if (a.component != b.component) return a.component < b.component;
          break;
        case by_field::file:
          if (a.file != b.file) return a.file < b.file;
          break;
      }
    }
    return false;
  }
};

struct count_entry {
  std::uint64_t count = 0;
  bool changed = false;  // since the rows were last written (--follow)
};

class logs_run {
 public:
  logs_run(const logs_settings& s, const common_options& common, rejects& bad)
      : by_(s.by.empty() ? std::vector<by_field>{} : parse_by(s.by)),
        levels_(parse_levels(s.level)),
        format_(make_format(s.log_format)),
        counts_(count_order{&by_}),
        reject_(bad.handler()) {
    if (!s.since.empty()) since_ = time_option("--since", s.since);
    if (!s.until.empty()) until_ = time_option("--until", s.until);
    if (since_ && until_ && *since_ >= *until_) throw usage_error("--since must be before --until");
    std::vector<std::string> columns;
    if (counting()) {
      for (by_field f : by_) columns.emplace_back(by_names[static_cast<std::size_t>(f)]);
      columns.emplace_back("count");
    } else {
      columns = {"timestamp", "level", "component", "message", "file", "line"};
    }
    out_.emplace(common, std::move(columns));
  }

  bool counting() const noexcept { return !by_.empty(); }

  // One line of file number `file`; `where()` gives its {line number, offset}, asked only for a bad line.
  template <class Where>
  void line(std::string_view text, std::size_t file, const std::string& path, Where&& where) {
    if (text.empty()) return;  // blank lines separate nothing in a log: not an error
    const io::log_parse_result r = format_.parse(text);
    if (!r) [[unlikely]] {
      const auto [number, offset] = where();
      reject(text, path, number, offset);
      return;
    }
    if (!levels_[static_cast<std::size_t>(r->level)]) return;
    if ((since_ && r->timestamp < *since_) || (until_ && r->timestamp >= *until_)) return;
    if (counting()) {
      count(*r, file);
    } else {
      char ts[19];
      format_time(r->timestamp, ts);
      out_->write_row(
          {std::string_view(ts, 19), io::to_string(r->level), r->component, r->message, path, std::get<0>(where())});
    }
  }

  // Writes the groups: all of them, or (with `changed_only`) those counted since the last call.
  void write_counts(bool changed_only) {
    std::vector<io::field> row(by_.size() + 1);
    char hour[16];
    char day[10];
    for (auto& [key, entry] : counts_) {
      if (changed_only && !entry.changed) continue;
      entry.changed = false;
      for (std::size_t i = 0; i < by_.size(); ++i) {
        switch (by_[i]) {
          case by_field::hour:
            format_time(sys_seconds(std::chrono::hours(key.hour)), hour, 16);
            row[i] = std::string_view(hour, 16);
            break;
          case by_field::day:
            format_time(sys_seconds(std::chrono::days(key.day)), day, 10);
            row[i] = std::string_view(day, 10);
            break;
          case by_field::level: row[i] = io::to_string(static_cast<io::log_level>(key.level)); break;
          case by_field::component: row[i] = std::string_view(key.component); break;
          case by_field::file: row[i] = std::string_view(files_[key.file]); break;
        }
      }
      row.back() = entry.count;
      out_->write_row(row);
    }
    any_changed_ = false;
  }

  bool any_changed() const noexcept { return any_changed_; }
  void set_files(std::vector<std::string> files) { files_ = std::move(files); }
  const std::vector<std::string>& files() const noexcept { return files_; }
  void commit() { out_->commit(); }

 private:
  static io::log_format make_format(const std::string& pattern) {
    if (pattern.empty()) return io::log_format();
    try {
      return io::log_format(pattern);
    } catch (const std::invalid_argument& e) {
      throw usage_error(std::string("--log-format: ") + e.what());
    }
  }

  void reject(std::string_view text, const std::string& path, std::uint64_t number, std::uint64_t offset) {
    // The parser's own error: path, line, column, reason and the start of the line.
    std::string message;
    try {
      (void)format_.parse_or_throw(text, path, number);
      return;  // unreachable: `text` did not parse
    } catch (const io::io_error& e) {
      if (!reject_) throw;
      message = e.what();
    }
    // The policy counts by a short reason; the message keeps the column and the parser's reason.
    const io::rejected_record record{path, number, offset, text};
    if (!reject_(record, "not a log line", message)) throw io::io_error(path, message);
  }

  void count(const io::log_record& r, std::size_t file) {
    // Consecutive lines mostly fall into the group of the line before: try that one first.
    scratch_.hour = scratch_.day = 0;
    scratch_.level = 0;
    scratch_.file = 0;
    bool component = false;
    for (by_field f : by_) {
      switch (f) {
        case by_field::hour: scratch_.hour = io::hour_bucket(r).time_since_epoch().count(); break;
        case by_field::day:
          scratch_.day = std::chrono::floor<std::chrono::days>(r.timestamp).time_since_epoch().count();
          break;
        case by_field::level: scratch_.level = static_cast<std::uint8_t>(r.level); break;
        case by_field::component: component = true; break;
        case by_field::file: scratch_.file = file; break;
      }
    }
    if (component) scratch_.component.assign(r.component);
    if (last_ == counts_.end() || counts_.key_comp()(scratch_, last_->first) ||
        counts_.key_comp()(last_->first, scratch_)) {
      last_ = counts_.find(scratch_);
      if (last_ == counts_.end()) last_ = counts_.emplace(scratch_, count_entry{}).first;
    }
    ++last_->second.count;
    last_->second.changed = true;
    any_changed_ = true;
  }

  std::vector<by_field> by_;
  std::array<bool, 5> levels_;
  io::log_format format_;
  std::optional<sys_seconds> since_;
  std::optional<sys_seconds> until_;
  std::map<count_key, count_entry, count_order> counts_;
  std::map<count_key, count_entry, count_order>::iterator last_ = counts_.end();
  count_key scratch_;
  bool any_changed_ = false;
  io::reject_handler reject_;
  std::vector<std::string> files_;
  std::optional<result_output> out_;
};

[[noreturn]] void interrupted(logs_run& run, rejects& bad) {
  bad.flush();  // first: a dead-letter file that cannot be written leaves no result
  run.commit();
  bad.finish("logs");
  throw CLI::RuntimeError(128 + stop_signal);
}

void run_logs(const logs_settings& s, common_options common, bool format_given) {
  if (s.files.empty()) throw usage_error("no log file given (- reads standard input)");
  if (!format_given) common.format = s.by.empty() ? "jsonl" : "csv";
  if (s.follow) common.flush_each = true;
  if (s.follow) common.progress = false;  // a run that waits for lines has no end to show progress to
  rejects bad(common.on_error);
  logs_run run(s, common, bad);
  run.set_files(expand_files(s.files));
  command_progress progress(common, "logs", run.files());
  const stop_signals signals(false);  // a sleeping --follow wakes up at once

  std::vector<std::pair<std::size_t, io::file_follower>> followed;
  const auto& files = run.files();
  for (std::size_t i = 0; i < files.size() && !stop_signal; ++i) {
    const std::string& path = files[i];
    io::input in(path);
    if (s.follow && path != "-" && in.compression() == io::compression::none) {
      // Read by the follower from the start, so that it knows where the complete lines end.
      followed.emplace_back(i, io::file_follower(path));
      followed.back().second.poll([&](std::string_view text, std::uint64_t number, std::uint64_t offset) {
        run.line(text, i, path, [&] { return std::pair(number, offset); });
      });
      continue;
    }
    io::line_reader reader(std::move(in));
    const auto reading = progress.reading(reader.input());
    const std::string& name = reader.input().path();
    std::string_view text;
    while (reader.next(text)) {
      progress.tick();
      run.line(text, i, name, [&] { return std::pair(reader.line_number(), reader.line_offset()); });
      if (stop_signal) [[unlikely]]
        break;
    }
  }
  if (stop_signal) interrupted(run, bad);
  progress.finish();
  if (run.counting()) run.write_counts(false);
  if (!s.follow || followed.empty()) {  // nothing to follow: standard input and compressed files end
    bad.flush();
    run.commit();
    bad.finish("logs");
    return;
  }

  // --follow: poll the plain files for appended lines until a signal; counts print the groups that changed.
  while (!stop_signal) {
    ::poll(nullptr, 0, 200);
    for (auto& [i, follower] : followed) {
      if (stop_signal) break;
      const std::string& path = files[i];
      follower.poll([&, i = i](std::string_view text, std::uint64_t number, std::uint64_t offset) {
        run.line(text, i, path, [&] { return std::pair(number, offset); });
      });
    }
    if (run.counting() && run.any_changed()) run.write_counts(true);
  }
  interrupted(run, bad);
}

}  // namespace

void add_logs_command(CLI::App& app) {
  auto settings = std::make_shared<logs_settings>();
  auto common = std::make_shared<common_options>();
  auto* cmd = app.add_subcommand(
      "logs", "Log analysis over many files: level and time filters, parsed records or counts per hour and level");
  cmd->add_option("files", settings->files,
                  "Log files, plain, gzip or zstd; quoted globs ('app-*.log.gz') are expanded, sorted; - is "
                  "standard input")
      ->required();
  cmd->add_option("--level", settings->level,
                  "One level: that level and above (ERROR: ERROR and CRITICAL); a list: exactly those "
                  "(WARNING,ERROR)");
  cmd->add_option("--since", settings->since, "Lines at or after YYYY-MM-DD[ HH:MM[:SS]] (or ...THH:MM:SS)");
  cmd->add_option("--until", settings->until, "Lines before YYYY-MM-DD[ HH:MM[:SS]]");
  cmd->add_option("--by", settings->by,
                  "Count lines per group of these keys instead of writing them: hour, day, level, component, file "
                  "(hour,level)");
  cmd->add_option("--log-format", settings->log_format,
                  "The line format: %Y %m %d %H %M %S %L (level) %C (component) %* (message)")
      ->default_str("%Y-%m-%d %H:%M:%S %L %C: %*");
  cmd->add_flag("-f,--follow", settings->follow,
                "After the end, wait for appended lines, across rotation and truncation (tail -F); Ctrl-C ends");
  add_common_options(*cmd, *common);
  // Records default to JSON lines (free-text messages stay readable), counts to CSV, as for other commands.
  cmd->get_option("--format")
      ->description("Output format: csv, tsv, jsonl or table (default: jsonl for records, csv for --by counts)")
      ->default_str("");
  cmd->footer(
      "Examples:\n"
      "  yieldpipe logs app.log --level ERROR                       # errors and criticals, as JSON lines\n"
      "  yieldpipe logs 'app-*.log.gz' app.log --by hour,level      # counts, CSV\n"
      "  yieldpipe logs app.log --since 2024-03-01 --until '2024-03-02 06:00' --format table\n"
      "  yieldpipe logs app.log --by component --level WARNING,ERROR --on-error skip\n"
      "  yieldpipe logs app.log --follow --level ERROR              # like tail -F | grep, by level\n"
      "\n"
      "Records: timestamp,level,component,message,file,line (JSON lines unless --format says otherwise).\n"
      "Counts: the --by keys and count, sorted by key (CSV unless --format says otherwise); with --follow,\n"
      "the groups that changed are written again with their new counts. A line that does not parse goes to\n"
      "--on-error; blank lines are skipped. SIGINT (Ctrl-C) writes what is known and exits 130.");
  cmd->callback([settings, common, cmd] {
    run_command("logs", *common, [&] { run_logs(*settings, *common, cmd->count("--format") > 0); });
  });
}

YIELDPIPE_COMMAND(50, add_logs_command);

}  // namespace yieldpipe::cli
