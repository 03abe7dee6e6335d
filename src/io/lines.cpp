#include "yieldpipe/io/lines.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>

#include "yieldpipe/io/detail/newline_index.hpp"

namespace yieldpipe::io {

namespace {

// Bytes scanned per call of the newline scan: an indirect call and a few branches per span, and an
// index of at most this many entries (touched only as far as there are lines).
constexpr std::size_t span_bytes = 4096;
constexpr std::size_t index_entries = 1 + span_bytes + detail::newline_index_slack;

}  // namespace

bool line_reader::next_span(std::string_view& line) {
  if (too_long_next_) too_long(line_number() + 1);
  for (;;) {
    const char* start = cur_[-1];  // where the next line starts
    // The index is about to be rewritten: keep what line_number() and line_offset() read from it.
    offset_ = line_offset();
    lines_before_ = line_number();
    if (scan_ == end_) return next_chunk(line, start);
    // Spans end at multiples of span_bytes from the chunk's start, so that their blocks are aligned.
    const auto chunk_size = static_cast<std::size_t>(end_ - chunk_begin_);
    const auto scanned = static_cast<std::size_t>(scan_ - chunk_begin_);
    const char* to = chunk_begin_ + std::min(chunk_size, (scanned / span_bytes + 1) * span_bytes);
    index_[0] = start;
    const std::size_t n = detail::current_newline_index()(scan_, to, index_.get() + 1);
    first_ = cur_ = index_.get() + 1;
    last_ = first_ + n;
    scan_ = to;
    if (n == 0) continue;  // the line goes on in the next span
    // A line of this span (which may have started in an earlier one) can only be too long when the
    // span ends more than the maximum after the start of its first line.
    if (static_cast<std::size_t>(to - start) > max_) limit_index();
    return next(line);
  }
}

void line_reader::limit_index() {
  for (const char* const* e = first_; e != last_; ++e) {
    auto len = static_cast<std::size_t>(e[0] - e[-1]) - 1;
    if (len != 0 && e[0][-2] == '\r') --len;
    if (len > max_) {
      last_ = e;  // next() returns the lines before it, then next_span() throws
      too_long_next_ = true;
      if (cur_ == last_) too_long(line_number() + 1);
      return;
    }
  }
}

void line_reader::start_index(const char* start) noexcept {
  if (!index_) index_ = std::make_unique_for_overwrite<const char*[]>(index_entries);
  index_[0] = start;
  first_ = cur_ = last_ = index_.get() + 1;
}

bool line_reader::next_chunk(std::string_view& line, const char* start) {
  carry_.clear();  // the line returned last, if it was here, is no longer needed
  if (at_end_) return false;
  const std::uint64_t start_offset = chunk_offset_ + static_cast<std::uint64_t>(start - chunk_begin_);
  // The bytes a line may hold before its end is seen: the maximum, and a `\r` that may precede `\n`.
  const std::size_t limit = max_ < SIZE_MAX ? max_ + 1 : max_;
  const auto append = [&](const char* from, const char* to) {
    const auto n = static_cast<std::size_t>(to - from);
    if (n > limit - carry_.size()) too_long(lines_before_ + 1);
    carry_.append(from, n);
  };
  // The line that starts at `start` goes on in the next chunk (or is the last one).
  append(start, end_);
  for (;;) {
    chunk_offset_ += static_cast<std::uint64_t>(end_ - chunk_begin_);
    const std::span<const char> chunk = in_.next_chunk();
    if (chunk.empty()) {
      at_end_ = true;
      chunk_begin_ = end_ = scan_ = detail::no_chunk;
      first_ = cur_ = last_ = detail::no_lines + 1;
      if (carry_.empty()) return false;
      // The last line, without a line ending.
      if (carry_.size() > max_) too_long(lines_before_ + 1);
      ++lines_before_;
      offset_ = start_offset;
      line = carry_;
      return true;
    }
    chunk_begin_ = scan_ = chunk.data();
    end_ = chunk.data() + chunk.size();
    start_index(chunk_begin_);
    if (carry_.empty()) return next_span(line);  // nothing carried over: the line lies in this chunk
    const auto* nl = static_cast<const char*>(std::memchr(chunk_begin_, '\n', chunk.size()));
    if (nl == nullptr) {
      append(chunk_begin_, end_);
      continue;
    }
    append(chunk_begin_, nl);
    // The scan resumes just after this newline.
    scan_ = nl + 1;
    start_index(scan_);
    if (carry_.back() == '\r') carry_.pop_back();
    if (carry_.size() > max_) too_long(lines_before_ + 1);
    ++lines_before_;
    offset_ = start_offset;
    line = carry_;
    return true;
  }
}

void line_reader::too_long(std::uint64_t number) const {
  throw io_error(in_.path(),
                 "line " + std::to_string(number) + " longer than the maximum of " + std::to_string(max_) + " bytes",
                 {.line = number});
}

line_range read_lines(const std::string& path, line_options options) {
  return line_range(io::input(path, options.input), options.max_line_length);
}
line_range read_lines(io::input in, line_options options) { return line_range(std::move(in), options.max_line_length); }
owned_line_range read_lines_owned(const std::string& path, line_options options) {
  return owned_line_range(io::input(path, options.input), options.max_line_length);
}
owned_line_range read_lines_owned(io::input in, line_options options) {
  return owned_line_range(std::move(in), options.max_line_length);
}

}  // namespace yieldpipe::io
