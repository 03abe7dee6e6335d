// Fuzz target for the log parser (io/log_record.hpp) and the line reader it runs behind (io/lines.hpp).
//
// Input: `[pattern NUL] text`. Bytes before the first NUL, if there is one, are a user log format
// (`%Y-%m-%dT%H:%M:%S [%L] %*`); the rest is the text, which is
//   - parsed as a single line with the default format, the same format without its fast path, the
//     user format (parse, parse_or_throw, parse_log_line) and the presets combined, syslog and json;
//   - written to a memfd and read as a file with io::read_lines, twice (one 64 KiB chunk; chunks of
//     1-67 bytes with a 80-byte line limit), each line parsed as above (and, in the first, by log_line_parser).
// A text without NUL is a plain log file, so seeds are readable; a gzip or zstd text is decompressed.
//
// Caught: only what the API documents (io_error from parse_or_throw and reading,
// std::invalid_argument from a bad pattern, std::logic_error from value() without a record).
// Anything else escapes and is a finding, as is a broken invariant (fuzz::check aborts).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "yieldpipe/io/error.hpp"
#include "yieldpipe/io/input.hpp"
#include "yieldpipe/io/lines.hpp"
#include "yieldpipe/io/log_record.hpp"

namespace {

using namespace yieldpipe;
using fuzz::check;

constexpr std::string_view path = "<fuzz>";

const io::log_format default_format;
// The default pattern with two spaces where it has one: the same compiled steps (a space matches a
// run of blanks), but not the default pattern, so it never takes the hand-written fast path. The
// fast path promises the interpreter's result; this format is the interpreter.
const io::log_format interpreted_default("%Y-%m-%d  %H:%M:%S %L %C: %*");
const io::log_format combined_preset = io::log_format::preset("combined");
const io::log_format syslog_preset =
    io::log_format::preset("syslog", {.now = std::chrono::sys_seconds(std::chrono::seconds(1709294407))});
const io::log_format json_preset = io::log_format::preset("json");

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  const std::less_equal<const char*> le;
  return le(whole.data(), part.data()) && le(part.data() + part.size(), whole.data() + whole.size());
}

bool same(const io::log_record& a, const io::log_record& b) {
  return a.timestamp == b.timestamp && a.timestamp_text == b.timestamp_text && a.level == b.level &&
         a.level_text == b.level_text && a.component == b.component && a.message == b.message;
}

bool same(const io::log_parse_result& a, const io::log_parse_result& b) {
  if (a.has_value() != b.has_value()) return false;
  if (a) return same(*a, *b);
  return a.error().column == b.error().column && a.error().reason == b.error().reason;
}

void check_record(const io::log_record& r, std::string_view line) {
  check(inside(r.timestamp_text, line) && inside(r.level_text, line) && inside(r.component, line) &&
            inside(r.message, line),
        "every view of the record points into the line");
  check(!r.timestamp_text.empty(), "a record has its timestamp text");
  check(io::parse_log_level(r.level_text) == r.level, "level is the level text's");
  check(io::parse_log_level(io::to_string(r.level)) == r.level, "to_string(level) parses back");
  const std::chrono::sys_seconds hour = io::hour_bucket(r);
  check(hour <= r.timestamp && r.timestamp - hour < std::chrono::hours(1), "hour_bucket floors to the hour");
}

// A preset's parse: a record's views are in the line (json's strings may be in its own buffer), its
// time within the years the writers show; an error's column is in the line or just after it.
void parse_preset(const io::log_format& format, std::string_view line) {
  const io::log_parse_result result = format.parse(line);
  if (!result) {
    const io::log_parse_error& e = result.error();
    check(e.column >= 1 && e.column <= line.size() + 1, "a preset's error column is in the line or just after it");
    check(!e.reason.empty(), "a preset's parse error has a reason");
    return;
  }
  const io::log_record& r = *result;
  if (format.kind() != io::log_format_kind::json) {
    for (std::string_view v : {r.timestamp_text, r.level_text, r.component, r.message, r.host})
      check(inside(v, line), "every view of a preset's record points into the line");
    if (r.access)
      for (std::string_view v : {r.access->client, r.access->user, r.access->method, r.access->path, r.access->protocol,
                                 r.access->referrer, r.access->agent})
        check(inside(v, line), "every view of an access record points into the line");
  }
  const auto seconds = r.timestamp.time_since_epoch().count();
  check(seconds >= -62167219200 - 86400 && seconds < 253402300800 + 86400, "a preset's time is within years 0-9999");
  check((format.kind() == io::log_format_kind::combined) == r.access.has_value(),
        "access fields exactly for access records");
  check(!r.access || (r.access->status >= 100 && r.access->status <= 999), "an access record has a 3-digit status");
}

// parse, checked against parse_or_throw (with `line_number`, 0 for none) and value().
io::log_parse_result parse_checked(const io::log_format& format, std::string_view line, std::uint64_t line_number) {
  const io::log_parse_result result = format.parse(line);
  if (result) {
    check_record(*result, line);
    check(same(result.value(), format.parse_or_throw(line, path, line_number)), "parse_or_throw returns parse's");
    return result;
  }
  const io::log_parse_error& e = result.error();
  check(e.column >= 1 && e.column <= line.size() + 1, "the error column is in the line or just after it");
  check(!e.reason.empty(), "a parse error has a reason");
  // Each throw costs ASan a scan of its fake stacks (use-after-return detection): value() is
  // checked on whole inputs only, not on every line.
  if (line_number == 0) {
    try {
      (void)result.value();
      check(false, "value() throws without a record");
    } catch (const std::logic_error&) {
    }
  }
  try {
    (void)format.parse_or_throw(line, path, line_number);
    check(false, "parse_or_throw throws when parse fails");
  } catch (const io::io_error& error) {
    check(error.path() == path, "parse_or_throw's error names the path");
    check(error.reason().find(e.reason) != std::string::npos, "parse_or_throw's error gives parse's reason");
    if (line_number != 0)
      check(error.line() == line_number && error.column() == e.column, "parse_or_throw's error locates the error");
    else
      check(!error.line() && !error.column() && !error.offset(), "no location without a line number");
  }
  return result;
}

