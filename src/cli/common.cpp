#include "common.hpp"

#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <exception>
#include <fstream>
#include <iostream>
#include <streambuf>
#include <thread>
#include <utility>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/input.hpp>
#include <yieldpipe/io/printable.hpp>
#include <yieldpipe/iter/memory.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace yieldpipe::cli {

void add_common_options(CLI::App& cmd, common_options& o) {
  cmd.add_option("-o,--output", o.output,
                 "The file to write (- is standard output); a file appears whole or not at all")
      ->capture_default_str();
  cmd.add_option("--format", o.format, "Output format: csv, tsv, jsonl or table")
      ->check(CLI::IsMember({"csv", "tsv", "jsonl", "table"}))
      ->capture_default_str();
  add_run_options(cmd, o);
  cmd.add_flag("--flush-each", o.flush_each, "Write every result line out as soon as it is known");
  cmd.add_option("--max-memory", o.max_memory,
                 "Bound an operator's state (groups, distinct values, samples) to SIZE (512MB, 2GiB): past it, stats "
                 "spills its groups to temporary files (unless --no-spill), the other commands stop with a message")
      ->check(
          CLI::Validator([](std::string& t) { return parse_size(t) ? std::string() : "not a size: " + t; }, "SIZE"));
}

void add_run_options(CLI::App& cmd, common_options& o) {
  cmd.add_option("--on-error", o.on_error,
                 "What a bad record does: fail (stop, exit 1), skip (count it), dead-letter=FILE (count it and "
                 "write it to FILE with its file, line, byte offset and reason)")
      ->capture_default_str();
  // --no-progress wins whatever the order: the flags' callbacks run in the order they were added.
  cmd.add_flag_callback(
      "--progress", [&o] { o.progress = o.progress.value_or(true); },
      "Show progress on stderr: a bar on a terminal, else a log line every 5 s (default: a bar when stderr is a "
      "terminal)");
  cmd.add_flag_callback(
      "--no-progress", [&o] { o.progress = false; }, "No progress on stderr");
  cmd.add_flag("--memory", o.memory, "Print the peak memory (resident set) of the run on stderr at the end");
}

void add_threads_option(CLI::App& cmd, common_options& o) {
  // As DuckDB and Polars do: every core unless told otherwise.
  o.threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  cmd.add_option("--threads", o.threads, "Threads to work with (default: the number of cores; 1: this thread only)")
      ->check(whole_number(1))
      ->capture_default_str();
}

namespace {
// A message made printable line by line (an expression's error shows it, and a caret, below).
std::string printable_lines(std::string_view message) {
  std::string out;
  for (std::size_t at = 0;;) {
    const std::size_t end = message.find('\n', at);
    out += io::printable(message.substr(at, end == std::string_view::npos ? end : end - at));
    if (end == std::string_view::npos) return out;
    out += '\n';
    at = end + 1;
  }
}
}  // namespace

namespace {
// set_error_note's: the command runs on this thread.
std::string error_note_path;
std::string error_note;
void print_note(std::string_view name) {
  if (!error_note.empty()) std::cerr << "yieldpipe " << name << ": note: " << error_note << '\n';
}
}  // namespace

void set_error_note(std::string path, std::string note) {
  error_note_path = std::move(path);
  error_note = std::move(note);
}

void run_command(std::string_view name, const std::function<void()>& body) {
  const stop_signals signals(true);
  try {
    body();
  } catch (const interrupted& e) {
    std::cerr << "yieldpipe " << name << ": interrupted\n";
    throw CLI::RuntimeError(128 + e.signal());
  } catch (const io::broken_pipe&) {
    // `| head` closed standard output: the reader has what it wanted.
  } catch (const usage_error& e) {
    std::cerr << "yieldpipe " << name << ": " << printable_lines(e.what()) << '\n';
    throw CLI::RuntimeError(2);
  } catch (const query::query_error& e) {
    std::cerr << "yieldpipe " << name << ": " << printable_lines(e.what()) << '\n';
    print_note(name);
    throw CLI::RuntimeError(2);
  } catch (const io::io_error& e) {
    std::cerr << "yieldpipe " << name << ": " << printable_lines(e.what()) << '\n';
    if (e.path() == error_note_path) print_note(name);
    throw CLI::RuntimeError(1);
  }
}

