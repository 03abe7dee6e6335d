#include "common.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <iostream>
#include <utility>
#include <yieldpipe/io/error.hpp>

namespace yieldpipe::cli {

void add_common_options(CLI::App& cmd, common_options& o) {
  cmd.add_option("-o,--output", o.output,
                 "The file to write (- is standard output); a file appears whole or not at all")
      ->capture_default_str();
  cmd.add_option("--format", o.format, "Output format: csv, tsv, jsonl or table")
      ->check(CLI::IsMember({"csv", "tsv", "jsonl", "table"}))
      ->capture_default_str();
  cmd.add_option("--on-error", o.on_error,
                 "What a bad record does: fail (stop, exit 1), skip (count it), dead-letter=FILE (count it and "
                 "write it to FILE with its file, line, byte offset and reason)")
      ->capture_default_str();
  cmd.add_flag_callback(
      "--progress", [&o] { o.progress = true; }, "Show a progress bar on stderr (default: when stderr is a terminal)");
  cmd.add_flag_callback(
      "--no-progress", [&o] { o.progress = false; }, "No progress bar");
  cmd.add_flag("--flush-each", o.flush_each, "Write every result line out as soon as it is known");
  cmd.add_option("--max-memory", o.max_memory,
                 "Stop with a message when an operator's state (groups, distinct values, samples) would pass SIZE "
                 "(512MB, 2GiB)")
      ->check(
          CLI::Validator([](std::string& t) { return parse_size(t) ? std::string() : "not a size: " + t; }, "SIZE"));
  cmd.add_option("--threads", o.threads, "Worker threads (1: this thread only)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

void run_command(std::string_view name, const std::function<void()>& body) {
  try {
    body();
  } catch (const io::broken_pipe&) {
    // `| head` closed standard output: the reader has what it wanted.
  } catch (const usage_error& e) {
    std::cerr << "yieldpipe " << name << ": " << e.what() << '\n';
    throw CLI::RuntimeError(2);
  } catch (const io::io_error& e) {
    std::cerr << "yieldpipe " << name << ": " << e.what() << '\n';
    throw CLI::RuntimeError(1);
  }
}

namespace {
std::optional<std::uint64_t> times(std::uint64_t a, std::uint64_t b) {
  if (b != 0 && a > UINT64_MAX / b) return std::nullopt;
  return a * b;
}
}  // namespace

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

// --- result_output --------------------------------------------------------------------------------

result_output::result_output(const common_options& options, std::vector<std::string> columns)
    : out_(options.output), flush_each_(options.flush_each) {
  const auto fmt = io::parse_format(options.format);
  if (!fmt) throw usage_error("--format: expected csv, tsv, jsonl or table, got '" + options.format + "'");
  writer_ = io::make_writer(*fmt, out_, std::move(columns));
}

void result_output::write_row(std::initializer_list<io::field> row) {
  write_row(std::span<const io::field>(row.begin(), row.size()));
}

void result_output::write_row(std::span<const io::field> row) {
  writer_->write_row(row);
  if (flush_each_) out_.flush();
}

void result_output::commit() {
  writer_->finish();
  out_.commit();
}

}  // namespace yieldpipe::cli
