#pragma once
// CSV records as views, typed fields by name or index: Python's csv module, at memory speed.
//
//   auto rows = io::read_csv("sensors.csv");
//   const std::size_t value = rows.column("value");
//   double total = 0;
//   for (const io::csv_row& row : rows) total += row.get<double>(value);

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "yieldpipe/io/error.hpp"
#include "yieldpipe/io/input.hpp"
#include "yieldpipe/io/parse_number.hpp"
#include "yieldpipe/io/quote_style.hpp"
#include "yieldpipe/io/rejected_record.hpp"

namespace yieldpipe::io {

/// What a reader does with a record whose number of fields differs from the header's (or, without
/// a header, from the first record's).
enum class ragged_rows {
  reject,  ///< hand it to `on_reject` (by default: an `io_error` naming the file and line)
  keep,    ///< return it as it is, as Python's `csv.reader` does; a missing field reads as null
};

/// How CSV is read. The defaults are Python's `csv.reader` on a file opened with `newline=''`
/// (the "excel" dialect), with the differences listed at `csv_reader`.
struct csv_options {
  char delimiter = ',';
  char quote = '"';
  /// `none`: quote characters are data. `nonnumeric`: an unquoted, non-empty field that is not a
  /// number is a bad record (Python raises ValueError). `minimal` and `all`: Python's default.
  quote_style quoting = quote_style::minimal;
  /// Python's `escapechar`: the character after it is taken literally (a delimiter, a quote, a line
  /// break). Unset by default.
  std::optional<char> escape{};
  /// `""` inside a quoted field is one quote (Python's `doublequote`).
  bool double_quote = true;
  /// Spaces at the start of a field are dropped, and a quote after them opens a quoted field.
  bool skip_initial_space = false;
  /// Python's `strict=True`: a character other than a delimiter or a line break after a closing
  /// quote (`"a" ,b`) makes the record bad ("',' expected after '\"'" with its line and column)
  /// instead of being appended to the field.
  bool strict = false;
  /// The first record names the columns (then blank lines are skipped, as by Python's DictReader).
  /// Without a header a blank line is a record with no fields, as by `csv.reader`.
  bool header = true;
  /// Names the columns of an input without a header line (`header` is then not used): the first
  /// record is data, and records are read as with a header of these names (blank lines skipped, a
  /// record of another field count is ragged). For `--no-header` (`c1`, `c2`, ...) and for inputs
  /// whose columns are known elsewhere. Empty: the header line, if any, names them.
  std::vector<std::string> names{};
  /// Lines skipped at the very start of the input, before the header (a report's title, a
  /// preamble): raw lines, ended by `\n`, `\r\n` or a lone `\r`, in which quotes mean nothing.
  std::uint64_t skip_lines = 0;
  /// A record that starts with this character is a comment: skipped up to and with its line break
  /// (quotes in it mean nothing). Only at the start of a record: inside a field it is data.
  std::optional<char> comment{};
  /// With an `escape` character: the character after it is translated as in the text format of
  /// PostgreSQL's COPY and MySQL's dumps (`\t` tab, `\n` line feed, `\r` carriage return, any
  /// other character itself, `\\` a backslash), and a field that is exactly the escape and `N`
  /// (`\N`) is empty, that is null. Without it the character after an escape is taken literally
  /// (Python's `escapechar`).
  bool escape_sequences = false;
  /// Numbers are written with a decimal comma (`1,5` is 1.5): `csv_row::get<double>` and the
  /// readers of numbers built on it read a comma as the decimal point, and a field with a `.` is not
  /// a number (the exports of European spreadsheets, most often with `;` delimiters). Texts are
  /// unchanged.
  bool decimal_comma = false;
  /// A UTF-8 byte order mark at the start of the input is removed (Python's `utf-8-sig`).
  bool strip_bom = true;
  ragged_rows ragged = ragged_rows::reject;
  /// The longest field accepted, in bytes as stored; a longer one is an `io_error` ("field larger
  /// than field limit (N)"). Python's default `csv.field_size_limit()`.
  std::size_t max_field_size = 131072;
  /// The longest record accepted, in bytes as stored: reading never buffers more than this.
  std::size_t max_record_size = std::size_t{16} << 20;
  /// Where bad records go (ragged rows, strict-mode violations, non-numbers under `nonnumeric`):
  /// empty = throw `io_error`; `reject_with(on_error::skip())` and the other policies set them aside.
  reject_handler on_reject{};
  input_options input{};

