#include "yieldpipe/io/csv_reader.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "yieldpipe/io/detail/stop_masks.hpp"

namespace yieldpipe::io {

// ---------------------------------------------------------------------------------------------
// csv_header

csv_header::csv_header(std::vector<std::string> names) : names_(std::move(names)) {
  for (std::size_t i = 0; i < names_.size(); ++i) index_.insert_or_assign(names_[i], i);
}

std::optional<std::size_t> csv_header::find(std::string_view name) const noexcept {
  const auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

namespace detail {

namespace {

constexpr std::size_t initial_carry_extension = 4096;

}  // namespace

// The line and column (from 1) of `at` in text that starts at `begin` on line `first_line`: lines end
// at \n, \r\n or a lone \r, as records do; `end` bounds the look at the byte after a \r.
std::pair<std::uint64_t, std::uint64_t> position_in(const char* begin, const char* end, const char* at,
                                                    std::uint64_t first_line) noexcept {
  std::uint64_t line = first_line;
  const char* line_start = begin;
  for (const char* p = begin; p < at; ++p) {
    if (*p == '\n' || (*p == '\r' && !(p + 1 < end && p[1] == '\n'))) {
      ++line;
      line_start = p + 1;
    }
  }
  return {line, static_cast<std::uint64_t>(at - line_start) + 1};
}

namespace {}  // namespace

struct csv_source {
  csv_source(io::input input, csv_options options);

  // One record from pos_: its fields into values/starts, or false when the buffer ends first.
  template <bool SkipInitialSpace, bool Escape, bool Quoting>
  bool parse_record_as();
  bool parse_record() { return (this->*parse_)(); }
  static bool (csv_source::*choose_parser(const csv_options& o))();
  void check_field_sizes() const;
  const csv_row* next();

  // Buffer management.
  bool refill();
  void enter_chunk_at(const char* p);
  void grow_carry();

  void grow_fields();
  [[noreturn]] void field_too_large(const char* raw_begin) const;
  void finish_record();
  void unescape(std::string_view raw, std::string& out) const;
  [[noreturn]] void fail(std::string reason, const char* at) const;
  // Hands the current record to on_reject; false when it must be thrown instead.
  bool reject(std::string_view reason, std::string detail, const char* at);
  bool nonnumeric_ok();
  // Passes over the raw line at pos_ (skip_lines, a comment): false when its end is not in the buffer yet.
  bool skip_line();
  std::string violation_message() const {
    return violation_is_end_ ? std::string("unexpected end of data")
                             : std::string("'") + opt_.delimiter + "' expected after '" + opt_.quote + "'";
  }
  void strict_end_of_data(const char* at) noexcept {
    if (violation_ != nullptr) return;
    violation_ = at;
    violation_is_end_ = true;
  }
  std::pair<std::uint64_t, std::uint64_t> line_and_column(const char* at) const noexcept;

  io::input in_;
  csv_options opt_;
  stop_chars stops_;
  stop_masks_fn stop_masks_ = current_stop_masks();
  // The stop masks of the blocks [mask_base_, mask_end_) of the current buffer, computed 32 blocks
  // (2 KiB) at a time so that the call through stop_masks_ costs nothing per field.
  static constexpr std::size_t mask_batch = 32;
  std::uint64_t masks_[mask_batch];
  const char* mask_base_ = nullptr;
  const char* mask_end_ = nullptr;
  void compute_masks(const char* block) noexcept;
  bool quoting_;  // quotes open quoted fields
  int escape_;    // the escape character, or -1
  bool (csv_source::*parse_)();

  std::optional<csv_header> header_;
  std::size_t expected_fields_ = 0;  // 0: not known yet
  csv_row row_;
  std::uint64_t records_ = 0;
  std::uint64_t rejected_ = 0;

  // The current buffer [base_, end_) and the start of the next record in it.
  const char* base_ = nullptr;
  const char* end_ = nullptr;
  const char* pos_ = nullptr;
  std::uint64_t base_offset_ = 0;  // offset of base_ in the decompressed input
  bool final_ = false;             // nothing follows end_
  bool eof_ = false;               // the input is exhausted
  bool in_carry_ = false;
  bool bom_checked_ = false;
  bool stop_at_header_ = false;
  std::uint64_t lines_to_skip_ = 0;  // csv_options::skip_lines, at the start of a whole input
  // The chunk last taken from the input; in carry mode its first copied_ bytes are carry_'s last.
  std::span<const char> chunk_{};
  std::uint64_t chunk_offset_ = 0;
  std::size_t copied_ = 0;
  std::vector<char> carry_;  // a record that straddles chunks, plus padding
  std::size_t carry_size_ = 0;

  // The record being parsed.
  const char* rec_ = nullptr;
  const char* text_end_ = nullptr;
  const char* next_pos_ = nullptr;
  std::uint64_t line_ = 0;         // lines before the next record
  std::uint64_t record_line_ = 0;  // the line where rec_ starts
  bool multiline_ = false;         // a line break inside a field
  // Strict mode: where the record first broke the rules, and how.
  const char* violation_ = nullptr;
  bool violation_is_end_ = false;  // "unexpected end of data", else "',' expected after '\"'"
  // Fields of the record: values_[0, count_) (capacity values_.size()), and where each starts.
  std::vector<std::string_view> values_;
  std::vector<std::uint32_t> starts_;
  std::size_t count_ = 0;
  std::vector<std::uint32_t> complex_;  // fields to unescape
  std::string scratch_;
};

csv_source::csv_source(io::input input, csv_options options)
    : in_(std::move(input)),
      opt_(std::move(options)),
      stops_{{opt_.delimiter, opt_.quoting == quote_style::none ? '\n' : opt_.quote, '\n', '\r',
              opt_.escape.value_or('\n')}},
      quoting_(opt_.quoting != quote_style::none),
      escape_(opt_.escape ? static_cast<unsigned char>(*opt_.escape) : -1),
      parse_(choose_parser(opt_)) {
  const auto bad = [](char c) { return c == '\n' || c == '\r'; };
  if (bad(opt_.delimiter) || (quoting_ && bad(opt_.quote)) || (opt_.escape && bad(*opt_.escape)))
    throw std::invalid_argument("csv_options: the delimiter, quote and escape characters cannot be line breaks");
  if ((quoting_ && opt_.quote == opt_.delimiter) || (opt_.escape && *opt_.escape == opt_.delimiter) ||
      (quoting_ && opt_.escape && *opt_.escape == opt_.quote))
    throw std::invalid_argument("csv_options: the delimiter, quote and escape characters must differ");
  if (opt_.max_field_size == 0 || opt_.max_record_size == 0)
    throw std::invalid_argument("csv_options: max_field_size and max_record_size must be positive");
  if (opt_.comment &&
      (bad(*opt_.comment) || *opt_.comment == opt_.delimiter || (quoting_ && *opt_.comment == opt_.quote)))
    throw std::invalid_argument(
        "csv_options: the comment character cannot be a line break, the delimiter or the quote");
  if (opt_.escape_sequences && !opt_.escape)
    throw std::invalid_argument("csv_options: escape_sequences needs an escape character");
  row_.source_ = this;
  row_.padded_ = true;
  row_.decimal_comma_ = opt_.decimal_comma;
  if (!opt_.names.empty()) {  // the columns are known: read as with a header, without a header line
    opt_.header = true;
    header_.emplace(opt_.names);
    expected_fields_ = header_->size();
  }
  grow_fields();
  // Offsets and lines count from where the input starts; a byte order mark only starts a whole input.
  chunk_offset_ = base_offset_ = in_.start_offset();
  line_ = in_.start_line() - 1;
  bom_checked_ = in_.start_offset() != 0;
  lines_to_skip_ = in_.start_offset() == 0 ? opt_.skip_lines : 0;
}

// ---------------------------------------------------------------------------------------------
// Parsing one record. The states follow CPython's Modules/_csv.c reader, but the parser only looks
// at the bytes where something can happen (delimiter, quote, CR, LF, escape), which the masks give
// 64 at a time; everything in between is field content.

void csv_source::grow_fields() {
  const std::size_t n = std::max<std::size_t>(values_.size() * 2, 64);
  values_.resize(n);
  starts_.resize(n);
}

void csv_source::field_too_large(const char* raw_begin) const {
  fail("field larger than field limit (" + std::to_string(opt_.max_field_size) + ")", raw_begin);
}

// The parser, compiled for each combination of the dialect's rarely used features, so that the
// common dialect pays for none of them.
template <bool SkipInitialSpace, bool Escape, bool Quoting>
bool csv_source::parse_record_as() {
  rec_ = pos_;
  record_line_ = line_ + 1;
  count_ = 0;  // also for a blank line
  complex_.clear();
  multiline_ = false;
  violation_ = nullptr;
  violation_is_end_ = false;

  // The hot state lives in locals (the compiler keeps them in registers across the loop).
  const char* const base = base_;
  const char* const end = end_;
  const bool final = final_;
  const char delimiter = opt_.delimiter;
  const char quote = opt_.quote;
  const int escape = escape_;
  const char* block = nullptr;
  std::uint64_t bits = 0;
  // The stop characters of the 64-byte block holding p, from p on.
  const char* mask_base = mask_base_;
  const char* mask_end = mask_end_;
  const auto masks_at = [&](const char* b) __attribute__((always_inline)) {
    if (b < mask_base || b >= mask_end) [[unlikely]] {
      compute_masks(b);
      mask_base = mask_base_;
      mask_end = mask_end_;
    }
    return masks_[(b - mask_base) >> 6];
  };
  // The stop characters of the 64-byte block holding p, from p on.
  const auto seek = [&](const char* p) __attribute__((always_inline)) {
    block = base + ((p - base) & ~std::ptrdiff_t{63});
    bits = block < end ? masks_at(block) & (~std::uint64_t{0} << (p - block)) : 0;
  };
  const auto skip_to = [&](const char* p) {
    if (p - block < 64)
      bits &= ~std::uint64_t{0} << (p - block);
    else
      seek(p);
  };
  // The next stop character, or null at the end of the buffer.
  const auto next_stop = [&]() __attribute__((always_inline))->const char* {
    while (bits == 0) {
      block += 64;
      if (block >= end) return nullptr;
      bits = masks_at(block);
    }
    const char* p = block + std::countr_zero(bits);
    bits &= bits - 1;
    return p;
  };
  std::string_view* values = values_.data();
  std::uint32_t* starts = starts_.data();
  std::size_t count = 0;
  std::size_t capacity = values_.size();
  const auto push = [&](const char* raw_begin, const char* value_begin, const char* value_end, bool complex)
      __attribute__((always_inline)) {
    if (count == capacity) [[unlikely]] {
      grow_fields();
      values = values_.data();
      starts = starts_.data();
      capacity = values_.size();
    }
    if (complex) [[unlikely]] {
      complex_.push_back(static_cast<std::uint32_t>(count));
      value_begin = raw_begin;  // unescaped from the raw text in finish_record
    }
    values[count] = std::string_view(value_begin, static_cast<std::size_t>(value_end - value_begin));
    starts[count] = static_cast<std::uint32_t>(raw_begin - rec_);
    ++count;
  };
  // The record ends at the end of the data.
  const auto end_of_data = [&] {
    text_end_ = next_pos_ = end;
    count_ = count;
    return true;
  };

  // A blank line: a record with no fields.
  if (*rec_ == '\n' || *rec_ == '\r') {
    if (*rec_ == '\r' && rec_ + 1 == end && !final) return false;
    text_end_ = rec_;
    next_pos_ = rec_ + (*rec_ == '\r' && rec_ + 1 != end && rec_[1] == '\n' ? 2 : 1);
    return true;
  }

  const char* fs = rec_;  // start of the current field
  const char* p = nullptr;
  bool complex = false;  // the current field needs unescaping
  seek(fs);

field_start:
  complex = false;
  if constexpr (SkipInitialSpace) {
    while (fs != end && *fs == ' ') ++fs;
    skip_to(fs);
  }
  if (fs == end) {
    if (!final) return false;
    push(fs, fs, fs, false);
    return end_of_data();
  }
  if (Quoting && *fs == quote) {
    // A quoted field: find its closing quote; delimiters and line breaks in between are data.
    const char* const q = fs;
    skip_to(q + 1);
    for (;;) {
      p = next_stop();
      if (p == nullptr) {
        if (!final) return false;
        // In strict mode an earlier violation is what Python reports first.
        if (violation_ != nullptr) fail(violation_message(), violation_);
        fail("unterminated quoted field: the quote here is never closed", q);
      }
      const char c = *p;
      if (c == quote) {
        if (p + 1 == end) {
          if (!final) return false;
          push(q, q + 1, p, complex);
          return end_of_data();
        }
        const char n = p[1];
        if (n == delimiter) {
          push(q, q + 1, p, complex);
          fs = p + 2;
          skip_to(fs);
          goto field_start;
        }
        if (n == '\n' || n == '\r') {
          push(q, q + 1, p, complex);
          ++p;
          goto record_end;
        }
        complex = true;
        if (opt_.double_quote) {
          if (n == quote) {  // "" is one quote
            skip_to(p + 2);
            continue;
          }
          // Text after the closing quote (C18) is appended, its first character literally even if
          // it is the escape character; then the field goes on unquoted.
          if (opt_.strict && violation_ == nullptr) violation_ = p + 1;
          skip_to(p + 2);
        } else {
          // Without doublequote a quote ends the quoted part; the field goes on unquoted.
          skip_to(p + 1);
        }
        fs = q;
        break;
      }
      if (Escape && static_cast<unsigned char>(c) == escape) {
        // The next character is data.
        if (p + 1 == end) {
          if (!final) return false;
          continue;  // the data ends inside the quoted field
        }
        multiline_ |= p[1] == '\n' || p[1] == '\r';
        complex = true;
        skip_to(p + 2);
        continue;
      }
      if (c == '\n' || c == '\r') multiline_ = true;
    }
  }

  // An unquoted field (or the rest of one whose quoted part is closed). A quote in it is data (C19).
  for (bool after_escaped_break = false;;) {
    p = next_stop();
    if (p == nullptr) {
      if (!final) return false;
      if (Escape && after_escaped_break && opt_.strict) strict_end_of_data(end);
      push(fs, fs, end, complex);
      return end_of_data();
    }
    const char c = *p;
    if (c == delimiter) {
      push(fs, fs, p, complex);
      fs = p + 1;
      goto field_start;
    }
    if (c == '\n' || c == '\r') {
      push(fs, fs, p, complex);
      goto record_end;
    }
    if (Escape && static_cast<unsigned char>(c) == escape) {
      complex = true;
      if (p + 1 == end) {
        if (!final) return false;
        // The data ends in the middle of an escape: CPython completes the field with the line
        // end it expected, or in strict mode reports "unexpected end of data".
        if (opt_.strict) strict_end_of_data(p);
        push(fs, fs, end, true);
        return end_of_data();
      }
      const char n = p[1];
      if (n == '\r') {
        // CPython: after an escaped CR the line goes on, but if it is a CRLF the LF ends the
        // record, with the CR in the field.
        if (p + 2 == end && !final) return false;
        if (p + 2 != end && p[2] == '\n') {
          push(fs, fs, p + 2, true);
          p += 2;
          goto record_end;
        }
      }
      // CPython ignores the end of the line after an escaped line break (its AFTER_ESCAPED_CRNL
      // state lasts until the next escape or the end of the field), so such a field still open at
      // the end of the data is "unexpected end of data" in strict mode.
      after_escaped_break = n == '\n' || n == '\r';
      multiline_ |= after_escaped_break;
      skip_to(p + 2);
    }
  }

record_end:
  // p is the line break that ends the record.
  count_ = count;
  text_end_ = p;
  if (*p == '\r') {
    if (p + 1 == end) {
      if (!final) return false;
      next_pos_ = end;
      return true;
    }
    next_pos_ = p + (p[1] == '\n' ? 2 : 1);
  } else {
    next_pos_ = p + 1;
  }
  return true;
}

void csv_source::compute_masks(const char* block) noexcept {
  const auto blocks = std::min<std::size_t>(mask_batch, static_cast<std::size_t>(end_ - block + 63) / 64);
  stop_masks_(stops_, block, blocks, masks_);
  const char* last = block + 64 * (blocks - 1);
  if (end_ - last < 64) masks_[blocks - 1] &= (std::uint64_t{1} << (end_ - last)) - 1;
  mask_base_ = block;
  mask_end_ = block + 64 * blocks;
}

bool (csv_source::*csv_source::choose_parser(const csv_options& o))() {
  const bool quoting = o.quoting != quote_style::none;
  const int variant = (o.skip_initial_space ? 4 : 0) | (o.escape ? 2 : 0) | (quoting ? 1 : 0);
  switch (variant) {
    case 0: return &csv_source::parse_record_as<false, false, false>;
    case 1: return &csv_source::parse_record_as<false, false, true>;
    case 2: return &csv_source::parse_record_as<false, true, false>;
    case 3: return &csv_source::parse_record_as<false, true, true>;
    case 4: return &csv_source::parse_record_as<true, false, false>;
    case 5: return &csv_source::parse_record_as<true, false, true>;
    case 6: return &csv_source::parse_record_as<true, true, false>;
    default: return &csv_source::parse_record_as<true, true, true>;
  }
}

// Python's field size limit: checked per field only for a record long enough to break it.
void csv_source::check_field_sizes() const {
  if (static_cast<std::size_t>(text_end_ - rec_) <= opt_.max_field_size) return;
  for (std::size_t i = 0; i < count_; ++i)
    if (values_[i].size() > opt_.max_field_size) field_too_large(rec_ + starts_[i]);
}

// Makes the views of the fields that need unescaping, once the record is complete (scratch_ is
// sized first, so the views stay valid).
void csv_source::finish_record() {
  if (complex_.empty()) return;
  scratch_.clear();
  // Room for the values plus the 8 bytes that number parsing may read after the last one.
  scratch_.reserve(static_cast<std::size_t>(text_end_ - rec_) + complex_.size() + 8);
  for (const std::uint32_t i : complex_) {
    const char* raw_begin = rec_ + starts_[i];
    const char* raw_end = values_[i].data() + values_[i].size();
    const std::size_t at = scratch_.size();
    unescape({raw_begin, static_cast<std::size_t>(raw_end - raw_begin)}, scratch_);
    if (scratch_.size() - at > opt_.max_field_size)
      fail("field larger than field limit (" + std::to_string(opt_.max_field_size) + ")", raw_begin);
    values_[i] = std::string_view(scratch_.data() + at, scratch_.size() - at);
  }
}

// The value of one field from its raw text (CPython's states within a field).
namespace {
// The character an escape sequence stands for (csv_options::escape_sequences).
char translated(char c) noexcept {
  switch (c) {
    case 't': return '\t';
    case 'n': return '\n';
    case 'r': return '\r';
    default: return c;
  }
}
}  // namespace

void csv_source::unescape(std::string_view raw, std::string& out) const {
  if (opt_.escape_sequences && raw.size() == 2 && static_cast<unsigned char>(raw[0]) == escape_ && raw[1] == 'N')
    return;  // \N: null
  enum { in_field, escaped, in_quoted, escape_in_quoted, quote_in_quoted } state = in_field;
  std::size_t i = 0;
  if (quoting_ && !raw.empty() && raw[0] == opt_.quote) {
    state = in_quoted;
    i = 1;
  }
  for (; i < raw.size(); ++i) {
    const char c = raw[i];
    const bool is_escape = static_cast<unsigned char>(c) == escape_;
    switch (state) {
      case in_field:
        if (is_escape)
          state = escaped;
        else
          out += c;
        break;
      case escaped:
        out += opt_.escape_sequences ? translated(c) : c;
        state = in_field;
        break;
      case in_quoted:
        if (is_escape)
          state = escape_in_quoted;
        else if (c == opt_.quote)
          state = opt_.double_quote ? quote_in_quoted : in_field;
        else
          out += c;
        break;
      case escape_in_quoted:
        out += opt_.escape_sequences ? translated(c) : c;
        state = in_quoted;
        break;
      case quote_in_quoted:
        out += c;  // a second quote, or text after the closing quote
        state = c == opt_.quote ? in_quoted : in_field;
        break;
    }
  }
  // An escape character at the very end of the data: CPython adds the line end it expected.
  if (state == escaped || state == escape_in_quoted) out += '\n';
}

std::pair<std::uint64_t, std::uint64_t> csv_source::line_and_column(const char* at) const noexcept {
  return position_in(rec_, end_, at, record_line_);
}

void csv_source::fail(std::string reason, const char* at) const {
  const auto [line, column] = line_and_column(at);
  throw io_error(in_.path(), std::move(reason),
                 {.offset = base_offset_ + static_cast<std::uint64_t>(at - base_), .line = line, .column = column});
}

bool csv_source::reject(std::string_view reason, std::string detail, const char* at) {
  const auto [line, column] = line_and_column(at);
  const std::uint64_t offset = base_offset_ + static_cast<std::uint64_t>(rec_ - base_);
  io_error error(in_.path(), std::move(detail), {.offset = offset, .line = line, .column = column});
  if (!opt_.on_reject) throw error;
  const rejected_record record{in_.path(), record_line_, offset,
                               std::string_view(rec_, static_cast<std::size_t>(text_end_ - rec_))};
  if (!opt_.on_reject(record, reason, error.what())) throw error;
  ++rejected_;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Buffers. A record is parsed where it lies in the input's chunk; one that straddles two chunks is
// copied into carry_ with the start of the next chunk and parsed there, and parsing goes back to
// the chunk just after it.

bool csv_source::refill() {
  chunk_offset_ += chunk_.size();
  chunk_ = in_.next_chunk();
  copied_ = 0;
  eof_ = chunk_.empty();
  return !eof_;
}

void csv_source::enter_chunk_at(const char* p) {
  in_carry_ = false;
  mask_base_ = mask_end_ = nullptr;
  base_ = chunk_.data();
  end_ = chunk_.data() + chunk_.size();
  base_offset_ = chunk_offset_;
  pos_ = p;
  final_ = false;
}

// The record at pos_ goes on past the end of the buffer: carry it on (pos_ is carry_'s start when
// in carry mode, since parsing leaves carry mode after its first record).
void csv_source::grow_carry() {
  const auto known = static_cast<std::size_t>(end_ - pos_);
  // One byte more than the maximum: a record may end in a CR whose LF is not read yet.
  if (known > opt_.max_record_size + 1) {
    rec_ = pos_;
    fail("record longer than the maximum of " + std::to_string(opt_.max_record_size) + " bytes", pos_);
  }
  if (!in_carry_) {
    base_offset_ += static_cast<std::uint64_t>(pos_ - base_);
    if (carry_.size() < known + input::chunk_padding) carry_.resize(known + input::chunk_padding);
    std::memcpy(carry_.data(), pos_, known);
    carry_size_ = known;
    in_carry_ = true;
    refill();
  } else if (copied_ == chunk_.size()) {
    refill();
  }
  if (!eof_) {
    // Copy what was copied so far again (at least 4 KiB), so a long record costs O(its length).
    const std::size_t n = std::min(chunk_.size() - copied_, std::max({carry_size_, copied_, initial_carry_extension}));
    if (carry_.size() < carry_size_ + n + input::chunk_padding) carry_.resize(carry_size_ + n + input::chunk_padding);
    std::memcpy(carry_.data() + carry_size_, chunk_.data() + copied_, n);
    carry_size_ += n;
    copied_ += n;
  }
  base_ = pos_ = carry_.data();
  end_ = base_ + carry_size_;
  final_ = eof_;
  mask_base_ = mask_end_ = nullptr;
}

const csv_row* csv_source::next() {
  for (;;) {
    if (pos_ == end_) {  // the buffer is used up
      if (in_carry_ && copied_ < chunk_.size()) {
        enter_chunk_at(chunk_.data() + copied_);
        continue;
      }
      if (eof_ || !refill()) return nullptr;
      enter_chunk_at(chunk_.data());
      continue;
    }
    if (in_carry_) {
      // After a record that straddled chunks: back to the chunk, where the next record starts.
      const auto consumed = static_cast<std::size_t>(pos_ - base_);
      const std::size_t carried = carry_size_ - copied_;
      if (consumed >= carried) {
        enter_chunk_at(chunk_.data() + (consumed - carried));
        continue;
      }
    }
    if (!bom_checked_) {
      if (end_ - pos_ < 3 && !final_) {
        grow_carry();
        continue;
      }
      bom_checked_ = true;
      if (opt_.strip_bom && end_ - pos_ >= 3 && std::memcmp(pos_, "\xEF\xBB\xBF", 3) == 0) {
        pos_ += 3;
        continue;
      }
    }
    if (lines_to_skip_ > 0 || (opt_.comment && *pos_ == *opt_.comment)) [[unlikely]] {
      if (!skip_line()) {
        grow_carry();
        continue;
      }
      if (lines_to_skip_ > 0) --lines_to_skip_;
      continue;
    }
    if (!parse_record()) {
      grow_carry();
      continue;
    }

    // A complete record.
    if (static_cast<std::size_t>(text_end_ - rec_) > opt_.max_record_size)
      fail("record longer than the maximum of " + std::to_string(opt_.max_record_size) + " bytes", rec_);
    finish_record();
    check_field_sizes();
    line_ = multiline_ ? position_in(rec_, text_end_, text_end_, record_line_).first : record_line_;
    pos_ = next_pos_;
    const bool blank = count_ == 0;
    const std::span<const std::string_view> fields(values_.data(), count_);
    if (blank && opt_.header) continue;
    if (opt_.header && !header_) {
      header_.emplace(std::vector<std::string>(fields.begin(), fields.end()));
      expected_fields_ = header_->size();
      if (stop_at_header_) return nullptr;
      continue;
    }
    if (violation_ != nullptr && reject("strict", violation_message(), violation_)) continue;
    if (!blank && opt_.ragged == ragged_rows::reject) {
      if (expected_fields_ == 0) expected_fields_ = count_;
      if (count_ != expected_fields_ &&
          reject("ragged row",
                 "expected " + std::to_string(expected_fields_) + " fields, found " + std::to_string(count_), rec_))
        continue;
    }
    if (opt_.quoting == quote_style::nonnumeric && !nonnumeric_ok()) continue;

    row_.fields_ = fields;
    row_.starts_ = starts_.data();
    row_.text_ = std::string_view(rec_, static_cast<std::size_t>(text_end_ - rec_));
    row_.line_ = record_line_;
    row_.offset_ = base_offset_ + static_cast<std::uint64_t>(rec_ - base_);
    ++records_;
    return &row_;
  }
}

bool csv_source::skip_line() {
  const char* p = pos_;
  while (p < end_ && *p != '\n' && *p != '\r') ++p;
  if (p == end_) {
    if (!final_) return false;
    if (static_cast<std::size_t>(p - pos_) > opt_.max_record_size) {
      rec_ = pos_;
      record_line_ = line_ + 1;
      fail("line longer than the maximum of " + std::to_string(opt_.max_record_size) + " bytes", pos_);
    }
    pos_ = end_;  // the last line, without a line break
    ++line_;
    return true;
  }
  if (*p == '\r') {
    if (p + 1 == end_ && !final_) return false;  // a \r\n or a lone \r: the next byte tells
    if (p + 1 < end_ && p[1] == '\n') ++p;
  }
  pos_ = p + 1;
  ++line_;
  return true;
}

// QUOTE_NONNUMERIC: every unquoted, non-empty field must be a number (false: the record was set
// aside).
bool csv_source::nonnumeric_ok() {
  for (std::size_t i = 0; i < count_; ++i) {
    const char* raw = rec_ + starts_[i];
    if (values_[i].empty() || *raw == opt_.quote || parse_number<double>(values_[i])) continue;
    return !reject("not a number", "could not convert string to float: '" + std::string(values_[i]) + "'", raw);
  }
  return true;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// csv_row

std::string_view csv_row::path() const noexcept { return source_ ? std::string_view(source_->in_.path()) : ""; }

const csv_header* csv_row::header() const noexcept {
  return source_ && source_->header_ ? &*source_->header_ : nullptr;
}

std::optional<bool> csv_row::parse_bool(std::string_view s) noexcept {
  const auto equals = [&](std::string_view word) {
    return s.size() == word.size() &&
           std::equal(s.begin(), s.end(), word.begin(), [](char a, char b) { return (a | 0x20) == b; });
  };
  if (s == "1" || equals("true")) return true;
  if (s == "0" || equals("false")) return false;
  return std::nullopt;
}

std::optional<double> csv_row::parse_decimal_comma(std::string_view s) noexcept {
  // Numbers are short: one that does not fit the buffer is no number anyway (at most 767 digits matter).
  char buf[64];
  if (s.size() > sizeof buf || s.find('.') != std::string_view::npos) return std::nullopt;
  std::copy(s.begin(), s.end(), buf);
  std::replace(buf, buf + s.size(), ',', '.');
  return parse_number<double>(std::string_view(buf, s.size()));
}

std::size_t csv_row::index_of(std::string_view name) const {
  const csv_header* h = header();
  if (h != nullptr)
    if (const auto i = h->find(name)) return *i;
  std::string reason = "no column named '" + std::string(name) + "'";
  if (h == nullptr) {
    reason += " (the input has no header)";
  } else {
    reason += " (columns: ";
    for (std::size_t i = 0; i < h->size(); ++i) reason += (i ? ", " : "") + h->names()[i];
    reason += ')';
  }
  throw io_error(std::string(path()), reason);
}

std::pair<std::uint64_t, std::uint64_t> csv_row::position(std::size_t i) const {
  const std::size_t at = i < fields_.size() ? starts_[i] : text_.size();
  return detail::position_in(text_.data(), text_.data() + text_.size(), text_.data() + at, line_);
}

void csv_row::bad_field(std::size_t i, std::string_view expected) const {
  const auto [line, column] = position(i);
  std::string reason;
  if (const csv_header* h = header(); h != nullptr && i < h->size())
    reason = "column '" + h->names()[i] + "': ";
  else
    reason = "field " + std::to_string(i + 1) + ": ";
  if (i >= fields_.size()) {
    reason += "missing (the record has " + std::to_string(fields_.size()) + " fields)";
  } else {
    reason += "cannot read \"";
    reason += fields_[i];
    reason += "\" as ";
    reason += expected;
  }
  throw io_error(
      std::string(path()), reason,
      {.offset = offset_ + (i < fields_.size() ? starts_[i] : text_.size()), .line = line, .column = column});
}

// ---------------------------------------------------------------------------------------------
// csv_reader, csv_range

csv_reader::csv_reader(const std::string& path, csv_options options)
    : csv_reader(io::input(path, options.input), std::move(options)) {}

csv_reader::csv_reader(io::input in, csv_options options)
    : source_(std::make_unique<detail::csv_source>(std::move(in), std::move(options))) {
  // The header is read now, so that column() works before the first record.
  if (source_->opt_.header && !source_->header_) {
    source_->stop_at_header_ = true;
    source_->next();
    source_->stop_at_header_ = false;
    // An empty input has a header without columns, so that header() is never null here.
    if (!source_->header_) source_->header_.emplace();
  }
}

namespace {

io::input input_at(const std::string& path, csv_position from, io::input_options options) {
  options.start_offset = from.offset;
  options.start_line = from.line;
  return io::input(path, options);
}

}  // namespace

csv_reader::csv_reader(const std::string& path, const csv_header& header, csv_position from, csv_options options)
    : csv_reader(input_at(path, from, options.input), header, std::move(options)) {}

csv_reader::csv_reader(io::input in, const csv_header& header, csv_options options) : source_(nullptr) {
  if (!options.header && options.names.empty())
    throw std::invalid_argument("csv_reader: reading from a position needs options.header or options.names");
  source_ = std::make_unique<detail::csv_source>(std::move(in), std::move(options));
  source_->header_ = header;
  source_->expected_fields_ = header.size();
}

csv_position csv_reader::position() const noexcept {
  const detail::csv_source& s = *source_;
  return {s.base_offset_ + static_cast<std::uint64_t>(s.pos_ - s.base_), s.line_ + 1};
}

csv_reader::csv_reader(csv_reader&&) noexcept = default;
csv_reader& csv_reader::operator=(csv_reader&&) noexcept = default;
csv_reader::~csv_reader() = default;

const csv_row* csv_reader::next() { return current_ = source_->next(); }

const csv_header* csv_reader::header() const noexcept { return source_->header_ ? &*source_->header_ : nullptr; }

std::size_t csv_reader::column(std::string_view name) const {
  csv_row probe;
  probe.source_ = source_.get();
  return probe.index_of(name);
}

const io::input& csv_reader::input() const noexcept { return source_->in_; }
std::uint64_t csv_reader::records() const noexcept { return source_->records_; }
std::uint64_t csv_reader::rejected() const noexcept { return source_->rejected_; }

csv_range read_csv(const std::string& path, csv_options options) {
  return csv_range(csv_reader(path, std::move(options)));
}
csv_range read_csv(io::input in, csv_options options) {
  return csv_range(csv_reader(std::move(in), std::move(options)));
}

// ---------------------------------------------------------------------------------------------
// csv_batch

void csv_batch::clear() noexcept {
  text_.clear();
  values_.clear();
  fields_.clear();
  starts_.clear();
  rows_.clear();
}

void csv_batch::push_back(const csv_row& row) {
  const char* const old_text = text_.data();
  const std::string_view* const old_fields = fields_.data();
  const std::uint32_t* const old_starts = starts_.data();
  const std::size_t text_begin = text_.size();
  const std::size_t first_field = fields_.size();
  text_.append(row.text_);
  for (std::size_t i = 0; i < row.fields_.size(); ++i) {
    values_.push_back({text_.size(), row.fields_[i].size()});
    text_.append(row.fields_[i]);
    fields_.emplace_back();
    starts_.push_back(row.starts_[i]);
  }
  csv_row copy;
  copy.line_ = row.line_;
  copy.offset_ = row.offset_;
  copy.source_ = row.source_;
  copy.text_ = std::string_view(text_).substr(text_begin, row.text_.size());
  copy.fields_ = std::span<const std::string_view>(fields_.data() + first_field, row.fields_.size());
  copy.starts_ = starts_.data() + first_field;
  rows_.push_back(copy);
  // Views into text_ and spans of fields_ are (re)made when those moved: amortised O(1) per field.
  const bool moved = text_.data() != old_text || fields_.data() != old_fields || starts_.data() != old_starts;
  for (std::size_t i = moved ? 0 : first_field; i < fields_.size(); ++i)
    fields_[i] = std::string_view(text_.data() + values_[i].first, values_[i].second);
  if (moved) {
    std::size_t field = 0, at = 0;
    for (csv_row& r : rows_) {
      const std::size_t n = r.fields_.size();
      r.text_ = std::string_view(text_.data() + at, r.text_.size());
      r.fields_ = std::span<const std::string_view>(fields_.data() + field, n);
      r.starts_ = starts_.data() + field;
      at = n == 0 ? at + r.text_.size() : values_[field + n - 1].first + values_[field + n - 1].second;
      field += n;
    }
  }
}

}  // namespace yieldpipe::io
