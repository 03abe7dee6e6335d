#pragma once
// The aggregate states that keep a text of the input: first and last. `merge(later)` takes the state
// of the later rows. `add` returns the bytes the state grew by, for --max-memory.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace yieldpipe::query {

/// first or last: the first (last) non-empty text of the column, as written in the input.
template <bool Last>
struct text_pick_state {
  std::string text;
  bool seen = false;
  /// Returns the bytes the kept text grew by.
  std::size_t add(std::string_view value) {
    if (seen && !Last) return 0;
    const std::size_t before = heap_bytes();
    text.assign(value);
    seen = true;
    return heap_bytes() - before;
  }
  void merge(const text_pick_state& later) {
    if (later.seen && (Last || !seen)) add(later.text);
  }
  [[nodiscard]] std::optional<std::string_view> result() const noexcept {
    return seen ? std::optional<std::string_view>(text) : std::nullopt;
  }
  /// What the text holds outside the struct (nothing while it fits the small-string buffer).
  [[nodiscard]] std::size_t heap_bytes() const noexcept {
    return text.capacity() > 15 ? text.capacity() + 1 : 0;  // libstdc++ keeps 15 bytes inline
  }
};
using first_state = text_pick_state<false>;
using last_state = text_pick_state<true>;

}  // namespace yieldpipe::query
