#pragma once

#include <concepts>
#include <cstddef>
#include <iterator>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"
#include "yieldpipe/iter/ref_tuple.hpp"

namespace yieldpipe {

/// The view of `pairwise()`: `std::pair{previous, current}` for each pair of consecutive elements.
/// The two elements are copies kept in the iterator (an input range cannot be read twice), and the
/// pair refers to them: valid until the next increment. Memory: two elements.
template <std::ranges::input_range V>
  requires std::ranges::view<V> && std::movable<std::ranges::range_value_t<V>> &&
           std::constructible_from<std::ranges::range_value_t<V>, std::ranges::range_reference_t<V>>
class pairwise_view : public std::ranges::view_interface<pairwise_view<V>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;
  using element = std::ranges::range_value_t<V>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::pair<element, element>> {
   public:
    using reference = ref_pair<const element&, const element&>;

    iterator() = default;
    iterator(base_iterator current, base_sentinel end) : current_(std::move(current)), end_(std::move(end)) {
      if (current_ == end_) return;
      first_.emplace(*current_);
      if (++current_ != end_) second_.emplace(*current_);
    }

    reference operator*() const noexcept { return {*first_, *second_}; }
    iterator& operator++() {
      *first_ = std::move(*second_);
      if (++current_ == end_)
        second_.reset();
      else
        *second_ = *current_;
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return !it.second_.has_value(); }

   private:
    base_iterator current_{};
    base_sentinel end_{};
    std::optional<element> first_;
    std::optional<element> second_;  // empty at the end
  };

  pairwise_view()
    requires std::default_initializable<V>
  = default;
  explicit pairwise_view(V base) : base_(std::move(base)) {}

  /// Pulls the first two elements.
  iterator begin() { return {std::ranges::begin(base_), std::ranges::end(base_)}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
};

/// Python's `itertools.pairwise(iterable)` (3.10+) as a stage: `range | pairwise()` yields
/// `std::pair{a, b}` for each two consecutive elements — `ABCDEFG` gives `AB BC CD DE EF FG`; fewer than
/// two elements give nothing. Lazy: the first pair pulls two elements, each next pair one. Each
/// element is copied (moved, if the source yields values) once into the iterator, which holds two
/// elements; the pair refers to them and is valid until the next increment (copy it, or collect with
/// `to_vector`, to keep it).
constexpr auto pairwise() {
  return stage{[]<std::ranges::viewable_range R>(R&& range) {
    return pairwise_view<std::views::all_t<R>>(std::views::all(std::forward<R>(range)));
  }};
}

}  // namespace yieldpipe
