#pragma once
// Python's combinatoric iterators: itertools.product, combinations and permutations.
//
// As in CPython, each input is read whole into a pool (a std::vector of its elements, Python's
// `tuple(iterable)`) when the view is made, and the outputs are then produced lazily, one per step,
// in Python's order (lexicographic by index into the pools). The pools are shared by copies of the
// view and never change, so a view is cheap to copy and can be iterated more than once.

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <iterator>
#include <memory>
#include <numeric>
#include <ranges>
#include <span>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"
#include "yieldpipe/iter/ref_tuple.hpp"

namespace yieldpipe {

namespace detail {

template <class R>
concept poolable_range = std::ranges::input_range<R> &&
                         std::constructible_from<std::ranges::range_value_t<R>, std::ranges::range_reference_t<R>>;

// Python's `tuple(iterable)`: every element of the range, read now. An rvalue element is moved in,
// and so is every element of an rvalue container (which is ours, and dropped afterwards); an lvalue's
// or a view's elements are copied.
template <poolable_range R>
std::vector<std::ranges::range_value_t<R>> make_pool(R&& range) {
  constexpr bool owned = !std::is_lvalue_reference_v<R> && !std::ranges::view<std::remove_cvref_t<R>>;
  std::vector<std::ranges::range_value_t<R>> pool;
  if constexpr (std::ranges::sized_range<R>) pool.reserve(static_cast<std::size_t>(std::ranges::size(range)));
  for (auto&& element : range) {
    if constexpr (owned && std::is_lvalue_reference_v<decltype(element)> &&
                  !std::is_const_v<std::remove_reference_t<decltype(element)>>)
      pool.emplace_back(std::move(element));
    else
      pool.emplace_back(std::forward<decltype(element)>(element));
  }
  return pool;
}

inline std::size_t checked_r(long long r) {
  if (r < 0) throw std::invalid_argument("r must be non-negative");
  return static_cast<std::size_t>(r);
}

inline std::size_t checked_repeat(long long repeat) {
  if (repeat < 0) throw std::invalid_argument("repeat argument cannot be negative");
  return static_cast<std::size_t>(repeat);
}

// The state shared by the iterators of combinations, permutations and product_repeat: the pool,
// and the current output as r copies of pool elements (the buffer a std::span exposes), both
// allocated once, at begin().
template <class T>
class index_buffer {
 public:
  index_buffer() = default;
  explicit index_buffer(const std::vector<T>& pool) : pool_(pool.data()), n_(pool.size()) {}
  index_buffer(index_buffer&&) noexcept = default;
  index_buffer& operator=(index_buffer&&) noexcept = default;

  std::span<const T> output() const noexcept { return {buffer_.data(), buffer_.size()}; }
  std::size_t pool_size() const noexcept { return n_; }
  // Fills the buffer from `indices[0, r)`: the first output.
  void fill(const std::vector<std::size_t>& indices, std::size_t r) {
    buffer_.reserve(r);
    for (std::size_t k = 0; k < r; ++k) buffer_.push_back(pool_[indices[k]]);
  }
  // Refreshes the outputs' slots [from, r), whose indices changed.
  void refresh(const std::vector<std::size_t>& indices, std::size_t from) {
    for (std::size_t k = from; k < buffer_.size(); ++k) buffer_[k] = pool_[indices[k]];
  }