  /// Tab-separated values: the CSV rules with a tab delimiter (Python's "excel-tab").
  static csv_options tsv() {
    csv_options o;
    o.delimiter = '\t';
    return o;
  }
  /// Tab-separated values in the text format of PostgreSQL's COPY and MySQL's dumps: no quoting;
  /// `\t`, `\n`, `\\` escapes (`escape_sequences`); `\N` is null.
  static csv_options tsv_text() {
    csv_options o;
    o.delimiter = '\t';
    o.quoting = quote_style::none;
    o.escape = '\\';
    o.escape_sequences = true;
    return o;
  }
};

namespace detail {
struct csv_source;
}

/// Where a record starts in a CSV file: its byte offset and its line (from 1), in the file's
/// decompressed bytes. See `csv_reader::position()`.
struct csv_position {
  std::uint64_t offset = 0;
  std::uint64_t line = 1;
  friend bool operator==(const csv_position&, const csv_position&) = default;
};

/// The column names of a CSV input and their positions.
class csv_header {
 public:
  csv_header() = default;
  explicit csv_header(std::vector<std::string> names);

  const std::vector<std::string>& names() const noexcept { return names_; }
  std::size_t size() const noexcept { return names_.size(); }
  /// The position of the column `name`; a repeated name means its last position (Python's
  /// DictReader: the last value wins). nullopt when there is no such column.
  std::optional<std::size_t> find(std::string_view name) const noexcept;

 private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::size_t, hash, std::equal_to<>> index_;
};

/// One record: its fields as string views, read as numbers on demand.
///
/// A view: valid until the reader moves to the next record (or, for a row of a `csv_batch`, while
/// the batch is unchanged). Field `i` of a row with fewer fields (`ragged_rows::keep`) is null.
class csv_row {
 public:
  csv_row() = default;

  /// The number of fields.
  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  /// The text of field `i`, quotes removed and `""` made one quote; empty for a missing field.
  std::string_view operator[](std::size_t i) const noexcept {
    return i < fields_.size() ? fields_[i] : std::string_view{};
  }
  /// The text of the column named `name`; throws `io_error` if there is no such column.
  std::string_view operator[](std::string_view name) const { return (*this)[index_of(name)]; }
  std::span<const std::string_view> fields() const noexcept { return fields_; }

  /// Field `i` read as `T`: `std::string_view`, `std::string`, an integer or floating-point type
  /// (`parse_number`), or `bool` (`true`/`false` in any case, `1`/`0`). A field that is not a `T`
  /// (an empty or missing one included) is an `io_error` naming the file, the line and column of
  /// the field, the column's name and the text: `data.csv:12:31: column 'value': cannot read "n/a"
  /// as a number`.
  template <class T>
  T get(std::size_t i) const {
    if (auto v = convert<T>(i)) return *std::move(v);
    bad_field(i, type_name<T>());
  }
  template <class T>
  T get(std::string_view name) const {
    return get<T>(index_of(name));
  }
  /// Field `i` as `T`, or nullopt when it is empty or missing (a missing value: SQL's null); any
  /// other text that is not a `T` is an `io_error`, as for `get`.
  template <class T>
  std::optional<T> get_optional(std::size_t i) const {
    if (i >= fields_.size() || fields_[i].empty()) return std::nullopt;
    return get<T>(i);
  }
  template <class T>
  std::optional<T> get_optional(std::string_view name) const {
    return get_optional<T>(index_of(name));
  }

  /// The line where the record starts, from 1.
  std::uint64_t line() const noexcept { return line_; }
  /// The byte offset where the record starts, in the decompressed input.
  std::uint64_t offset() const noexcept { return offset_; }
  /// The record as stored, without its line terminator (what a dead-letter file receives).
  std::string_view text() const noexcept { return text_; }
  /// The file ("<stdin>" for standard input).
  std::string_view path() const noexcept;
  /// The header, or null when the input has none.
  const csv_header* header() const noexcept;

  /// The line and column (from 1) where field `i` starts; what errors report.
  std::pair<std::uint64_t, std::uint64_t> position(std::size_t i) const;

 private:
  friend class csv_reader;
  friend class csv_batch;
  friend struct detail::csv_source;

