#include "yieldpipe/io/writers.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace yieldpipe::io {
namespace detail {

char* format_python_float(char* first, double v) noexcept {
  auto copy = [&](std::string_view s) {
    std::memcpy(first, s.data(), s.size());
    return first + s.size();
  };
  if (std::isnan(v)) return copy("nan");
  if (std::isinf(v)) return copy(v < 0 ? "-inf" : "inf");

  // The shortest round-trip digits and the decimal exponent, then laid out as Python's repr does.
  char sci[32];
  const auto res = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  const char* p = sci;
  char* out = first;
  if (*p == '-') *out++ = *p++;
  char digits[24];
  int count = 0;
  digits[count++] = *p++;
  if (*p == '.')
    for (++p; *p != 'e'; ++p) digits[count++] = *p;
  ++p;  // 'e'
  const bool negative_exp = *p == '-';
  ++p;
  int exp = 0;
  for (; p != res.ptr; ++p) exp = exp * 10 + (*p - '0');
  if (negative_exp) exp = -exp;

  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      for (int i = 0; i <= exp; ++i) *out++ = i < count ? digits[i] : '0';
      *out++ = '.';
      if (count > exp + 1)
        for (int i = exp + 1; i < count; ++i) *out++ = digits[i];
      else
        *out++ = '0';
    } else {
      *out++ = '0';
      *out++ = '.';
      for (int i = 0; i < -exp - 1; ++i) *out++ = '0';
      for (int i = 0; i < count; ++i) *out++ = digits[i];
    }
    return out;
  }
  *out++ = digits[0];
  if (count > 1) {
    *out++ = '.';
    for (int i = 1; i < count; ++i) *out++ = digits[i];
  }
  *out++ = 'e';
  *out++ = exp < 0 ? '-' : '+';
  const int mag = exp < 0 ? -exp : exp;
  if (mag < 10) *out++ = '0';
  return std::to_chars(out, out + 4, mag).ptr;
}

}  // namespace detail

namespace {

// The length (2..4) of the well-formed UTF-8 sequence starting with the non-ASCII byte p[0], or 0 and
// in `bad` the length of its maximal ill-formed subpart (Unicode 3.9, table 3-7: no overlong forms,
// no surrogates, nothing above U+10FFFF), which becomes one U+FFFD.
std::size_t utf8_sequence(const unsigned char* p, std::size_t n, std::size_t& bad) noexcept {
  const unsigned c = p[0];
  std::size_t need = 0;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c == 0xE0) {
    need = 2;
    lo = 0xA0;
  } else if (c >= 0xE1 && c <= 0xEC) {
    need = 2;
  } else if (c == 0xED) {
    need = 2;
    hi = 0x9F;
  } else if (c >= 0xEE && c <= 0xEF) {
    need = 2;
  } else if (c == 0xF0) {
    need = 3;
    lo = 0x90;
  } else if (c >= 0xF1 && c <= 0xF3) {
    need = 3;
  } else if (c == 0xF4) {
    need = 3;
    hi = 0x8F;
  } else {
    bad = 1;
    return 0;
  }
  for (std::size_t k = 1; k <= need; ++k) {
    if (k >= n) {
      bad = k;
      return 0;
    }
    const unsigned b = p[k];
    const bool ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    if (!ok) {
      bad = k;
      return 0;
    }
  }
  return need + 1;
}

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// True when one of the 8 bytes is a control character, '"', '\\' or non-ASCII (for JSON), or a
// control character, DEL or non-ASCII (for the table).
template <bool Json>
inline bool needs_attention(std::uint64_t w) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
  auto has_zero = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
  std::uint64_t hit = (w & highs) | ((w - ones * 0x20) & ~w & highs);
  if constexpr (Json)
    hit |= has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'));
  else
    hit |= has_zero(w ^ (ones * 0x7F));
  return hit != 0;
}

