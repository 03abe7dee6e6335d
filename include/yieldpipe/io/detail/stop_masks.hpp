#pragma once
// Internal: the byte classification behind csv_reader — where the delimiter, quote, CR, LF and
// escape characters are — in one variant per instruction set, chosen at run time for the CPU.

#include <cstddef>
#include <cstdint>

namespace yieldpipe::io::detail {

// The (up to five) characters a parser stops at; unused slots repeat one of the others.
struct stop_chars {
  char c[5];
};

// For each of the `blocks` 64-byte blocks at p, writes to out[i] the mask whose bit j is set when
// p[64 * i + j] is one of `stops`. Reads all the blocks' bytes (padding included).
using stop_masks_fn = void (*)(const stop_chars& stops, const char* p, std::size_t blocks, std::uint64_t* out) noexcept;

enum class stop_scan {
  portable,  // byte by byte, for CPUs without SSE2 (not x86)
  sse2,      // 4 x 16-byte compares per block and character: every x86-64 CPU
  avx2,      // 2 x 32-byte compares
  avx512,    // 1 x 64-byte compare into a mask register (AVX-512BW)
};

// The variant `scan`, or nullptr when this CPU (or this build's target) lacks what it needs.
stop_masks_fn stop_masks_for(stop_scan scan) noexcept;
// The fastest variant this CPU runs.
stop_scan best_stop_scan() noexcept;
// The variant new readers use: the best one until a test picks another with `use_stop_scan`
// (false, and nothing changes, for one the CPU lacks).
stop_masks_fn current_stop_masks() noexcept;
bool use_stop_scan(stop_scan scan) noexcept;

}  // namespace yieldpipe::io::detail
