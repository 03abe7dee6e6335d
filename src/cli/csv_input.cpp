#include "csv_input.hpp"

#include <iostream>
#include <stdexcept>
#include <string_view>
#include <vector>
#include <yieldpipe/io/csv_sniffer.hpp>
#include <yieldpipe/io/printable.hpp>

#include "common.hpp"

namespace yieldpipe::cli {
namespace {

// The character a flag names: itself, or a tab for `\t` or `tab`.
char one_character(const char* flag, const std::string& text) {
  if (text == "\\t" || text == "tab" || text == "\t") return '\t';
  if (text.size() != 1)
    throw usage_error(std::string(flag) + ": expected one character (\\t for a tab), got '" + text + "'");
  return text[0];
}

std::string shown(char c) { return "'" + io::printable(std::string_view(&c, 1)) + "'"; }

// How much of the start of the input is looked at, and at most (a first record longer than the
// first look is looked at again, up to the reader's record limit).
constexpr std::size_t first_look = std::size_t{64} << 10;

// The number of fields of the first record that is not blank in `sample` (the whole input when
// `whole`); nullopt when the sample ends inside it.
std::optional<std::size_t> first_record_fields(std::string_view sample, bool whole, const io::csv_options& dialect,
                                               const std::string& path) {
  io::csv_options probe = dialect;
  probe.header = false;
  probe.names.clear();
  probe.ragged = io::ragged_rows::keep;
  probe.on_reject = {};
  try {
    io::csv_reader reader(io::input::from_memory(sample, path), probe);
    while (const io::csv_row* row = reader.next()) {
      if (row->empty()) continue;
      // A record that reaches the sample's end may go on past it.
      if (!whole && row->offset() + row->text().size() >= sample.size()) return std::nullopt;
      return row->size();
    }
  } catch (const io::io_error&) {
    if (!whole) return std::nullopt;  // an unterminated quote, perhaps closed further on
    throw;
  }
  return whole ? std::optional<std::size_t>(0) : std::nullopt;
}

// `start` without its first `skip` lines and its comment lines: what the sniffer should see.
std::string without_skipped_lines(std::string_view start, std::uint64_t skip, std::optional<char> comment) {
  std::string out;
  out.reserve(start.size());
  for (std::size_t at = 0; at < start.size();) {
    std::size_t end = start.find('\n', at);
    end = end == std::string_view::npos ? start.size() : end + 1;
    const std::string_view line = start.substr(at, end - at);
    if (skip > 0)
      --skip;
    else if (!comment || line.empty() || line[0] != *comment)
      out += line;
    at = end;
  }
  return out;
}

}  // namespace

void add_dialect_options(CLI::App& cmd, dialect_flags& flags) {
  cmd.add_option("--delimiter", flags.delimiter,
                 "The field delimiter, one character (\\t for a tab); default: detected")
      ->type_name("C");
  cmd.add_flag("--tsv", flags.tsv,
               "Tab-separated text format (PostgreSQL COPY, MySQL dumps): \\t \\n \\\\ escapes, \\N null, no quoting");
  cmd.add_option("--quote", flags.quote, "The quote character; default: detected")->type_name("C");
  cmd.add_flag("--no-quote", flags.no_quote, "No quoting: quote characters are data");
  cmd.add_flag("--header", flags.header, "The first line names the columns (default: detected)");
  cmd.add_flag("--no-header", flags.no_header, "The first line is data; the columns are named c1, c2, ...");
  cmd.add_option("--skip-rows", flags.skip_rows, "Lines to skip at the start, before the header")
      ->type_name("N")
      ->check(whole_number(0));
  cmd.add_option("--comment", flags.comment, "Lines that start with this character are comments, skipped")
      ->type_name("C");
  cmd.add_option("--encoding", flags.encoding,
                 "The text's encoding: utf-8, utf-16le, utf-16be, latin1, cp1252; default UTF-8, or UTF-16 when the "
                 "file starts with its byte order mark")
      ->type_name("NAME");
  cmd.add_flag("--decimal-comma", flags.decimal_comma, "Numbers are written with a decimal comma (1,5)");
  cmd.add_flag("--verbose", flags.verbose, "Print the dialect the input is read in (on stderr)");
}

csv_input::csv_input(std::string path, const dialect_flags& flags, std::string_view command) : path_(std::move(path)) {
  io::csv_options& o = options_;
  if (flags.tsv) {
    if (!flags.delimiter.empty() || !flags.quote.empty() || flags.no_quote)
      throw usage_error("--tsv has its own delimiter and no quoting: drop --delimiter, --quote and --no-quote");
    o = io::csv_options::tsv_text();
  }
  if (!flags.quote.empty() && flags.no_quote) throw usage_error("--quote and --no-quote exclude each other");
  if (!flags.delimiter.empty()) o.delimiter = one_character("--delimiter", flags.delimiter);
  if (!flags.quote.empty()) o.quote = one_character("--quote", flags.quote);
  if (flags.no_quote) o.quoting = io::quote_style::none;
  if (!flags.comment.empty()) o.comment = one_character("--comment", flags.comment);
  o.skip_lines = flags.skip_rows;
  o.decimal_comma = flags.decimal_comma;
  if (flags.header && flags.no_header) throw usage_error("--header and --no-header exclude each other");
  if (!flags.encoding.empty()) {
    const auto encoding = io::parse_text_encoding(flags.encoding);
    if (!encoding)
      throw usage_error("--encoding: expected utf-8, utf-16le, utf-16be, latin1 or cp1252, got '" + flags.encoding +
                        "'");
    o.input.encoding = *encoding;
  }

  // What the flags leave open is sniffed from the start of the input (after the lines to skip and the
  // comments), through the same input that is then read: standard input is opened here and kept.
  const bool sniff_delimiter = !flags.tsv && flags.delimiter.empty();
  const bool sniff_quote = !flags.tsv && flags.quote.empty() && !flags.no_quote;
  const bool sniff_header = !flags.header && !flags.no_header;
  bool headerless = flags.no_header;
  std::optional<io::input> file;
  const auto open = [&]() -> io::input& {
    if (stdin_) return *stdin_;
    if (file) return *file;
    return path_ == "-" ? stdin_.emplace("-", o.input) : file.emplace(path_, o.input);
  };
  std::vector<std::string> detected;
  if (sniff_delimiter || sniff_quote || sniff_header) {
    io::input& in = open();
    const std::string_view start = in.peek(io::csv_sniff_sample_size);
    const io::csv_sniff_result found =
        io::sniff_csv(without_skipped_lines(start, o.skip_lines, o.comment), start.size() < io::csv_sniff_sample_size);
    const io::csv_dialect& d = found.dialect;
    if (sniff_delimiter) {
      o.delimiter = d.delimiter;
      detected.push_back("delimiter");
    }
    if (sniff_quote) {
      o.quoting = d.quote ? io::quote_style::minimal : io::quote_style::none;
      if (d.quote) o.quote = *d.quote;
      detected.push_back("quoting");
    }
    if (sniff_delimiter && sniff_quote && d.backslash_escapes) {  // the text format
      o.escape = '\\';
      o.escape_sequences = true;
    }
    if (sniff_header) {
      headerless = !d.header;
      detected.push_back("header");
      if (flags.skip_rows == 0 && found.preamble_lines > 0) {  // a title or an export note above the table
        o.skip_lines = found.preamble_lines;
        detected.push_back("lines to skip");
      }
    }
    if (d.decimal_comma && !o.decimal_comma) hint_ = "numbers look like 1,5: --decimal-comma reads them as numbers";
    sniffed_ = found.summary();
  }
  if (o.decimal_comma && o.delimiter == ',')
    throw usage_error("--decimal-comma needs a delimiter other than ',' (--delimiter ';')");
  try {  // the reader's own checks: a delimiter that is the quote, a line break
    io::csv_reader check(io::input::from_memory(std::string_view(), path_), o);
  } catch (const std::invalid_argument& e) {
    std::string why = e.what();
    throw usage_error("--delimiter, --quote and --comment: " + why.substr(why.find(':') + 2));
  }

  if (headerless) {
    // The first record's field count names the columns.
    io::input& in = open();
    for (std::size_t look = first_look;; look *= 2) {
      const std::string_view sample = in.peek(look);
      const bool whole = sample.size() < look || look > o.max_record_size;
      if (const auto fields = first_record_fields(sample, whole, o, in.path())) {
        for (std::size_t i = 1; i <= *fields; ++i) o.names.push_back("c" + std::to_string(i));
        break;
      }
    }
    o.header = false;
  }

  const bool text_format = o.escape_sequences && o.delimiter == '\t' && o.quoting == io::quote_style::none;
  description_ = text_format ? "tab-separated text format" : "delimiter " + shown(o.delimiter);
  if (!text_format) description_ += o.quoting == io::quote_style::none ? ", no quoting" : ", quote " + shown(o.quote);
  description_ += o.names.empty() ? ", header" : ", no header (columns c1..c" + std::to_string(o.names.size()) + ")";
  if (o.skip_lines > 0) description_ += ", " + std::to_string(o.skip_lines) + " lines skipped";
  if (o.comment) description_ += ", comments " + shown(*o.comment);
  if (o.decimal_comma) description_ += ", decimal comma";
  if (o.input.encoding != io::text_encoding::automatic)
    description_ += ", encoding " + std::string(io::to_string(o.input.encoding));
  if (!detected.empty()) {
    std::string which;
    for (const std::string& d : detected) which += (which.empty() ? "" : ", ") + d;
    description_ += " (" + which + " detected: " + sniffed_ + ")";
    // A wrong guess shows later, as a ragged row or an unknown column: the error then says what was
    // guessed, when it was not the plain comma-separated file with a header that anyone assumes.
    const bool plain = o.delimiter == ',' && o.quoting != io::quote_style::none && o.quote == '"' && o.names.empty() &&
                       !o.escape_sequences;
    const std::string name = path_ == "-" ? "<stdin>" : path_;
    if (!plain || !hint_.empty())
      set_error_note(name, "read " + io::printable(name) + " as " + description_ +
                               "; --delimiter, --quote or --no-quote, and --header or --no-header say otherwise" +
                               (hint_.empty() ? "" : "; " + hint_));
  }
  if (flags.verbose) {
    std::cerr << "yieldpipe " << command << ": reading " << io::printable(path_ == "-" ? "<stdin>" : path_) << " as "
              << description_ << '\n';
    if (!hint_.empty()) std::cerr << "yieldpipe " << command << ": " << hint_ << '\n';
  }
}

io::input csv_input::take_stdin() {
  io::input in = std::move(*stdin_);
  stdin_.reset();
  return in;
}

io::csv_reader csv_input::reader(const io::csv_options& options) {
  if (stdin_) return io::csv_reader(take_stdin(), options);
  return io::csv_reader(path_, options);
}

}  // namespace yieldpipe::cli
