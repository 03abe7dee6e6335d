#pragma once
// Lines of an input: `\n` or `\r\n` separated, as string views into a reused buffer.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "yieldpipe/io/error.hpp"
#include "yieldpipe/io/input.hpp"

namespace yieldpipe::io {

/// How lines are read.
struct line_options {
  /// The longest line accepted, in bytes without its line ending; a longer one is an `io_error`
  /// ("line N longer than the maximum of M bytes") rather than a buffer that grows until memory
  /// runs out.
  std::size_t max_line_length = std::size_t{64} << 20;
  /// How the file is read (chunk size).
  input_options input{};
};

namespace detail {

// Where a reader points before its first chunk and after its last: 64 readable bytes, no newline.
alignas(64) inline constexpr char no_chunk[input::chunk_padding] = {};
// The index of a reader without a chunk: just the sentinel, which says the next line starts at no_chunk.
inline constexpr const char* no_lines[1] = {no_chunk};

}  // namespace detail

/// Splits an input into lines. A line ends at `\n`; a `\r` just before it is removed (`\r\n`); a
/// lone `\r` stays in the line. The last line needs no line ending; an empty input has no lines;
/// "a\n" is one line.
///
/// Cost: newlines are found 4 KiB at a time with the widest compare the CPU has (AVX2 or SSE2,
/// chosen at run time), which writes where each line starts into an index; a line then costs a few
/// loads from that index. A line that straddles two chunks is copied into a buffer that is reused,
/// so once that buffer has grown to the longest such line, no line allocates. Memory: the input's
/// buffers, a 32 KiB index, and the longest line that straddled chunks.
class line_reader {
 public:
  /// Lines are numbered, and their offsets counted, from where `in` starts (`input::start_line()`,
  /// `input::start_offset()`): from line 1 at byte 0 for a whole input.
  explicit line_reader(io::input in, std::size_t max_line_length = line_options{}.max_line_length)
      : in_(std::move(in)),
        max_(max_line_length),
        chunk_offset_(in_.start_offset()),
        lines_before_(in_.start_line() - 1),
        offset_(in_.start_offset()) {}

  /// Reads the next line into `line`; false at the end of the input. `line` stays valid until the
  /// next call of `next()` or the reader's destruction. Throws `io_error` for an over-long line and
  /// for the input's errors.
  bool next(std::string_view& line) {
    // The common case: the index of the current span holds where this line ends.
    if (cur_ != last_) [[likely]] {
      const char* begin = cur_[-1];
      const char* after = *cur_++;  // just after the '\n'
      auto len = static_cast<std::size_t>(after - begin) - 1;
      if (len != 0 && after[-2] == '\r') --len;
      line = std::string_view(begin, len);
      return true;
    }
    return next_span(line);
  }

  /// The number of the line last returned, from 1 (0 before the first).
  std::uint64_t line_number() const noexcept { return lines_before_ + static_cast<std::uint64_t>(cur_ - first_); }
  /// The offset of the start of the line last returned, in the decompressed bytes.
  std::uint64_t line_offset() const noexcept {
    return cur_ != first_ ? chunk_offset_ + static_cast<std::uint64_t>(cur_[-2] - chunk_begin_) : offset_;
  }
  /// The input, for its path and byte progress (`bytes_read()`, `total_bytes()`).
  const io::input& input() const noexcept { return in_; }
  /// Whether `input::chunk_padding` readable bytes follow `line`, the line last returned or a part
  /// of it: true unless it straddled chunks and was copied. A SIMD parser may then read past its
  /// end in place.
  bool padded(std::string_view line) const noexcept {
    const auto at = reinterpret_cast<std::uintptr_t>(line.data());
    const auto carry = reinterpret_cast<std::uintptr_t>(carry_.data());
    return at < carry || at > carry + carry_.size();
  }

 private:
  bool next_span(std::string_view& line);
  bool next_chunk(std::string_view& line, const char* start);
  void start_index(const char* start) noexcept;
  void limit_index();
  [[noreturn]] void too_long(std::uint64_t number) const;

