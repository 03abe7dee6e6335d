#include "yieldpipe/io/detail/newline_index.hpp"

#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define YIELDPIPE_IO_X86 1
#else
#define YIELDPIPE_IO_X86 0
#endif

namespace yieldpipe::io::detail {

namespace {

// Appends the line starts of one block: bit i of `mask` is set when block[i] is '\n', and `next`
// is block + 1. Two entries are written whatever the count, so that the blocks of most text (lines
// of more than 32 bytes) take no branch that depends on the data, which a loop over the bits would
// mispredict whenever the line lengths vary. The top bit set in the operand of countr_zero leaves it
// unchanged for a mask that is not 0 and makes it 63 for one that is (an entry past the count, never
// read, that stays in the block), so the compiler has no case of 0 to branch on.
[[gnu::always_inline]] inline const char** append(const char** out, const char* next, std::uint64_t mask) noexcept {
  constexpr std::uint64_t top = std::uint64_t{1} << 63;
  const int n = std::popcount(mask);
  out[0] = next + std::countr_zero(mask | top);
  mask &= mask - 1;
  out[1] = next + std::countr_zero(mask | top);
  if (n <= 2) return out + n;
  mask &= mask - 1;
  out += 2;
  for (; mask != 0; mask &= mask - 1) *out++ = next + std::countr_zero(mask);
  return out;
}

// Bits at and above `n` (1 to 63) cleared: the bytes of the last block past the end of the span.
inline std::uint64_t below(std::uint64_t mask, std::ptrdiff_t n) noexcept {
  return mask & ((std::uint64_t{1} << n) - 1);
}

std::size_t index_portable(const char* from, const char* to, const char** out) noexcept {
  const char** o = out;
  for (const char* p = from; p < to;) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(to - p)));
    if (nl == nullptr) break;
    p = nl + 1;
    *o++ = p;
  }
  return static_cast<std::size_t>(o - out);
}

#if YIELDPIPE_IO_X86

[[gnu::target("sse2,popcnt"), gnu::always_inline]] inline std::uint64_t mask_sse2(const char* p) noexcept {
  const __m128i nl = _mm_set1_epi8('\n');
  std::uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    mask |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl))))
            << (16 * i);
  }
  return mask;
}

[[gnu::target("sse2,popcnt")]] std::size_t index_sse2(const char* from, const char* to, const char** out) noexcept {
  const char** o = out;
  const char* p = from;
  for (; to - p >= 64; p += 64) o = append(o, p + 1, mask_sse2(p));
  if (p < to) o = append(o, p + 1, below(mask_sse2(p), to - p));
  return static_cast<std::size_t>(o - out);
}

[[gnu::target("avx2,bmi,popcnt"), gnu::always_inline]] inline std::uint64_t mask_avx2(const char* p) noexcept {
  const __m256i nl = _mm256_set1_epi8('\n');
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, nl)))) |
         static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, nl)))) << 32;
}

[[gnu::target("avx2,bmi,popcnt")]] std::size_t index_avx2(const char* from, const char* to, const char** out) noexcept {
  const char** o = out;
  const char* p = from;
  for (; to - p >= 64; p += 64) o = append(o, p + 1, mask_avx2(p));
  if (p < to) o = append(o, p + 1, below(mask_avx2(p), to - p));
  return static_cast<std::size_t>(o - out);
}

bool cpu_has(newline_scan scan) noexcept {
  __builtin_cpu_init();  // in case this runs before the constructors that would call it
  const bool sse2_popcnt = __builtin_cpu_supports("sse2") && __builtin_cpu_supports("popcnt");
  switch (scan) {
    case newline_scan::portable: return true;
    case newline_scan::sse2: return sse2_popcnt;
    case newline_scan::avx2: return sse2_popcnt && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
  }
  return false;
}

#endif

// Until the first span asks, the best variant is not known: `resolve` finds it, keeps it in
// `current` and scans with it. A constant initializer, so that a line_reader used by another
// file's static initializer finds it set.
std::size_t resolve(const char* from, const char* to, const char** out) noexcept;
std::atomic<newline_index_fn> current{&resolve};

std::size_t resolve(const char* from, const char* to, const char** out) noexcept {
  const newline_index_fn best = newline_index_for(best_newline_scan());
  newline_index_fn expected = &resolve;
  current.compare_exchange_strong(expected, best, std::memory_order_relaxed);  // a test's choice stays
  return best(from, to, out);
}

}  // namespace

newline_index_fn newline_index_for(newline_scan scan) noexcept {
#if YIELDPIPE_IO_X86
  if (!cpu_has(scan)) return nullptr;
  switch (scan) {
    case newline_scan::portable: return &index_portable;
    case newline_scan::sse2: return &index_sse2;
    case newline_scan::avx2: return &index_avx2;
  }
  return nullptr;
#else
  return scan == newline_scan::portable ? &index_portable : nullptr;
#endif
}

newline_scan best_newline_scan() noexcept {
  for (const newline_scan scan : {newline_scan::avx2, newline_scan::sse2})
    if (newline_index_for(scan) != nullptr) return scan;
  return newline_scan::portable;
}

newline_index_fn current_newline_index() noexcept { return current.load(std::memory_order_relaxed); }

bool use_newline_scan(newline_scan scan) noexcept {
  const newline_index_fn fn = newline_index_for(scan);
  if (fn == nullptr) return false;
  current.store(fn, std::memory_order_relaxed);
  return true;
}

}  // namespace yieldpipe::io::detail
