#include "yieldpipe/io/lines.hpp"

#include <cstdint>
#include <string>

namespace yieldpipe::io {

bool line_reader::next_across_chunks(std::string_view& line) {
  carry_.clear();  // the line returned last, if it was here, is no longer needed
  if (at_end_) return false;
  const std::uint64_t start = chunk_offset_ + static_cast<std::uint64_t>(pos_ - chunk_begin_);
  // The bytes a line may hold before its end is seen: the maximum, and a `\r` that may precede `\n`.
  const std::size_t limit = max_ < SIZE_MAX ? max_ + 1 : max_;
  const auto append = [&](const char* from, const char* to) {
    const auto n = static_cast<std::size_t>(to - from);
    if (n > limit - carry_.size()) too_long(line_number_ + 1);
    carry_.append(from, n);
  };
  append(pos_, end_);
  for (;;) {
    chunk_offset_ += static_cast<std::uint64_t>(end_ - chunk_begin_);
    const std::span<const char> chunk = in_.next_chunk();
    if (chunk.empty()) {
      at_end_ = true;
      chunk_begin_ = pos_ = end_ = block_ = next_block_ = detail::no_chunk;
      mask_ = 0;
      if (carry_.empty()) return false;
      // The last line, without a line ending.
      if (carry_.size() > max_) too_long(line_number_ + 1);
      ++line_number_;
      line = carry_;
      line_offset_ = start;
      return true;
    }
    chunk_begin_ = pos_ = block_ = next_block_ = chunk.data();
    end_ = chunk.data() + chunk.size();
    mask_ = 0;
    const auto* nl = static_cast<const char*>(std::memchr(pos_, '\n', chunk.size()));
    if (nl == nullptr) {
      append(pos_, end_);
      continue;
    }
    if (carry_.empty()) return next(line);  // nothing carried over: the line lies in this chunk
    append(pos_, nl);
    pos_ = nl + 1;
    // Resume the block scan just after this newline.
    const auto at = static_cast<std::size_t>(nl - chunk_begin_);
    block_ = chunk_begin_ + (at & ~std::size_t{63});
    next_block_ = block_ + 64;
    mask_ = detail::newline_mask(block_);
    if (end_ - block_ < 64) mask_ &= (std::uint64_t{1} << (end_ - block_)) - 1;
    const auto bit = at & 63;
    mask_ &= bit == 63 ? 0 : ~std::uint64_t{0} << (bit + 1);
    if (carry_.back() == '\r') carry_.pop_back();
    if (carry_.size() > max_) too_long(line_number_ + 1);
    ++line_number_;
    line = carry_;
    line_offset_ = start;
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
