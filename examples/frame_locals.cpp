// The guide, "How Yield Works Internally" › "Stack Frame Preservation".
//
// Python can list a suspended generator's locals (`gen.gi_frame.f_locals`); C++ cannot look inside
// a coroutine frame, so this example prints the frame's size instead: the heap block that holds
// the locals (and the suspension point) from the call until the generator is destroyed.
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <yieldpipe/core.hpp>

#include "example.hpp"

namespace {

// An allocator that records the size of what it allocates: passed to a generator with
// `std::allocator_arg`, it allocates the coroutine frame, which shows how big the frame is.
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

yieldpipe::generator<std::string> nested_generator(std::allocator_arg_t, frame_size_probe<std::byte>) {
  auto inner_function = [] { return std::string("Inner executed"); };

  std::puts("Outer function start");
  std::string local_var = "preserved";

  // Stack frame is preserved here
  co_yield inner_function();

  // Local variables still accessible after yield
  std::printf("Local variable after yield: %s\n", local_var.c_str());
  co_yield "Second value";
}

}  // namespace

YIELDPIPE_EXAMPLE(40, frame_locals, "Stack Frame Preservation") {
  std::size_t frame_bytes = 0;
  auto gen = nested_generator(std::allocator_arg, frame_size_probe<std::byte>(frame_bytes));

  // Inspect stack frame information: the frame exists from the call, before any code ran.
  std::printf("Frame locals before first next(): <coroutine frame, %zu bytes>\n", frame_bytes);

  auto first = gen.next();  // Prints "Outer function start"
  std::printf("First yield: %s\n", first->c_str());
  // The same block now holds inner_function and local_var: suspension moved nothing.
  std::printf("Frame locals after first yield: <coroutine frame, %zu bytes>\n", frame_bytes);

  auto second = gen.next();  // Prints "Local variable after yield: preserved"
  std::printf("Second yield: %s\n", second->c_str());
}
