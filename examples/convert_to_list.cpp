// The guide, "Generator Anti-Patterns to Avoid" › "1. Converting to List Unnecessarily".
//
// The data: 500,000 readings from a generator driven by a seeded xorshift64 (the guide's
// huge_dataset). The bad way collects them all (`| to_vector()`, Python's list(gen)) and then
// processes them; the good way processes each as the generator yields it. Both compute the same
// result; what each holds is measured: the vector's buffer (capacity × element size, exact), and
// for the generator its coroutine frame, measured with an allocator passed by `std::allocator_arg`.
// The frame's size depends on the compiler and its flags, so it is masked in the output check.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

class xorshift {
 public:
  explicit xorshift(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

 private:
  std::uint64_t state_;
};

// An allocator that records the size of what it allocates (here: the generator's frame).
template <class T>
struct frame_size_probe {
  using value_type = T;
  std::size_t* bytes;

  explicit frame_size_probe(std::size_t& recorded) noexcept : bytes(&recorded) {}
  template <class U>
  frame_size_probe(const frame_size_probe<U>& other) noexcept : bytes(other.bytes) {}

  T* allocate(std::size_t n) {
    *bytes = n * sizeof(T);
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>{}.deallocate(p, n); }

  friend bool operator==(const frame_size_probe&, const frame_size_probe&) noexcept = default;
};

constexpr long long dataset_size = 500'000;

struct reading {
  long long id;
  double value;
};

// The guide's `(x for x in huge_dataset)`.
yieldpipe::generator<reading> huge_dataset(std::allocator_arg_t, frame_size_probe<std::byte>) {
  xorshift rng(3);
  for (long long id = 0; id < dataset_size; ++id) co_yield reading{id, rng.below(100000) / 100.0};
}

// The guide's process_item: keeps a running total of values above a threshold.
struct processor {
  long long count = 0;
  double total = 0;
  void process_item(const reading& item) {
    if (item.value >= 500) {
      ++count;
      total += item.value;
    }
  }
};

}  // namespace

YIELDPIPE_EXAMPLE(350, convert_to_list, "1. Converting to List Unnecessarily") {
  std::printf("huge_dataset: %lld readings of %zu bytes\n", dataset_size, sizeof(reading));

  // ❌ Bad
  {
    std::size_t frame = 0;
    auto gen = huge_dataset(std::allocator_arg, frame_size_probe<std::byte>(frame));
    const std::vector<reading> all_items = gen | yieldpipe::to_vector();  // Defeats the purpose
    processor p;
    for (const reading& item : all_items) p.process_item(item);
    std::printf("Bad:  to_vector() holds %zu readings in %s (capacity %zu), then %lld items >= 500, total %.2f\n",
                all_items.size(), yieldpipe::format_bytes(all_items.capacity() * sizeof(reading)).c_str(),
                all_items.capacity(), p.count, p.total);
  }

  // ✅ Good
  {
    std::size_t frame = 0;
    auto gen = huge_dataset(std::allocator_arg, frame_size_probe<std::byte>(frame));
    processor p;
    for (const reading& item : gen) p.process_item(item);
    std::printf("Good: one reading at a time, in the generator's frame, %zu bytes: %lld items >= 500, total %.2f\n",
                frame, p.count, p.total);
  }
}