void run_command(std::string_view name, const common_options& options, const std::function<void()>& body) {
  // Reported however the run ends: a run stopped by --max-memory or a bad row is when it matters too.
  const auto report = [&] {
    if (options.memory) std::cerr << "yieldpipe " << name << ": peak memory " << format_bytes(peak_rss_bytes()) << '\n';
  };
  try {
    run_command(name, body);
  } catch (...) {
    report();
    throw;
  }
  report();
}

namespace {
std::optional<std::uint64_t> times(std::uint64_t a, std::uint64_t b) {
  if (b != 0 && a > UINT64_MAX / b) return std::nullopt;
  return a * b;
}
}  // namespace

CLI::Validator whole_number(std::uint64_t min) {
  const std::string name = "N>=" + std::to_string(min);
  return CLI::Validator(
      [min, name](std::string& text) {
        std::uint64_t n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size() && !text.empty() && n >= min) return std::string();
        return "expected a whole number >= " + std::to_string(min) + ", got '" + text + "'";
      },
      name);
}

std::uint64_t default_memory_budget() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  std::uint64_t memory = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                                               : std::uint64_t{8} << 30;
  // cgroup v2 ("max" when unlimited), then v1 (a huge number when unlimited).
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream file(path);
    std::uint64_t limit = 0;
    if (file >> limit && limit > 0 && limit < memory) memory = limit;
  }
  return memory / 2;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  const char* end = text.data() + text.size();
  std::uint64_t whole = 0;
  const auto parsed = std::from_chars(text.data(), end, whole);
  if (parsed.ec != std::errc() || parsed.ptr == text.data()) return std::nullopt;
  const char* p = parsed.ptr;
  std::uint64_t fraction = 0, fraction_scale = 1;
  if (p != end && *p == '.') {
    for (++p; p != end && *p >= '0' && *p <= '9'; ++p) {
      if (fraction_scale == 1'000'000) return std::nullopt;
      fraction = fraction * 10 + static_cast<std::uint64_t>(*p - '0');
      fraction_scale *= 10;
    }
  }
  std::string unit(p, end);
  for (char& c : unit) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  std::uint64_t scale = 0;
  static constexpr std::string_view prefixes = "kmgt";
  if (unit.empty() || unit == "b") {
    scale = 1;
  } else if (const auto at = prefixes.find(unit[0]); at != std::string_view::npos) {
    const std::string_view rest = std::string_view(unit).substr(1);
    const std::uint64_t base = rest == "ib" ? 1024 : (rest.empty() || rest == "b") ? 1000 : 0;
    if (base == 0) return std::nullopt;
    scale = 1;
    for (std::size_t i = 0; i <= at; ++i) scale *= base;
  } else {
    return std::nullopt;
  }
  const auto bytes = times(whole, scale);
  // fraction < 10^6 and scale <= 1024^4: the product fits.
  const std::uint64_t extra = fraction * scale / fraction_scale;
  if (!bytes || *bytes > UINT64_MAX - extra) return std::nullopt;
  return *bytes + extra;
}

// --- rejects --------------------------------------------------------------------------------------

struct rejects::state {
  error_action action = error_action::fail;
  std::string dead_letter_path;
  std::unique_ptr<io::output> out;
  std::unique_ptr<io::csv_writer> writer;
  error_counts counts;
};

rejects::rejects(const std::string& on_error) : state_(std::make_unique<state>()) {
  constexpr std::string_view prefix = "dead-letter=";
  if (on_error == "fail") {
    state_->action = error_action::fail;
  } else if (on_error == "skip") {
    state_->action = error_action::skip;
  } else if (on_error.starts_with(prefix) && on_error.size() > prefix.size()) {
    state_->action = error_action::dead_letter;
    state_->dead_letter_path = on_error.substr(prefix.size());
    state_->out = std::make_unique<io::output>(state_->dead_letter_path);
    io::csv_write_options csv;
    csv.line_terminator = "\n";
    state_->writer = std::make_unique<io::csv_writer>(*state_->out, csv);
    state_->writer->write_row({"file", "line", "offset", "reason", "message", "record"});
  } else {
    throw usage_error("--on-error: expected fail, skip or dead-letter=FILE, got '" + on_error + "'");
  }
}

rejects::~rejects() = default;

