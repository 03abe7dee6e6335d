#pragma once

#include <concepts>
#include <cstddef>
#include <iterator>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"
#include "yieldpipe/iter/zip.hpp"

namespace yieldpipe {

/// The view of `compress`: the elements of `D` whose matching element of `S` converts to true, until
/// either range ends. Built on `zip_view<D, S>`, so the two are pulled in the same order as Python's
/// `compress` (a datum, then its selector): when the data end first, the selectors are not pulled
/// again. Constant memory.
template <std::ranges::input_range D, std::ranges::input_range S>
  requires std::ranges::view<D> && std::ranges::view<S> &&
           std::constructible_from<bool, std::ranges::range_reference_t<S>>
class compress_view : public std::ranges::view_interface<compress_view<D, S>> {
  using zipped = zip_view<D, S>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::ranges::range_value_t<D>> {
   public:
    using reference = std::ranges::range_reference_t<D>;

    iterator() = default;
    explicit iterator(std::ranges::iterator_t<zipped> current) : current_(std::move(current)) { skip(); }

    // A prvalue datum is moved out of the temporary tuple; a reference is passed through.
    reference operator*() const { return std::get<0>(*current_); }
    iterator& operator++() {
      ++current_;
      skip();
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return it.current_ == std::default_sentinel;
    }

   private:
    void skip() {
      while (current_ != std::default_sentinel && !static_cast<bool>(std::get<1>(*current_))) ++current_;
    }

    std::ranges::iterator_t<zipped> current_{};
  };

  compress_view()
    requires std::default_initializable<D> && std::default_initializable<S>
  = default;
  compress_view(D data, S selectors) : zip_(std::move(data), std::move(selectors)) {}

  iterator begin() { return iterator{zip_.begin()}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  zipped zip_;
};

/// Python's `itertools.compress(data, selectors)`: the elements of `data` whose selector (the element
/// at the same position of `selectors`) converts to true, lazily; it stops as soon as either range
/// ends. Elements are `data`'s references (no copy for lvalues). Lvalue ranges are borrowed (they must
/// outlive the view); rvalues are moved into it. Constant memory.
template <std::ranges::viewable_range D, std::ranges::viewable_range S>
  requires std::ranges::input_range<D> && std::ranges::input_range<S>
constexpr auto compress(D&& data, S&& selectors) {
  return compress_view<std::views::all_t<D>, std::views::all_t<S>>(std::views::all(std::forward<D>(data)),
                                                                   std::views::all(std::forward<S>(selectors)));
}

namespace detail {

// The selectors of a `compress(selectors)` stage, held until the stage is applied. An lvalue is
// borrowed; an rvalue is stored, and each application gets a copy of it, or, when it cannot be copied
// (a generator), the range itself, once.
template <class S>
class held_range {
  using held = std::conditional_t<std::is_lvalue_reference_v<S>, std::ranges::ref_view<std::remove_reference_t<S>>,
                                  std::remove_cvref_t<S>>;

 public:
  explicit held_range(S&& range) : held_(std::in_place, std::forward<S>(range)) {}

  auto take() const {
    if constexpr (std::copy_constructible<held>) {
      return std::views::all(held(*held_));
    } else {
      if (!held_)
        throw std::logic_error(
            "compress(selectors): the selectors are a move-only range (a generator) that an earlier application of "
            "this stage already consumed");
      held range = std::move(*held_);
      held_.reset();
      return std::views::all(std::move(range));
    }
  }

 private:
  mutable std::optional<held> held_;
};

}  // namespace detail

/// `itertools.compress` as a stage: `data | compress(selectors)`. An lvalue `selectors` is borrowed
/// (it must outlive every pipeline the stage is applied to). An rvalue one is stored in the stage: a
/// copyable one (a container, a view) is copied for each application; a move-only one (a generator)
/// is moved into the first pipeline, and applying the stage again throws `std::logic_error`.
template <std::ranges::viewable_range S>
  requires std::ranges::input_range<S>
constexpr auto compress(S&& selectors) {
  return stage{[held = detail::held_range<S>(std::forward<S>(selectors))]<std::ranges::viewable_range R>(R&& data) {
    auto sel = held.take();
    return compress_view<std::views::all_t<R>, decltype(sel)>(std::views::all(std::forward<R>(data)), std::move(sel));
  }};
}

}  // namespace yieldpipe
