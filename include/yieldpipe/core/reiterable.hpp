#pragma once

#include <functional>
#include <iterator>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace yieldpipe {

/// A range that calls `fn(args...)` at every `begin()`, so it can be iterated any number of times
/// (the guide's anti-pattern 2: a generator is exhausted after one pass). `fn` and copies of `args`
/// are stored; each `begin()` destroys the previous generator and makes a fresh one from copies of
/// the arguments.
template <class Fn, class... Args>
class reiterable_range {
  using generator_type = std::invoke_result_t<const Fn&, const Args&...>;

 public:
  explicit reiterable_range(Fn fn, Args... args) : fn_(std::move(fn)), args_(std::move(args)...) {}

  auto begin() {
    current_.reset();
    current_.emplace(std::apply(fn_, args_));
    return current_->begin();
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  Fn fn_;
  std::tuple<Args...> args_;
  std::optional<generator_type> current_;
};

/// Makes a `reiterable_range` of the generator function `fn` applied to `args`.
template <class Fn, class... Args>
reiterable_range<std::decay_t<Fn>, std::decay_t<Args>...> reiterable(Fn&& fn, Args&&... args) {
  return reiterable_range<std::decay_t<Fn>, std::decay_t<Args>...>(std::forward<Fn>(fn), std::forward<Args>(args)...);
}

}  // namespace yieldpipe
