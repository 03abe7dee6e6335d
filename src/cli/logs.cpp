// `yieldpipe logs`: the guide's log analysis pipeline over many files: level and time filters,
// parsed records as JSON lines or counts per hour, level, component..., and `--follow`.
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <yieldpipe/async/followed_lines.hpp>
#include <yieldpipe/async/run.hpp>
#include <yieldpipe/core/async_generator.hpp>
#include <yieldpipe/core/task.hpp>
#include <yieldpipe/exec/parallel_map.hpp>
#include <yieldpipe/exec/parallel_reduce.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/input.hpp>
#include <yieldpipe/io/lines.hpp>
#include <yieldpipe/io/log_record.hpp>
#include <yieldpipe/query/log_counts.hpp>
#include <yieldpipe/query/log_filter.hpp>
#include <yieldpipe/query/query_error.hpp>

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
  std::string time_field;
  std::string level_field;
  int year = 0;
  bool follow = false;
};

std::optional<sys_seconds> time_option(const std::string& name, const std::string& value) {
  if (value.empty()) return std::nullopt;
  const auto t = query::parse_log_time(value);
  if (!t) throw usage_error(name + ": expected YYYY-MM-DD[ HH:MM[:SS]], got '" + value + "'");
  return t;
}

query::log_filter make_filter(const logs_settings& s) {
  query::log_filter filter;
  try {
    filter.levels = query::parse_log_levels(s.level);
  } catch (const query::query_error& e) {
    throw usage_error(std::string("--level: ") + e.what());
  }
  filter.since = time_option("--since", s.since);
  filter.until = time_option("--until", s.until);
  if (filter.since && filter.until && *filter.since >= *filter.until)
    throw usage_error("--since must be before --until");
  return filter;
}

// The name of a format for messages: its preset's name, or "a pattern".
std::string format_name(const io::log_format& format) {
  return format.kind() == io::log_format_kind::pattern ? "a pattern" : format.pattern();
}

std::optional<query::log_counts> make_counts(const std::string& by, const io::log_format& format) {
  if (by.empty()) return std::nullopt;
  std::vector<query::log_key> keys;
  try {
    keys = query::parse_log_keys(by);
  } catch (const query::query_error& e) {
    throw usage_error(std::string("--by: ") + e.what());
  }
  for (const query::log_key k : keys) {
    if (query::has_log_key(format.kind(), k)) continue;
    std::string known;
    for (int i = 0; i <= static_cast<int>(query::log_key::status); ++i) {
      const auto other = static_cast<query::log_key>(i);
      if (!query::has_log_key(format.kind(), other)) continue;
      known += (known.empty() ? "" : ", ") + std::string(query::to_string(other));
    }
    throw usage_error("--by: the records of --log-format " + format_name(format) + " have no " +
                      std::string(query::to_string(k)) + " (keys: " + known + ")");
  }
  return query::log_counts(std::move(keys));
}

