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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Bit i set when p[i] is '\n', for the 64 bytes at p (which must all be readable).
inline std::uint64_t newline_mask(const char* p) noexcept {
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  const auto part = [&](int i) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl))));
  };
  return part(0) | part(1) << 16 | part(2) << 32 | part(3) << 48;
#else
  std::uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) mask |= static_cast<std::uint64_t>(p[i] == '\n') << i;
  return mask;
#endif
}

// Where a reader points before its first chunk and after its last: 64 readable bytes, no newline.
alignas(64) inline constexpr char no_chunk[input::chunk_padding] = {};

}  // namespace detail

/// Splits an input into lines. A line ends at `\n`; a `\r` just before it is removed (`\r\n`); a
/// lone `\r` stays in the line. The last line needs no line ending; an empty input has no lines;
/// "a\n" is one line.
///
/// Cost: newlines are found 64 bytes at a time (SSE2 compares into a bit mask), so a line costs a
/// few instructions plus a pass over its bytes; a line that straddles two chunks is copied into a
/// buffer that is reused, so once that buffer has grown to the longest such line, no line
/// allocates. Memory: the input's buffers plus the longest line that straddled chunks.
class line_reader {
 public:
  explicit line_reader(io::input in, std::size_t max_line_length = line_options{}.max_line_length)
      : in_(std::move(in)), max_(max_line_length) {}

  /// Reads the next line into `line`; false at the end of the input. `line` stays valid until the
  /// next call of `next()` or the reader's destruction. Throws `io_error` for an over-long line and
  /// for the input's errors.
  bool next(std::string_view& line) {
    // The common case: the line ends in the current chunk.
    for (;;) {
      if (mask_ != 0) {
        const char* nl = block_ + std::countr_zero(mask_);
        mask_ &= mask_ - 1;
        std::size_t len = static_cast<std::size_t>(nl - pos_);
        if (len != 0 && pos_[len - 1] == '\r') --len;
        if (len > max_) too_long(line_number_ + 1);
        line = std::string_view(pos_, len);
        line_offset_ = chunk_offset_ + static_cast<std::uint64_t>(pos_ - chunk_begin_);
        pos_ = nl + 1;
        ++line_number_;
        return true;
      }
      if (next_block_ >= end_) break;
      block_ = next_block_;
      next_block_ += 64;
      mask_ = detail::newline_mask(block_);
      if (end_ - block_ < 64) mask_ &= (std::uint64_t{1} << (end_ - block_)) - 1;
    }
    return next_across_chunks(line);
  }

  /// The number of the line last returned, from 1 (0 before the first).
  std::uint64_t line_number() const noexcept { return line_number_; }
  /// The offset of the start of the line last returned, in the decompressed bytes.
  std::uint64_t line_offset() const noexcept { return line_offset_; }
  /// The input, for its path and byte progress (`bytes_read()`, `total_bytes()`).
  const io::input& input() const noexcept { return in_; }

 private:
  bool next_across_chunks(std::string_view& line);
  [[noreturn]] void too_long(std::uint64_t number) const;

  io::input in_;
  std::size_t max_;
  // The current chunk [chunk_begin_, end_), scanned in 64-byte blocks from chunk_begin_: mask_
  // holds the newlines of block_ not yet returned, next_block_ is the block to scan after it.
  // pos_ is the start of the next line. Every pointer stays in a chunk and its padding.
  const char* chunk_begin_ = detail::no_chunk;
  const char* end_ = detail::no_chunk;
  const char* pos_ = detail::no_chunk;
  const char* block_ = detail::no_chunk;
  const char* next_block_ = detail::no_chunk;
  std::uint64_t mask_ = 0;
  std::uint64_t chunk_offset_ = 0;  // offset of chunk_begin_ in the decompressed bytes
  std::uint64_t line_number_ = 0;
  std::uint64_t line_offset_ = 0;
  std::string carry_;  // the last line returned, when it straddled chunks
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