  template <class T>
  std::optional<T> convert(std::size_t i) const noexcept {
    if (i >= fields_.size()) return std::nullopt;
    const std::string_view s = fields_[i];
    if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
      return T(s);
    } else if constexpr (std::is_same_v<T, bool>) {
      return parse_bool(s);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (decimal_comma_) [[unlikely]]
        return parse_decimal_comma(s);
      if constexpr (std::is_same_v<T, double>)
        return padded_ ? detail::parse_double_padded(s.data(), s.data() + s.size()) : parse_number<double>(s);
      else
        return parse_number<T>(s);
    } else {
      return parse_number<T>(s);
    }
  }
  template <class T>
  static constexpr std::string_view type_name() noexcept {
    if constexpr (std::is_same_v<T, bool>)
      return "a boolean";
    else if constexpr (std::is_floating_point_v<T>)
      return "a number";
    else if constexpr (std::is_integral_v<T>)
      return "an integer";
    else
      return "text";
  }
  static std::optional<bool> parse_bool(std::string_view s) noexcept;
  // `1,5` as 1.5 (csv_options::decimal_comma); a `.` makes it no number.
  static std::optional<double> parse_decimal_comma(std::string_view s) noexcept;
  std::size_t index_of(std::string_view name) const;
  [[noreturn]] void bad_field(std::size_t i, std::string_view expected) const;

  std::span<const std::string_view> fields_{};
  // Where field i starts in text_ (its opening quote for a quoted field).
  const std::uint32_t* starts_ = nullptr;
  std::string_view text_{};
  std::uint64_t line_ = 0;
  std::uint64_t offset_ = 0;
  const detail::csv_source* source_ = nullptr;
  bool padded_ = false;         // 8 readable bytes follow every field (the reader's buffers)
  bool decimal_comma_ = false;  // csv_options::decimal_comma
};

/// Reads CSV records one at a time, each a `csv_row` view into the reader's buffers.
///
/// Python compatibility (semantics.md C1–C24): records end at `\n`, `\r\n` or a lone `\r`; a final
/// record needs no terminator; quoted fields keep their delimiters and line breaks byte for byte;
/// `""` is one quote; a quote inside an unquoted field is data; text after a closing quote is
/// appended (not in strict mode); NUL bytes are data. Differences from Python, on purpose:
/// - a quoted field still open at the end of the input is an `io_error` naming the line where the
///   field began (Python silently returns the rest of the file as one field);
/// - a record whose field count differs from the header's goes to `on_reject` (`ragged_rows::keep`
///   gives Python's behaviour);
/// - a UTF-8 byte order mark is removed (Python keeps it unless the file is opened as `utf-8-sig`);
/// - with a header, blank lines are skipped (DictReader) — lines before the header too.
///
/// Cost: delimiters, quotes and line breaks are found 64 bytes at a time (SSE2, AVX2 or AVX-512BW
/// compares into bit masks, chosen at run time), and the parser then visits only those bytes, so a field costs a few
/// instructions and a store of its view; quoted fields without `""` are views too. A field with `""`, an escape or text
/// after its closing quote is unescaped into a per-record buffer. No allocation per record once
/// the buffers have grown to the widest record. Memory: the input's buffers (2 × 1 MiB by default)
/// plus one record's fields, whatever the file size.
///
/// Errors (`io_error` with file, line and column): a field longer than `max_field_size`, a record
/// longer than `max_record_size`, an unterminated quoted field, the input's own errors; bad records
/// as `on_reject` decides.
class csv_reader {
 public:
  /// Opens `path` ("-" for standard input); reads the header, if `options.header`, at once.
  explicit csv_reader(const std::string& path, csv_options options = {});
  /// Offsets and lines count from where `in` starts (`input::start_offset()`, `start_line()`); a
  /// byte order mark is removed only at offset 0.
  explicit csv_reader(io::input in, csv_options options = {});
  /// Reads a plain file from `from`, which must be where a record starts (a `position()` of a reader
  /// of the same file, or a start that a reader of the preceding bytes confirms), with the columns of
  /// `header`, as a reader of the whole file would go on from there: offsets and lines are the
  /// file's. For reading one file in pieces on several threads (exec/input_pieces.hpp).
  /// `options.header` must be true; a compressed file or standard input is an `io_error`.
  csv_reader(const std::string& path, const csv_header& header, csv_position from, csv_options options = {});
  /// Reads `in` from where it starts (`input::start_offset()` and `start_line()`, which must be where
  /// a record starts) with the columns of `header`, as a reader of the whole input would go on from
  /// there: for a block of a stream in memory (`input::from_memory`). No header is read and no byte
  /// order mark removed. `options.header` must be true; `options.input` is not used.
  csv_reader(io::input in, const csv_header& header, csv_options options = {});
  csv_reader(csv_reader&&) noexcept;
  csv_reader& operator=(csv_reader&&) noexcept;
  ~csv_reader();

