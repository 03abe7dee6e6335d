#pragma once
// JSON lines: one JSON object per line, parsed with simdjson into records with typed access by key.
//
//   double total = 0;
//   for (const io::json_record& r : io::read_jsonl("sensors.jsonl.gz")) total += r.get<double>("value");
//
//   auto policy = on_error::skip();
//   auto hot = io::read_jsonl(path, {.on_reject = io::reject_with(policy)})
//            | filter([](const io::json_record& r) { return r.get<double>("value") > 30; }) | count();

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "yieldpipe/io/error.hpp"
#include "yieldpipe/io/input.hpp"
#include "yieldpipe/io/lines.hpp"
#include "yieldpipe/io/rejected_record.hpp"

namespace yieldpipe::io {

/// How JSON lines are read.
struct jsonl_options {
  /// The longest line accepted, in bytes without its line ending (as `line_options`): a longer one
  /// is an `io_error` naming the line, whatever `on_reject` says, since it was never read whole.
  std::size_t max_line_length = line_options{}.max_line_length;
  /// Where bad lines go (not JSON, or JSON that is not an object): empty = throw `io_error`
  /// (`path:line: invalid JSON: <simdjson's message>`); `reject_with(on_error::skip())` and the other
  /// policies set them aside. The reasons the policy counts are "invalid JSON" and "not an object".
  reject_handler on_reject{};
  /// How the file is read (chunk size).
  input_options input{};
};

/// The kind of a JSON value. Numbers are told apart as simdjson parses them: `integer` (no fraction
/// or exponent, fits `std::int64_t`), `unsigned_integer` (above `INT64_MAX`, up to `UINT64_MAX`),
/// `floating` (written with a fraction or an exponent: `1.0`, `1e3`).
enum class json_type : std::uint8_t { object, array, string, integer, unsigned_integer, floating, boolean, null };

/// The C++ types a JSON value converts to with `get<T>()`:
/// - `std::string_view` (a view into the parser's buffers: valid until the next line) and
///   `std::string` (a copy): a JSON string, escapes decoded (`\u00e9` is "é", UTF-8);
/// - `double`: any JSON number (an integer above 2^53 is rounded to the nearest double);
/// - `std::int64_t`: an `integer`; `std::uint64_t`: an `integer` >= 0 or an `unsigned_integer` (a
///   `floating` number is never an integer, even `1.0`);
/// - `bool`: `true` or `false`.
template <class T>
concept json_scalar = std::same_as<T, std::string_view> || std::same_as<T, std::string> || std::same_as<T, double> ||
                      std::same_as<T, std::int64_t> || std::same_as<T, std::uint64_t> || std::same_as<T, bool>;

namespace detail {
struct jsonl_state;
struct json_access;
// The bytes of a `simdjson::dom::element` (a document pointer and a tape index), so that no public
// header includes simdjson.
struct json_element_bytes {
  alignas(8) unsigned char bytes[16];
};
}  // namespace detail

/// A JSON value of the current line: a view into the reader's parsed document, valid until the
/// reader moves to the next line (copies included). Copy what must outlive it (`get<std::string>`,
/// `to_json()`).
///
/// Errors name the file, the line and the key (or index) through which the value was reached, and
/// what was found: `sensors.jsonl:12: key 'value': expected a number, found string`,
/// `sensors.jsonl:12: key 'value': missing (expected a number)`. They are `io_error`s; a program
/// error (a JSON pointer that does not start with '/') is `std::invalid_argument`.
///
/// Cost: a key lookup walks the object's members and compares their lengths, then their bytes: for
/// the few keys of a typical record, tens of nanoseconds. A repeated key finds its last occurrence,
/// as Python's `json.loads` does. No allocation except `get<std::string>` and `to_json`.
class json_value {
 public:
  [[nodiscard]] json_type type() const noexcept;
  [[nodiscard]] bool is_null() const noexcept { return type() == json_type::null; }
  [[nodiscard]] bool is_object() const noexcept { return type() == json_type::object; }
  [[nodiscard]] bool is_array() const noexcept { return type() == json_type::array; }

  /// This value as `T` (see `json_scalar`); `io_error` when it is not a `T`.
  template <json_scalar T>
  [[nodiscard]] T get() const;
  /// This value as `T`, or nullopt when it is null; `io_error` when it is anything else but a `T`.
  template <json_scalar T>
  [[nodiscard]] std::optional<T> get_optional() const;

