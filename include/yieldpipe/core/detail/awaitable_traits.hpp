#pragma once
// What `co_await x` resolves to: the awaiter of an awaitable and the type the expression yields.

#include <coroutine>
#include <type_traits>
#include <utility>

namespace yieldpipe::detail {

template <class A>
concept member_co_await = requires(A&& a) { std::forward<A>(a).operator co_await(); };
template <class A>
concept free_co_await = requires(A&& a) { operator co_await(std::forward<A>(a)); };

/// The awaiter `co_await a` uses (without a promise's await_transform): the result of a member or
/// free `operator co_await`, or `a` itself.
template <class A>
decltype(auto) get_awaiter(A&& a) {
  if constexpr (member_co_await<A>)
    return std::forward<A>(a).operator co_await();
  else if constexpr (free_co_await<A>)
    return operator co_await(std::forward<A>(a));
  else
    return std::forward<A>(a);
}

template <class T>
concept awaiter = requires(T& t, std::coroutine_handle<> h) {
  { t.await_ready() } -> std::convertible_to<bool>;
  t.await_suspend(h);
  t.await_resume();
};

template <class A>
using awaiter_t = decltype(get_awaiter(std::declval<A>()));

}  // namespace yieldpipe::detail

namespace yieldpipe {

/// Anything `co_await` accepts in a coroutine without an `await_transform` of its own.
template <class A>
concept awaitable = detail::awaiter<std::remove_reference_t<detail::awaiter_t<A>>>;

/// The type of `co_await a`.
template <awaitable A>
using await_result_t = decltype(std::declval<std::remove_reference_t<detail::awaiter_t<A>>&>().await_resume());

}  // namespace yieldpipe
