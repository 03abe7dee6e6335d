#pragma once
// Record writers over an `output`: CSV and TSV (Python's csv.writer), JSON lines, aligned table.
//
//   io::output out("result.csv");
//   io::csv_writer csv(out);
//   csv.write_row({"name", "value"});
//   csv.write_row({name, 1.5});       // fields: strings, numbers, booleans, null
//   out.commit();

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "yieldpipe/io/output.hpp"
#include "yieldpipe/io/quote_style.hpp"

namespace yieldpipe::io {

/// One value of a record: null, a string, a boolean, an integer or a floating-point number. A field
/// is a 24-byte value that does not own its string: the characters must outlive the `write_row` call
/// (nothing more). Built implicitly from `std::string_view`, `const char*`, `std::string`, any integer
/// or floating-point type, `bool`, `std::nullopt` and `std::optional<T>` (empty → null).
class field {
 public:
  enum class kind : unsigned char { null, string, boolean, integer, unsigned_integer, floating };

  constexpr field() noexcept = default;
  constexpr field(std::nullopt_t) noexcept {}
  constexpr field(std::string_view s) noexcept : str_(s.data()), size_(s.size()), kind_(kind::string) {}
  /// A null pointer is a null field.
  constexpr field(const char* s) noexcept : field(s ? field(std::string_view(s)) : field()) {}
  field(const std::string& s) noexcept : field(std::string_view(s)) {}
  template <class B>
    requires std::same_as<B, bool>
  constexpr field(B b) noexcept : bool_(b), kind_(kind::boolean) {}
  template <std::signed_integral I>
    requires(!std::same_as<I, char>)
  constexpr field(I i) noexcept : int_(i), kind_(kind::integer) {}
  template <std::unsigned_integral U>
    requires(!std::same_as<U, bool> && !std::same_as<U, char>)
  constexpr field(U u) noexcept : uint_(u), kind_(kind::unsigned_integer) {}
  template <std::floating_point F>
  constexpr field(F f) noexcept : double_(static_cast<double>(f)), kind_(kind::floating) {}
  template <class T>
  constexpr field(const std::optional<T>& o) noexcept : field(o ? field(*o) : field()) {}

  [[nodiscard]] constexpr kind type() const noexcept { return kind_; }
  [[nodiscard]] constexpr bool is_null() const noexcept { return kind_ == kind::null; }
  [[nodiscard]] constexpr bool is_number() const noexcept {
    return kind_ == kind::integer || kind_ == kind::unsigned_integer || kind_ == kind::floating;
  }
  /// The value of the matching kind; reading another kind is undefined.
  [[nodiscard]] constexpr std::string_view as_string() const noexcept { return {str_, size_}; }
  [[nodiscard]] constexpr bool as_bool() const noexcept { return bool_; }
  [[nodiscard]] constexpr std::int64_t as_int() const noexcept { return int_; }
  [[nodiscard]] constexpr std::uint64_t as_uint() const noexcept { return uint_; }
  [[nodiscard]] constexpr double as_double() const noexcept { return double_; }

 private:
  const char* str_ = nullptr;
  union {
    std::size_t size_ = 0;
    bool bool_;
    std::int64_t int_;
    std::uint64_t uint_;
    double double_;
  };
  kind kind_ = kind::null;
};

/// The interface the command line uses to write records in a format chosen at run time. Each writer
/// keeps a reference to its `output`, which must outlive it; none of them commits the output.
class record_writer {
 public:
  virtual ~record_writer() = default;
  /// Writes one record. Throws what the output throws (`io_error`, `broken_pipe`).
  virtual void write_row(std::span<const field> row) = 0;
  void write_row(std::initializer_list<field> row) { write_row(std::span<const field>(row.begin(), row.size())); }
  /// Writes what the writer still holds (the aligned table's first rows). Call before `commit()`.
  virtual void finish() {}
};

/// A CSV dialect for writing. The defaults are Python's `csv.writer` (the "excel" dialect), line
/// terminator `\r\n` included, so that our output equals Python's byte for byte; most data tools
/// read either, and `line_terminator = "\n"` gives Unix lines.
struct csv_write_options {
  char delimiter = ',';
  char quote = '"';
  quote_style quoting = quote_style::minimal;
  std::string line_terminator = "\r\n";

  /// Tab-separated values: Python's "excel-tab" dialect, i.e. the CSV rules with a tab delimiter
  /// (a field containing a tab, quote or newline is quoted, quotes doubled; no backslash escapes).
  static csv_write_options tsv() {
    csv_write_options o;
    o.delimiter = '\t';
    return o;
  }
};

/// Writes CSV exactly as Python's `csv.writer` with the same dialect (semantics.md C24):
/// `['a','b,c','d"e','f\ng','',None,1.5,' s ']` → `a,"b,c","d""e","f\ng",,,1.5, s \r\n`; `['']` →
/// `""\r\n`; `[]` → `\r\n`. Numbers as Python's `repr` (shortest round trip: `1.5`, `2.0`, `1e+16`,
/// `nan`, `-inf`), booleans `True`/`False`, null as an empty field.
///
/// One difference: under `minimal`, `\r` and `\n` are always quoted, even with a line terminator
/// that lacks them (Python 3.11 quotes only the terminator's characters there); readers, Python's
/// included, would otherwise split the record.
///
/// Cost: fields are scanned once for special characters (a table lookup per byte) and appended to the
/// output's buffer; no allocation.
class csv_writer final : public record_writer {
 public:
  explicit csv_writer(output& out, csv_write_options options = {});