// Appends `s` to `sink` (anything with write(std::string_view)): for JSON the inside of a string
// literal, for the table a value with control characters made visible; invalid UTF-8 becomes U+FFFD.
template <bool Json, class Sink>
void escape_into(Sink& sink, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0, run = 0;
  while (i < n) {
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (needs_attention<Json>(w)) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c >= 0x80) {
      std::size_t bad = 0;
      if (const std::size_t len = utf8_sequence(p + i, n - i, bad); len != 0) {
        i += len;
      } else {
        sink.write(s.substr(run, i - run));
        sink.write(replacement);
        i += bad;
        run = i;
      }
      continue;
    }
    const bool plain = Json ? (c >= 0x20 && c != '"' && c != '\\') : (c >= 0x20 && c != 0x7F);
    if (plain) {
      ++i;
      continue;
    }
    sink.write(s.substr(run, i - run));
    switch (c) {
      case '"': sink.write("\\\""); break;
      case '\\': sink.write("\\\\"); break;
      case '\n': sink.write("\\n"); break;
      case '\r': sink.write("\\r"); break;
      case '\t': sink.write("\\t"); break;
      case '\b': sink.write(Json ? "\\b" : "\\x08"); break;
      case '\f': sink.write(Json ? "\\f" : "\\x0c"); break;
      default: {
        char esc[6];
        if constexpr (Json) {
          std::memcpy(esc, "\\u00", 4);
          esc[4] = hex[c >> 4];
          esc[5] = hex[c & 0xF];
          sink.write(std::string_view(esc, 6));
        } else {
          std::memcpy(esc, "\\x", 2);
          esc[2] = hex[c >> 4];
          esc[3] = hex[c & 0xF];
          sink.write(std::string_view(esc, 4));
        }
      }
    }
    ++i;
    run = i;
  }
  sink.write(s.substr(run, n - run));
}

struct string_sink {
  std::string& s;
  void write(std::string_view v) { s.append(v); }
};

// Writes an integer, an unsigned integer or a float (Python repr) at `first` (32 bytes of room).
char* format_number(char* first, const field& f) noexcept {
  switch (f.type()) {
    case field::kind::integer: return std::to_chars(first, first + 32, f.as_int()).ptr;
    case field::kind::unsigned_integer: return std::to_chars(first, first + 32, f.as_uint()).ptr;
    default: return detail::format_python_float(first, f.as_double());
  }
}

std::size_t display_width(std::string_view s) noexcept {
  std::size_t w = 0;
  for (char c : s) w += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return w;
}

bool looks_numeric(std::string_view s) noexcept {
  if (s.empty()) return false;
  double v;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

void write_spaces(output& out, std::size_t n) {
  static constexpr std::string_view spaces = "                                                                ";
  while (n > spaces.size()) {
    out.write(spaces);
    n -= spaces.size();
  }
  out.write(spaces.substr(0, n));
}

}  // namespace

void detail::append_json_escaped(output& out, std::string_view s) { escape_into<true>(out, s); }

// ---- CSV ----

csv_writer::csv_writer(output& out, csv_write_options options) : out_(&out), options_(std::move(options)) {
  if (options_.delimiter == options_.quote)
    throw std::invalid_argument("yieldpipe::io::csv_writer: the delimiter and the quote are the same character");
  if (options_.delimiter == '\r' || options_.delimiter == '\n' || options_.quote == '\r' || options_.quote == '\n')
    throw std::invalid_argument("yieldpipe::io::csv_writer: the delimiter and the quote cannot be a line break");
  auto mark = [&](char c) { special_[static_cast<unsigned char>(c)] = true; };
  mark(options_.delimiter);
  mark(options_.quote);
  mark('\r');
  mark('\n');
  for (char c : options_.line_terminator) mark(c);
  for (char c : std::string_view("0123456789.+-einfaTrueFals"))
    numbers_need_check_ |= special_[static_cast<unsigned char>(c)];
}

void csv_writer::write_empty_record_field() {
  if (options_.quoting == quote_style::none)
    throw io_error(out_->path(), "CSV record " + std::to_string(rows_ + 1) +
                                     ": a record of one empty field must be quoted, and quoting is none");
  out_->put(options_.quote);
  out_->put(options_.quote);
}

void csv_writer::write_text(std::string_view text, bool force_quote, std::size_t index) {
  bool quote = force_quote;
  if (!quote)
    for (char c : text)
      if (special_[static_cast<unsigned char>(c)]) {
        quote = true;
        break;
      }
  if (!quote) {
    out_->write(text);
    return;
  }
  if (options_.quoting == quote_style::none)
    throw io_error(out_->path(), "CSV record " + std::to_string(rows_ + 1) + ", field " + std::to_string(index + 1) +
                                     ": the value contains the delimiter, the quote or a line break and quoting is "
                                     "none (Python: need to escape, but no escapechar set)");
  out_->put(options_.quote);
  for (auto at = text.find(options_.quote); at != std::string_view::npos; at = text.find(options_.quote)) {
    out_->write(text.substr(0, at + 1));
    out_->put(options_.quote);
    text.remove_prefix(at + 1);
  }
  out_->write(text);
  out_->put(options_.quote);
}

