#pragma once

#include <concepts>
#include <cstddef>
#include <iterator>
#include <optional>
#include <ranges>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

namespace detail {

// Calls `f(std::integral_constant<std::size_t, K>{})` for the runtime index `k < N`.
template <std::size_t N, std::size_t K = 0, class F>
constexpr decltype(auto) with_index(std::size_t k, F&& f) {
  if constexpr (K + 1 == N) {
    return f(std::integral_constant<std::size_t, K>{});
  } else {
    if (k == K) return f(std::integral_constant<std::size_t, K>{});
    return with_index<N, K + 1>(k, std::forward<F>(f));
  }
}

// An optional that is empty after a copy or a move: it caches what the one live iterator of an
// input view refers to, which a copy of the view must not share (the standard's non-propagating-cache).
template <class T>
class iteration_cache : public std::optional<T> {
 public:
  iteration_cache() = default;
  iteration_cache(const iteration_cache&) noexcept {}
  iteration_cache(iteration_cache&& other) noexcept { other.reset(); }
  iteration_cache& operator=(const iteration_cache& other) noexcept {
    if (this != &other) this->reset();
    return *this;
  }
  iteration_cache& operator=(iteration_cache&& other) noexcept {
    this->reset();
    other.reset();
    return *this;
  }
  ~iteration_cache() = default;
};

struct no_cache {};

}  // namespace detail

/// The view of `chain(a, b, ...)`: the elements of each input in turn. Its reference is the common
/// reference of the inputs' references (`int&` for two `std::vector<int>` lvalues: no copy; `int`
/// when one of them yields values), its value type their common type.
///
/// Input k + 1 is begun (for a generator: started) only when input k is exhausted, as Python calls
/// `iter()` lazily on each argument; empty inputs are skipped. Constant memory: one iterator (a
/// variant over the inputs' iterator types).
template <std::ranges::input_range... Vs>
  requires(sizeof...(Vs) > 0) && (std::ranges::view<Vs> && ...) &&
          requires { typename std::common_reference_t<std::ranges::range_reference_t<Vs>...>; } &&
          requires { typename std::common_type_t<std::ranges::range_value_t<Vs>...>; }
class chain_view : public std::ranges::view_interface<chain_view<Vs...>> {
  static constexpr std::size_t N = sizeof...(Vs);

 public:
  class iterator
      : public detail::input_iterator_facade<iterator, std::common_type_t<std::ranges::range_value_t<Vs>...>> {
   public:
    using reference = std::common_reference_t<std::ranges::range_reference_t<Vs>...>;

    iterator() = default;
    explicit iterator(chain_view* parent) : parent_(parent) { enter<0>(); }

    reference operator*() const {
      return detail::with_index<N>(current_.index() - 1,
                                   [this]<std::size_t K>(std::integral_constant<std::size_t, K>) -> reference {
                                     return *std::get<K + 1>(current_);
                                   });
    }
    iterator& operator++() {
      detail::with_index<N>(current_.index() - 1, [this]<std::size_t K>(std::integral_constant<std::size_t, K>) {
        if (++std::get<K + 1>(current_) == std::ranges::end(std::get<K>(parent_->bases_))) leave<K>();
      });
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.current_.index() == 0; }

   private:
    // Begins input K; moves on while the input in hand is empty.
    template <std::size_t K>
    void enter() {
      auto& base = std::get<K>(parent_->bases_);
      try {
        current_.template emplace<K + 1>(std::ranges::begin(base));
      } catch (...) {
        current_.template emplace<0>();  // an input that cannot be begun ends the chain
        throw;
      }
      if (std::get<K + 1>(current_) == std::ranges::end(base)) leave<K>();
    }
    // Input K is exhausted.
    template <std::size_t K>
    void leave() {
      if constexpr (K + 1 < N)
        enter<K + 1>();
      else
        current_.template emplace<0>();
    }

    chain_view* parent_ = nullptr;
    // Alternative k + 1 is input k's iterator; the monostate is the end.
    std::variant<std::monostate, std::ranges::iterator_t<Vs>...> current_{};
  };

  chain_view()
    requires(std::default_initializable<Vs> && ...)
  = default;
  explicit chain_view(Vs... bases) : bases_(std::move(bases)...) {}

  iterator begin() { return iterator{this}; }
  std::default_sentinel_t end() const noexcept { return {}; }
  std::size_t size()
    requires(std::ranges::sized_range<Vs> && ...)
  {
    return std::apply(
        [](auto&... base) { return (std::size_t{0} + ... + static_cast<std::size_t>(std::ranges::size(base))); },
        bases_);
  }

 private:
  std::tuple<Vs...> bases_;
};

