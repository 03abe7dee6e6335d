#include "yieldpipe/io/file_pieces.hpp"

#include <algorithm>
#include <cstring>
#include <span>

#include "yieldpipe/io/input.hpp"

namespace yieldpipe::io {

namespace {

input open_at(const std::string& path, std::uint64_t offset, input_options options) {
  options.start_offset = offset;
  options.start_line = 1;
  return input(path, options);
}

}  // namespace

std::uint64_t next_line_start(const std::string& path, std::uint64_t offset, input_options options) {
  input in = open_at(path, offset, options);
  std::uint64_t at = offset;
  for (std::span<const char> chunk = in.next_chunk(); !chunk.empty(); chunk = in.next_chunk()) {
    if (const void* nl = std::memchr(chunk.data(), '\n', chunk.size()))
      return at + static_cast<std::uint64_t>(static_cast<const char*>(nl) - chunk.data()) + 1;
    at += chunk.size();
  }
  return at;
}

std::uint64_t count_line_breaks(const std::string& path, std::uint64_t begin, std::uint64_t end,
                                input_options options) {
  if (end <= begin) return 0;
  input in = open_at(path, begin, options);
  std::uint64_t at = begin;
  std::uint64_t breaks = 0;
  bool cr_before = false;  // the range's last byte so far is a \r, whose fate the next byte decides
  for (std::span<const char> chunk = in.next_chunk(); !chunk.empty(); chunk = in.next_chunk()) {
    const char* p = chunk.data();
    if (cr_before) {
      breaks += *p != '\n';  // a \r before \n is counted with the \n
      cr_before = false;
    }
    if (at >= end) break;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), end - at));
    // Counting in a loop the compiler vectorises; \r is rare enough to pay a second pass.
    std::size_t newlines = 0;
    for (std::size_t i = 0; i < n; ++i) newlines += p[i] == '\n';
    breaks += newlines;
    if (std::memchr(p, '\r', n) != nullptr) {
      for (std::size_t i = 0; i + 1 < n; ++i) breaks += p[i] == '\r' && p[i + 1] != '\n';
      if (p[n - 1] == '\r') {
        if (n < chunk.size())
          breaks += p[n] != '\n';
        else
          cr_before = true;
      }
    }
    at += n;
  }
  return breaks + (cr_before ? 1 : 0);  // a \r at the end of the file
}

}  // namespace yieldpipe::io