// --log-format: a preset's name or a pattern (it has % fields); the preset options only with their preset.
io::log_format make_format(const logs_settings& s) {
  const bool preset = io::log_format::is_preset(s.log_format);
  if (!s.log_format.empty() && !preset && s.log_format.find('%') == std::string::npos)
    throw usage_error("--log-format: unknown preset '" + s.log_format +
                      "' (presets: default, combined, common, syslog, json; a pattern has % fields)");
  const bool json = s.log_format == "json", syslog = s.log_format == "syslog";
  if (!json && !s.time_field.empty()) throw usage_error("--time-field is an option of --log-format json");
  if (!json && !s.level_field.empty()) throw usage_error("--level-field is an option of --log-format json");
  if (!syslog && s.year != 0) throw usage_error("--year is an option of --log-format syslog");
  if (s.year < 0 || s.year > 9999) throw usage_error("--year: expected 1 to 9999");
  if (s.log_format.empty()) return io::log_format();
  try {
    if (preset)
      return io::log_format::preset(s.log_format,
                                    {.time_field = s.time_field, .level_field = s.level_field, .year = s.year});
    return io::log_format(s.log_format);
  } catch (const std::invalid_argument& e) {
    throw usage_error(std::string("--log-format: ") + e.what());
  }
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

// --- the run --------------------------------------------------------------------------------------

// The columns of records, by format: the fields its lines have, then file and line.
const std::vector<std::string>& record_columns(io::log_format_kind kind) {
  static const std::vector<std::string> lines = {"timestamp", "level", "component", "message", "file", "line"};
  static const std::vector<std::string> syslog = {"timestamp", "level", "host", "component", "message", "file", "line"};
  static const std::vector<std::string> access = {"timestamp", "client", "user",     "method", "path", "protocol",
                                                  "status",    "bytes",  "referrer", "agent",  "file", "line"};
  switch (kind) {
    case io::log_format_kind::combined: return access;
    case io::log_format_kind::syslog: return syslog;
    default: return lines;
  }
}

// A field the line may lack (`-` in an access log, no component in a JSON line): null when empty.
io::field optional_text(std::string_view text) noexcept { return text.empty() ? io::field() : io::field(text); }

// Writes the record's row in the columns of `record_columns(kind)`.
template <class Writer>
void write_record(Writer& out, io::log_format_kind kind, const io::log_record& r, std::string_view path,
                  std::uint64_t line) {
  char ts[19];
  query::format_log_time(r.timestamp, ts);
  const std::string_view time(ts, 19);
  switch (kind) {
    case io::log_format_kind::combined: {
      const io::log_access_fields& a = *r.access;  // every combined record has them
      out.write_row({time, a.client, optional_text(a.user), optional_text(a.method), a.path, optional_text(a.protocol),
                     static_cast<std::uint64_t>(a.status), a.bytes, optional_text(a.referrer), optional_text(a.agent),
                     path, line});
      return;
    }
    case io::log_format_kind::syslog:
      out.write_row(
          {time, io::to_string(r.level), optional_text(r.host), optional_text(r.component), r.message, path, line});
      return;
    case io::log_format_kind::json:
      out.write_row({time, io::to_string(r.level), optional_text(r.component), r.message, path, line});
      return;
    case io::log_format_kind::pattern:
      out.write_row({time, io::to_string(r.level), r.component, r.message, path, line});
      return;
  }
}

// A record that passed, kept for the table format (its columns are measured over all rows): a copy
// of the record whose views point into its own bytes (on the heap: they stay put when it moves).
struct kept_record {
  io::log_record record;
  std::unique_ptr<char[]> text;
  std::uint64_t line = 0;

  kept_record(const io::log_record& r, std::uint64_t line_number) : record(r), line(line_number) {
    std::array<std::string_view*, 12> views = {&record.timestamp_text, &record.level_text, &record.component,
                                               &record.message, &record.host};
    std::size_t count = 5;
    if (record.access) {
      io::log_access_fields& a = *record.access;
      for (std::string_view* v : {&a.client, &a.user, &a.method, &a.path, &a.protocol, &a.referrer, &a.agent})
        views[count++] = v;
    }
    std::size_t size = 0;
    for (std::size_t i = 0; i < count; ++i) size += views[i]->size();
    text = std::make_unique<char[]>(size == 0 ? 1 : size);
    char* at = text.get();
    for (std::string_view* v : std::span(views.data(), count)) {
      std::copy(v->begin(), v->end(), at);
      *v = std::string_view(at, v->size());
      at += v->size();
    }
  }
};

class logs_run;

// What one piece of a file read on a worker thread gives, merged into the run in file order on the
// calling thread: its counts, or its records (formatted, or kept for the table), and what progress
// shows.
struct piece_result {
  logs_run* run = nullptr;  // only used by merge, on the calling thread
  std::optional<query::log_counts> counts;
  std::unique_ptr<part_writer> text;
  std::vector<kept_record> kept;
  std::uint64_t records = 0;  // parsed lines read
  std::uint64_t end = 0;      // the offset after the last of them
  void merge(piece_result& later);
};

// A file read whole on a worker thread, several at once: its result and its bad lines, held back
// until the files before it are merged.
struct file_result {
  struct held_line {
    std::uint64_t line;
    std::uint64_t offset;
    std::string text;
    std::string message;
  };
  std::string name;  // as records and errors name it
  piece_result result;
  std::vector<held_line> rejects;
  // Its bad lines passed `held_rejects_bytes`: it stopped, and is read again in its turn.
  bool overflowed = false;
  // The file's error, raised in its turn: parallel_map would raise the first error in time, in the
  // place of the first file not read yet.
  std::exception_ptr error;
};

class logs_run {
 public:
  logs_run(const logs_settings& s, const common_options& common, rejects& bad)
      : filter_(make_filter(s)),
        format_(make_format(s)),
        counts_(make_counts(s.by, format_)),
        keys_(counts_ ? counts_->keys() : std::vector<query::log_key>{}),
        common_(common),
        reject_(bad.handler()) {
    out_.emplace(common, counts_ ? counts_->columns() : record_columns(format_.kind()));
  }

  bool counting() const noexcept { return counts_.has_value(); }
  void set_files(std::vector<std::string> files) { files_ = std::move(files); }
  const std::vector<std::string>& files() const noexcept { return files_; }
  void set_progress(command_progress& progress) noexcept { progress_ = &progress; }
  const io::log_format& format() const noexcept { return format_; }
  const io::reject_handler& reject_handler() const noexcept { return reject_; }

  // --- on this thread: --threads 1 and --follow

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
    if (!filter_.passes(*r)) return;
    if (counts_)
      counts_->add(*r, file);
    else
      write_record(*out_, format_.kind(), *r, path, std::get<0>(where()));
  }

  // Writes the groups: all of them, or (with `changed_only`) those counted since the last call.
  void write_counts(bool changed_only) {
    const auto write = [&](std::span<const io::field> record) { out_->write_row(record); };
    if (changed_only)
      counts_->for_each_changed(files_, write);
    else
      counts_->for_each_sorted(files_, write);
  }
  bool any_changed() const noexcept { return counts_ && counts_->any_changed(); }
  void commit() { out_->commit(); }

  // --- in pieces on worker threads (exec::parallel_reduce), merged here in file order

  // A fresh piece's result: on a worker thread.
  piece_result make_piece() {
    piece_result p;
    p.run = this;
    if (counts_)
      p.counts.emplace(keys_);  // not counts_->keys(): counts_ is being merged into meanwhile
    else
      p.text = part_writer::make(common_, record_columns(format_.kind()));
    return p;
  }
  // One parsed line of file number `file` into its piece's result: on a worker thread.
  void add(piece_result& p, const exec::log_line& l, std::size_t file, std::string_view path) const {
    add(p, l.record, l.line, l.offset + l.text.size(), file, path);
  }
  void add(piece_result& p, const io::log_record& r, std::uint64_t line, std::uint64_t end, std::size_t file,
           std::string_view path) const {
    if (stop_signal) [[unlikely]]
      throw interrupted(stop_signal);  // the first piece in file order to see it raises it
    ++p.records;
    p.end = end;
    if (!filter_.passes(r)) return;
    if (p.counts)
      p.counts->add(r, file);
    else if (p.text)
      write_record(*p.text, format_.kind(), r, path, line);
    else
      p.kept.emplace_back(r, line);
  }
  // Reads file number `file` whole, on a worker thread, as the serial loop would: its bad lines are
  // held back (under `fail`, the first throws the parser's error), up to `max_held` bytes of them.
  file_result read_whole(std::size_t file, std::uint64_t max_held) {
    file_result f;
    std::uint64_t held = 0;
    try {
      f.result = make_piece();
      io::line_reader reader{io::input(files_[file])};
      f.name = reader.input().path();
      std::string_view text;
      while (reader.next(text)) {
        if (text.empty()) continue;
        const io::log_parse_result r = format_.parse(text);
        if (!r) [[unlikely]] {
          try {
            (void)format_.parse_or_throw(text, f.name, reader.line_number());
          } catch (const io::io_error& e) {
            if (!reject_) throw;
            held += text.size() + std::string_view(e.what()).size() + 64;
            if (held > max_held) {
              f.overflowed = true;
              f.rejects.clear();
              return f;
            }
            f.rejects.push_back({reader.line_number(), reader.line_offset(), std::string(text), e.what()});
          }
          continue;
        }
        add(f.result, *r, reader.line_number(), reader.line_offset() + text.size(), file, f.name);
      }
    } catch (...) {
      f.error = std::current_exception();
    }
    return f;
  }
  // Merges a file read whole: its bad lines to the policy, then its result.
  void merge(file_result& f) {
    for (const file_result::held_line& h : f.rejects) {
      const io::rejected_record record{f.name, h.line, h.offset, h.text};
      if (!reject_(record, "not a log line", h.message)) throw io::io_error(f.name, h.message);
    }
    if (f.error) std::rethrow_exception(f.error);
    start_file(f.name, false);
    merge(f.result);
  }
  // Where the reading of the current file has come: the bytes (of a plain file) already shown.
  void start_file(std::string path, bool plain) {
    current_path_ = std::move(path);
    current_plain_ = plain;
    current_shown_ = 0;
  }
  void merge(piece_result& later) {
    if (progress_ != nullptr) {
      progress_->tick(later.records);  // throws `interrupted` after a signal
      if (current_plain_ && later.end > current_shown_) {
        progress_->add_bytes_done(later.end - current_shown_);
        current_shown_ = later.end;
      }
    }
    if (later.counts) {
      counts_->merge(*later.counts);
    } else if (later.text) {
      later.text->write_to(*out_);
    } else {
      for (const kept_record& k : later.kept) write_record(*out_, format_.kind(), k.record, current_path_, k.line);
    }
  }
  // The bytes of the current file not shown yet by its pieces (all of a compressed file's).
  std::uint64_t current_shown() const noexcept { return current_plain_ ? current_shown_ : 0; }

 private:
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

  query::log_filter filter_;
  io::log_format format_;
  std::optional<query::log_counts> counts_;
  std::vector<query::log_key> keys_;
  const common_options& common_;
  io::reject_handler reject_;
  std::vector<std::string> files_;
  std::optional<result_output> out_;
  command_progress* progress_ = nullptr;
  std::string current_path_;
  bool current_plain_ = false;
  std::uint64_t current_shown_ = 0;
};

