#pragma once
// The iter stages that make sense on an asynchronous stream, applied to an `async_generator`:
// `agen | map(f)`, `| filter(p)`, `| take(n)` (and `islice`, `drop`), `| batched(n)`,
// `| enumerate()`, and the consumers `for_each(agen, fn)` and `to_vector(agen)`.
//
// Each stage is a new async generator that owns its source (moved into its frame) and pulls one
// element per element it yields: lazy, constant memory (`batched`: one batch). A function given
// to `map`, `filter` or `for_each` may be ordinary or return an awaitable (a `task`, an Asio
// operation with `async::use_task`), which is awaited before the next element is pulled. Apply
// the stages one at a time (`agen | filter(p) | map(f)`); a stage composed ahead
// (`filter(p) | map(f)`) applies to ranges only.

#include <functional>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "yieldpipe/core/async_generator.hpp"
#include "yieldpipe/core/detail/awaitable_traits.hpp"
#include "yieldpipe/core/task.hpp"
#include "yieldpipe/iter/batched.hpp"
#include "yieldpipe/iter/enumerate.hpp"
#include "yieldpipe/iter/filter.hpp"
#include "yieldpipe/iter/islice.hpp"
#include "yieldpipe/iter/map.hpp"

namespace yieldpipe {

namespace detail {

// The type of `fn(args...)`, or of `co_await fn(args...)` when it returns an awaitable.
template <class R, bool = awaitable<R>>
struct awaited {
  using type = R;
};
template <class R>
struct awaited<R, true> {
  using type = await_result_t<R>;
};
template <class F, class... A>
using async_call_result = typename awaited<std::invoke_result_t<F&, A...>>::type;

template <class Y, class S, class F>
async_generator<std::remove_cvref_t<async_call_result<F, Y&>>> async_map(async_generator<Y, S> source, F fn) {
  while (auto v = co_await source.next()) {
    if constexpr (awaitable<std::invoke_result_t<F&, Y&>>) {
      std::remove_cvref_t<async_call_result<F, Y&>> out = co_await std::invoke(fn, *v);
      co_yield std::move(out);
    } else {
      std::remove_cvref_t<async_call_result<F, Y&>> out = std::invoke(fn, *v);
      co_yield std::move(out);
    }
  }
}

template <bool Keep, class Y, class S, class P>
async_generator<Y> async_filter(async_generator<Y, S> source, P pred) {
  while (auto v = co_await source.next()) {
    bool keep;
    if constexpr (awaitable<std::invoke_result_t<P&, Y&>>)
      keep = static_cast<bool>(co_await std::invoke(pred, *v));
    else
      keep = static_cast<bool>(std::invoke(pred, *v));
    if (keep == Keep) co_yield std::move(*v);
  }
}

template <class Y, class S>
async_generator<Y> async_islice(async_generator<Y, S> source, islice_bounds b) {
  std::size_t index = 0;
  std::size_t wanted = b.start;
  while (!b.stop || index < *b.stop) {
    auto v = co_await source.next();
    if (!v) break;
    if (index++ == wanted) {
      wanted += b.step;
      co_yield std::move(*v);
    }
  }
}

template <class Y, class S>
async_generator<std::vector<Y>> async_batched(async_generator<Y, S> source, std::size_t n, batched_options options) {
  for (;;) {
    std::vector<Y> batch;
    batch.reserve(n);
    while (batch.size() < n) {
      auto v = co_await source.next();
      if (!v) break;
      batch.push_back(std::move(*v));
    }
    if (batch.empty()) co_return;
    if (batch.size() < n && options.strict) throw std::invalid_argument("batched(): incomplete batch");
    const bool last = batch.size() < n;
    co_yield std::move(batch);
    if (last) co_return;
  }
}

template <class I, class Y, class S>
async_generator<std::pair<I, Y>> async_enumerate(async_generator<Y, S> source, I start) {
  for (I i = start;; ++i) {
    auto v = co_await source.next();
    if (!v) co_return;
    std::pair<I, Y> out(i, std::move(*v));
    co_yield std::move(out);
  }
}

}  // namespace detail

/// `agen | map(fn)`: an async generator of `fn(x)` (awaited if it is an awaitable).
template <class Y, class S, class F>
auto operator|(async_generator<Y, S>&& source, const stage<detail::map_stage<F>>& s) {
  return detail::async_map(std::move(source), s.function().fn);
}

/// `agen | filter(pred)` (and `filterfalse`): the elements for which `pred` (awaited if it is an
/// awaitable) is true (false).
template <class Y, class S, bool Keep, class P>
auto operator|(async_generator<Y, S>&& source, const stage<detail::filter_stage_fn<Keep, P>>& s) {
  return detail::async_filter<Keep>(std::move(source), s.function().pred);
}

/// `agen | take(n)`, `| islice(...)`, `| drop(n)`: Python's islice over an async stream; pulls no
/// element past the last one it yields.
template <class Y, class S>
auto operator|(async_generator<Y, S>&& source, const stage<detail::islice_stage_fn>& s) {
  return detail::async_islice(std::move(source), s.function().bounds);
}

/// `agen | batched(n)`: `std::vector`s of `n` consecutive elements, the last one short.
template <class Y, class S>
auto operator|(async_generator<Y, S>&& source, const stage<detail::batched_stage_fn>& s) {
  return detail::async_batched(std::move(source), s.function().size, s.function().options);
}

/// `agen | enumerate(start)`: `std::pair{index, element}`.
template <class Y, class S, class I>
auto operator|(async_generator<Y, S>&& source, const stage<detail::enumerate_stage_fn<I>>& s) {
  return detail::async_enumerate(std::move(source), s.function().start);
}

/// Calls `fn(x)` (awaiting it if it returns an awaitable) for each element of `source`, in order.
template <class Y, class S, class F>
task<void> for_each(async_generator<Y, S> source, F fn) {
  while (auto v = co_await source.next()) {
    if constexpr (awaitable<std::invoke_result_t<F&, Y&>>)
      co_await std::invoke(fn, *v);
    else
      std::invoke(fn, *v);
  }
}

/// Collects the elements of `source` into a `std::vector` (memory: the whole stream).
template <class Y, class S>
task<std::vector<Y>> to_vector(async_generator<Y, S> source) {
  std::vector<Y> out;
  while (auto v = co_await source.next()) out.push_back(std::move(*v));
  co_return out;
}

}  // namespace yieldpipe