void csv_writer::write_field(const field& f, std::size_t index) {
  const quote_style q = options_.quoting;
  switch (f.type()) {
    case field::kind::null:
      if (q == quote_style::all || q == quote_style::nonnumeric) {
        out_->put(options_.quote);
        out_->put(options_.quote);
      }
      return;
    case field::kind::string:
      write_text(f.as_string(), q == quote_style::all || q == quote_style::nonnumeric, index);
      return;
    case field::kind::boolean: write_text(f.as_bool() ? "True" : "False", q == quote_style::all, index); return;
    default:
      if (!numbers_need_check_ && q != quote_style::all) {
        char* at = out_->reserve(32);
        out_->advance(static_cast<std::size_t>(format_number(at, f) - at));
      } else {
        char buf[32];
        const char* end = format_number(buf, f);
        write_text(std::string_view(buf, static_cast<std::size_t>(end - buf)), q == quote_style::all, index);
      }
  }
}

void csv_writer::write_row(std::span<const field> row) {
  if (row.size() == 1 && (row[0].is_null() || (row[0].type() == field::kind::string && row[0].as_string().empty()))) {
    write_empty_record_field();
  } else {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i != 0) out_->put(options_.delimiter);
      write_field(row[i], i);
    }
  }
  out_->write(options_.line_terminator);
  ++rows_;
}

void csv_writer::write_row(std::span<const std::string_view> row) {
  if (row.size() == 1 && row[0].empty()) {
    write_empty_record_field();
  } else {
    const bool force = options_.quoting == quote_style::all || options_.quoting == quote_style::nonnumeric;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i != 0) out_->put(options_.delimiter);
      write_text(row[i], force, i);
    }
  }
  out_->write(options_.line_terminator);
  ++rows_;
}

// ---- JSON lines ----

jsonl_writer::jsonl_writer(output& out, std::vector<std::string> keys) : out_(&out) {
  string_sink sink{prefixes_};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    prefixes_ += i == 0 ? "{\"" : ",\"";
    escape_into<true>(sink, keys[i]);
    prefixes_ += "\":";
    prefix_ends_.push_back(prefixes_.size());
  }
}

void jsonl_writer::write_row(std::span<const field> row) {
  if (row.size() != prefix_ends_.size())
    throw std::invalid_argument("yieldpipe::io::jsonl_writer: a record of " + std::to_string(row.size()) +
                                " fields for " + std::to_string(prefix_ends_.size()) + " keys");
  if (row.empty()) {
    out_->write("{}\n");
    return;
  }
  const std::string_view prefixes = prefixes_;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    out_->write(prefixes.substr(begin, prefix_ends_[i] - begin));
    begin = prefix_ends_[i];
    const field& f = row[i];
    switch (f.type()) {
      case field::kind::null: out_->write("null"); break;
      case field::kind::boolean: out_->write(f.as_bool() ? "true" : "false"); break;
      case field::kind::string:
        out_->put('"');
        escape_into<true>(*out_, f.as_string());
        out_->put('"');
        break;
      case field::kind::floating:
        if (!std::isfinite(f.as_double())) {
          out_->write("null");
          break;
        }
        [[fallthrough]];
      default: {
        char* at = out_->reserve(32);
        out_->advance(static_cast<std::size_t>(format_number(at, f) - at));
      }
    }
  }
  out_->write("}\n");
}

// ---- aligned table ----

table_writer::table_writer(output& out, std::vector<std::string> header, table_options options)
    : out_(&out), options_(std::move(options)) {
  header_.reserve(header.size());
  for (const auto& h : header) {
    std::string shown;
    string_sink sink{shown};
    escape_into<false>(sink, h);
    header_.push_back(std::move(shown));
  }
  widths_.resize(header_.size());
  numeric_.resize(header_.size());
  blank_separator_ = options_.separator.find_first_not_of(' ') == std::string::npos;
}

void table_writer::render(const field& f, std::string& into, bool& right) const {
  right = false;
  switch (f.type()) {
    case field::kind::null: return;
    case field::kind::string: {
      string_sink sink{into};
      escape_into<false>(sink, f.as_string());
      right = looks_numeric(f.as_string());
      return;
    }
    case field::kind::boolean: into += f.as_bool() ? "true" : "false"; return;
    default: {
      char buf[32];
      into.append(buf, format_number(buf, f));
      right = true;
    }
  }
}

