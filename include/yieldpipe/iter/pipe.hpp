#pragma once
// Pipe composition: `source | stage | ... | terminal`.
//
// A stage is a value that turns an input range into a lazy view (`map(f)`, `filter(p)`, ...); a
// terminal consumes a range into a result (`to_vector()`, `sum()`, ...). Both can be composed and
// stored before any source is known:
//
//   auto clean = filter(is_valid) | map(normalise);   // a stage
//   auto total = readings | clean | sum();            // applied to a source, then consumed
//
// Stages are range adaptors: a pipeline of them inlines into one loop, with no coroutine per stage
// and no allocation per element. A source is any `std::ranges::input_range`: an lvalue is borrowed
// (it must outlive the pipeline), an rvalue (a generator, a container) is moved into it.
//
// Applying a stage reads nothing: like the body of a Python generator expression, all work happens
// at the first read. A source that is not a range does not compile (where Python's generator
// expression raises TypeError at creation, semantics item 9).

#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>

namespace yieldpipe {

namespace detail {

// Holds a callable so that views stay movable (and copyable when it is) even when the callable
// is a lambda, whose assignment operators are deleted.
template <class F>
class box {
 public:
  box()
    requires std::default_initializable<F>
  = default;
  constexpr explicit box(F f) : f_(std::move(f)) {}
  constexpr box(const box&) = default;
  constexpr box(box&&) = default;
  constexpr box& operator=(const box& other)
    requires std::copy_constructible<F>
  {
    if (this != &other) f_.emplace(*other.f_);
    return *this;
  }
  constexpr box& operator=(box&& other) noexcept(std::is_nothrow_move_constructible_v<F>) {
    if (this != &other) f_.emplace(std::move(*other.f_));
    return *this;
  }
  constexpr F& operator*() noexcept { return *f_; }
  constexpr const F& operator*() const noexcept { return *f_; }

 private:
  std::optional<F> f_{std::in_place};
};

// The result of a function for the current element, computed once: a value is stored, a reference
// is stored as a pointer.
template <class T>
class result_cache {
  using stored = std::conditional_t<std::is_reference_v<T>, std::remove_reference_t<T>*, T>;

 public:
  bool has_value() const noexcept { return v_.has_value(); }
  void reset() noexcept { v_.reset(); }
  template <class U>
  void emplace(U&& u) {
    if constexpr (std::is_reference_v<T>)
      v_.emplace(std::addressof(u));
    else
      v_.emplace(std::forward<U>(u));
  }
  stored& value() noexcept { return *v_; }
  stored& operator*() noexcept { return *v_; }

 private:
  std::optional<stored> v_;
};

}  // namespace detail

/// A pipeline stage: `range | stage` is `stage(range)`, a lazy view.
template <class Fn>
class stage {
 public:
  constexpr explicit stage(Fn fn) : fn_(std::move(fn)) {}

  template <std::ranges::viewable_range R>
    requires std::invocable<const Fn&, R>
  constexpr auto operator()(R&& range) const {
    return fn_(std::forward<R>(range));
  }

  /// The function object that makes the view (iter/async_stages.hpp reads its parameters).
  constexpr const Fn& function() const noexcept { return fn_; }

 private:
  Fn fn_;
};

/// A pipeline terminal: `range | terminal` consumes the range and returns the result.
template <class Fn>
class terminal {
 public:
  constexpr explicit terminal(Fn fn) : fn_(std::move(fn)) {}

  template <std::ranges::input_range R>
    requires std::invocable<const Fn&, R>
  constexpr decltype(auto) operator()(R&& range) const {
    return fn_(std::forward<R>(range));
  }

 private:
  Fn fn_;
};

template <std::ranges::viewable_range R, class Fn>
  requires std::ranges::input_range<R> && std::invocable<const Fn&, R>
constexpr auto operator|(R&& range, const stage<Fn>& s) {
  return s(std::forward<R>(range));
}

template <std::ranges::input_range R, class Fn>
  requires std::invocable<const Fn&, R>
constexpr decltype(auto) operator|(R&& range, const terminal<Fn>& t) {
  return t(std::forward<R>(range));
}

/// `stage | stage`: a stage that applies both, left first.
template <class F, class G>
constexpr auto operator|(stage<F> first, stage<G> second) {
  return stage{[first = std::move(first), second = std::move(second)]<class R>(R&& range) {
    return second(first(std::forward<R>(range)));
  }};
}

/// `stage | terminal`: a terminal that applies the stage first.
template <class F, class G>
constexpr auto operator|(stage<F> first, terminal<G> last) {
  return terminal{[first = std::move(first), last = std::move(last)]<class R>(R&& range) -> decltype(auto) {
    return last(first(std::forward<R>(range)));
  }};
}

}  // namespace yieldpipe