  /// The next record, or null at the end of the input. The row stays valid until the next call.
  const csv_row* next();
  /// What the last `next()` returned (null before the first call and at the end).
  const csv_row* current() const noexcept { return current_; }

  /// The header, or null when `options.header` is false (an empty input has a header without
  /// columns).
  const csv_header* header() const noexcept;
  /// The position of column `name`; throws `io_error` naming the file and the columns there are.
  std::size_t column(std::string_view name) const;
  /// The input: path and byte progress (`bytes_read()`, `total_bytes()`).
  const io::input& input() const noexcept;
  /// Where the record after the last one returned starts (or the end of the input, once read whole;
  /// blank lines before that record included): after the constructor, the first record's place.
  csv_position position() const noexcept;
  /// The number of records returned so far, the header not included.
  std::uint64_t records() const noexcept;
  /// The number of records handed to `on_reject` and set aside.
  std::uint64_t rejected() const noexcept;

 private:
  std::unique_ptr<detail::csv_source> source_;
  const csv_row* current_ = nullptr;
};

/// A CSV input as a single-pass `std::ranges::input_range` of `const csv_row&`; composes with the
/// iter layer (`read_csv(path) | filter(...) | count()`). Move-only, like a generator: an lvalue is
/// borrowed by a pipeline, an rvalue moved into it. Each row is valid until the iterator advances.
class csv_range {
 public:
  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using value_type = csv_row;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    const csv_row& operator*() const noexcept { return *row_; }
    const csv_row* operator->() const noexcept { return row_; }
    iterator& operator++() {
      row_ = reader_->next();
      if (row_ == nullptr) reader_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.reader_ == nullptr; }

   private:
    friend csv_range;
    iterator(csv_reader* reader, const csv_row* row) noexcept : reader_(row ? reader : nullptr), row_(row) {}
    csv_reader* reader_ = nullptr;
    const csv_row* row_ = nullptr;
  };

  csv_range() = default;
  explicit csv_range(csv_reader reader) : reader_(std::make_unique<csv_reader>(std::move(reader))) {}

  /// The first call reads the first record; a later one continues at the current record (after a
  /// `break`, the record the loop stopped at; at the end, the end).
  iterator begin() {
    if (!started_) {
      started_ = true;
      return {reader_.get(), reader_->next()};
    }
    return {reader_.get(), reader_->current()};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

  const csv_header* header() const noexcept { return reader_->header(); }
  std::size_t column(std::string_view name) const { return reader_->column(name); }
  csv_reader& reader() noexcept { return *reader_; }

 private:
  std::unique_ptr<csv_reader> reader_;
  bool started_ = false;
};

/// The records of the CSV file at `path` ("-" for standard input), decompressed if it is gzip or
/// zstd. Opens the file and reads its header at once (a missing file throws here).
csv_range read_csv(const std::string& path, csv_options options = {});
csv_range read_csv(io::input in, csv_options options = {});

/// Up to `n` records that own their text: what `csv_batches` yields. The rows still refer to their
/// reader for their path and header (`path()`, `header()`, by-name access, error messages): use
/// them while the reader lives.
class csv_batch {
 public:
  std::size_t size() const noexcept { return rows_.size(); }
  bool empty() const noexcept { return rows_.empty(); }
  const csv_row& operator[](std::size_t i) const noexcept { return rows_[i]; }
  auto begin() const noexcept { return rows_.begin(); }
  auto end() const noexcept { return rows_.end(); }

  /// Empties the batch, keeping its memory.
  void clear() noexcept;
  /// Appends a copy of `row` (its text and fields).
  void push_back(const csv_row& row);

 private:
  std::string text_;                                         // per row: its text, then its field values
  std::vector<std::pair<std::size_t, std::size_t>> values_;  // field values: offset in text_, size
  std::vector<std::string_view> fields_;
  std::vector<std::uint32_t> starts_;
  std::vector<csv_row> rows_;
};

}  // namespace yieldpipe::io