io::reject_handler rejects::handler() {
  if (state_->action == error_action::fail) return {};
  state* s = state_.get();
  return [s](const io::rejected_record& r, std::string_view reason, std::string_view message) {
    s->counts.add(reason);
    if (s->writer) s->writer->write_row({r.path, r.line, r.offset, reason, message, r.text});
    return true;
  };
}

const error_counts& rejects::counts() const { return state_->counts; }

void rejects::flush() {
  if (state_->out) state_->out->flush();
}

void rejects::finish(std::string_view name) {
  if (state_->out) state_->out->commit();
  const error_counts& c = state_->counts;
  if (c.total() == 0) return;
  std::cerr << "yieldpipe " << name << ": " << c.total() << (c.total() == 1 ? " record" : " records") << " rejected: ";
  bool first = true;
  for (const auto& [reason, n] : c.by_reason()) {
    std::cerr << (first ? "" : ", ") << n << ' ' << reason;
    first = false;
  }
  if (!state_->dead_letter_path.empty()) std::cerr << " (written to " << state_->dead_letter_path << ')';
  std::cerr << '\n';
}

// --- progress -------------------------------------------------------------------------------------

// What a command's progress meter draws goes through here to stderr. It remembers whether a bar
// stands on the terminal and what it shows, so that results for the same screen can be written with
// the bar out of the way, and it can drop the meter's final bar (erased instead) at the end.
class progress_stream final : public std::streambuf {
 public:
  // `bar`: the meter redraws a bar in place. `flush_results`: results to standard output are sent
  // before each drawing, so that they end at a line break (standard output is the terminal of the
  // bar, or the same file as the log lines).
  progress_stream(bool bar, bool flush_results) : bar_(bar), flush_results_(flush_results) {}
  progress_stream(const progress_stream&) = delete;
  progress_stream& operator=(const progress_stream&) = delete;

  std::ostream& stream() noexcept { return stream_; }
  bool bar_shown() const noexcept { return shown_; }

  // Runs `write`, which writes to the terminal, with the bar erased before and drawn again after.
  template <class Write>
  void above(Write&& write) {
    const bool shown = std::exchange(shown_, false);
    if (shown) put("\r\x1b[K");
    write();
    if (shown) put(bar_text_);
    shown_ = shown;
  }
  void erase() {
    if (std::exchange(shown_, false)) put("\r\x1b[K");
  }
  // Drops whatever the meter draws from now on.
  void mute() noexcept { muted_ = true; }

 protected:
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) text_.push_back(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    text_.append(s, static_cast<std::size_t>(n));
    return n;
  }
  // The meter flushes after each drawing: a bar ("\rTEXT\x1b[K") or a log line ("TEXT\n").
  int sync() override;

 private:
  static void put(std::string_view text) { std::cerr.write(text.data(), static_cast<std::streamsize>(text.size())); }

  bool bar_;
  bool flush_results_;
  bool shown_ = false;
  bool muted_ = false;
  std::string text_;      // drawn since the last sync
  std::string bar_text_;  // the bar on the terminal, to draw again after results
  std::ostream stream_{this};
};

