#include "yieldpipe/core/frame_allocator.hpp"

#include <array>

namespace yieldpipe::detail {
namespace {

constexpr std::size_t granule = 32;
constexpr std::size_t bucket_count = frame_pool_max_block / granule;
// Enough to keep a per-record generator, a pipeline of them, or a few recursion levels warm
// without holding memory after a burst: at most 64 × 2 KiB cached per size class and thread.
constexpr unsigned max_cached_per_bucket = 64;

struct free_block {
  free_block* next;
};

// Set when this thread's cache has been destroyed: a generator destroyed later in thread or
// program teardown (a static, say) frees its frame straight to the heap.
thread_local bool cache_destroyed = false;

struct frame_cache {
  std::array<free_block*, bucket_count> heads{};
  std::array<unsigned, bucket_count> counts{};

  frame_cache() = default;
  frame_cache(const frame_cache&) = delete;
  frame_cache& operator=(const frame_cache&) = delete;
  ~frame_cache() {
    for (auto* head : heads) {
      while (head != nullptr) {
        free_block* next = head->next;
        ::operator delete(head);
        head = next;
      }
    }
    cache_destroyed = true;
  }
};

frame_cache* cache() noexcept {
  if (cache_destroyed) return nullptr;
  thread_local frame_cache c;
  return &c;
}

constexpr std::size_t bucket_of(std::size_t bytes) noexcept { return (bytes - 1) / granule; }

}  // namespace

void* frame_pool_allocate(std::size_t bytes) {
  if (bytes <= frame_pool_max_block) {
    const std::size_t b = bucket_of(bytes);
    frame_cache* c = cache();
    if (c != nullptr && c->heads[b] != nullptr) {
      free_block* block = c->heads[b];
      c->heads[b] = block->next;
      --c->counts[b];
      return block;
    }
    return ::operator new((b + 1) * granule);
  }
  return ::operator new(bytes);
}

void frame_pool_deallocate(void* block, std::size_t bytes) noexcept {
  if (bytes <= frame_pool_max_block) {
    const std::size_t b = bucket_of(bytes);
    frame_cache* c = cache();
    if (c != nullptr && c->counts[b] < max_cached_per_bucket) {
      auto* fb = static_cast<free_block*>(block);
      fb->next = c->heads[b];
      c->heads[b] = fb;
      ++c->counts[b];
      return;
    }
  }
  ::operator delete(block);
}

}  // namespace yieldpipe::detail
