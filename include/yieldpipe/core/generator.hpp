#pragma once
// yieldpipe::generator: Python's generator, with send, throw, close, return values and flat
// `yield from` delegation, as a C++20 coroutine.

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/core/exceptions.hpp"
#include "yieldpipe/core/frame_allocator.hpp"
#include "yieldpipe/core/gen_state.hpp"
#include "yieldpipe/core/yield_from.hpp"

namespace yieldpipe {

namespace detail {

template <class Send>
struct sent_slot {
  std::optional<Send> value;
  void reset() noexcept { value.reset(); }
};
template <>
struct sent_slot<void> {
  void reset() noexcept {}
};

// One coroutine frame in a delegation chain. Every generator with the same Yield and Send types
// shares this base, whatever its Return type, so frames of different Return types can delegate to
// each other.
//
// Invariants of a chain (root = the frame a user's generator object owns):
// - only the innermost frame (`root_->leaf_`) is ever suspended at a `co_yield` of a value; every
//   other frame is suspended at a `co_yield yield_from(...)`;
// - every resumption goes through the root's driver loop (`generator::resume_root`), which resumes
//   the leaf directly: an element costs O(1) at any depth. Entering and leaving a sub-generator
//   suspends back to the loop instead of transferring symmetrically, so the stack never grows
//   with the depth, even where the compiler does not turn symmetric transfer into a tail call
//   (g++ at -O0 and under AddressSanitizer);
// - state shared by the chain (the yielded value, the sent value, the exception to raise, the
//   running flag) lives in the root only.
template <class Yield, class Send>
struct frame_node {
  frame_node* root_ = this;
  frame_node* parent_ = nullptr;  // the delegating frame, null for a root
  std::coroutine_handle<> handle_;
  // The innermost frame below this one. Kept for a root; for a frame dropped from a chain while
  // suspended (see `generator::drive_exiting`) it tells the destructor where to start.
  frame_node* leaf_ = this;
  // The handle inside the delegating frame's awaiter that owns this frame: cleared when the chain
  // is destroyed leaf first, so the awaiter does not destroy it a second time.
  std::coroutine_handle<>* owner_slot_ = nullptr;
  std::exception_ptr exception_;  // what escaped this frame's body
  std::exception_ptr pending_;    // raised at this frame's suspension point when it resumes
  bool exit_injected_ = false;    // generator_exit was raised into this frame by close/throw_

  // Root-only state.
  Yield* value_ = nullptr;
  // The address of leaf_'s handle, read once per element. Null while the chain runs: that is the
  // running flag, checked before every resumption (atomic so that a second thread's check is not a
  // data race; relaxed, because the check detects misuse rather than synchronising anything).
  std::atomic<void*> resume_address_{nullptr};
  bool value_movable_ = false;  // the yielded object is a temporary: next() may move from it
  bool started_ = false;
  bool begun_ = false;  // begin() was called
  sent_slot<Send> sent_;

  bool running() const noexcept { return resume_address_.load(std::memory_order_relaxed) == nullptr; }

  void set_leaf(frame_node* n) noexcept {
    leaf_ = n;
    resume_address_.store(n->handle_.address(), std::memory_order_relaxed);
  }

