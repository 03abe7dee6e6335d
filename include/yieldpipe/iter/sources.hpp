#pragma once
// Sources: Python's range, itertools.count and itertools.repeat, and the guide's date_range.

#include <chrono>
#include <concepts>
#include <cstddef>
#include <iterator>
#include <limits>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"

namespace yieldpipe {

/// Python's `range(start, stop, step)`: integers from `start` while below `stop` (above it for a
/// negative step). A view; constant memory; sized.
template <std::integral T>
class range_view : public std::ranges::view_interface<range_view<T>> {
 public:
  class iterator : public detail::input_iterator_facade<iterator, T> {
   public:
    iterator() = default;
    iterator(T value, T step, std::size_t left) : value_(value), step_(step), left_(left) {}

    T operator*() const noexcept { return value_; }
    iterator& operator++() noexcept {
      --left_;
      if (left_ != 0) value_ = static_cast<T>(value_ + step_);  // never steps past the last value: no overflow
      return *this;
    }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.left_ == 0; }

   private:
    T value_{};
    T step_{};
    std::size_t left_ = 0;
  };

  range_view() = default;
  range_view(T start, T stop, T step) : start_(start), step_(step) {
    if (step == 0) throw std::invalid_argument("range() arg 3 must not be zero");
    // In the unsigned type, differences of any two values are exact.
    using U = std::make_unsigned_t<T>;
    const bool up = step > 0;
    const bool empty = up ? !(start < stop) : !(start > stop);
    const U span = up ? static_cast<U>(static_cast<U>(stop) - static_cast<U>(start))
                      : static_cast<U>(static_cast<U>(start) - static_cast<U>(stop));
    const U magnitude = up ? static_cast<U>(step) : static_cast<U>(U{0} - static_cast<U>(step));
    size_ = empty ? 0 : static_cast<std::size_t>((span - 1) / magnitude + 1);
  }

  iterator begin() const { return {start_, step_, size_}; }
  std::default_sentinel_t end() const noexcept { return {}; }
  std::size_t size() const noexcept { return size_; }

 private:
  T start_{};
  T step_{1};
  std::size_t size_ = 0;
};

/// `range(stop)`: 0, 1, …, stop − 1.
template <std::integral T>
range_view<T> range(T stop) {
  return {T{0}, stop, T{1}};
}
/// `range(start, stop[, step])`; a zero step throws `std::invalid_argument`, as Python's ValueError.
template <std::integral T>
range_view<T> range(T start, std::type_identity_t<T> stop, std::type_identity_t<T> step = 1) {
  return {start, stop, step};
}

/// Python's `itertools.count(start, step)`: `start`, `start + step`, … without end.
template <class T>
class count_view : public std::ranges::view_interface<count_view<T>> {
 public:
  class iterator : public detail::input_iterator_facade<iterator, T> {
   public:
    iterator() = default;
    iterator(T value, T step) : value_(value), step_(step) {}
    T operator*() const { return value_; }
    iterator& operator++() {
      value_ = static_cast<T>(value_ + step_);
      return *this;
    }
    friend bool operator==(const iterator&, std::unreachable_sentinel_t) noexcept { return false; }

   private:
    T value_{};
    T step_{};
  };

  count_view() = default;
  count_view(T start, T step) : start_(start), step_(step) {}
  iterator begin() const { return {start_, step_}; }
  std::unreachable_sentinel_t end() const noexcept { return {}; }

 private:
  T start_{};
  T step_{1};
};

/// `itertools.count(start, step)` (Python's argument-less `count()` is `count(0)`; `count()` with
/// no argument is the terminal that counts elements).
template <class T>
count_view<T> count(T start, std::type_identity_t<T> step = T{1}) {
  return {start, step};
}

/// Python's `itertools.repeat(value, times)`: `value`, `times` times (none if `times <= 0`), or
/// forever without `times`. The value is stored once; elements are references to it.
template <std::copyable T>
class repeat_view : public std::ranges::view_interface<repeat_view<T>> {
 public:
  class iterator : public detail::input_iterator_facade<iterator, T> {
   public:
    iterator() = default;
    iterator(const T* value, std::optional<std::size_t> left) : value_(value), left_(left) {}
    const T& operator*() const noexcept { return *value_; }
    iterator& operator++() noexcept {
      if (left_) --*left_;
      return *this;
    }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.left_ == 0u; }

   private:
    const T* value_ = nullptr;
    std::optional<std::size_t> left_;  // empty: forever
  };

  repeat_view() = default;
  explicit repeat_view(T value, std::optional<std::size_t> times = std::nullopt)
      : value_(std::move(value)), times_(times) {}
  iterator begin() const { return {&value_, times_}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  T value_{};
  std::optional<std::size_t> times_;
};

/// `itertools.repeat(value)`: forever.
template <class T>
repeat_view<std::decay_t<T>> repeat(T&& value) {
  return repeat_view<std::decay_t<T>>(std::forward<T>(value));
}
/// `itertools.repeat(value, times)`.
template <class T>
repeat_view<std::decay_t<T>> repeat(T&& value, long long times) {
  return repeat_view<std::decay_t<T>>(std::forward<T>(value), static_cast<std::size_t>(times < 0 ? 0 : times));
}

/// The guide's `date_range(start, end)`: every day from `start` to `end`, both included.
inline auto date_range(std::chrono::sys_days start, std::chrono::sys_days end,
                       std::chrono::days step = std::chrono::days{1}) {
  if (step.count() <= 0) throw std::invalid_argument("date_range(): step must be at least one day");
  const auto days = end < start ? 0 : (end - start).count() / step.count() + 1;
  return range(0LL, static_cast<long long>(days)) |
         std::views::transform([start, step](long long i) { return start + step * i; });
}

}  // namespace yieldpipe