/// Python's `itertools.chain(a, b, ...)`: the elements of `a`, then of `b`, ... lazily. The inputs
/// may be of different types if their references have a common reference (e.g. a `std::vector<int>`,
/// a generator of `int` and `range(3)` chain to `int`). An input is begun only when the ones before
/// it are exhausted (a generator argument does not start before its turn, and an exception from an
/// input's `begin()` comes after the elements before it, as Python's lazy `iter()` call; the
/// iterator is then at the end). Empty inputs are skipped.
///
/// Lvalue ranges are borrowed (they must outlive the view); rvalues are moved into it. Constant
/// memory. The result is a range and can be piped on.
template <std::ranges::viewable_range... Rs>
  requires(sizeof...(Rs) > 0) && (std::ranges::input_range<Rs> && ...)
constexpr auto chain(Rs&&... ranges) {
  return chain_view<std::views::all_t<Rs>...>(std::views::all(std::forward<Rs>(ranges))...);
}

/// `chain()` with no input: an empty range (of `T`, `std::monostate` unless given), as Python's
/// `chain()` gives `[]`.
template <class T = std::monostate>
constexpr auto chain() {
  return std::views::empty<T>;
}

/// The view of `chain_from()`: the elements of each range that the base range yields, in turn (one
/// level of flattening). The outer range is read lazily: its next range is pulled only when the
/// current one is exhausted. When the outer range yields ranges by value (e.g. `map` returning a
/// `std::vector`, `range(n) | map(make_generator)`), the current one is kept in the view; when it
/// yields references (a container of containers, a generator of generators), nothing is copied.
template <std::ranges::input_range V>
  requires std::ranges::view<V> && std::ranges::input_range<std::ranges::range_reference_t<V>>
class chain_from_view : public std::ranges::view_interface<chain_from_view<V>> {
  using outer_iterator = std::ranges::iterator_t<V>;
  using inner_reference = std::ranges::range_reference_t<V>;
  // A prvalue inner range must live somewhere while it is iterated: in the view.
  static constexpr bool caches_inner = !std::is_reference_v<inner_reference>;
  using inner_range = std::remove_reference_t<inner_reference>;
  using inner_iterator = std::ranges::iterator_t<inner_range>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::ranges::range_value_t<inner_range>> {
   public:
    using reference = std::ranges::range_reference_t<inner_range>;

    iterator() = default;
    explicit iterator(chain_from_view* parent) : parent_(parent), outer_(std::ranges::begin(parent->base_)) {
      satisfy();
    }

    reference operator*() const { return **inner_; }
    iterator& operator++() {
      if (++*inner_ == std::ranges::end(current_range())) {
        ++outer_;
        satisfy();
      }
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.at_end(); }

   private:
    bool at_end() const { return outer_ == std::ranges::end(parent_->base_); }

    // The inner range in hand. For a reference it is read again from the outer iterator rather than
    // kept as a pointer: an outer iterator may hold the range itself (`map` keeps its result), so a
    // pointer would dangle once this iterator is moved.
    inner_range& current_range() const {
      if constexpr (caches_inner) {
        return *parent_->cache_;
      } else {
        auto&& range = *outer_;
        return range;
      }
    }

    // Finds the first non-empty inner range from the outer position on.
    void satisfy() {
      for (const auto end = std::ranges::end(parent_->base_); outer_ != end; ++outer_) {
        inner_.reset();
        if constexpr (caches_inner) parent_->cache_.emplace(*outer_);
        inner_range& range = current_range();
        inner_.emplace(std::ranges::begin(range));
        if (*inner_ != std::ranges::end(range)) return;
      }
      inner_.reset();
    }

    chain_from_view* parent_ = nullptr;
    outer_iterator outer_{};
    std::optional<inner_iterator> inner_;
  };

  chain_from_view()
    requires std::default_initializable<V>
  = default;
  explicit chain_from_view(V base) : base_(std::move(base)) {}

  /// Begins the outer range and pulls its ranges until a non-empty one.
  iterator begin() { return iterator{this}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  [[no_unique_address]] std::conditional_t<caches_inner, detail::iteration_cache<std::remove_cv_t<inner_range>>,
                                           detail::no_cache>
      cache_;
};

/// Python's `itertools.chain.from_iterable(outer)` as a stage: `outer | chain_from()` yields the
/// elements of each range that `outer` yields, flattening exactly one level (a range of ranges of
/// strings gives strings). The outer range is consumed lazily: nothing is read before the first
/// element is asked for, and the next inner range is pulled only when the current one is used up.
/// Works over a generator of generators, a container of containers, or a stage producing ranges.
/// Constant memory beyond the current inner range (kept only when the outer yields it by value).
constexpr auto chain_from() {
  return stage{[]<std::ranges::viewable_range R>(R&& range) {
    return chain_from_view<std::views::all_t<R>>(std::views::all(std::forward<R>(range)));
  }};
}

}  // namespace yieldpipe