  // Runs at every resumption of a frame: the rethrow stays out of line so that the coroutine's
  // per-element path needs no stack frame of its own.
  void raise_pending() {
    if (pending_) [[unlikely]]
      rethrow_pending();
  }
  [[noreturn, gnu::noinline, gnu::cold]] void rethrow_pending() {
    std::rethrow_exception(std::exchange(pending_, nullptr));
  }
};

template <class Return>
struct return_slot {
  std::optional<Return> returned_;
  template <class U = Return>
    requires std::is_convertible_v<U&&, Return>
  void return_value(U&& v) {
    returned_.emplace(std::forward<U>(v));
  }
};
template <>
struct return_slot<void> {
  void return_void() noexcept {}
};

template <class Yield, class Send>
generator<Yield, Send, void> delegate_to_range(auto view);

}  // namespace detail

/// A lazily evaluated sequence produced by a coroutine, with Python's generator semantics.
///
/// - `Yield`: the element type (an object type; `co_yield` of an lvalue does not copy it: the
///   consumer sees the generator's own object until the next resumption).
/// - `Send`: the type of values `send()` passes in; `co_yield v` then evaluates to
///   `std::optional<Send>`, empty when the generator was resumed by `next()` or iteration
///   (Python's `None`). With `Send = void`, `co_yield` evaluates to nothing.
/// - `Return`: the type of `co_return v`, read with `return_value()` after the end.
///
/// Nothing runs until the first `next()` or `begin()`. The generator is a move-only, single-pass
/// `std::ranges::input_range`, so `std::views` compose with it: an lvalue generator is borrowed
/// (`std::ranges::ref_view`), an rvalue one is owned by the view (`std::ranges::owning_view`). It is
/// deliberately not a `std::ranges::view`: a move-only view cannot be borrowed by `views::all`.
/// Destroying a suspended generator destroys its frames innermost first (RAII cleanup runs,
/// `catch (generator_exit)` handlers do not). Parameters of the coroutine are copied into its
/// frame only if taken by value: take them by value.
///
/// C++ forbids `co_yield` inside a `catch` handler: to yield in response to an exception (or to
/// `generator_exit`), record it in the handler and yield after it. g++ 12 destroys some temporaries
/// in a `co_yield` operand twice (a braced aggregate, `co_yield stats{count, values};`, or a
/// conditional whose arms are temporaries): build the value in a local first. See docs/generator.md.
template <class Yield, class Send = void, class Return = void>
class generator {
  static_assert(std::is_object_v<Yield> && !std::is_const_v<Yield> && !std::is_volatile_v<Yield>,
                "generator<Yield>: Yield must be a non-const object type");
  using node = detail::frame_node<Yield, Send>;

 public:
  using value_type = Yield;
  using reference = Yield&;
  using send_type = Send;
  using return_type = Return;

  class promise_type;
  class iterator;

