#pragma once
// Error policies: what a pipeline does with an element whose processing fails.
//
//   auto policy = on_error::dead_letter([&](const std::string& line, std::string_view why) { ... });
//   auto values = lines | try_map(parse, policy) | to_vector();
//   std::cerr << policy.counts().summary() << '\n';
//
// The guide's "robust generator": a bad element is handled alone (skipped, logged or handed to a
// dead-letter sink) and never costs its good neighbours; `on_error::fail()` rethrows instead.

#include <cxxabi.h>

#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <ostream>
#include <ranges>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// The errors a policy handled, counted by reason: for an exception, its dynamic type
/// (`"std::invalid_argument"`); for a filesystem error (`walk_directory`), the `std::error_code`
/// message (`"Permission denied"`). Copies of a policy share one `error_counts`, so the caller
/// reads the counts at the end through the policy it kept. Not thread-safe.
class error_counts {
 public:
  void add(std::string_view reason) {
    ++total_;
    if (auto it = by_reason_.find(reason); it != by_reason_.end())
      ++it->second;
    else
      by_reason_.emplace(std::string(reason), 1);
  }
  /// Every handled error, whatever the reason.
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }
  /// The errors of one reason (0 if none).
  [[nodiscard]] std::uint64_t count(std::string_view reason) const {
    auto it = by_reason_.find(reason);
    return it == by_reason_.end() ? 0 : it->second;
  }
  /// Reason → count, in the order of the reasons' names.
  [[nodiscard]] const std::map<std::string, std::uint64_t, std::less<>>& by_reason() const noexcept {
    return by_reason_;
  }
  /// One line: `"no errors"`, or `"3 errors: 2 std::invalid_argument, 1 std::out_of_range"`.
  [[nodiscard]] std::string summary() const {
    if (total_ == 0) return "no errors";
    std::string out = std::to_string(total_) + (total_ == 1 ? " error: " : " errors: ");
    bool first = true;
    for (const auto& [reason, n] : by_reason_) {
      if (!first) out += ", ";
      first = false;
      out += std::to_string(n) + " " + reason;
    }
    return out;
  }

 private:
  std::uint64_t total_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_reason_;
};

/// What a policy does with a failed element.
enum class error_action {
  fail,         ///< rethrow (after counting): the pipeline stops, as in plain Python
  skip,         ///< count and continue
  log,          ///< count, write one line to the log stream, continue
  dead_letter,  ///< count, hand (element, message) to the sink, continue
};

namespace detail {

struct no_sink {
  template <class T>
  void operator()(const T&, std::string_view) const noexcept {}
};

template <class T>
concept ostreamable = requires(std::ostream& os, const T& v) { os << v; };

// The readable name of a type: "std::invalid_argument" rather than "St16invalid_argument".
inline std::string type_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

struct error_description {
  std::string reason;
  std::string message;
};

// Describes the exception being handled: call only inside a catch handler.
inline error_description describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return {type_name(typeid(e)), e.what()};
  } catch (...) {
    return {"unknown exception", "unknown exception"};
  }
}

}  // namespace detail

/// An error policy: `on_error::fail()`, `on_error::skip()`, `on_error::log(stream)` or
/// `on_error::dead_letter(sink)`. A small copyable handle: copies share the counts and the sink
/// (so a stage can hold a copy while the caller keeps the original and reads the counts at the end).
/// Handling an error costs a few allocations (the reason and message strings); the success path
/// costs nothing.
template <class Sink = detail::no_sink>
class error_policy {
 public:
  error_policy(error_action action, std::ostream* log, Sink sink)
      : action_(action), log_(log), sink_(std::make_shared<Sink>(std::move(sink))) {}

  [[nodiscard]] error_action action() const noexcept { return action_; }
  /// The counts of the errors handled so far by this policy and its copies.
  [[nodiscard]] error_counts& counts() const noexcept { return *counts_; }

  /// Handles one failure of `element`: counts it under `reason`, then logs the line
  /// `"error: <where>: <message>"` (with ` [<reason>]` when the reason adds to the message) or calls
  /// `sink(element, message)`, as the action says. Returns false for `fail`, where the caller
  /// rethrows (or throws); true when processing continues.
  template <class T>
  bool handle(const T& element, std::string_view where, std::string_view reason, std::string_view message) const {
    counts_->add(reason);
    switch (action_) {
      case error_action::fail: return false;
      case error_action::skip: break;
      case error_action::log:
        *log_ << "error: " << where << ": " << message;
        if (reason != message) *log_ << " [" << reason << "]";
        *log_ << '\n';
        break;
      case error_action::dead_letter:
        static_assert(std::invocable<Sink&, const T&, std::string_view>,
                      "dead_letter(sink): the sink must be callable as sink(const element&, std::string_view message)");
        std::invoke(*sink_, element, message);
        break;
    }
    return true;
  }

 private:
  error_action action_;
  std::ostream* log_;
  std::shared_ptr<Sink> sink_;
  std::shared_ptr<error_counts> counts_ = std::make_shared<error_counts>();
};

