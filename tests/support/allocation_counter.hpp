#pragma once
// Counts the program's calls of operator new, to prove that code allocates nothing (or once).
//
// It replaces the global operator new and delete, so include it in exactly one source file of a
// test program (replacement functions may not be inline). The count is per thread.

#include <cstddef>
#include <cstdlib>
#include <new>

namespace yieldpipe::test {

inline thread_local std::size_t allocations = 0;

}  // namespace yieldpipe::test

// Not inlined: g++ 12 -O3 would otherwise see free() applied to what operator new returned and
// warn (-Wmismatched-new-delete), though both are these replacements.
[[gnu::noinline]] void* operator new(std::size_t size) {
  ++yieldpipe::test::allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t size) { return ::operator new(size); }
// The nothrow forms too (simdjson allocates with them): else their memory, from the runtime's own
// operator, would reach the free() below (AddressSanitizer's alloc-dealloc-mismatch).
[[gnu::noinline]] void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++yieldpipe::test::allocations;
  return std::malloc(size == 0 ? 1 : size);
}
[[gnu::noinline]] void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return ::operator new(size, tag);
}
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
