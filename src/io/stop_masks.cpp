#include "yieldpipe/io/detail/stop_masks.hpp"

#include <atomic>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define YIELDPIPE_X86 1
#endif

namespace yieldpipe::io::detail {

namespace {

void masks_portable(const stop_chars& s, const char* p, std::size_t blocks, std::uint64_t* out) noexcept {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t m = 0;
    for (int i = 0; i < 64; ++i) {
      const char c = p[i];
      m |= static_cast<std::uint64_t>(c == s.c[0] || c == s.c[1] || c == s.c[2] || c == s.c[3] || c == s.c[4]) << i;
    }
    out[b] = m;
  }
}

#if YIELDPIPE_X86
[[gnu::target("sse2")]] void masks_sse2(const stop_chars& s, const char* p, std::size_t blocks,
                                        std::uint64_t* out) noexcept {
  __m128i c[5];
  for (int k = 0; k < 5; ++k) c[k] = _mm_set1_epi8(s.c[k]);
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t m = 0;
    for (int i = 0; i < 4; ++i) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, c[0]), _mm_cmpeq_epi8(v, c[1])),
                                                     _mm_or_si128(_mm_cmpeq_epi8(v, c[2]), _mm_cmpeq_epi8(v, c[3]))),
                                        _mm_cmpeq_epi8(v, c[4]));
      m |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(hits))) << (16 * i);
    }
    out[b] = m;
  }
}

[[gnu::target("avx2")]] void masks_avx2(const stop_chars& s, const char* p, std::size_t blocks,
                                        std::uint64_t* out) noexcept {
  __m256i c[5];
  for (int k = 0; k < 5; ++k) c[k] = _mm256_set1_epi8(s.c[k]);
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t m = 0;
    for (int i = 0; i < 2; ++i) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * i));
      const __m256i hits =
          _mm256_or_si256(_mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, c[0]), _mm256_cmpeq_epi8(v, c[1])),
                                          _mm256_or_si256(_mm256_cmpeq_epi8(v, c[2]), _mm256_cmpeq_epi8(v, c[3]))),
                          _mm256_cmpeq_epi8(v, c[4]));
      m |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(hits))) << (32 * i);
    }
    out[b] = m;
  }
}

[[gnu::target("avx512f,avx512bw")]] void masks_avx512(const stop_chars& s, const char* p, std::size_t blocks,
                                                      std::uint64_t* out) noexcept {
  __m512i c[5];
  for (int k = 0; k < 5; ++k) c[k] = _mm512_set1_epi8(s.c[k]);
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    const __m512i v = _mm512_loadu_si512(p);
    out[b] = _mm512_cmpeq_epi8_mask(v, c[0]) | _mm512_cmpeq_epi8_mask(v, c[1]) | _mm512_cmpeq_epi8_mask(v, c[2]) |
             _mm512_cmpeq_epi8_mask(v, c[3]) | _mm512_cmpeq_epi8_mask(v, c[4]);
  }
}
#endif

std::atomic<stop_masks_fn> chosen{nullptr};

}  // namespace

stop_masks_fn stop_masks_for(stop_scan scan) noexcept {
  switch (scan) {
    case stop_scan::portable: return masks_portable;
#if YIELDPIPE_X86
    case stop_scan::sse2: return __builtin_cpu_supports("sse2") ? masks_sse2 : nullptr;
    case stop_scan::avx2: return __builtin_cpu_supports("avx2") ? masks_avx2 : nullptr;
    case stop_scan::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") ? masks_avx512 : nullptr;
#else
    default: return nullptr;
#endif
  }
  return nullptr;
}

stop_scan best_stop_scan() noexcept {
  for (stop_scan s : {stop_scan::avx512, stop_scan::avx2, stop_scan::sse2})
    if (stop_masks_for(s) != nullptr) return s;
  return stop_scan::portable;
}

stop_masks_fn current_stop_masks() noexcept {
  stop_masks_fn f = chosen.load(std::memory_order_relaxed);
  if (f == nullptr) {
    f = stop_masks_for(best_stop_scan());
    chosen.store(f, std::memory_order_relaxed);
  }
  return f;
}

bool use_stop_scan(stop_scan scan) noexcept {
  const stop_masks_fn f = stop_masks_for(scan);
  if (f == nullptr) return false;
  chosen.store(f, std::memory_order_relaxed);
  return true;
}

}  // namespace yieldpipe::io::detail