  /// True when this is an object with the member `key` (whatever its value, null included).
  [[nodiscard]] bool contains(std::string_view key) const noexcept;
  /// The member `key` of this object; nullopt when there is none or this is not an object.
  [[nodiscard]] std::optional<json_value> find(std::string_view key) const noexcept;
  /// The member `key` of this object; `io_error` when it is missing or this is not an object.
  [[nodiscard]] json_value at(std::string_view key) const;
  /// The member `key` as `T`: `io_error` when it is missing, or is not a `T` (null included).
  template <json_scalar T>
  [[nodiscard]] T get(std::string_view key) const;
  /// The member `key` as `T`, or nullopt when it is missing or null; `io_error` when it is another
  /// type. Both throw when this is not an object.
  template <json_scalar T>
  [[nodiscard]] std::optional<T> get_optional(std::string_view key) const;

  /// Calls `visit(key, value)` for each member of this object, in the order of the text (a key that
  /// appears twice is visited twice); `io_error` when this is not an object. The views are valid
  /// during the call.
  void for_each_member(const std::function<void(std::string_view key, const json_value& value)>& visit) const;

  /// The elements of an array, the members of an object; `io_error` for anything else. Cost: one
  /// step for an array or object of fewer than 2^24 elements, a walk over it otherwise.
  [[nodiscard]] std::size_t size() const;
  /// Element `index` of this array; `io_error` when out of range or not an array. Cost: a walk over
  /// the elements before it (the tape is not indexed), so loop over `size()` only for short arrays.
  [[nodiscard]] json_value at(std::size_t index) const;

  /// The value at the JSON pointer (RFC 6901) `pointer`, relative to this value: `""` is this value,
  /// `"/tags/site"` the member `site` of the member `tags`, `"/list/0"` the first element of the
  /// array `list`; `~1` stands for '/', `~0` for '~' in a key. `io_error` when there is no such value
  /// (`path:line: pointer '/tags/site': not found`), `std::invalid_argument` when `pointer` is not
  /// empty and does not start with '/' or has a '~' not followed by 0 or 1.
  [[nodiscard]] json_value at_pointer(std::string_view pointer) const;
  /// `at_pointer`, with nullopt where it throws `io_error`.
  [[nodiscard]] std::optional<json_value> find_pointer(std::string_view pointer) const;

  /// This value as minified JSON text (escapes normalised): for copying a record out, or passing it on.
  [[nodiscard]] std::string to_json() const;

 private:
  friend detail::json_access;
  friend class json_record;
  enum class label : std::uint8_t { none, key, index };

  json_value() noexcept = default;

  detail::json_element_bytes element_{};
  const detail::jsonl_state* state_ = nullptr;
  // How this value was reached, for error messages: its key (a view into the document) or its index.
  std::string_view key_{};
  std::size_t index_ = 0;
  label label_ = label::none;
};

/// One line of a JSON lines input: its object (all of `json_value`'s access, by key or pointer)
/// and where it comes from. A view of the reader's current line, valid until the reader moves to
/// the next line; not copyable, so that a pipeline cannot keep records (`to_vector()`) that would
/// all dangle. Keep what is needed instead: typed values, `to_json()`, `std::string(text())`.
class json_record : public json_value {
 public:
  json_record(const json_record&) = delete;
  json_record& operator=(const json_record&) = delete;

  /// The line number, from 1 (blank and rejected lines are counted).
  [[nodiscard]] std::uint64_t line() const noexcept { return line_; }
  /// The byte offset where the line starts, in the decompressed input.
  [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }
  /// The line as stored, without its line ending (what a dead-letter file receives).
  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  /// The file ("<stdin>" for standard input).
  [[nodiscard]] std::string_view path() const noexcept;

 private:
  friend detail::json_access;
  friend detail::jsonl_state;
  json_record() noexcept = default;

