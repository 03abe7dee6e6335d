#pragma once
// Internal: the newline scan behind line_reader, in one variant per instruction set, chosen at run
// time for the CPU.

#include <cstddef>

namespace yieldpipe::io::detail {

// Writes `p + 1` (where the next line starts) for each '\n' at p in [from, to) to out[0], out[1],
// ..., in order, and returns how many it wrote. Reads whole 64-byte blocks from `from`, so up to 63
// bytes after `to` must be readable; writes up to `newline_index_slack` entries after the last one it
// returns, so `out` must hold `to - from + newline_index_slack` entries.
using newline_index_fn = std::size_t (*)(const char* from, const char* to, const char** out) noexcept;

inline constexpr std::size_t newline_index_slack = 8;

// The variants, from the slowest. Each needs its instruction set: `newline_index_for` says which
// ones this CPU runs. (An AVX-512 variant measured no faster than AVX2 on a 537 MB file: the scan is
// a small part of the cost of a line.)
enum class newline_scan {
  portable,  // memchr from each newline to the next: any CPU
  sse2,      // 4 x 16-byte compares per block, POPCNT: x86-64 CPUs since 2008
  avx2,      // 2 x 32-byte compares per block, BMI1 and POPCNT: x86-64 CPUs since 2013-2015
};

// The variant `scan`, or nullptr when this CPU (or this build's target) lacks what it needs.
newline_index_fn newline_index_for(newline_scan scan) noexcept;

// The fastest variant this CPU runs.
newline_scan best_newline_scan() noexcept;

// The variant line_reader uses: `best_newline_scan()` until a test chooses another with
// `use_newline_scan` (which returns false, and changes nothing, for one the CPU lacks). Read once per
// span of a few KiB, so a call through it costs nothing per line.
newline_index_fn current_newline_index() noexcept;
bool use_newline_scan(newline_scan scan) noexcept;

}  // namespace yieldpipe::io::detail