namespace {

// A command run has one standard output and one progress beside it, on one screen.
struct shared_screen {
  progress_stream* progress = nullptr;  // while a command_progress shows something
  io::output* results = nullptr;        // a result_output writing to standard output
  std::uint64_t results_shown = 0;      // results->bytes_written() when last flushed for the progress
};
shared_screen screen;

bool same_file(int a, int b) {
  struct stat sa {};
  struct stat sb {};
  return ::fstat(a, &sa) == 0 && ::fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// The sum of the files' sizes; 0 (unknown) when one is standard input or not a regular file.
std::uint64_t total_size(const std::vector<std::string>& paths) {
  std::uint64_t total = 0;
  for (const std::string& path : paths) {
    struct stat st {};
    if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    total += static_cast<std::uint64_t>(st.st_size);
  }
  return total;
}

}  // namespace

int progress_stream::sync() {
  if (muted_) {
    text_.clear();
    return 0;
  }
  if (flush_results_ && screen.results != nullptr && !screen.results->committed() &&
      screen.results->bytes_written() != screen.results_shown) {
    erase();
    // A failed write is not reported in the middle of a drawing: the output keeps the failure and
    // throws it at the command's next write or at its commit.
    try {
      screen.results->flush();
    } catch (const io::io_error&) {
    }
    screen.results_shown = screen.results->bytes_written();
  }
  put(text_);
  if (bar_) {
    shown_ = !text_.empty() && text_.back() != '\n';
    if (shown_) bar_text_ = text_;
  }
  text_.clear();
  return 0;
}

command_progress::command_progress(const common_options& options, std::string_view name,
                                   std::function<std::uint64_t()> bytes_done, std::uint64_t total_bytes)
    : enabled_(options.progress.value_or(::isatty(STDERR_FILENO) == 1)),
      bar_(enabled_ && ::isatty(STDERR_FILENO) == 1),
      uncaught_(std::uncaught_exceptions()),
      stream_(std::make_unique<progress_stream>(
          bar_, bar_ ? ::isatty(STDOUT_FILENO) == 1 : same_file(STDOUT_FILENO, STDERR_FILENO))),
      meter_(progress_options{.label = bar_ ? std::string(name) : "yieldpipe " + std::string(name),
                              .bytes_done = std::move(bytes_done),
                              .total_bytes = total_bytes,
                              .silent = !enabled_,
                              .out = &stream_->stream(),
                              .terminal = bar_}) {
  if (enabled_) screen.progress = stream_.get();
  meter_.start();
}

command_progress::command_progress(const common_options& options, std::string_view name, const io::input& in)
    : command_progress(
          options, name, [&in] { return in.bytes_read(); }, in.total_bytes().value_or(0)) {}

command_progress::command_progress(const common_options& options, std::string_view name,
                                   const std::vector<std::string>& paths)
    : command_progress(
          options, name, [this] { return bytes_before_ + (current_ ? current_->bytes_read() : 0); },
          total_size(paths)) {}

command_progress::command_progress(const common_options& options, std::string_view name)
    : command_progress(options, name, {}, 0) {}

command_progress::~command_progress() {
  if (std::uncaught_exceptions() > uncaught_) {
    // The run failed: the bar goes, and no final line claims it is done (the meter draws it when
    // destroyed, into the muted stream).
    finished_ = true;
    stream_->mute();
    stream_->erase();
  } else {
    try {
      finish();
    } catch (...) {  // a failed drawing must not escape a destructor
    }
  }
  if (screen.progress == stream_.get()) screen.progress = nullptr;
}

command_progress::reading_scope command_progress::reading(const io::input& in) noexcept {
  current_ = &in;
  return reading_scope(*this);
}

command_progress::reading_scope::~reading_scope() {
  if (progress_.current_ == nullptr) return;
  progress_.bytes_before_ += progress_.current_->bytes_read();
  progress_.current_ = nullptr;
}

void command_progress::finish() {
  if (finished_) return;
  finished_ = true;
  // A bar is erased rather than left standing with its last state: the results start on a clean line.
  if (bar_) stream_->mute();
  meter_.finish();
  stream_->erase();
  if (screen.progress == stream_.get()) screen.progress = nullptr;
}

// --- result_output --------------------------------------------------------------------------------

result_output::result_output(const common_options& options, std::vector<std::string> columns)
    : out_(options.output),
      flush_each_(options.flush_each),
      to_terminal_(options.output == "-" && ::isatty(STDOUT_FILENO) == 1) {
  const auto fmt = io::parse_format(options.format);
  if (!fmt) throw usage_error("--format: expected csv, tsv, jsonl or table, got '" + options.format + "'");
  writer_ = io::make_writer(*fmt, out_, std::move(columns));
  if (options.output == "-") {
    screen.results = &out_;
    screen.results_shown = 0;
  }
}

result_output::~result_output() {
  if (screen.results == &out_) screen.results = nullptr;
}

void result_output::write_row(std::initializer_list<io::field> row) {
  write_row(std::span<const io::field>(row.begin(), row.size()));
}

void result_output::write_row(std::span<const io::field> row) {
  writer_->write_row(row);
  if (to_terminal_) [[unlikely]]
    show_beside_bar();
  else if (flush_each_)
    out_.flush();
}

namespace {
// Whether `path` is read by byte ranges (a plain file), and the size progress counts against.
std::pair<bool, std::uint64_t> input_size(const std::string& path) {
  if (path == "-") {  // a stream; redirected from a file, that file's size (as io::input counts it)
    struct stat st {};
    const bool regular = ::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode);
    return {false, regular ? static_cast<std::uint64_t>(st.st_size) : 0};
  }
  const io::input probe(path);
  return {probe.compression() == io::compression::none, probe.total_bytes().value_or(0)};
}
}  // namespace