void piece_result::merge(piece_result& later) { run->merge(later); }

// Ends a run stopped by SIGINT or SIGTERM: what was written stays (records, dead letters), exit 128 + signal.
[[noreturn]] void finish_interrupted(logs_run& run, rejects& bad) {
  bad.flush();  // first: a dead-letter file that cannot be written leaves no result
  run.commit();
  bad.finish("logs");
  throw CLI::RuntimeError(128 + stop_signal);
}

// About how many bytes a piece of a file holds when records are written: its formatted records wait
// in memory until the pieces before it are written (JSON lines of generated logs are about 2.3 times
// their input), so memory is about 2 x threads such pieces. Measured on 300 MB with 2 threads: 2 MiB
// and 4 MiB pieces cost the same CPU time (peak RSS 42 and 52 MB), 16 MiB pieces more (126 MB).
constexpr std::uint64_t record_piece_bytes = std::uint64_t{2} << 20;

// The largest file read whole on one thread, several at once, rather than in pieces one after
// another: a file of a few pieces gains nothing from being cut (each piece reads the file's first
// chunk again), and several small files keep the threads busy. Compressed: its size on disk, which
// is about a tenth of its lines; records written wait in memory, so less then.
constexpr std::uint64_t small_file_bytes = std::uint64_t{4} << 20;
constexpr std::uint64_t small_compressed_records_bytes = std::uint64_t{512} << 10;