void table_writer::emit(std::string_view text, std::size_t width, bool right, std::size_t column) {
  if (column != 0) {
    if (blank_separator_) {
      pending_spaces_ += options_.separator.size();
    } else {
      write_spaces(*out_, pending_spaces_);
      pending_spaces_ = 0;
      out_->write(options_.separator);
    }
  }
  const std::size_t w = display_width(text);
  const std::size_t pad = width > w ? width - w : 0;
  if (right) pending_spaces_ += pad;
  if (!text.empty()) {
    write_spaces(*out_, pending_spaces_);
    pending_spaces_ = 0;
    out_->write(text);
  }
  if (!right) pending_spaces_ += pad;
}

void table_writer::end_line() {
  pending_spaces_ = 0;
  out_->put('\n');
}

void table_writer::write_row(std::span<const field> row) {
  if (row.size() != header_.size())
    throw std::invalid_argument("yieldpipe::io::table_writer: a record of " + std::to_string(row.size()) +
                                " fields for " + std::to_string(header_.size()) + " columns");
  if (streaming_) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      scratch_.clear();
      bool right = false;
      render(row[i], scratch_, right);
      emit(scratch_, widths_[i], right, i);
    }
    end_line();
    return;
  }
  for (const field& f : row) {
    const std::size_t offset = held_text_.size();
    bool right = false;
    render(f, held_text_, right);
    const std::size_t size = held_text_.size() - offset;
    held_cells_.push_back({offset, size, display_width(std::string_view(held_text_).substr(offset, size)), right});
  }
  const std::size_t held_rows = header_.empty() ? 0 : held_cells_.size() / header_.size();
  if (held_rows >= options_.sample_rows) measure_and_flush();
}

void table_writer::measure_and_flush() {
  const std::size_t columns = header_.size();
  std::vector<bool> seen_number(columns), seen_other(columns);
  for (std::size_t c = 0; c < columns; ++c) widths_[c] = display_width(header_[c]);
  for (std::size_t k = 0; k < held_cells_.size(); ++k) {
    const std::size_t c = k % columns;
    const cell& x = held_cells_[k];
    if (x.width > widths_[c]) widths_[c] = x.width;
    if (x.size == 0) continue;
    (x.right ? seen_number : seen_other)[c] = true;
  }
  for (std::size_t c = 0; c < columns; ++c) numeric_[c] = seen_number[c] && !seen_other[c];

  if (columns != 0) {
    for (std::size_t c = 0; c < columns; ++c) emit(header_[c], widths_[c], numeric_[c], c);
    end_line();
    if (options_.rule) {
      for (std::size_t c = 0; c < columns; ++c) {
        if (c != 0) out_->write(options_.separator);
        for (std::size_t i = 0; i < widths_[c]; ++i) out_->put('-');
      }
      out_->put('\n');
    }
  }
  const std::string_view text = held_text_;
  for (std::size_t k = 0; k < held_cells_.size(); ++k) {
    const std::size_t c = k % columns;
    const cell& x = held_cells_[k];
    emit(text.substr(x.offset, x.size), widths_[c], x.right, c);
    if (c + 1 == columns) end_line();
  }
  held_text_.clear();
  held_text_.shrink_to_fit();
  held_cells_.clear();
  held_cells_.shrink_to_fit();
  streaming_ = true;
}

void table_writer::finish() {
  if (!streaming_) measure_and_flush();
}

// ---- by name ----

std::optional<format> parse_format(std::string_view name) noexcept {
  if (name == "csv") return format::csv;
  if (name == "tsv") return format::tsv;
  if (name == "jsonl" || name == "json") return format::jsonl;
  if (name == "table") return format::table;
  return std::nullopt;
}

std::unique_ptr<record_writer> make_writer(format fmt, output& out, std::vector<std::string> columns) {
  switch (fmt) {
    case format::csv:
    case format::tsv: {
      // Command-line output: Unix lines (every CSV reader, Python's included, reads them).
      csv_write_options options = fmt == format::tsv ? csv_write_options::tsv() : csv_write_options{};
      options.line_terminator = "\n";
      auto w = std::make_unique<csv_writer>(out, options);
      std::vector<std::string_view> names(columns.begin(), columns.end());
      w->write_row(std::span<const std::string_view>(names));
      return w;
    }
    case format::jsonl: return std::make_unique<jsonl_writer>(out, std::move(columns));
    case format::table: return std::make_unique<table_writer>(out, std::move(columns));
  }
  throw std::invalid_argument("yieldpipe::io::make_writer: unknown format");
}

}  // namespace yieldpipe::io
