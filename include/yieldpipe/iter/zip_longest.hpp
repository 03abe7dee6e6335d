#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <iterator>
#include <optional>
#include <ranges>
#include <tuple>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/ref_tuple.hpp"

namespace yieldpipe {

/// The fill value of `zip_longest(fillvalue(x), a, b, ...)`, Python's `fillvalue=x` keyword. A tag
/// rather than a plain first argument, because the fill may itself be a range (a `std::string`).
template <class T>
struct fill_value {
  T value;
};

/// `fillvalue(x)`: see `zip_longest`.
template <class T>
constexpr fill_value<std::decay_t<T>> fillvalue(T&& value) {
  return {std::forward<T>(value)};
}

namespace detail {

struct no_fill {};

// Without a fill, a missing element is an empty optional (Python's None).
template <class V, class Fill>
struct zip_longest_element {
  using type = std::common_reference_t<std::ranges::range_reference_t<V>, const Fill&>;
};
template <class V>
struct zip_longest_element<V, no_fill> {
  using type = std::optional<std::ranges::range_value_t<V>>;
};

}  // namespace detail

/// The view of `zip_longest`: a `std::tuple` with one element per input until the longest input
/// ends; an input that has ended contributes the fill (or an empty `std::optional` when there is no
/// fill). `Fill` is `detail::no_fill` when there is none.
///
/// As in Python, each step pulls from every input that has not ended, in argument order; an input
/// that has ended is not pulled again. Constant memory: one iterator per input, and the fill.
template <class Fill, std::ranges::input_range... Vs>
  requires(std::ranges::view<Vs> && ...) && std::copy_constructible<Fill>
class zip_longest_view : public std::ranges::view_interface<zip_longest_view<Fill, Vs...>> {
  static constexpr std::size_t N = sizeof...(Vs);
  static constexpr bool has_fill = !std::is_same_v<Fill, detail::no_fill>;
  template <class V>
  using element = typename detail::zip_longest_element<V, Fill>::type;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::tuple<std::remove_cvref_t<element<Vs>>...>> {
   public:
    using reference = ref_tuple<element<Vs>...>;

    iterator() = default;
    // Braced: the inputs are begun left to right, as Python's first `next` pulls them.
    explicit iterator(zip_longest_view* parent)
        : parent_(parent),
          current_(std::apply([](auto&... base) { return iterators{std::ranges::begin(base)...}; }, parent->bases_)) {
      check(std::index_sequence_for<Vs...>{});
    }

    reference operator*() const { return deref(std::index_sequence_for<Vs...>{}); }
    iterator& operator++() {
      advance(std::index_sequence_for<Vs...>{});
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.live_ == 0; }

   private:
    using iterators = std::tuple<std::ranges::iterator_t<Vs>...>;

    template <std::size_t... K>
    void check(std::index_sequence<K...>) {
      ((active_[K] = std::get<K>(current_) != std::ranges::end(std::get<K>(parent_->bases_))), ...);
      live_ = (std::size_t{0} + ... + std::size_t{active_[K]});
    }

    template <std::size_t... K>
    void advance(std::index_sequence<K...>) {
      (advance_one<K>(), ...);  // a fold over the comma operator runs left to right
    }
    template <std::size_t K>
    void advance_one() {
      if (!active_[K]) return;
      auto& it = std::get<K>(current_);
      if (++it == std::ranges::end(std::get<K>(parent_->bases_))) {
        active_[K] = false;
        --live_;
      }
    }

    template <std::size_t... K>
    reference deref(std::index_sequence<K...>) const {
      return reference(element_at<K>()...);
    }
    template <std::size_t K>
    decltype(auto) element_at() const {
      using type = element<std::tuple_element_t<K, std::tuple<Vs...>>>;
      if constexpr (has_fill) {
        if (active_[K]) return static_cast<type>(*std::get<K>(current_));
        return static_cast<type>(parent_->fill_);
      } else {
        if (active_[K]) return type(std::in_place, *std::get<K>(current_));
        return type();
      }
    }

    zip_longest_view* parent_ = nullptr;
    iterators current_{};
    std::array<bool, N> active_{};
    std::size_t live_ = 0;
  };

  zip_longest_view()
    requires(N > 0 && std::default_initializable<Fill> && (std::default_initializable<Vs> && ...))
  = default;
  explicit zip_longest_view(Fill fill, Vs... bases) : bases_(std::move(bases)...), fill_(std::move(fill)) {}

  /// Begins every input (pulls one item from each, in order).
  iterator begin() { return iterator{this}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::tuple<Vs...> bases_;
  [[no_unique_address]] Fill fill_;
};

/// Python's `itertools.zip_longest(a, b, ..., fillvalue=None)` without a fill: tuples of
/// `std::optional<value>`, one per input, until the longest input ends; an ended input gives an
/// empty optional (Python's None). The optionals hold copies of the elements. `zip_longest()`, or
/// inputs that are all empty, give an empty range.
///
/// Lvalue ranges are borrowed (they must outlive the view); rvalues are moved into it. Constant
/// memory. Each step pulls every input that has not ended, in argument order.
template <std::ranges::viewable_range... Rs>
  requires(std::ranges::input_range<Rs> && ...)
constexpr auto zip_longest(Rs&&... ranges) {
  return zip_longest_view<detail::no_fill, std::views::all_t<Rs>...>(detail::no_fill{},
                                                                     std::views::all(std::forward<Rs>(ranges))...);
}

/// `itertools.zip_longest(a, b, ..., fillvalue=x)`, written `zip_longest(fillvalue(x), a, b, ...)`:
/// the element from input i has the common reference of that input's reference and `const Fill&`
/// (a reference into the input or to the stored fill when both are lvalues of the same type — no
/// copy — otherwise a value). `zip_longest(fillvalue('-'), "ABCD"s, "xy"s)` gives
/// `(A,x) (B,y) (C,-) (D,-)`. Same laziness, lifetime rules and memory as above.
template <class Fill, std::ranges::viewable_range... Rs>
  requires(std::ranges::input_range<Rs> && ...) &&
          (std::common_reference_with<std::ranges::range_reference_t<Rs>, const Fill&> && ...)
constexpr auto zip_longest(fill_value<Fill> fill, Rs&&... ranges) {
  return zip_longest_view<Fill, std::views::all_t<Rs>...>(std::move(fill.value),
                                                          std::views::all(std::forward<Rs>(ranges))...);
}

}  // namespace yieldpipe
