#pragma once

#include <concepts>
#include <cstddef>
#include <iterator>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"
#include "yieldpipe/iter/ref_tuple.hpp"

namespace yieldpipe {

/// The view of `enumerate(start)`: a pair `{index, element}` (a `ref_pair`, which is a `std::pair`) for each element of
/// the base range, the index counting from `start`. The element is the base range's own reference: an lvalue source (a
/// container, a generator) is not copied, so `for (auto [i, x] : v | enumerate()) x = 0;` writes into `v`. Constant
/// memory.
template <std::ranges::input_range V, std::integral I>
  requires std::ranges::view<V>
class enumerate_view : public std::ranges::view_interface<enumerate_view<V, I>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;

 public:
  struct sentinel;

  class iterator : public detail::input_iterator_facade<iterator, std::pair<I, std::ranges::range_value_t<V>>,
                                                        std::ranges::range_difference_t<V>> {
   public:
    using reference = ref_pair<I, std::ranges::range_reference_t<V>>;

    iterator() = default;
    iterator(base_iterator current, I index) : current_(std::move(current)), index_(index) {}

    reference operator*() const { return reference{index_, *current_}; }
    iterator& operator++() {
      ++current_;
      ++index_;
      return *this;
    }

    friend bool operator==(const iterator& it, const sentinel& s) { return it.current_ == s.end_; }

   private:
    base_iterator current_{};
    I index_{};
  };

  struct sentinel {
    base_sentinel end_{};
  };

  enumerate_view()
    requires std::default_initializable<V>
  = default;
  enumerate_view(V base, I start) : base_(std::move(base)), start_(start) {}

  iterator begin() { return {std::ranges::begin(base_), start_}; }
  sentinel end() { return {std::ranges::end(base_)}; }
  auto size()
    requires std::ranges::sized_range<V>
  {
    return std::ranges::size(base_);
  }

 private:
  V base_;
  I start_{};
};

namespace detail {
template <std::integral I>
struct enumerate_stage_fn {
  I start;
  template <std::ranges::viewable_range R>
  constexpr auto operator()(R&& range) const {
    return enumerate_view<std::views::all_t<R>, I>(std::views::all(std::forward<R>(range)), start);
  }
};
}  // namespace detail

/// Python's `enumerate(iterable, start)` as a stage: `range | enumerate()` yields pairs
/// `{index, element}` (index `start`, `start + 1`, …; a `ref_pair`, i.e. a `std::pair` whose second
/// member may be a reference, see ref_tuple.hpp), lazily, so that
/// `for (auto [i, x] : v | enumerate(1))` works. The index has the type of `start` (`std::ptrdiff_t`
/// by default; pass `std::size_t{0}` to index a container without a sign conversion). The element is
/// the source's reference (no copy when the source yields lvalues: it refers into the source and is
/// valid until the next element, as the source's own reference is). Constant memory, one increment
/// per element.
template <std::integral I = std::ptrdiff_t>
constexpr auto enumerate(I start = 0) {
  return stage{detail::enumerate_stage_fn<I>{start}};
}

/// Python's `enumerate(iterable, start)` called directly: `enumerate(v)` is `v | enumerate()`. An
/// lvalue range is borrowed (it must outlive the view); an rvalue is moved into the view.
template <std::ranges::viewable_range R, std::integral I = std::ptrdiff_t>
  requires std::ranges::input_range<R>
constexpr auto enumerate(R&& range, I start = 0) {
  return enumerate_view<std::views::all_t<R>, I>(std::views::all(std::forward<R>(range)), start);
}

}  // namespace yieldpipe