  std::string_view text_{};
  std::uint64_t line_ = 0;
  std::uint64_t offset_ = 0;
};

/// Reads JSON lines (https://jsonlines.org/): one JSON value per line, `\n` or `\r\n`, the last line
/// with or without a line ending, UTF-8, from a file or standard input, gzip or zstd decompressed.
///
/// - Each line must hold one JSON object, whitespace around it allowed. A line that is not valid
///   JSON (a syntax error, invalid UTF-8, a lone surrogate escape, more than one value, nesting
///   deeper than simdjson's 1024 levels, a number simdjson cannot hold: an integer beyond the
///   uint64 range or a number beyond the double range),
///   or that is valid JSON but not an object (`[1,2]`, `"text"`, `3`), goes to `on_reject` with its
///   line number, byte offset and text: an object per line is the JSON lines convention for
///   records, and a record of another type would fail at its first `get`.
/// - Blank lines (empty, or only spaces, tabs and carriage returns) are skipped; they keep their
///   line numbers. A UTF-8 byte order mark at the start of the input is skipped.
///
/// Cost: lines are split by `line_reader`, and each is parsed whole by simdjson's DOM parser (one
/// reused `simdjson::dom::parser`: SIMD validation, then a tape of the values) into a record whose
/// keys can be read in any order, as often as wanted. simdjson's On-Demand parser reads one field
/// about twice as fast, but it validates only what it visits, so a line broken after that field
/// would pass as good: every line is validated here, which is what sends bad lines to `on_reject`.
/// simdjson reads up to `SIMDJSON_PADDING` (64) bytes past the text: a line inside one of the
/// input's chunks has the input's 64 padding bytes after it and is parsed in place; a line that
/// straddled two chunks is copied into a reused padded buffer first. Measured (with a copy of every
/// line, before in-place parsing, which measured 15-18% faster) on a 200 MB file of 134-byte sensor records (g++ 12
/// -O2, simdjson 3.0.1 on its icelake kernel, CPU time on a shared 2-core AMD EPYC VM): 800-845 MB/s (160-170 ns per
/// record) to count the records, 740-760 MB/s to also read one double field with `get<double>`; splitting the lines
/// alone runs at 4.6 GB/s. simdjson's two stages take about 63% of the time, reading the file 13%, the copy about 10%,
/// `get<double>` about 10%.
///
/// Memory: the input's buffers plus the parser's, which grow (doubling, up to `max_line_length`) to
/// hold the longest line: about 15 bytes per byte of capacity (simdjson's tape, string buffer and
/// structural index, and the padded copy), and are kept for later lines: up to 1 GiB for the
/// default 64 MiB maximum, so lower `max_line_length` when lines are known to be short. No
/// allocation per line once they have grown.
///
/// Errors (`io_error` naming the file and line): a line longer than `max_line_length`, the input's
/// errors, and bad lines when `on_reject` is empty or its policy fails.
class jsonl_reader {
 public:
  /// Opens `path` ("-" for standard input); a missing file throws here.
  explicit jsonl_reader(const std::string& path, jsonl_options options = {});
  explicit jsonl_reader(io::input in, jsonl_options options = {});
  jsonl_reader(jsonl_reader&&) noexcept;
  jsonl_reader& operator=(jsonl_reader&&) noexcept;
  ~jsonl_reader();

  /// The next record, or null at the end of the input. The record stays valid until the next call.
  const json_record* next();
  /// What `next()` returned last: null before the first call and at the end.
  [[nodiscard]] const json_record* current() const noexcept;

  /// The input: path and byte progress (`bytes_read()`, `total_bytes()`).
  [[nodiscard]] const io::input& input() const noexcept;
  /// The number of records returned so far.
  [[nodiscard]] std::uint64_t records() const noexcept;
  /// The number of lines handed to `on_reject` and set aside.
  [[nodiscard]] std::uint64_t rejected() const noexcept;

 private:
  std::unique_ptr<detail::jsonl_state> state_;
};

/// A JSON lines input as a single-pass `std::ranges::input_range` of `const json_record&`; composes
/// with the iter layer (`read_jsonl(path) | filter(...) | count()`). Move-only, like a generator: an
/// lvalue is borrowed by a pipeline, an rvalue moved into it. Each record is valid until the
/// iterator advances. The first `begin()` reads the first record; a later one continues at the
/// current record. Errors are thrown from `begin()` and `++`.
class jsonl_range {
 public:
  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using value_type = json_record;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    const json_record& operator*() const noexcept { return *record_; }
    const json_record* operator->() const noexcept { return record_; }
    iterator& operator++() {
      record_ = reader_->next();
      if (record_ == nullptr) reader_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.reader_ == nullptr; }

   private:
    friend jsonl_range;
    iterator(jsonl_reader* reader, const json_record* record) noexcept
        : reader_(record ? reader : nullptr), record_(record) {}
    jsonl_reader* reader_ = nullptr;
    const json_record* record_ = nullptr;
  };

  jsonl_range() = default;
  explicit jsonl_range(jsonl_reader reader) : reader_(std::make_unique<jsonl_reader>(std::move(reader))) {}

  iterator begin() {
    if (!started_) {
      started_ = true;
      reader_->next();
    }
    return {reader_.get(), reader_->current()};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

  /// The reader: counts of records and rejected lines, the input's path and progress.
  jsonl_reader& reader() noexcept { return *reader_; }
  const jsonl_reader& reader() const noexcept { return *reader_; }

 private:
  std::unique_ptr<jsonl_reader> reader_;
  bool started_ = false;
};

/// The records of the JSON lines file at `path` ("-" for standard input), decompressed if it is gzip
/// or zstd. Opens the file at once (a missing file throws here), reads at the first `begin()`.
jsonl_range read_jsonl(const std::string& path, jsonl_options options = {});
/// The records of an already opened input.
jsonl_range read_jsonl(io::input in, jsonl_options options = {});

}  // namespace yieldpipe::io
