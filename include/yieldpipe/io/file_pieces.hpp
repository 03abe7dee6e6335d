#pragma once
// Cutting a plain file into byte ranges that start at line starts, to read it on several threads.
//
//   const std::uint64_t cut = io::next_line_start("big.csv", size / 2);
//   const std::uint64_t lines_before = io::count_line_breaks("big.csv", 0, cut);

#include <cstdint>
#include <string>

#include "yieldpipe/io/input.hpp"

namespace yieldpipe::io {

/// The offset just after the first `\n` at or after `offset` in the plain file `path`; the file's
/// size when there is none. Reads from `offset` until it finds one.
/// `options` say how the file is read (its `start_offset` is replaced).
/// Errors (`io_error`): the file cannot be read, or is compressed (see `input_options::start_offset`).
std::uint64_t next_line_start(const std::string& path, std::uint64_t offset, input_options options = {});

/// The line breaks in the bytes [begin, end) of the plain file `path`, counted as the CSV reader
/// counts lines: `\n`, `\r\n` (one) and a lone `\r` (a `\r` at `end - 1` looks at the byte at `end`).
/// Cost: one pass over the range, a vectorised count per chunk (a slower loop only for chunks
/// holding a `\r`). Errors as `next_line_start`.
std::uint64_t count_line_breaks(const std::string& path, std::uint64_t begin, std::uint64_t end,
                                input_options options = {});

}  // namespace yieldpipe::io