  io::input in_;
  std::size_t max_;
  // The current chunk is [chunk_begin_, end_); its newlines before scan_ are found. The index holds
  // where the lines of the current span start: index_[0] (the sentinel) is where the first one
  // starts, and each entry after it is where the line after one more '\n' starts, up to last_.
  // cur_ is the entry of the line next() returns next, so cur_[-1] is where that line starts, and
  // cur_[-2] where the line last returned started. Every pointer stays in a chunk and its padding.
  std::unique_ptr<const char*[]> index_;  // allocated at the first chunk
  const char* const* first_ = detail::no_lines + 1;
  const char* const* cur_ = detail::no_lines + 1;
  const char* const* last_ = detail::no_lines + 1;
  const char* chunk_begin_ = detail::no_chunk;
  const char* end_ = detail::no_chunk;
  const char* scan_ = detail::no_chunk;
  std::uint64_t chunk_offset_ = 0;  // offset of chunk_begin_ in the decompressed bytes
  std::uint64_t lines_before_ = 0;  // lines returned before first_
  std::uint64_t offset_ = 0;        // line_offset() while no line of the index has been returned
  std::string carry_;               // the last line returned, when it straddled chunks
  bool too_long_next_ = false;      // the index stops before a line longer than max_
  bool at_end_ = false;
};

/// The lines of an input as a single-pass `std::ranges::input_range`; composes with the iter layer
/// (`read_lines(path) | filter(...) | count()`). `Line` is `std::string_view` (`line_range`: each
/// element valid until the iterator advances) or `std::string` (`owned_line_range`: each element a
/// `std::string&` the caller may keep or move from; one allocation per line longer than the
/// small-string buffer, and a moved-from element is re-filled on the next line).
///
/// Like a generator, it is a move-only range, not a view: an lvalue is borrowed by a pipeline, an
/// rvalue moved into it. Iterators stay valid when the range is moved, not after it is destroyed.
/// The first `begin()` reads the first line; a later one returns an iterator at the current line
/// (after a `break`, the line the loop stopped at). Errors are thrown from `begin()` and `++`.
template <class Line>
class basic_line_range {
  // Iterators point at the state, which stays put when the range is moved.
  struct state {
    state(io::input in, std::size_t max_line_length) : reader(std::move(in), max_line_length) {}
    void advance() {
      if constexpr (std::is_same_v<Line, std::string_view>) {
        has_line = reader.next(line);
      } else {
        std::string_view v;
        has_line = reader.next(v);
        if (has_line) line.assign(v);
      }
    }
    line_reader reader;
    Line line;
    bool has_line = false;
    bool started = false;
  };

 public:
  using reference = std::conditional_t<std::is_same_v<Line, std::string_view>, std::string_view, Line&>;

  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using value_type = Line;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    reference operator*() const noexcept { return state_->line; }
    iterator& operator++() {
      state_->advance();
      if (!state_->has_line) state_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.state_ == nullptr; }

   private:
    friend basic_line_range;
    explicit iterator(state* s) noexcept : state_(s) {}
    state* state_ = nullptr;
  };

  basic_line_range() = default;
  basic_line_range(basic_line_range&&) noexcept = default;
  basic_line_range& operator=(basic_line_range&&) noexcept = default;
  explicit basic_line_range(io::input in, std::size_t max_line_length = line_options{}.max_line_length)
      : state_(std::make_unique<state>(std::move(in), max_line_length)) {}

  iterator begin() {
    if (!state_->started) {
      state_->started = true;
      state_->advance();
    }
    return state_->has_line ? iterator(state_.get()) : iterator();
  }
  std::default_sentinel_t end() const noexcept { return {}; }

  /// The reader: line number and offset, the input's path and byte progress.
  const line_reader& reader() const noexcept { return state_->reader; }
  /// The number of the current line, from 1.
  std::uint64_t line_number() const noexcept { return state_->reader.line_number(); }

 private:
  std::unique_ptr<state> state_;
};

using line_range = basic_line_range<std::string_view>;
using owned_line_range = basic_line_range<std::string>;

/// The lines of the file at `path` ("-" for standard input), decompressed if it is gzip or zstd.
/// Opens the file at once (a missing file throws here), reads at the first `begin()`.
line_range read_lines(const std::string& path, line_options options = {});
/// The lines of an already opened input.
line_range read_lines(io::input in, line_options options = {});

/// `read_lines`, with each line copied into a `std::string` the caller may keep.
owned_line_range read_lines_owned(const std::string& path, line_options options = {});
owned_line_range read_lines_owned(io::input in, line_options options = {});

}  // namespace yieldpipe::io