// The bad lines a file read whole holds back before it stops and is read again in its turn.
constexpr std::uint64_t held_rejects_bytes = std::uint64_t{16} << 20;

// The largest file read whole: small files always; when counting, also any file no larger than a
// thread's share of all of them. Counts wait in memory as small as a piece's, and a file read whole
// is read once, where its pieces cost a pass counting line breaks and three opens each: on four 250
// MB logs with 2 threads, pieces took 1.36 s of CPU for the 0.78 s of one thread (2026-12-07). A
// compressed file read whole also decompresses on its own thread, where its pieces wait on one.
std::uint64_t largest_whole_file(const logs_run& run, unsigned threads) {
  if (!run.counting()) return small_file_bytes;
  std::uint64_t total = 0;
  for (const std::string& path : run.files()) {
    struct stat st {};
    if (path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      total += static_cast<std::uint64_t>(st.st_size);
  }
  return std::max(small_file_bytes, total / std::max(threads, 1u));
}

// The files in order on `threads` threads: runs of two or more files that can be read whole
// (largest_whole_file) read several at once (exec::parallel_map); the others (and standard input)
// each in pieces (exec::parallel_reduce). Everything is merged here in file order.
void read_files(logs_run& run, command_progress& progress, unsigned threads) {
  const exec::log_records format{run.format(), {}, run.reject_handler()};
  exec::pieces_options options{.threads = threads};
  if (!run.counting()) options.piece_bytes = options.file_piece_bytes = record_piece_bytes;
  run.set_progress(progress);
  const auto& files = run.files();

  // The size of file `i` if it is read whole, else nothing. A file that cannot be read is read in
  // pieces: its error is raised in turn, by parallel_reduce.
  const std::uint64_t largest_whole = largest_whole_file(run, threads);
  const auto whole_size = [&](std::size_t i) -> std::optional<std::uint64_t> {
    struct stat st {};
    if (files[i] == "-" || ::stat(files[i].c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > largest_whole) return std::nullopt;
    try {
      const bool plain = io::input(files[i], {.buffer_size = 4}).compression() == io::compression::none;
      if (!plain && !run.counting() && size > small_compressed_records_bytes) return std::nullopt;
    } catch (const io::io_error&) {
      return std::nullopt;
    }
    return size;
  };
  const auto in_pieces = [&](std::size_t i, const exec::pieces_options& how) {
    const std::string& path = files[i];
    const std::string name = path == "-" ? "<stdin>" : path;
    // Progress: a plain file's bytes as its pieces are merged, a compressed file's at its end.
    struct stat st {};
    const bool regular = path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    bool plain = false;
    try {
      plain = regular && io::input(path, {.buffer_size = 4}).compression() == io::compression::none;
    } catch (const io::io_error&) {  // parallel_reduce raises it
    }
    run.start_file(name, plain);
    // The pieces' results are merged into `run` as they come (piece_result::merge); the one returned is
    // what was read into the result itself: the whole file when it was read on one thread.
    piece_result rest = exec::parallel_reduce(
        path, format, [&run] { return run.make_piece(); },
        [&run, i, &name](piece_result& p, const exec::log_line& l) { run.add(p, l, i, name); }, how);
    run.merge(rest);
    if (regular) progress.add_bytes_done(static_cast<std::uint64_t>(st.st_size) - run.current_shown());
  };

  for (std::size_t i = 0; i < files.size();) {
    if (stop_signal) throw interrupted(stop_signal);
    std::vector<std::size_t> group;
    std::vector<std::uint64_t> sizes;
    for (std::size_t j = i; j < files.size(); ++j) {
      const auto size = whole_size(j);
      if (!size) break;
      group.push_back(j);
      sizes.push_back(*size);
    }
    if (group.size() < 2) {
      in_pieces(i++, options);
      continue;
    }
    const int n = static_cast<int>(threads);
    std::size_t k = 0;
    const auto read_whole = [&run](std::size_t file) { return run.read_whole(file, held_rejects_bytes); };
    for (file_result& f :
         group | exec::parallel_map(read_whole, {.threads = n, .ordered = true, .max_in_flight = 2 * n})) {
      if (f.overflowed) {  // read again here, its bad lines handed over as they come
        in_pieces(group[k++], {.threads = 1});
        continue;
      }
      run.merge(f);
      progress.add_bytes_done(sizes[k++]);
    }
    i += group.size();
  }
}

// Reads file number `i` (`in`) to its end on this thread.
void read_to_end(logs_run& run, command_progress& progress, io::input in, std::size_t i) {
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

// The followed files' lines into the run, as they arrive, until the generator ends (a signal).
task<void> print_followed(async_generator<async::followed_line>& lines, logs_run& run,
                          const std::vector<std::string>& paths, const std::vector<std::size_t>& index) {
  while (auto l = co_await lines.next()) {
    run.line(l->text, index[l->file], paths[l->file], [&] { return std::pair(l->number, l->offset); });
    if (stop_signal) [[unlikely]]  // while the existing lines are read: the generator has not waited yet
      break;
  }
}

// --follow: standard input and compressed files are read to their end first, in order (they cannot
// grow); then the plain files are followed together on an io_context (async::followed_lines):
// their existing lines file after file, then the lines appended to any of them as they arrive,
// each written and flushed at once, until SIGINT or SIGTERM, whose handler wakes the io_context
// through stop_signals' pipe. Counts: the whole table once the existing lines are read, then after
// each batch of lines the groups that changed.
void follow_files(logs_run& run, rejects& bad, command_progress& progress, const stop_signals& signals) {
  const auto& files = run.files();
  std::vector<std::string> paths;  // the followed files
  std::vector<std::size_t> index;  // their places on the command line
  for (std::size_t i = 0; i < files.size() && !stop_signal; ++i) {
    io::input in(files[i]);  // a missing file is an error, as without --follow
    if (files[i] != "-" && in.compression() == io::compression::none) {
      paths.push_back(files[i]);
      index.push_back(i);
    } else {
      read_to_end(run, progress, std::move(in), i);
    }
  }
  if (stop_signal) finish_interrupted(run, bad);
  progress.finish();
  if (paths.empty()) {  // nothing to follow: standard input and compressed files end
    if (run.counting()) run.write_counts(false);
    bad.flush();
    run.commit();
    bad.finish("logs");
    return;
  }

  asio::io_context ctx;
  std::stop_source stop;
  asio::posix::stream_descriptor signalled(ctx);
  asio::steady_timer check(ctx);  // without the pipe (it could not be made): the flag every 100 ms
  std::function<void(const asio::error_code&)> tick = [&](const asio::error_code& ec) {
    if (ec) return;
    if (stop_signal) {
      stop.request_stop();
      return;
    }
    check.expires_after(std::chrono::milliseconds(100));
    check.async_wait(tick);
  };
  const int wake = signals.wake_fd() >= 0 ? ::dup(signals.wake_fd()) : -1;
  if (wake >= 0) {
    signalled.assign(wake);
    signalled.async_wait(asio::posix::descriptor_base::wait_read, [&stop](const asio::error_code& ec) {
      if (!ec) stop.request_stop();
    });
  } else {
    tick({});
  }
  if (stop_signal) stop.request_stop();

  bool table_written = false;
  async::follow_options options;
  options.stop = stop.get_token();
  options.on_caught_up = [&run, &table_written] {
    if (!run.counting()) return;
    run.write_counts(table_written);  // the whole table the first time, then the groups that changed
    table_written = true;
  };
  auto lines = async::followed_lines(ctx.get_executor(), paths, std::move(options));
  async::run(ctx, print_followed(lines, run, paths, index));
  finish_interrupted(run, bad);
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
  const auto& files = run.files();

  if (s.follow) {
    follow_files(run, bad, progress, signals);
    return;
  }
  if (common.threads > 1) {
    try {
      read_files(run, progress, static_cast<unsigned>(common.threads));
    } catch (const interrupted&) {
      finish_interrupted(run, bad);
    }
  } else {
    for (std::size_t i = 0; i < files.size() && !stop_signal; ++i) read_to_end(run, progress, io::input(files[i]), i);
    if (stop_signal) finish_interrupted(run, bad);
  }
  progress.finish();
  if (run.counting()) run.write_counts(false);
  bad.flush();
  run.commit();
  bad.finish("logs");
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
                  "Count lines per group of these keys instead of writing them: hour, day, level, file; component "
                  "(not combined); host (syslog); client, method, path, status (combined) (hour,level)");
  cmd->add_option("--log-format", settings->log_format,
                  "A preset: default, combined (or common: web access logs), syslog (RFC 3164 and 5424), json (an "
                  "object per line); or a pattern: %Y %m %d %H %M %S %L (level) %C (component) %* (message)")
      ->default_str("%Y-%m-%d %H:%M:%S %L %C: %*");
  cmd->add_option("--time-field", settings->time_field,
                  "json: the member holding the time (default: the first of time, timestamp, ts, @timestamp)");
  cmd->add_option("--level-field", settings->level_field,
                  "json: the member holding the level (default: the first of level, severity, lvl)");
  cmd->add_option("--year", settings->year,
                  "syslog: the year of RFC 3164 lines, which have none (default: this year, or the last for a "
                  "date more than a day ahead)");
  cmd->add_flag("-f,--follow", settings->follow,
                "Then follow the plain files, all at once (inotify), writing each line appended to any of them as it "
                "arrives, across rotation and truncation (tail -F); Ctrl-C ends");
  add_common_options(*cmd, *common);
  add_threads_option(*cmd, *common);
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
      "  yieldpipe logs access.log --log-format combined --by hour,status\n"
      "  yieldpipe logs /var/log/syslog --log-format syslog --level WARNING --by host,component\n"
      "  yieldpipe logs app.jsonl --log-format json --time-field when --level ERROR\n"
      "\n"
      "Formats (--log-format):\n"
      "  default   2024-03-01 12:00:07 ERROR db.pool: connection refused  (also 2024-03-01T12:00:07.123+02:00)\n"
      "  combined  127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /a.gif HTTP/1.0\" 200 2326 \"ref\" \"agent\"\n"
      "            (common: the same without referrer and agent); level: 5xx ERROR, 4xx WARNING, others INFO\n"
      "  syslog    <34>Oct 11 22:14:15 mymachine su: 'su root' failed  (PRI optional: INFO without it)\n"
      "            <165>1 2003-10-11T22:14:15.003Z host app - ID47 - message; level from the PRI's severity:\n"
      "            0-2 CRITICAL, 3 ERROR, 4 WARNING, 5-6 INFO, 7 DEBUG\n"
      "  json      {\"ts\":\"2024-03-01T12:00:07Z\",\"level\":\"error\",\"logger\":\"db\",\"msg\":\"refused\"}\n"
      "A time with a zone is converted to UTC (timestamp, hours, --since, --until); without one it is taken as\n"
      "written.\n"
      "\n"
      "Records: timestamp,level,component,message,file,line (JSON lines unless --format says otherwise);\n"
      "syslog: timestamp,level,host,component,message,file,line; combined: timestamp,client,user,method,path,\n"
      "protocol,status,bytes,referrer,agent,file,line.\n"
      "Counts: the --by keys and count, sorted by key (CSV unless --format says otherwise); with --follow,\n"
      "the groups that changed are written again with their new counts. A line that does not parse goes to\n"
      "--on-error; blank lines are skipped. SIGINT (Ctrl-C) writes what is known and exits 130.\n"
      "--threads N reads the files on N threads (several small files at once, big ones in pieces) and merges\n"
      "in file order: records, counts, dead letters and errors are those of --threads 1; --follow uses one.");
  cmd->callback([settings, common, cmd] {
    run_command("logs", *common, [&] { run_logs(*settings, *common, cmd->count("--format") > 0); });
  });
}

YIELDPIPE_COMMAND(50, add_logs_command);

}  // namespace yieldpipe::cli