/// The policies. Named as in the CLI's `--on-error fail|skip|log|dead-letter`.
namespace on_error {

/// Rethrow the error (it is counted first): the first bad element stops the pipeline.
inline error_policy<> fail() { return {error_action::fail, nullptr, {}}; }
/// Count the error and go on with the next element (Python's `except ...: continue`).
inline error_policy<> skip() { return {error_action::skip, nullptr, {}}; }
/// Count the error, write one line to `out` (which must outlive the policy's copies), go on: the
/// guide's `logger.error(f"Error processing item: {e}")` then `continue`.
inline error_policy<> log(std::ostream& out = std::cerr) { return {error_action::log, &out, {}}; }
/// Count the error and hand `(element, message)` to `sink`, then go on: a dead-letter queue for
/// elements to inspect or replay later. The sink is called as `sink(const element&, std::string_view)`;
/// it is stored once and shared by the policy's copies.
template <class Sink>
error_policy<Sink> dead_letter(Sink sink) {
  return {error_action::dead_letter, nullptr, std::move(sink)};
}

}  // namespace on_error

/// The view of `try_map(fn, policy)`: `fn(x)` for each `x` of the base range where `fn` returns;
/// where `fn` throws, the policy decides (see `error_policy`).
template <std::ranges::input_range V, std::move_constructible F, class Sink>
  requires std::ranges::view<V> && std::is_object_v<F> && std::invocable<F&, std::ranges::range_reference_t<V>&>
class try_map_view : public std::ranges::view_interface<try_map_view<V, F, Sink>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;
  using result = std::invoke_result_t<F&, std::ranges::range_reference_t<V>&>;
  using reference = std::conditional_t<std::is_reference_v<result>, result, std::remove_cvref_t<result>&>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::remove_cvref_t<result>,
                                                        std::ranges::range_difference_t<V>> {
   public:
    iterator() = default;
    iterator(try_map_view* parent, base_iterator current, base_sentinel end)
        : parent_(parent), current_(std::move(current)), end_(std::move(end)) {
      satisfy();
    }

    reference operator*() const {
      if constexpr (std::is_reference_v<result>)
        return static_cast<reference>(*cache_.value());
      else
        return cache_.value();
    }
    iterator& operator++() {
      cache_.reset();
      ++current_;
      ++index_;
      satisfy();
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.current_ == it.end_; }

   private:
    // Moves to the first element from here on where fn returns, and keeps its result.
    void satisfy() {
      for (; current_ != end_; ++current_, ++index_) {
        auto&& element = *current_;
        try {
          cache_.emplace(std::invoke(*parent_->fn_, element));
          return;
        } catch (...) {
          parent_->on_failure(element, index_);  // rethrows for on_error::fail
        }
      }
    }

    try_map_view* parent_ = nullptr;
    base_iterator current_{};
    base_sentinel end_{};
    std::uint64_t index_ = 0;
    mutable detail::result_cache<result> cache_;
  };

  try_map_view(V base, F fn, error_policy<Sink> policy)
      : base_(std::move(base)), fn_(std::move(fn)), policy_(std::move(policy)) {}

  iterator begin() { return {this, std::ranges::begin(base_), std::ranges::end(base_)}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  // Out of line and cold: the loop over good elements stays tight.
  template <class E>
  [[gnu::noinline, gnu::cold]] void on_failure(const E& element, std::uint64_t index) {
    const detail::error_description what = detail::describe_current_exception();
    std::string where = "element " + std::to_string(index);
    if constexpr (detail::ostreamable<E>) {
      std::ostringstream shown;
      shown << element;
      where += " (" + std::move(shown).str() + ")";
    }
    if (!policy_.handle(element, where, what.reason, what.message)) throw;
  }

  V base_;
  detail::box<F> fn_;
  error_policy<Sink> policy_;
};

/// `range | try_map(fn, policy)`: yields `fn(x)` for every `x` where `fn` returns; an `x` where `fn`
/// throws goes to `policy` (`on_error::fail()` rethrows, `skip()` counts, `log(out)` counts and
/// logs `"error: element <index> (<x>): <what()> [<exception type>]"` — the element is shown when it
/// can be written to an ostream — and `dead_letter(sink)` counts and calls `sink(x, what())`).
/// The guide's "robust generator" as a stage: a bad element never costs its good neighbours, and
/// the counts by exception type are in `policy.counts()` at the end. `fn` runs once per element, as
/// the view advances (it must run to know whether the element is kept, like `filter`'s predicate);
/// it is called with the element as an lvalue, so a dead-letter sink sees it unchanged unless `fn`
/// modified it. Constant memory (the current result). With `fail`, the exception leaves `begin()`
/// or `++` and the view must not be advanced further.
template <class F, class Sink>
auto try_map(F fn, error_policy<Sink> policy) {
  return stage{[fn = std::move(fn), policy = std::move(policy)]<std::ranges::viewable_range R>(R&& range) {
    return try_map_view<std::views::all_t<R>, F, Sink>(std::views::all(std::forward<R>(range)), fn, policy);
  }};
}

}  // namespace yieldpipe
