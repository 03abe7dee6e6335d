#pragma once
// Python's itertools.tee.

#include <algorithm>
#include <array>
#include <cstddef>
#include <deque>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "yieldpipe/iter/detail/iterator_facade.hpp"

namespace yieldpipe {

template <std::ranges::input_range V>
  requires std::ranges::view<V>
class tee_view;

namespace detail {

// What the consumers of one tee share: the source, its iterator, and the elements that some
// consumer has not read yet (or is still reading), from index `first_` on.
//
// Each reader needs the elements from index `needed()` on: the one its iterator is on (if any),
// then those it has not read. Elements below the minimum over live readers are dropped, so the
// buffer holds only the lag between the slowest and the fastest reader.
template <class V>
class tee_state {
 public:
  using value_type = std::ranges::range_value_t<V>;

  explicit tee_state(V source) : source_(std::move(source)) {}

  std::size_t add_reader(std::size_t next) {
    const reader r{next, false, true};
    if (!free_.empty()) {
      const std::size_t id = free_.back();
      free_.pop_back();
      readers_[id] = r;
      return id;
    }
    readers_.push_back(r);
    return readers_.size() - 1;
  }

  void remove_reader(std::size_t id) noexcept {
    readers_[id].alive = false;
    free_.push_back(id);  // capacity for it was reserved when the reader was added
    trim();
  }

  // Python's next() on reader `id`: moves it to its next element (pulled from the source if no
  // reader has read it yet). False at the end.
  bool advance(std::size_t id) {
    reader& r = readers_[id];
    const std::size_t was_needed = r.needed();
    if (r.next == first_ + items_.size() && !fetch()) {
      r.holding = false;
    } else {
      r.holding = true;
      ++r.next;
    }
    if (was_needed == first_) trim();
    return r.holding;
  }

  const value_type& current(std::size_t id) const noexcept { return items_[readers_[id].next - 1 - first_]; }
  std::size_t next_index(std::size_t id) const noexcept { return readers_[id].next; }
  std::size_t buffered() const noexcept { return items_.size(); }
  void reserve_reader() { free_.reserve(readers_.size() + 1); }

 private:
  struct reader {
    std::size_t next = 0;  // the index of the next element to read
    bool holding = false;  // the reader's iterator is on element next - 1
    bool alive = false;
    std::size_t needed() const noexcept { return holding ? next - 1 : next; }
  };

  bool fetch() {
    if (exhausted_) return false;
    if (it_)
      ++*it_;
    else
      it_.emplace(std::ranges::begin(source_));
    if (*it_ == std::ranges::end(source_)) {
      exhausted_ = true;
      return false;
    }
    items_.push_back(**it_);
    return true;
  }

  void trim() noexcept {
    std::size_t low = std::numeric_limits<std::size_t>::max();
    for (const reader& r : readers_)
      if (r.alive) low = std::min(low, r.needed());
    while (!items_.empty() && first_ < low) {
      items_.pop_front();
      ++first_;
    }
  }

  V source_;
  std::optional<std::ranges::iterator_t<V>> it_;  // empty until the first pull
  bool exhausted_ = false;
  std::deque<value_type> items_;
  std::size_t first_ = 0;  // the index of items_.front() in the source
  std::vector<reader> readers_;
  std::vector<std::size_t> free_;
};

// Creates consumers: the only way in to tee_view's private constructor.
struct tee_access {
  template <class V>
  static tee_view<V> make(std::shared_ptr<tee_state<V>> s, std::size_t next) {
    return tee_view<V>(std::move(s), next);
  }
};

template <class T>
inline constexpr bool is_tee_view = false;
template <class V>
inline constexpr bool is_tee_view<tee_view<V>> = true;

}  // namespace detail

/// One of the independent consumers that `tee` returns: a single-pass input range over the
/// source's elements, like a generator (move-only, and not a `std::ranges::view`, so an lvalue
/// consumer is borrowed by a pipeline and advances). Each call of `begin()` is Python's `next()`:
/// it reads the consumer's next element (a second `for` loop goes on where the first stopped).
///
/// Elements are `const T&` into the shared buffer, valid until this consumer advances. A
/// consumer pulls from the source only when it is ahead of all others; otherwise it reads the
/// buffer. Destroying a consumer releases what only it still needed. Not thread-safe (neither is
/// Python's): all consumers of one tee must be used from one thread at a time.
template <std::ranges::input_range V>
  requires std::ranges::view<V>
class tee_view {
  using state = detail::tee_state<V>;

 public:
  using value_type = std::ranges::range_value_t<V>;

  class iterator : public detail::input_iterator_facade<iterator, value_type> {
   public:
    iterator() = default;