  generator() noexcept = default;
  generator(generator&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  generator& operator=(generator&& other) noexcept {
    if (this != &other) {
      destroy();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  ~generator() { destroy(); }

  /// Python's `inspect.getgeneratorstate`. A default-constructed or moved-from generator is closed.
  [[nodiscard]] gen_state state() const noexcept {
    if (!frame_) return gen_state::closed;
    const node& r = root();
    if (r.running()) return gen_state::running;
    if (frame_.done()) return gen_state::closed;
    return r.started_ ? gen_state::suspended : gen_state::created;
  }

  /// True once the generator has finished or was closed.
  [[nodiscard]] bool done() const noexcept { return !frame_ || frame_.done(); }

  /// True while the generator is suspended inside a `yield_from` (Python's `gi_yieldfrom`).
  [[nodiscard]] bool is_delegating() const noexcept { return frame_ && !frame_.done() && root().leaf_ != &root(); }

  /// Python's `next(gen)` / `send(None)`: resumes the generator and returns the next element, or an
  /// empty optional at the end (the return value is then in `return_value()`). An exception that
  /// escapes the body is rethrown here and the generator is closed.
  std::optional<Yield> next() {
    if (done()) return std::nullopt;
    node& r = root();
    r.sent_.reset();
    resume_root(r);
    return take_value(r);
  }

  /// Python's `gen.send(v)`: resumes the generator so that the suspended `co_yield` evaluates to
  /// `v`, and returns the next element (empty at the end). Throws `invalid_send` on a generator
  /// that has not started (it stays created).
  template <class U = Send>
    requires(!std::is_void_v<Send>) && std::is_constructible_v<Send, U&&>
  std::optional<Yield> send(U&& v) {
    if (done()) return std::nullopt;
    node& r = root();
    check_not_running(r);
    if (!r.started_) throw invalid_send("send() of a value to a generator that has not started: call next() first");
    r.sent_.value.emplace(std::forward<U>(v));
    resume_root(r);
    return take_value(r);
  }

  /// Python's `gen.throw(e)`: raises `e` at the suspension point. Returns the element the generator
  /// yields if it handles `e`, an empty optional if it then finishes; rethrows what escapes it
  /// (the generator is then closed). Into a created generator, `e` is raised before the body
  /// runs; into a closed one, `e` is rethrown at once. `generator_exit` is raised in every frame
  /// of a delegation chain, innermost first, as Python's `sub.close()` would.
  std::optional<Yield> throw_(std::exception_ptr e) {
    if (done()) std::rethrow_exception(e);
    node& r = root();
    check_not_running(r);
    r.leaf_->pending_ = e;
    if (r.started_ && is_generator_exit(e)) {
      mark_exit_injected(r);
      drive_exiting(r);
      r.exit_injected_ = false;
    } else {
      resume_root(r);
    }
    return take_value(r);
  }

  template <class E>
    requires(!std::is_same_v<std::decay_t<E>, std::exception_ptr>)
  std::optional<Yield> throw_(E&& e) {
    return throw_(std::make_exception_ptr(std::forward<E>(e)));
  }

  /// Python's `gen.close()`: raises `generator_exit` at the suspension point (in every frame of a
  /// delegation chain, innermost first), so `catch` handlers and RAII cleanup run. Returns the
  /// value of a `co_return` the body made in response (CPython 3.13), otherwise nothing. Throws
  /// `generator_ignored_exit` if the generator yields instead (it then stays suspended at that
  /// `co_yield`), and rethrows any other exception that escapes. Does nothing on a created
  /// (which becomes closed without running) or closed generator.
  auto close() {
    if constexpr (std::is_void_v<Return>) {
      close_frames();
    } else {
      if (!close_frames()) return std::optional<Return>{};
      return std::move(promise().returned_);
    }
  }

  /// The value of `co_return v`, readable once the generator has finished (and afterwards).
  /// Throws `generator_misuse` before the end, or if the generator ended without returning a
  /// value (closed, or an exception escaped).
  template <class R = Return>
    requires(!std::is_void_v<R>)
  [[nodiscard]] R& return_value() {
    if (!done()) throw generator_misuse("return_value() of a generator that has not finished");
    if (!frame_ || !promise().returned_)
      throw generator_misuse("return_value() of a generator that ended without co_return of a value");
    return *promise().returned_;
  }

  /// Starts (or resumes) the generator and returns an iterator at its next element. A generator is
  /// single-pass: a second `begin()` while it is part-way through throws `generator_misuse`
  /// (keep the iterator, or call `next()`); on a finished generator it returns the end, so
  /// re-iterating an exhausted generator yields nothing, as in Python.
  iterator begin() {
    if (!frame_) return iterator{};
    node& r = root();
    if (!frame_.done()) {
      if (r.begun_)
        throw generator_misuse(
            "begin() called twice on a generator that is part-way through: a generator is a single-pass range");
      r.begun_ = true;
      advance(r, frame_);
    }
    return iterator{frame_, &r};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  template <class, class, class>
  friend class generator;

  explicit generator(std::coroutine_handle<> frame) noexcept : frame_(frame) {}

  promise_type& promise() const noexcept {
    return std::coroutine_handle<promise_type>::from_address(frame_.address()).promise();
  }
  node& root() const noexcept { return promise(); }

  // The throwing paths stay out of line so that the per-element path inlines into the loop.
  [[noreturn, gnu::noinline, gnu::cold]] static void throw_already_executing() { throw generator_already_executing(); }
  [[noreturn, gnu::noinline, gnu::cold]] static void rethrow_escaped(node& r) {
    std::rethrow_exception(std::exchange(r.exception_, nullptr));
  }

  static void check_not_running(node& r) {
    if (r.running()) [[unlikely]]
      throw_already_executing();
  }

  // Resumes the chain until a value is yielded or the root finishes. Entering or leaving a
  // sub-generator publishes the new leaf (set_leaf) and suspends back here; yielding or finishing
  // publishes nothing.
  [[gnu::always_inline]] static void resume_root(node& r) {
    void* leaf = r.resume_address_.load(std::memory_order_relaxed);
    if (leaf == nullptr) [[unlikely]]
      throw_already_executing();
    r.resume_address_.store(nullptr, std::memory_order_relaxed);
    std::coroutine_handle<>::from_address(leaf).resume();
    while (void* next = r.resume_address_.load(std::memory_order_relaxed)) [[unlikely]] {
      leaf = next;
      r.resume_address_.store(nullptr, std::memory_order_relaxed);
      std::coroutine_handle<>::from_address(leaf).resume();
    }
    r.resume_address_.store(leaf, std::memory_order_relaxed);
  }

  // The iterator's ++: resume, then rethrow what escaped the body at the end. `frame` is the
  // root's handle, which the iterator holds: its done() check is shared with operator==.
  [[gnu::always_inline]] static void advance(node& r, std::coroutine_handle<> frame) {
    r.sent_.reset();
    resume_root(r);
    if (frame.done() && r.exception_) [[unlikely]]
      rethrow_escaped(r);
  }

  std::optional<Yield> take_value(node& r) {
    if (frame_.done()) {
      if (r.exception_) std::rethrow_exception(std::exchange(r.exception_, nullptr));
      return std::nullopt;
    }
    if (r.value_movable_) return std::optional<Yield>(std::move(*r.value_));
    return std::optional<Yield>(*r.value_);
  }

  static bool is_generator_exit(const std::exception_ptr& e) {
    try {
      std::rethrow_exception(e);
    } catch (const generator_exit&) {
      return true;
    } catch (...) {
      return false;
    }
  }

  // Every frame on the chain is being closed, as Python's recursive `sub.close()` would.
  static void mark_exit_injected(node& r) {
    for (node* n = r.leaf_; n != nullptr; n = n->parent_) n->exit_injected_ = true;
  }

  // Drives a chain into which generator_exit was raised. A frame that yields while it is being
  // closed makes its delegator's `sub.close()` fail: the delegator gets generator_ignored_exit at
  // its `yield_from`, and the frame (with what is below it) is dropped. Returns when the root
  // finishes or the root level yields (the yield then reaches the caller of close/throw_).
  static void drive_exiting(node& r) {
    for (;;) {
      resume_root(r);
      if (r.handle_.done()) return;
      node* closing = r.leaf_;
      while (closing != &r && !closing->exit_injected_) closing = closing->parent_;
      if (closing == &r) return;
      closing->leaf_ = r.leaf_;  // the dropped sub-chain is destroyed from here by its owner
      closing->parent_->pending_ = std::make_exception_ptr(generator_ignored_exit());
      r.set_leaf(closing->parent_);
    }
  }

  // close() without the return value: false if nothing ran.
  bool close_frames() {
    if (done()) return false;
    node& r = root();
    check_not_running(r);
    if (!r.started_) {
      destroy();
      return false;
    }
    mark_exit_injected(r);
    r.leaf_->pending_ = std::make_exception_ptr(generator_exit());
    drive_exiting(r);
    r.exit_injected_ = false;
    if (!frame_.done()) throw generator_ignored_exit();
    if (std::exception_ptr e = std::exchange(r.exception_, nullptr)) {
      try {
        std::rethrow_exception(e);
      } catch (const generator_exit&) {
        return false;
      }
    }
    return true;
  }

  // Destroys the chain innermost first, iteratively: a recursive destruction of a deep chain
  // would overflow the stack.
  void destroy() noexcept {
    if (!frame_) return;
    node* top = &root();
    for (node* n = top->leaf_; n != top;) {
      node* parent = n->parent_;
      if (n->owner_slot_ != nullptr) *n->owner_slot_ = {};
      n->handle_.destroy();
      n = parent;
    }
    std::exchange(frame_, {}).destroy();
  }

  std::coroutine_handle<> frame_;
};

template <class Yield, class Send, class Return>
class generator<Yield, Send, Return>::promise_type : public detail::frame_node<Yield, Send>,
                                                     public detail::return_slot<Return>,
                                                     public frame_allocation {
  using node = detail::frame_node<Yield, Send>;

  struct initial_awaiter {
    promise_type* self;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    // throw_ into a created generator raises here, before the first statement of the body.
    void await_resume() const {
      self->started_ = true;
      self->raise_pending();
    }
  };

  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<promise_type> h) const noexcept {
      promise_type& p = h.promise();
      if (p.parent_ != nullptr) {  // back to the delegator, through the root's driver loop
        p.root_->set_leaf(p.parent_);
      }
    }
    void await_resume() const noexcept {}
  };

  // The awaiter of `co_yield value`: the value was published in yield_value.
  struct yield_awaiter {
    promise_type* self;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    auto await_resume() const {
      self->raise_pending();
      if constexpr (!std::is_void_v<Send>) {
        // Field by field: a whole-object copy of the optional is a wide load from the two narrower
        // stores send() just made, which the CPU cannot forward (a stall of ~10 cycles).
        std::optional<Send>& sent = self->root_->sent_.value;
        return sent.has_value() ? std::optional<Send>(std::move(*sent)) : std::nullopt;
      }
    }
  };

  // The awaiter of `co_yield` of a const lvalue or of another type: holds the element.
  struct copy_awaiter : yield_awaiter {
    Yield element;
    void await_suspend(std::coroutine_handle<>) noexcept {
      this->self->root_->value_ = std::addressof(element);
      this->self->root_->value_movable_ = true;
    }
  };

  // The awaiter of `co_yield yield_from(sub)`: owns `sub` for the whole delegation.
  template <class ChildReturn>
  struct delegation_awaiter {
    promise_type* self;
    generator<Yield, Send, ChildReturn> child;

    bool await_ready() const {
      if (child.done()) return true;
      check_not_running(child.root());
      return false;
    }
    void await_suspend(std::coroutine_handle<>) noexcept {
      node& r = *self->root_;
      node& c = child.root();
      node* leaf = c.leaf_;  // not c itself if the child is part-way through a delegation of its own
      for (node* n = leaf;; n = n->parent_) {
        n->root_ = &r;
        if (n == &c) break;
      }
      c.parent_ = self;
      c.owner_slot_ = &child.frame_;
      c.leaf_ = &c;
      r.set_leaf(leaf);
      r.sent_.reset();  // Python's `yield from` starts with next(sub)
    }
    ChildReturn await_resume() {
      self->raise_pending();
      if (child.frame_) {
        node& c = child.root();
        if (c.exception_) std::rethrow_exception(std::exchange(c.exception_, nullptr));
        // The child caught generator_exit and returned: the delegator still gets generator_exit.
        if (c.exit_injected_) throw generator_exit();
      }
      if constexpr (!std::is_void_v<ChildReturn>) return std::move(child.return_value());
    }
  };

 public:
  generator get_return_object() noexcept {
    this->handle_ = std::coroutine_handle<promise_type>::from_promise(*this);
    this->set_leaf(this);
    return generator{this->handle_};
  }

  initial_awaiter initial_suspend() noexcept { return {this}; }
  final_awaiter final_suspend() noexcept { return {}; }

  void unhandled_exception() {
    try {
      throw;
    } catch (const stop_iteration&) {  // PEP 479
      try {
        std::throw_with_nested(generator_raised_stop_iteration());
      } catch (...) {
        this->exception_ = std::current_exception();
      }
    } catch (...) {
      this->exception_ = std::current_exception();
    }
  }

  yield_awaiter yield_value(Yield& v) noexcept {
    this->root_->value_ = std::addressof(v);
    this->root_->value_movable_ = false;
    return {this};
  }
  yield_awaiter yield_value(Yield&& v) noexcept {
    this->root_->value_ = std::addressof(v);
    this->root_->value_movable_ = true;
    return {this};
  }
  copy_awaiter yield_value(const Yield& v)
    requires std::is_copy_constructible_v<Yield>
  {
    return {{this}, Yield(v)};
  }
  template <class U>
    requires(!std::is_same_v<std::remove_cvref_t<U>, Yield>) && std::is_constructible_v<Yield, U&&>
  copy_awaiter yield_value(U&& v) {
    return {{this}, Yield(std::forward<U>(v))};
  }

  template <class ChildYield, class ChildSend, class ChildReturn>
  auto yield_value(detail::generator_delegation<generator<ChildYield, ChildSend, ChildReturn>>&& d) {
    if constexpr (std::is_same_v<ChildYield, Yield> && std::is_same_v<ChildSend, Send>) {
      return delegation_awaiter<ChildReturn>{this, std::move(d.child)};
    } else {
      using child_view = std::views::all_t<generator<ChildYield, ChildSend, ChildReturn>>;
      return yield_value(detail::range_delegation<child_view>{std::views::all(std::move(d.child))});
    }
  }
  template <class View>
  delegation_awaiter<void> yield_value(detail::range_delegation<View>&& d) {
    return {this, detail::delegate_to_range<Yield, Send>(std::move(d.view))};
  }
};

/// The iterator of a generator: `*it` is the generator's current element, `++it` resumes it.
template <class Yield, class Send, class Return>
class generator<Yield, Send, Return>::iterator {
 public:
  using value_type = Yield;
  using difference_type = std::ptrdiff_t;
  using reference = Yield&;
  using iterator_concept = std::input_iterator_tag;

  iterator() noexcept = default;
  iterator(iterator&&) noexcept = default;
  iterator& operator=(iterator&&) noexcept = default;

  reference operator*() const noexcept { return *root_->value_; }
  Yield* operator->() const noexcept { return root_->value_; }
  iterator& operator++() {
    generator::advance(*root_, frame_);
    return *this;
  }
  void operator++(int) { ++*this; }

  friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
    return !it.frame_ || it.frame_.done();
  }

 private:
  friend class generator;
  iterator(std::coroutine_handle<> frame, node* root) noexcept : frame_(frame), root_(root) {}

  std::coroutine_handle<> frame_;
  node* root_ = nullptr;
};

/// Python's `next(gen)`: the next element, or `stop_iteration` at the end. Inside a generator
/// body an escaping `stop_iteration` becomes `generator_raised_stop_iteration` (PEP 479).
template <class Y, class S, class R>
Y next(generator<Y, S, R>& gen) {
  if (auto v = gen.next()) return std::move(*v);
  throw stop_iteration();
}

/// Python's `next(gen, default)`.
template <class Y, class S, class R, class D>
Y next(generator<Y, S, R>& gen, D&& fallback) {
  if (auto v = gen.next()) return std::move(*v);
  return Y(std::forward<D>(fallback));
}

namespace detail {

template <class Yield, class Send>
generator<Yield, Send, void> delegate_to_range(auto view) {
  for (auto&& element : view) {
    if constexpr (std::is_void_v<Send>) {
      co_yield std::forward<decltype(element)>(element);
    } else {
      if (auto sent = co_yield std::forward<decltype(element)>(element))
        throw invalid_send("send() of a value while delegating to a range, which cannot receive it");
    }
  }
}

}  // namespace detail

}  // namespace yieldpipe
