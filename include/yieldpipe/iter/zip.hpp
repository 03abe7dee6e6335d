#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <iterator>
#include <ranges>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/ref_tuple.hpp"

namespace yieldpipe {

namespace detail {

// CPython's wording (Python/bltinmodule.c, zip_next): "zip() argument 2 is shorter than argument 1",
// "zip() argument 3 is longer than arguments 1-2". `index` is the 0-based index of the culprit.
inline std::string zip_strict_message(std::size_t index, bool shorter) {
  std::string message = "zip() argument " + std::to_string(index + 1);
  message += shorter ? " is shorter than argument" : " is longer than argument";
  message += index == 1 ? std::string(" 1") : "s 1-" + std::to_string(index);
  return message;
}

}  // namespace detail

/// The view of `zip(a, b, ...)` (`Strict = false`) and `zip_strict(a, b, ...)` (`Strict = true`):
/// tuples of the inputs' references (`ref_tuple`, a `std::tuple`), one from each input, until the shortest input ends.
///
/// The inputs are pulled one at a time in argument order, as Python's `zip` calls `next` on each in
/// turn, and the view stops at the first exhausted one: the items already pulled from the inputs
/// before it in that round are lost, and the inputs after it are not pulled (a generator among them
/// stays suspended; nothing is closed). An input after an empty one is not even begun — unless some
/// input's iterator is not default-constructible, in which case all are begun together.
///
/// With `Strict`, after the last full tuple the view throws `std::invalid_argument` (Python's
/// ValueError) with Python's message if the inputs have different lengths: to find out, it pulls one
/// item from each input after the first when the first ends, as Python does.
///
/// Constant memory: one iterator per input. Iterate it once (its iterators refer to it).
template <bool Strict, std::ranges::input_range... Vs>
  requires(std::ranges::view<Vs> && ...)
class basic_zip_view : public std::ranges::view_interface<basic_zip_view<Strict, Vs...>> {
  static constexpr std::size_t N = sizeof...(Vs);
  // Inputs after an exhausted one keep a default-constructed iterator (never used).
  static constexpr bool lazy_begin = (std::default_initializable<std::ranges::iterator_t<Vs>> && ...);

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::tuple<std::ranges::range_value_t<Vs>...>> {
   public:
    using reference = ref_tuple<std::ranges::range_reference_t<Vs>...>;

    iterator() = default;
    explicit iterator(basic_zip_view* parent) : parent_(parent), current_(begin_all(parent)), done_(N == 0) {
      step<true, 0>();
    }

    reference operator*() const {
      return std::apply([](const auto&... it) { return reference(*it...); }, current_);
    }
    iterator& operator++() {
      step<false, 0>();
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    using iterators = std::tuple<std::ranges::iterator_t<Vs>...>;

    static iterators begin_all(basic_zip_view* parent) {
      if constexpr (lazy_begin)
        return iterators{};
      else  // braced: the inputs are begun left to right
        return std::apply([](auto&... base) { return iterators{std::ranges::begin(base)...}; }, parent->bases_);
    }

    // Moves input K (begins it when `Starting`), then the next ones, stopping at an exhausted one.
    template <bool Starting, std::size_t K>
    void step() {
      if constexpr (K < N) {
        if (!advance<Starting, K>()) return exhausted<Starting, K>();
        step<Starting, K + 1>();
      }
    }

    // Pulls one item from input K; false if it has none.
    template <bool Starting, std::size_t K>
    bool advance() {
      auto& it = std::get<K>(current_);
      auto& base = std::get<K>(parent_->bases_);
      if constexpr (!Starting)
        ++it;
      else if constexpr (lazy_begin)
        it = std::ranges::begin(base);
      return it != std::ranges::end(base);
    }

    template <bool Starting, std::size_t K>
    void exhausted() {
      done_ = true;
      if constexpr (Strict) {
        if constexpr (K > 0)
          throw std::invalid_argument(detail::zip_strict_message(K, true));
        else
          check_longer<Starting, 1>();
      }
    }

    // The first input ended: every other one must end now too.
    template <bool Starting, std::size_t K>
    void check_longer() {
      if constexpr (K < N) {
        if (advance<Starting, K>()) throw std::invalid_argument(detail::zip_strict_message(K, false));
        check_longer<Starting, K + 1>();
      }
    }

    basic_zip_view* parent_ = nullptr;
    iterators current_{};
    bool done_ = true;
  };

  basic_zip_view()
    requires(N > 0 && (std::default_initializable<Vs> && ...))
  = default;
  explicit basic_zip_view(Vs... bases) : bases_(std::move(bases)...) {}

  /// Begins the inputs (pulls one item from each, in order, up to the first empty one).
  iterator begin() { return iterator{this}; }
  std::default_sentinel_t end() const noexcept { return {}; }

  /// The length of the shortest input, when all are sized (not for `zip_strict`, which may throw).
  std::size_t size()
    requires(!Strict && (std::ranges::sized_range<Vs> && ...))
  {
    if constexpr (N == 0)
      return 0;
    else
      return std::apply([](auto&... base) { return std::min({static_cast<std::size_t>(std::ranges::size(base))...}); },
                        bases_);
  }

 private:
  std::tuple<Vs...> bases_;
};

template <std::ranges::input_range... Vs>
using zip_view = basic_zip_view<false, Vs...>;

/// Python's `zip(a, b, ...)`: `std::tuple{x_a, x_b, ...}` with one element of each input, lazily,
/// until the shortest input ends; `zip()` is empty. The tuple holds the inputs' references (an lvalue
/// element refers into its input and is valid until the next tuple; a prvalue element is a value).
///
/// As in Python, inputs are pulled in argument order and the first exhausted one stops the zip: the
/// item just pulled from each input before it is lost (`zip(gen_of_3, gen_of_2)` pulls a third item
/// from the first generator). Later inputs are not pulled, and no input is closed.
///
/// Lvalue ranges are borrowed (they must outlive the view); rvalues (generators, containers) are
/// moved into it. Constant memory; one increment and one end test per input per tuple. The result is
/// a range, so it can be piped on: `zip(a, b) | map(f)`.
template <std::ranges::viewable_range... Rs>
  requires(std::ranges::input_range<Rs> && ...)
constexpr auto zip(Rs&&... ranges) {
  return zip_view<std::views::all_t<Rs>...>(std::views::all(std::forward<Rs>(ranges))...);
}

}  // namespace yieldpipe
