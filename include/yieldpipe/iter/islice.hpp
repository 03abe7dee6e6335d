#pragma once
// Python's itertools.islice, and take(n) / drop(n) as its common cases.

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
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// The bounds of an `islice`, checked: elements `start`, `start + step`, … below `stop` (no end
/// when `stop` is empty).
struct islice_bounds {
  std::size_t start = 0;
  std::optional<std::size_t> stop;
  std::size_t step = 1;
};

namespace detail {

// CPython's checks and messages, quirks included: a stop of -1 gets the "Stop argument" message,
// any other negative index the "Indices" one (islice(x, -2) in CPython 3.11-3.13).
inline islice_bounds make_islice_bounds(std::optional<long long> start, std::optional<long long> stop,
                                        std::optional<long long> step) {
  if (stop && *stop == -1)
    throw std::invalid_argument("Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
  if ((start && *start < 0) || (stop && *stop < -1))
    throw std::invalid_argument("Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
  if (step && *step < 1) throw std::invalid_argument("Step for islice() must be a positive integer or None.");
  islice_bounds b;
  b.start = start ? static_cast<std::size_t>(*start) : 0;
  if (stop) b.stop = static_cast<std::size_t>(*stop);
  b.step = step ? static_cast<std::size_t>(*step) : 1;
  return b;
}

template <class... A>
concept any_floating_point = (std::floating_point<std::remove_cvref_t<A>> || ...);

}  // namespace detail

/// The view of `islice`. It pulls from the base range only what it needs and never more: once
/// fully read it has consumed exactly `max(start, stop)` elements of the base (fewer if the base
/// is shorter), so a borrowed generator is left just before element `max(start, stop)`, whatever
/// the step. It never closes or rewinds the base. Constant memory.
///
/// As with every stage, `begin()` is Python's first `next()`: it is where the elements before
/// `start` are skipped. A view with `stop == 0` never touches the base.
template <std::ranges::input_range V>
  requires std::ranges::view<V>
class islice_view : public std::ranges::view_interface<islice_view<V>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::ranges::range_value_t<V>,
                                                        std::ranges::range_difference_t<V>> {
   public:
    iterator() = default;

    decltype(auto) operator*() const { return *current_; }
    iterator& operator++() {
      // CPython: the next index is min(index + step, stop).
      const std::size_t next = index_ > std::numeric_limits<std::size_t>::max() - step_
                                   ? std::numeric_limits<std::size_t>::max()
                                   : index_ + step_;
      if (stop_ && next >= *stop_) {
        // Consume up to stop (the element at stop - 1 is the last one pulled), and stay there.
        advance_to(*stop_ - 1);
        done_ = true;
      } else {
        advance_to(next);
      }
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    friend class islice_view;

    // An iterator that has read nothing: done without touching the base.
    explicit iterator(base_sentinel end) : end_(std::move(end)), done_(true) {}

    iterator(base_iterator current, base_sentinel end, const islice_bounds& b)
        : current_(std::move(current)), end_(std::move(end)), stop_(b.stop), step_(b.step) {
      if (current_ == end_) {
        done_ = true;
      } else if (stop_ && b.start >= *stop_) {
        // Nothing to yield; CPython still skips `start` elements.
        advance_to(b.start - 1);
        done_ = true;
      } else {
        advance_to(b.start);
      }
    }

    // Moves the base forward until it sits on element `target` (done if the base ends first).
    void advance_to(std::size_t target) {
      while (index_ < target && !done_) {
        ++current_;
        ++index_;
        if (current_ == end_) done_ = true;
      }
    }

    base_iterator current_{};
    base_sentinel end_{};
    std::size_t index_ = 0;  // the index in the base of the element current_ sits on
    std::optional<std::size_t> stop_;
    std::size_t step_ = 1;
    bool done_ = false;
  };

  islice_view()
    requires std::default_initializable<V>
  = default;
  islice_view(V base, islice_bounds bounds) : base_(std::move(base)), bounds_(bounds) {}

  iterator begin() {
    if (bounds_.stop == std::size_t{0}) return iterator(std::ranges::end(base_));
    return iterator(std::ranges::begin(base_), std::ranges::end(base_), bounds_);
  }
  std::default_sentinel_t end() const noexcept { return {}; }

  V base() const&
    requires std::copy_constructible<V>
  {
    return base_;
  }
  V base() && { return std::move(base_); }

 private:
  V base_;
  islice_bounds bounds_;
};

namespace detail {

struct islice_stage_fn {
  islice_bounds bounds;
  template <std::ranges::viewable_range R>
  auto operator()(R&& range) const {
    return islice_view<std::views::all_t<R>>(std::views::all(std::forward<R>(range)), bounds);
  }
};

inline auto islice_stage(islice_bounds b) { return stage{islice_stage_fn{b}}; }

}  // namespace detail

/// Python's `itertools.islice(iterable, stop)`: the first `stop` elements (all of them for
/// `std::nullopt`, Python's None). Lazy; constant memory; pulls at most `stop` elements from the
/// source and leaves the rest there (a borrowed generator can go on with `next()`).
///
/// Throws `std::invalid_argument` here, at construction, for a negative `stop`, with CPython's
/// messages ("Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.").
/// A floating-point argument is a compile error (Python raises the same ValueError).
inline auto islice(std::optional<long long> stop) {
  return detail::islice_stage(detail::make_islice_bounds(std::nullopt, stop, std::nullopt));
}

/// Python's `itertools.islice(iterable, start, stop[, step])`: elements `start`, `start + step`, …
/// before `stop`; `std::nullopt` (None) means 0 for `start`, no end for `stop`, 1 for `step`.
/// Lazy; constant memory. Once fully read it has consumed exactly `max(start, stop)` elements of
/// the source (whatever the step), and it never closes the source.
///
/// Throws `std::invalid_argument` at construction with CPython's messages: a negative index gives
/// "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize." (a stop of -1 the
/// "Stop argument …" one), a step below 1 "Step for islice() must be a positive integer or None.".
inline auto islice(std::optional<long long> start, std::optional<long long> stop,
                   std::optional<long long> step = std::nullopt) {
  return detail::islice_stage(detail::make_islice_bounds(start, stop, step));
}

/// Python takes only integers or None as islice arguments: a floating-point one does not compile.
template <class... A>
  requires detail::any_floating_point<A...>
void islice(A&&...) = delete;

/// The first `n` elements: `islice(n)`. Pulls at most `n` elements from the source; `take(0)`
/// pulls none. Throws `std::invalid_argument` for a negative `n`, as `islice` does.
inline auto take(long long n) { return islice(n); }

/// Everything after the first `n` elements: `islice(n, None)`. The `n` skipped elements are
/// pulled (and discarded) at the first read. Throws `std::invalid_argument` for a negative `n`.
inline auto drop(long long n) { return islice(n, std::nullopt); }

}  // namespace yieldpipe
