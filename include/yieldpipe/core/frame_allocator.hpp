#pragma once
// Allocation of coroutine frames.
//
// Every frame carries a trailer after the compiler's bytes: a pointer to the function that frees
// it, followed (for a user allocator) by a copy of that allocator. The promise's operator delete
// only gets the frame's size, so the trailer is how it finds out which allocator made the frame.

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>

namespace yieldpipe {

namespace detail {

/// Takes a block from the calling thread's frame cache, or from `::operator new` when the cache
/// has none of that size. Blocks up to `frame_pool_max_block` bytes are recycled.
void* frame_pool_allocate(std::size_t bytes);
/// Returns a block to the calling thread's cache (bounded; the excess goes back to the heap).
void frame_pool_deallocate(void* block, std::size_t bytes) noexcept;

inline constexpr std::size_t frame_pool_max_block = 2048;

using frame_deallocate_fn = void (*)(void* frame, std::size_t frame_bytes) noexcept;

constexpr std::size_t round_up(std::size_t n, std::size_t to) noexcept { return (n + to - 1) / to * to; }

inline frame_deallocate_fn* trailer_of(void* frame, std::size_t frame_bytes) noexcept {
  return reinterpret_cast<frame_deallocate_fn*>(static_cast<char*>(frame) +
                                                round_up(frame_bytes, alignof(frame_deallocate_fn)));
}

constexpr std::size_t pooled_bytes(std::size_t frame_bytes) noexcept {
  return round_up(frame_bytes, alignof(frame_deallocate_fn)) + sizeof(frame_deallocate_fn);
}

inline void pooled_deallocate(void* frame, std::size_t frame_bytes) noexcept {
  frame_pool_deallocate(frame, pooled_bytes(frame_bytes));
}

// The unit a user allocator is rebound to: frames need the default new alignment.
struct alignas(__STDCPP_DEFAULT_NEW_ALIGNMENT__) frame_block {
  unsigned char bytes[__STDCPP_DEFAULT_NEW_ALIGNMENT__];
};

template <class Alloc>
struct allocator_trailer {
  using block_alloc = typename std::allocator_traits<Alloc>::template rebind_alloc<frame_block>;

  static constexpr std::size_t alloc_offset(std::size_t frame_bytes) noexcept {
    return round_up(pooled_bytes(frame_bytes), alignof(block_alloc));
  }
  static constexpr std::size_t blocks(std::size_t frame_bytes) noexcept {
    return round_up(alloc_offset(frame_bytes) + sizeof(block_alloc), sizeof(frame_block)) / sizeof(frame_block);
  }

  static void* allocate(const Alloc& alloc, std::size_t frame_bytes) {
    block_alloc a(alloc);
    void* frame = std::allocator_traits<block_alloc>::allocate(a, blocks(frame_bytes));
    *trailer_of(frame, frame_bytes) = &deallocate;
    ::new (static_cast<char*>(frame) + alloc_offset(frame_bytes)) block_alloc(std::move(a));
    return frame;
  }

  static void deallocate(void* frame, std::size_t frame_bytes) noexcept {
    auto* stored = std::launder(reinterpret_cast<block_alloc*>(static_cast<char*>(frame) + alloc_offset(frame_bytes)));
    block_alloc a(std::move(*stored));
    stored->~block_alloc();
    std::allocator_traits<block_alloc>::deallocate(a, static_cast<frame_block*>(frame), blocks(frame_bytes));
  }
};

}  // namespace detail

/// Base of the promise types: gives coroutine frames the `std::allocator_arg_t` convention of
/// C++23 `std::generator`. A coroutine whose first parameters are `(std::allocator_arg_t, const
/// Alloc&)` (after the object, for a member function) has its frame allocated by `Alloc`; any
/// other coroutine uses a per-thread cache that recycles freed frames, so creating a generator per
/// record costs no trip to the heap once the cache is warm.
struct frame_allocation {
  static void* operator new(std::size_t frame_bytes) {
    void* frame = detail::frame_pool_allocate(detail::pooled_bytes(frame_bytes));
    *detail::trailer_of(frame, frame_bytes) = &detail::pooled_deallocate;
    return frame;
  }

  template <class Alloc, class... Args>
  static void* operator new(std::size_t frame_bytes, std::allocator_arg_t, const Alloc& alloc, const Args&...) {
    return detail::allocator_trailer<Alloc>::allocate(alloc, frame_bytes);
  }

  template <class This, class Alloc, class... Args>
    requires(!std::is_same_v<This, std::allocator_arg_t>)
  static void* operator new(std::size_t frame_bytes, const This&, std::allocator_arg_t, const Alloc& alloc,
                            const Args&...) {
    return detail::allocator_trailer<Alloc>::allocate(alloc, frame_bytes);
  }

  static void operator delete(void* frame, std::size_t frame_bytes) noexcept {
    (*detail::trailer_of(frame, frame_bytes))(frame, frame_bytes);
  }
};

}  // namespace yieldpipe