    const value_type& operator*() const noexcept { return state_->current(id_); }
    const value_type* operator->() const noexcept { return &state_->current(id_); }
    iterator& operator++() {
      done_ = !state_->advance(id_);
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    friend class tee_view;
    iterator(state* s, std::size_t id, bool done) : state_(s), id_(id), done_(done) {}

    state* state_ = nullptr;
    std::size_t id_ = 0;
    bool done_ = true;
  };

  /// An empty consumer (no source).
  tee_view() = default;
  tee_view(tee_view&& other) noexcept : state_(std::move(other.state_)), id_(other.id_) {}
  tee_view& operator=(tee_view&& other) noexcept {
    if (this != &other) {
      release();
      state_ = std::move(other.state_);
      id_ = other.id_;
    }
    return *this;
  }
  ~tee_view() { release(); }

  /// Python's next(): reads the next element; an iterator on it, or the end.
  iterator begin() {
    if (!state_) return {};
    return {state_.get(), id_, !state_->advance(id_)};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

  /// Python's `copy(t)`: a new, independent consumer that starts at this one's position (the next
  /// element this one would read).
  tee_view copy() const {
    if (!state_) return {};
    return detail::tee_access::make(state_, state_->next_index(id_));
  }

  /// How many elements the consumers of this tee hold in their shared buffer (the lag between
  /// the slowest and the fastest, plus the element the slowest is on).
  std::size_t buffered() const noexcept { return state_ ? state_->buffered() : 0; }

 private:
  friend struct detail::tee_access;

  tee_view(std::shared_ptr<state> s, std::size_t next) : state_(std::move(s)) {
    state_->reserve_reader();
    id_ = state_->add_reader(next);
  }

  void release() noexcept {
    if (state_) std::exchange(state_, nullptr)->remove_reader(id_);
  }

  std::shared_ptr<state> state_;
  std::size_t id_ = 0;
};

namespace detail {

inline void check_tee_count(long long n) {
  if (n < 0) throw std::invalid_argument("n must be >= 0");
}

}  // namespace detail

/// Python's `itertools.tee(iterable, n)`: `n` independent consumers (see `tee_view`) of one source,
/// as a vector (Python's tuple); `n == 0` gives none. Nothing is pulled at creation; each source
/// element is pulled once, by the first consumer to reach it, and kept until the last live
/// consumer has passed it: memory is the lag between the slowest and the fastest consumer (O(1)
/// for consumers in lockstep, the whole source if one consumer reads everything before another
/// starts). An lvalue source is borrowed and must outlive the consumers; it can still be advanced
/// elsewhere (those elements are lost to every consumer, the buffered ones are kept). Dropping
/// the consumers never closes a borrowed source.
/// Throws `std::invalid_argument("n must be >= 0")` if `n < 0`.
template <std::ranges::viewable_range R>
  requires std::ranges::input_range<R> && (!detail::is_tee_view<std::remove_cvref_t<R>>)
auto tee(R&& range, long long n = 2) {
  detail::check_tee_count(n);
  using view = std::views::all_t<R>;
  std::vector<tee_view<view>> out;
  if (n == 0) return out;
  auto s = std::make_shared<detail::tee_state<view>>(std::views::all(std::forward<R>(range)));
  out.reserve(static_cast<std::size_t>(n));
  for (long long i = 0; i < n; ++i) out.push_back(detail::tee_access::make(s, 0));
  return out;
}

/// `tee` of a tee consumer: `n` new independent consumers that start at `t`'s position, sharing
/// its buffer; `t` itself goes on independently. This is CPython's behaviour since gh-123884 (fixed in
/// October 2024, in 3.12 and 3.13 maintenance releases): before it, the first output was `t` itself.
/// Throws `std::invalid_argument("n must be >= 0")` if `n < 0`.
template <class W>
std::vector<tee_view<W>> tee(const tee_view<W>& t, long long n = 2) {
  detail::check_tee_count(n);
  std::vector<tee_view<W>> out;
  out.reserve(static_cast<std::size_t>(n));
  for (long long i = 0; i < n; ++i) out.push_back(t.copy());
  return out;
}

/// `tee<N>(range)`: the same as `tee(range, N)`, as a `std::array` for structured bindings
/// (`auto [a, b] = tee<2>(source);`).
template <std::size_t N, class R>
auto tee(R&& range) {
  auto consumers = tee(std::forward<R>(range), static_cast<long long>(N));
  std::array<typename decltype(consumers)::value_type, N> out;
  for (std::size_t i = 0; i < N; ++i) out[i] = std::move(consumers[i]);
  return out;
}

}  // namespace yieldpipe
