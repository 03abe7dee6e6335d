#pragma once
// Terminals: the explicit end of a pipeline, where a lazy range is consumed into a result.

#include <cmath>
#include <concepts>
#include <cstddef>
#include <functional>
#include <iterator>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

namespace detail {

// Python's sum() of floats (3.12+) compensates rounding (Neumaier's variant of Kahan summation),
// so a long sum does not drift with the number of terms.
template <std::floating_point T>
class compensated_sum {
 public:
  explicit compensated_sum(T start) : sum_(start) {}
  void add(T x) {
    const T t = sum_ + x;
    if (std::abs(sum_) >= std::abs(x))
      compensation_ += (sum_ - t) + x;
    else
      compensation_ += (x - t) + sum_;
    sum_ = t;
  }
  T result() const { return sum_ + compensation_; }

 private:
  T sum_;
  T compensation_ = 0;
};

}  // namespace detail

/// Collects the elements into a `std::vector` (memory: the whole range).
inline auto to_vector() {
  return terminal{[]<std::ranges::input_range R>(R&& range) {
    std::vector<std::ranges::range_value_t<R>> out;
    if constexpr (std::ranges::sized_range<R>) out.reserve(std::ranges::size(range));
    for (auto&& v : range) out.push_back(std::forward<decltype(v)>(v));
    return out;
  }};
}

/// Python's `sum(iterable, start)`: `start` plus every element; floating-point sums are compensated
/// (as CPython 3.12 does), integer sums are exact until they overflow.
template <class T = int>
auto sum(T start = T{}) {
  return terminal{[start]<std::ranges::input_range R>(R&& range) {
    using value = std::common_type_t<T, std::ranges::range_value_t<R>>;
    if constexpr (std::floating_point<value>) {
      detail::compensated_sum<value> total(static_cast<value>(start));
      for (auto&& v : range) total.add(static_cast<value>(v));
      return total.result();
    } else {
      value total = start;
      for (auto&& v : range) total = total + v;
      return total;
    }
  }};
}

/// The number of elements (the pipeline is consumed).
inline auto count() {
  return terminal{[]<std::ranges::input_range R>(R&& range) {
    std::size_t n = 0;
    for (auto it = std::ranges::begin(range), end = std::ranges::end(range); it != end; ++it) ++n;
    return n;
  }};
}

/// Calls `fn(x)` for each element.
template <class F>
auto for_each(F fn) {
  return terminal{[fn = std::move(fn)]<std::ranges::input_range R>(R&& range) {
    for (auto&& v : range) std::invoke(fn, std::forward<decltype(v)>(v));
  }};
}

/// Python's `functools.reduce(fn, iterable)`: folds the elements left to right. Throws
/// `std::invalid_argument` on an empty range, as Python raises TypeError.
template <class F>
auto reduce(F fn) {
  return terminal{[fn = std::move(fn)]<std::ranges::input_range R>(R&& range) {
    auto it = std::ranges::begin(range);
    const auto end = std::ranges::end(range);
    if (it == end) throw std::invalid_argument("reduce() of empty iterable with no initial value");
    std::ranges::range_value_t<R> acc = *it;
    for (++it; it != end; ++it) acc = std::invoke(fn, std::move(acc), *it);
    return acc;
  }};
}

/// Python's `functools.reduce(fn, iterable, initial)`.
template <class F, class T>
auto reduce(F fn, T initial) {
  return terminal{[fn = std::move(fn), initial]<std::ranges::input_range R>(R&& range) {
    T acc = initial;
    for (auto&& v : range) acc = std::invoke(fn, std::move(acc), std::forward<decltype(v)>(v));
    return acc;
  }};
}

/// The first element, or an empty optional for an empty range (Python's `next(iter(x), None)`).
/// Reads exactly one element: a borrowed generator is left just after it.
inline auto first() {
  return terminal{[]<std::ranges::input_range R>(R&& range) {
    std::optional<std::ranges::range_value_t<R>> out;
    auto it = std::ranges::begin(range);
    if (it != std::ranges::end(range)) out.emplace(*it);
    return out;
  }};
}

}  // namespace yieldpipe
