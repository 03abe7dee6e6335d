#pragma once
// sliding_window(n): every run of n consecutive elements (the itertools recipe `sliding_window`,
// std::views::slide for input ranges).

#include <cstddef>
#include <iterator>
#include <memory>
#include <ranges>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

namespace detail {

// 2n slots, allocated once and filled as elements arrive. Element k is stored at slot k % n and at
// slot k % n + n, so the last n elements are always the contiguous slots [(k + 1) % n, (k + 1) % n + n).
// Slots are constructed the first time they are written and assigned afterwards.
template <class T>
class window_buffer {
 public:
  window_buffer() = default;
  explicit window_buffer(std::size_t n) : slots_(std::allocator<T>{}.allocate(2 * n)), n_(n) {}
  window_buffer(window_buffer&& other) noexcept
      : slots_(std::exchange(other.slots_, nullptr)),
        n_(std::exchange(other.n_, 0)),
        count_(std::exchange(other.count_, 0)) {}
  window_buffer& operator=(window_buffer&& other) noexcept {
    if (this != &other) {
      release();
      slots_ = std::exchange(other.slots_, nullptr);
      n_ = std::exchange(other.n_, 0);
      count_ = std::exchange(other.count_, 0);
    }
    return *this;
  }
  ~window_buffer() { release(); }

  template <class U>
  void push(U&& element) {
    const std::size_t slot = count_ % n_;
    if (count_ < n_) {
      std::construct_at(slots_ + slot, std::forward<U>(element));
      try {
        std::construct_at(slots_ + slot + n_, slots_[slot]);
      } catch (...) {
        std::destroy_at(slots_ + slot);
        throw;
      }
    } else {
      slots_[slot] = std::forward<U>(element);
      slots_[slot + n_] = slots_[slot];
    }
    ++count_;
  }
  bool full() const noexcept { return count_ >= n_; }
  std::span<const T> window() const noexcept {
    const std::size_t start = count_ % n_;  // (k + 1) % n for the last element k
    return {slots_ + start, n_};
  }

 private:
  void release() noexcept {
    if (slots_ == nullptr) return;
    const std::size_t built = count_ < n_ ? count_ : n_;
    for (std::size_t i = 0; i < built; ++i) {
      std::destroy_at(slots_ + i);
      std::destroy_at(slots_ + i + n_);
    }
    std::allocator<T>{}.deallocate(slots_, 2 * n_);
    slots_ = nullptr;
  }

  T* slots_ = nullptr;
  std::size_t n_ = 0;
  std::size_t count_ = 0;  // elements pushed so far
};

}  // namespace detail

/// The view of `sliding_window(n)`: for a base `e0 e1 e2 …`, the windows `[e0 … e(n-1)]`,
/// `[e1 … en]`, …: full windows only, so a base shorter than `n` gives none.
///
/// A window is a `std::span<const T>` into the iterator's buffer: no copy of the window per step.
/// It is valid until the iterator advances; copy it (`std::vector(w.begin(), w.end())`) to keep it.
/// Cost: O(1) per step, each element copied (or moved) in once and copied once more inside the
/// buffer. Memory: 2n elements, allocated once, at `begin()`. The iterator is move-only.
template <std::ranges::input_range V>
  requires std::ranges::view<V> && std::copyable<std::ranges::range_value_t<V>>
class sliding_window_view : public std::ranges::view_interface<sliding_window_view<V>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;
  using value = std::ranges::range_value_t<V>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::span<const value>> {
   public:
    iterator() = default;
    iterator(iterator&&) noexcept = default;
    iterator& operator=(iterator&&) noexcept = default;
    iterator(base_iterator current, base_sentinel end, std::size_t n)
        : current_(std::move(current)), end_(std::move(end)), buffer_(n) {
      // The first window: n elements, the base left on the last one.
      while (current_ != end_) {
        buffer_.push(*current_);
        if (buffer_.full()) {
          done_ = false;
          return;
        }
        ++current_;
      }
    }

    std::span<const value> operator*() const noexcept { return buffer_.window(); }
    iterator& operator++() {
      ++current_;
      if (current_ == end_)
        done_ = true;
      else
        buffer_.push(*current_);
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    base_iterator current_{};
    base_sentinel end_{};
    detail::window_buffer<value> buffer_;
    bool done_ = true;
  };

  sliding_window_view()
    requires std::default_initializable<V>
  = default;
  sliding_window_view(V base, std::size_t n) : base_(std::move(base)), n_(n) {}

  iterator begin() { return {std::ranges::begin(base_), std::ranges::end(base_), n_}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  std::size_t n_ = 1;
};

/// `sliding_window(n)` over a contiguous sized range (a vector, an array, a span): each window is a
/// span into the range itself, so there is no buffer, no copy and no allocation at all. Windows stay
/// valid as long as the range does.
template <std::ranges::contiguous_range V>
  requires std::ranges::view<V> && std::ranges::sized_range<V>
class contiguous_window_view : public std::ranges::view_interface<contiguous_window_view<V>> {
  using element = std::remove_reference_t<std::ranges::range_reference_t<V>>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::span<const element>> {
   public:
    iterator() = default;
    iterator(const element* first, std::size_t windows, std::size_t n) : current_(first), left_(windows), n_(n) {}
    std::span<const element> operator*() const noexcept { return {current_, n_}; }
    iterator& operator++() noexcept {
      ++current_;
      --left_;
      return *this;
    }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.left_ == 0; }

   private:
    const element* current_ = nullptr;
    std::size_t left_ = 0;  // windows not yet passed
    std::size_t n_ = 1;
  };

  contiguous_window_view()
    requires std::default_initializable<V>
  = default;
  contiguous_window_view(V base, std::size_t n) : base_(std::move(base)), n_(n) {}

  iterator begin() {
    const auto size = static_cast<std::size_t>(std::ranges::size(base_));
    return {std::ranges::data(base_), size < n_ ? 0 : size - n_ + 1, n_};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  std::size_t n_ = 1;
};

/// The itertools recipe `sliding_window(iterable, n)` as a stage: every window of `n` consecutive
/// elements, as a `std::span<const T>` valid until the next step (see `sliding_window_view`).
/// Lazy; O(1) per step with no copy of the window; memory 2n elements, allocated once (none over a
/// contiguous sized range, whose windows are spans into the range itself). The guide's
/// moving average over the last n values is `values | sliding_window(n) | map(mean)`.
/// Throws `std::invalid_argument("n must be at least one")` here, at construction, if `n < 1`.
inline auto sliding_window(long long n) {
  if (n < 1) throw std::invalid_argument("n must be at least one");
  const auto size = static_cast<std::size_t>(n);
  return stage{[size]<std::ranges::viewable_range R>(R&& range) {
    using view = std::views::all_t<R>;
    if constexpr (std::ranges::contiguous_range<view> && std::ranges::sized_range<view>)
      return contiguous_window_view<view>(std::views::all(std::forward<R>(range)), size);
    else
      return sliding_window_view<view>(std::views::all(std::forward<R>(range)), size);
  }};
}

}  // namespace yieldpipe