void parse_line(std::string_view line, std::uint64_t line_number, const std::optional<io::log_format>& user) {
  const io::log_parse_result fast = parse_checked(default_format, line, line_number);
  check(same(fast, interpreted_default.parse(line)), "the default format's fast path agrees with the interpreter");
  check(same(fast, io::parse_log_line(line)), "parse_log_line is the default format's parse");
  // The timestamp starts the line; its date and time may be separated by more than one blank.
  if (fast)
    check(fast->timestamp_text.data() == line.data() && fast->timestamp_text.size() >= 19 && !fast->component.empty(),
          "a default record's fields");
  if (user) (void)parse_checked(*user, line, line_number);
  parse_preset(combined_preset, line);
  parse_preset(syslog_preset, line);
  parse_preset(json_preset, line);
}

struct expected_line {
  std::string_view text;
  std::uint64_t offset;
};

// The lines of plain `text` by the line reader's contract: split at '\n', a '\r' just before it
// removed, no line after a final '\n'.
std::vector<expected_line> split_lines(std::string_view text) {
  std::vector<expected_line> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t nl = text.find('\n', begin);
    if (nl == std::string_view::npos) {
      lines.push_back({text.substr(begin), begin});
      break;
    }
    std::size_t end = nl;
    if (end > begin && text[end - 1] == '\r') --end;
    lines.push_back({text.substr(begin, end - begin), begin});
    begin = nl + 1;
  }
  return lines;
}

// Decompressed text beyond this is not read: a few KiB of zstd can expand to hundreds of MiB.
constexpr std::size_t max_text_read = std::size_t{1} << 20;

// Reads `text` as a file with `options`, each line parsed as parse_line does and, if `with_line_parser`,
// by a log_line_parser too.
void read_file(fuzz::memory_file& file, std::string_view text, const std::optional<io::log_format>& user,
               io::line_options options, bool with_line_parser) {
  const std::vector<expected_line> expected = split_lines(text);
  std::uint64_t count = 0;
  bool plain = false;
  try {
    io::line_range lines = io::read_lines(file.open(text, options.input), options);
    const io::input& in = lines.reader().input();
    plain = in.compression() == io::compression::none;
    io::log_line_parser parser(default_format, std::string(path));
    std::size_t bytes = 0;
    for (std::string_view line : lines) {
      ++count;
      check(lines.line_number() == count, "line_number() counts the lines");
      check(line.size() <= options.max_line_length, "no line is longer than the maximum");
      if (plain) {
        check(count <= expected.size(), "no more lines than the text has");
        check(line == expected[count - 1].text, "each line is the text's");
        check(lines.reader().line_offset() == expected[count - 1].offset, "line_offset() is where the line starts");
      }
      parse_line(line, count, user);
      if (with_line_parser) {
        try {
          const io::log_record record = parser(line);
          check(same(record, default_format.parse(line).value()), "log_line_parser returns the record");
        } catch (const io::io_error& error) {
          check(!default_format.parse(line) && error.line() == count, "log_line_parser numbers the lines it rejects");
        }
        check(parser.next_line() == count + 1, "log_line_parser counts its calls");
      }
      bytes += line.size() + 1;
      if (bytes > max_text_read) return;
    }
    if (plain) {
      check(count == expected.size(), "every line of the text is read");
      check(in.bytes_read() == text.size() && in.total_bytes() == text.size(), "the whole file is read");
    }
  } catch (const io::io_error& error) {
    // A plain file stops only at its first line longer than the maximum (a compressed one also at
    // corrupt or truncated data).
    if (plain) {
      check(count < expected.size() && expected[count].text.size() > options.max_line_length,
            "a plain file's only io_error is an over-long line");
      check(error.line() == count + 1 && error.path() == path, "the error names the over-long line");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::memory_file file;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  std::string_view text = input;
  std::optional<io::log_format> user;
  if (const std::size_t nul = input.find('\0'); nul != std::string_view::npos) {
    const std::string_view pattern = input.substr(0, nul);
    text = input.substr(nul + 1);
    try {
      user.emplace(pattern);
      check(user->pattern() == pattern, "pattern() is the pattern compiled");
    } catch (const std::invalid_argument&) {
    }
  }

  parse_line(text, 0, user);

  // A chunk larger than any input (libFuzzer's -max_len), but not the default 1 MiB, which would
  // zero a megabyte per run; then small chunks, which split lines, and a limit that some lines pass.
  io::line_options whole;
  whole.max_line_length = std::size_t{1} << 20;
  whole.input.buffer_size = std::size_t{64} << 10;
  read_file(file, text, user, whole, true);
  io::line_options small;
  small.max_line_length = 80;
  small.input.buffer_size = 1 + text.size() % 67;
  read_file(file, text, user, small, false);
  return 0;
}