  void write_row(std::span<const field> row) override;
  /// A record of strings only (a header).
  void write_row(std::span<const std::string_view> row);
  void write_row(std::initializer_list<field> row) { write_row(std::span<const field>(row.begin(), row.size())); }
  /// Records written so far.
  [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }

 private:
  void write_text(std::string_view text, bool force_quote, std::size_t index);
  void write_field(const field& f, std::size_t index);
  void write_empty_record_field();

  output* out_;
  csv_write_options options_;
  bool special_[256] = {};
  bool numbers_need_check_ = false;  // the delimiter or quote could occur in a formatted number
  std::uint64_t rows_ = 0;
};

/// Writes JSON lines: one object per record, `{"key":value,...}\n`, keys in the given order.
/// - Strings are escaped per RFC 8259 as Python's `json.dumps(ensure_ascii=False)` does: `\"`, `\\`,
///   `\n`, `\r`, `\t`, `\b`, `\f`, other control characters as `\u00XX`; other characters as they are.
/// - Invalid UTF-8 is replaced by U+FFFD, one per maximal invalid subsequence (what Python's
///   `bytes.decode('utf-8', 'replace')` does): the output is always valid UTF-8 and valid JSON.
/// - Numbers as Python's `repr` (shortest round trip); NaN and infinities, which JSON cannot
///   represent, are `null` (Python would write the invalid `NaN`). Null is `null`, booleans `true`/`false`.
///
/// Cost: keys are escaped once, at construction; values are escaped straight into the output's buffer.
class jsonl_writer final : public record_writer {
 public:
  jsonl_writer(output& out, std::vector<std::string> keys);

  /// Throws `std::invalid_argument` if the record's size is not the number of keys.
  void write_row(std::span<const field> row) override;
  void write_row(std::initializer_list<field> row) { write_row(std::span<const field>(row.begin(), row.size())); }

 private:
  output* out_;
  std::string prefixes_;                  // `{"k1":`, `,"k2":`, ... concatenated
  std::vector<std::size_t> prefix_ends_;  // where each one ends in prefixes_
};

/// How an aligned table looks.
struct table_options {
  /// Rows held to measure the columns before the first line is written.
  std::size_t sample_rows = 1000;
  /// Between two columns.
  std::string separator = "  ";
  /// A line of dashes under the header.
  bool rule = true;
};

/// An aligned table for a terminal: a header, a rule, then the records, each column padded to its
/// widest value; numbers right-aligned, everything else left-aligned (headers follow their column).
///
/// Memory and streaming: the first `sample_rows` records are held (their text, in one buffer) to
/// measure the columns; then the header and those rows are written and later rows stream with the
/// measured widths. A later value wider than its column is written whole and shifts the rest of its
/// line: data is never cut. Lines carry no trailing blanks. Width counts UTF-8 code points (wide East Asian characters
/// count one). Control characters are shown escaped (`\n`, `\t`, `\x01`) and invalid UTF-8 as U+FFFD, so a value cannot
/// break the layout; null is blank; numbers as in the CSV writer, booleans `true`/`false`. `finish()` writes the held
/// rows when fewer than `sample_rows` came (the destructor writes nothing).
class table_writer final : public record_writer {
 public:
  table_writer(output& out, std::vector<std::string> header, table_options options = {});

  /// Throws `std::invalid_argument` if the record's size is not the header's.
  void write_row(std::span<const field> row) override;
  void write_row(std::initializer_list<field> row) { write_row(std::span<const field>(row.begin(), row.size())); }
  void finish() override;

 private:
  struct cell {
    std::size_t offset;
    std::size_t size;
    std::size_t width;
    bool right;
  };
  void render(const field& f, std::string& into, bool& right) const;
  void measure_and_flush();
  void emit(std::string_view text, std::size_t width, bool right, std::size_t column);
  void end_line();

  output* out_;
  std::vector<std::string> header_;
  table_options options_;
  std::string held_text_;
  std::vector<cell> held_cells_;
  std::vector<std::size_t> widths_;
  std::vector<bool> numeric_;
  std::string scratch_;
  std::size_t pending_spaces_ = 0;  // padding not yet written: dropped at the end of a line
  bool blank_separator_ = true;
  bool streaming_ = false;
};

/// The output formats of the command line's `--format`.
enum class format { csv, tsv, jsonl, table };

/// `"csv"`, `"tsv"`, `"jsonl"` (also `"json"`) or `"table"`; nothing for another name.
[[nodiscard]] std::optional<format> parse_format(std::string_view name) noexcept;

/// A writer of `fmt` over `out` for records with these columns. CSV and TSV (with `\n` line ends, as
/// command-line tools write them) write the header row at once; JSON lines use the columns as keys; the table writes
/// them as its header.
[[nodiscard]] std::unique_ptr<record_writer> make_writer(format fmt, output& out, std::vector<std::string> columns);

namespace detail {
/// Writes `v` as Python's `repr(float)` (shortest round-trip digits; fixed notation for exponents
/// -4..15 with at least one decimal, `1e+16` / `1e-05` outside; `nan`, `inf`, `-inf`) at `first`,
/// which has room for 32 bytes; returns the end.
char* format_python_float(char* first, double v) noexcept;
/// Appends `s` to `out` as the inside of a JSON string (see `jsonl_writer`).
void append_json_escaped(output& out, std::string_view s);
}  // namespace detail

}  // namespace yieldpipe::io