pieces_progress::pieces_progress(const common_options& options, std::string_view name, const std::string& path)
    : pieces_progress(options, name, input_size(path)) {}

pieces_progress::pieces_progress(const common_options& options, std::string_view name,
                                 std::pair<bool, std::uint64_t> plain_and_size)
    : plain_(plain_and_size.first),
      size_(plain_and_size.second),
      meter_(
          options, name, [this] { return bytes_done_; }, plain_and_size.second) {}

namespace {
// Pieces' readers' 1 MiB buffers, and parts (their 192 KiB chunks, 256 KiB buffers), are allocated on
// worker threads and freed on the merging one. Above glibc's mmap threshold (128 KiB at first) each
// is mapped, touched page by page and unmapped again: on a 300 MB log with 2 threads that doubled the
// CPU time (sys 0.7 s of page faults), on T5 it took 0.5 s of sys time. Below it, the arenas hand the
// same memory out again. Once per process, before the first piece.
void reuse_freed_memory() {
  static const bool once = [] {
    ::mallopt(M_MMAP_THRESHOLD, 4 << 20);
    ::mallopt(M_TRIM_THRESHOLD, 64 << 20);
    return true;
  }();
  (void)once;
}
}  // namespace

exec::pieces_options pieces_progress::pieces(unsigned threads, std::uint64_t most_bytes) {
  reuse_freed_memory();
  const std::uint64_t mib = std::uint64_t{1} << 20;
  const std::uint64_t share = (plain_ ? size_ : 0) / (4 * std::max(threads, 1u));
  return {.threads = threads,
          .piece_bytes = std::min(most_bytes, 8 * mib),
          .file_piece_bytes = std::clamp(share, mib, std::max(most_bytes, mib)),
          .on_bytes_read = on_bytes_read(),
          .add_reads_lines = false};
}

void result_output::write_formatted(std::string_view bytes) {
  out_.write(bytes);
  if (to_terminal_) [[unlikely]]
    show_beside_bar();
  else if (flush_each_)
    out_.flush();
}

std::unique_ptr<part_writer> part_writer::make(const common_options& options, std::vector<std::string> columns) {
  const auto fmt = io::parse_format(options.format);
  if (!fmt) throw usage_error("--format: expected csv, tsv, jsonl or table, got '" + options.format + "'");
  if (*fmt == io::format::table) return nullptr;
  reuse_freed_memory();
  std::unique_ptr<part_writer> part(new part_writer());
  part->writer_ = io::make_writer(*fmt, part->out_, std::move(columns));
  (void)part->out_.take();  // the CSV header: the result_output wrote it
  part->taken_ = part->out_.bytes_written();
  return part;
}

void part_writer::take_chunk() {
  chunks_.push_back(out_.take());
  taken_ = out_.bytes_written();
}

void part_writer::write_to(result_output& out) {
  take_chunk();
  for (const std::string& chunk : chunks_) out.write_formatted(chunk);
  chunks_.clear();
}

void result_output::show_beside_bar() {
  progress_stream* bar = screen.progress;
  if (bar == nullptr || !bar->bar_shown()) {
    if (flush_each_) out_.flush();
    return;
  }
  // Rows reach the terminal only while the bar is erased: sent here every 64 KiB, long before the
  // output's 1 MiB buffer would send them by itself (only a single row of nearly 1 MiB could still
  // land after the bar), and before each redraw of the bar (progress_stream::sync).
  constexpr std::uint64_t batch = std::uint64_t{64} << 10;
  if (flush_each_ || out_.bytes_written() - screen.results_shown >= batch)
    bar->above([this] {
      out_.flush();
      screen.results_shown = out_.bytes_written();
    });
}

void result_output::commit() {
  progress_stream* bar = screen.progress;
  if (to_terminal_ && bar != nullptr && bar->bar_shown()) {
    bar->above([this] {
      writer_->finish();
      out_.commit();
    });
    return;
  }
  writer_->finish();
  out_.commit();
}

void finish_command(std::string_view name, command_progress& progress, rejects& bad, result_output& out) {
  progress.finish();
  bad.flush();
  out.commit();
  bad.finish(name);
}

}  // namespace yieldpipe::cli