 private:
  const T* pool_ = nullptr;
  std::size_t n_ = 0;
  std::vector<T> buffer_;
};

}  // namespace detail

/// The view of `product(a, b, ...)`: every tuple `(a[i], b[j], ...)` of one element of each input,
/// the last index moving fastest (an odometer), as Python's `itertools.product`. With no input it
/// is one empty tuple; if any input is empty, it is empty.
///
/// An element is a `ref_tuple<const Ts&...>` (a `std::tuple`) of const references into the view's
/// pools: no element is copied per output, and the references stay valid as long as the view (or a
/// copy of it) does, not just until the next step. `range_value_t` is `std::tuple<Ts...>`.
/// Memory: the inputs' elements (shared by copies of the view) plus one index per input in each
/// iterator; amortised O(1) per output. `begin()` may be called again: each iteration starts over.
template <std::copy_constructible... Ts>
class product_view : public std::ranges::view_interface<product_view<Ts...>> {
  static constexpr std::size_t N = sizeof...(Ts);
  using pools_type = std::tuple<std::vector<Ts>...>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::tuple<Ts...>> {
   public:
    using reference = ref_tuple<const Ts&...>;

    iterator() = default;
    explicit iterator(const pools_type* p) : pools_(p) {
      sizes_ = std::apply([](const auto&... pool) { return std::array<std::size_t, N>{pool.size()...}; }, *p);
      done_ = std::ranges::find(sizes_, std::size_t{0}) != sizes_.end();
    }

    reference operator*() const {
      return [this]<std::size_t... I>(std::index_sequence<I...>) {
        return reference(std::get<I>(*pools_)[indices_[I]]...);
      }(std::index_sequence_for<Ts...>{});
    }
    iterator& operator++() noexcept {
      for (std::size_t k = N; k-- > 0;) {
        if (++indices_[k] < sizes_[k]) return *this;
        indices_[k] = 0;
      }
      done_ = true;  // every index wrapped round (at once for N == 0: the one empty tuple is done)
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    const pools_type* pools_ = nullptr;
    std::array<std::size_t, N> indices_{};
    std::array<std::size_t, N> sizes_{};
    bool done_ = true;
  };

  /// Takes the pools (with no input, this is the default constructor: the one empty tuple).
  explicit product_view(std::vector<Ts>... pools) : pools_(std::make_shared<const pools_type>(std::move(pools)...)) {}

  iterator begin() const { return iterator{pools_.get()}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::shared_ptr<const pools_type> pools_;
};

/// Python's `itertools.product(a, b, ...)`: the Cartesian product of the inputs, as tuples of const
/// references into saved copies of them (see `product_view`), in Python's order:
/// `product(std::string("AB"), std::string("xy"))` gives `('A','x') ('A','y') ('B','x') ('B','y')`.
/// `product()` is one empty tuple; an empty input makes the whole product empty.
///
/// As in CPython, every input is read whole, left to right, here (a generator is drained now, even
/// if a later input turns out to be empty); the tuples are then produced lazily, amortised O(1) each.
/// Memory: a copy of every input's elements (moved in from an rvalue container or a range yielding
/// rvalues; copied from an lvalue or a view), kept until the last copy of the view goes. The inputs
/// themselves need not outlive the call.
template <detail::poolable_range... Rs>
auto product(Rs&&... ranges) {
  using view = product_view<std::ranges::range_value_t<Rs>...>;
  return view{detail::make_pool(std::forward<Rs>(ranges))...};  // braced: the inputs are read left to right
}

/// The view of `product_repeat(range, n)`: `product(range, range, ...)` with `n` copies of one pool,
/// each output a `std::span<const T>` of n elements (n is a run-time value, so not a tuple).
///
/// The span points into the iterator's buffer, rewritten in place: valid until the iterator
/// advances; copy it (`std::vector(s.begin(), s.end())`) to keep it. Memory: the input's elements
/// (shared by copies of the view) plus, per iterator, n indices and n elements, allocated once, at
/// `begin()`. Amortised O(1) element copies per output. The iterator is move-only.
template <std::copyable T>
class product_repeat_view : public std::ranges::view_interface<product_repeat_view<T>> {
 public:
  class iterator : public detail::input_iterator_facade<iterator, std::span<const T>> {
   public:
    iterator() = default;
    iterator(iterator&&) noexcept = default;
    iterator& operator=(iterator&&) noexcept = default;
    iterator(const std::vector<T>& pool, std::size_t repeat) : state_(pool) {
      if (repeat > 0 && pool.empty()) return;  // nothing to pick from: no output
      indices_.assign(repeat, 0);
      state_.fill(indices_, repeat);
      done_ = false;
    }

    std::span<const T> operator*() const noexcept { return state_.output(); }
    iterator& operator++() {
      for (std::size_t k = indices_.size(); k-- > 0;) {
        if (++indices_[k] < state_.pool_size()) {
          state_.refresh(indices_, k);
          return *this;
        }
        indices_[k] = 0;
      }
      done_ = true;
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    detail::index_buffer<T> state_;
    std::vector<std::size_t> indices_;
    bool done_ = true;
  };

  product_repeat_view() : pool_(std::make_shared<const std::vector<T>>()) {}
  product_repeat_view(std::vector<T> pool, std::size_t repeat)
      : pool_(std::make_shared<const std::vector<T>>(std::move(pool))), repeat_(repeat) {}

  iterator begin() const { return {*pool_, repeat_}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::shared_ptr<const std::vector<T>> pool_;
  std::size_t repeat_ = 1;
};

/// Python's `itertools.product(range, repeat=n)`: every sequence of `n` elements of the range (with
/// repetition), the last position moving fastest; `product_repeat(range(2), 3)` gives
/// `000 001 010 011 100 101 110 111`. Each output is a `std::span<const T>` valid until the next
/// step (see `product_repeat_view`). `n == 0` gives one empty span; an empty range (with n > 0)
/// gives nothing.
///
/// The range is read whole here, as CPython does (a generator is drained now); outputs are then
/// produced lazily. Memory: a copy of the range's elements, plus n indices and n elements per
/// iterator. Throws `std::invalid_argument("repeat argument cannot be negative")` if `n < 0`.
template <detail::poolable_range R>
  requires std::copyable<std::ranges::range_value_t<R>>
auto product_repeat(R&& range, long long n) {
  const std::size_t repeat = detail::checked_repeat(n);
  return product_repeat_view<std::ranges::range_value_t<R>>(detail::make_pool(std::forward<R>(range)), repeat);
}

/// `range | product_repeat(n)`: the same, as a stage. Checks `n` here, at construction.
inline auto product_repeat(long long n) {
  const std::size_t repeat = detail::checked_repeat(n);
  return stage{[repeat]<detail::poolable_range R>(R && range) requires std::copyable<std::ranges::range_value_t<R>>{
      return product_repeat_view<std::ranges::range_value_t<R>>(detail::make_pool(std::forward<R>(range)), repeat);
}
};  // namespace yieldpipe
}

/// The view of `combinations(r)`: every choice of `r` elements of the pool at increasing positions,
/// in lexicographic order of positions, as Python's `itertools.combinations`: C(n, r) outputs, none
/// if r > n, one empty output if r == 0. Elements at different positions are distinct picks even if
/// equal (no deduplication).
///
/// Each output is a `std::span<const T>` of r elements in the iterator's buffer, rewritten in place:
/// valid until the iterator advances; copy it to keep it. Memory: the input's elements (shared by
/// copies of the view) plus, per iterator, r indices and r elements, allocated once, at `begin()`.
/// Amortised O(1) element copies per output. The iterator is move-only.
template <std::copyable T>
class combinations_view : public std::ranges::view_interface<combinations_view<T>> {
 public:
  class iterator : public detail::input_iterator_facade<iterator, std::span<const T>> {
   public:
    iterator() = default;
    iterator(iterator&&) noexcept = default;
    iterator& operator=(iterator&&) noexcept = default;
    iterator(const std::vector<T>& pool, std::size_t r) : state_(pool) {
      if (r > pool.size()) return;  // no output
      indices_.resize(r);
      std::iota(indices_.begin(), indices_.end(), std::size_t{0});
      state_.fill(indices_, r);
      done_ = false;
    }

    std::span<const T> operator*() const noexcept { return state_.output(); }
    iterator& operator++() {
      // The rightmost index that is not at its maximum, i + n - r, moves on by one; the indices
      // after it follow it consecutively.
      const std::size_t r = indices_.size();
      const std::size_t offset = state_.pool_size() - r;
      std::size_t i = r;
      while (i > 0 && indices_[i - 1] == i - 1 + offset) --i;
      if (i == 0) {
        done_ = true;
        return *this;
      }
      --i;
      ++indices_[i];
      for (std::size_t j = i + 1; j < r; ++j) indices_[j] = indices_[j - 1] + 1;
      state_.refresh(indices_, i);
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    detail::index_buffer<T> state_;
    std::vector<std::size_t> indices_;
    bool done_ = true;
  };

  combinations_view() : pool_(std::make_shared<const std::vector<T>>()) {}
  combinations_view(std::vector<T> pool, std::size_t r)
      : pool_(std::make_shared<const std::vector<T>>(std::move(pool))), r_(r) {}

  iterator begin() const { return {*pool_, r_}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::shared_ptr<const std::vector<T>> pool_;
  std::size_t r_ = 0;
};

/// Python's `itertools.combinations(iterable, r)` as a stage: `std::string("ABCD") | combinations(2)`
/// gives `AB AC AD BC BD CD`. Each output is a `std::span<const T>` of r elements, valid until the
/// next step (see `combinations_view`); r > size gives nothing, r == 0 one empty span.
///
/// As in CPython, the whole input is read when the stage is applied (a generator is drained then);
/// the outputs are produced lazily. Memory: a copy of the input's elements, plus r indices and r
/// elements per iterator. Throws `std::invalid_argument("r must be non-negative")` here, at
/// construction, if `r < 0`.
inline auto combinations(long long r) {
  const std::size_t size = detail::checked_r(r);
  return stage{[size]<detail::poolable_range R>(R && range) requires std::copyable<std::ranges::range_value_t<R>>{
      return combinations_view<std::ranges::range_value_t<R>>(detail::make_pool(std::forward<R>(range)), size);
}
}
;
}

/// `combinations(range, r)`: the same, as a source.
template <detail::poolable_range R>
  requires std::copyable<std::ranges::range_value_t<R>>
auto combinations(R&& range, long long r) {
  const std::size_t size = detail::checked_r(r);
  return combinations_view<std::ranges::range_value_t<R>>(detail::make_pool(std::forward<R>(range)), size);
}

/// The view of `permutations(r)`: every ordered choice of `r` elements of the pool at distinct
/// positions, in lexicographic order of positions, as Python's `itertools.permutations`:
/// n! / (n - r)! outputs, none if r > n, one empty output if r == 0. Without r, r is the pool's size.
///
/// Each output is a `std::span<const T>` of r elements in the iterator's buffer, rewritten in place:
/// valid until the iterator advances; copy it to keep it. Memory: the input's elements (shared by
/// copies of the view) plus, per iterator, n indices, r counters and r elements, allocated once, at
/// `begin()`. CPython's algorithm: amortised O(1) index moves and element copies per output. The
/// iterator is move-only.
template <std::copyable T>
class permutations_view : public std::ranges::view_interface<permutations_view<T>> {
 public:
  class iterator : public detail::input_iterator_facade<iterator, std::span<const T>> {
   public:
    iterator() = default;
    iterator(iterator&&) noexcept = default;
    iterator& operator=(iterator&&) noexcept = default;
    iterator(const std::vector<T>& pool, std::size_t r) : state_(pool) {
      const std::size_t n = pool.size();
      if (r > n) return;  // no output
      indices_.resize(n);
      std::iota(indices_.begin(), indices_.end(), std::size_t{0});
      cycles_.resize(r);
      for (std::size_t i = 0; i < r; ++i) cycles_[i] = n - i;
      state_.fill(indices_, r);
      done_ = false;
    }

    std::span<const T> operator*() const noexcept { return state_.output(); }
    iterator& operator++() {
      // cycles[i] counts the choices left for position i: when it runs out, the indices from i on
      // are rotated back to their order at the start of position i's cycle, and position i - 1 moves.
      const std::size_t n = indices_.size();
      for (std::size_t i = cycles_.size(); i-- > 0;) {
        if (--cycles_[i] == 0) {
          std::rotate(indices_.begin() + static_cast<std::ptrdiff_t>(i),
                      indices_.begin() + static_cast<std::ptrdiff_t>(i + 1), indices_.end());
          cycles_[i] = n - i;
        } else {
          std::swap(indices_[i], indices_[n - cycles_[i]]);
          state_.refresh(indices_, i);
          return *this;
        }
      }
      done_ = true;
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    detail::index_buffer<T> state_;
    std::vector<std::size_t> indices_;  // a permutation of 0 … n-1; the output is its first r
    std::vector<std::size_t> cycles_;
    bool done_ = true;
  };

  permutations_view() : pool_(std::make_shared<const std::vector<T>>()) {}
  permutations_view(std::vector<T> pool, std::size_t r)
      : pool_(std::make_shared<const std::vector<T>>(std::move(pool))), r_(r) {}
  /// r = the pool's size (Python's `r=None`).
  explicit permutations_view(std::vector<T> pool) : permutations_view(std::move(pool), 0) { r_ = pool_->size(); }

  iterator begin() const { return {*pool_, r_}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::shared_ptr<const std::vector<T>> pool_;
  std::size_t r_ = 0;
};

/// Python's `itertools.permutations(iterable, r)` as a stage: `range(3) | permutations(2)` gives
/// `01 02 10 12 20 21`. Each output is a `std::span<const T>` of r elements, valid until the next
/// step (see `permutations_view`); r > size gives nothing, r == 0 one empty span.
///
/// As in CPython, the whole input is read when the stage is applied (a generator is drained then);
/// the outputs are produced lazily. Memory: a copy of the input's elements, plus n indices, r
/// counters and r elements per iterator. Throws `std::invalid_argument("r must be non-negative")`
/// here, at construction, if `r < 0`.
inline auto permutations(long long r) {
  const std::size_t size = detail::checked_r(r);
  return stage{[size]<detail::poolable_range R>(R && range) requires std::copyable<std::ranges::range_value_t<R>>{
      return permutations_view<std::ranges::range_value_t<R>>(detail::make_pool(std::forward<R>(range)), size);
}
}
;
}

/// `range | permutations()`: every ordering of all the elements (Python's `permutations(iterable)`,
/// r = len): n! outputs of n elements each.
inline auto permutations() {
  return stage{[]<detail::poolable_range R>(R && range) requires std::copyable<std::ranges::range_value_t<R>>{
      return permutations_view<std::ranges::range_value_t<R>>(detail::make_pool(std::forward<R>(range)));
}
}
;
}

/// `permutations(range, r)`: the same, as a source.
template <detail::poolable_range R>
  requires std::copyable<std::ranges::range_value_t<R>>
auto permutations(R&& range, long long r) {
  const std::size_t size = detail::checked_r(r);
  return permutations_view<std::ranges::range_value_t<R>>(detail::make_pool(std::forward<R>(range)), size);
}

/// `permutations(range)`: every ordering of all the elements, as a source.
template <detail::poolable_range R>
  requires std::copyable<std::ranges::range_value_t<R>>
auto permutations(R&& range) {
  return permutations_view<std::ranges::range_value_t<R>>(detail::make_pool(std::forward<R>(range)));
}

}  // namespace yieldpipe
