#pragma once
// yieldpipe::async::use_task: a completion token that lets a yieldpipe coroutine (a task or an
// async generator) `co_await` any Asio asynchronous operation.

// Before Asio: see detail/before_asio.hpp.
#include "yieldpipe/async/detail/before_asio.hpp"
// (its own block, so that include sorting keeps it first)

#include <asio/async_result.hpp>
#include <asio/error_code.hpp>
#include <asio/system_error.hpp>
#include <coroutine>
#include <exception>
#include <optional>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

namespace yieldpipe::async {

/// Pass `use_task` as the completion token of an Asio operation (`timer.async_wait(use_task)`,
/// `socket.async_read_some(buf, use_task)`, `asio::post(ctx, use_task)`) and `co_await` the
/// result inside a `yieldpipe::task` or `yieldpipe::async_generator`:
///
///   co_await timer.async_wait(use_task);                        // void
///   std::size_t n = co_await sock.async_read_some(buf, use_task);
///
/// An `error_code` completion argument that holds an error is thrown as `asio::system_error`
/// (`std::system_error`) instead of returned, as `asio::use_awaitable` does; an `exception_ptr`
/// argument is rethrown. The other arguments are returned: none → `void`, one → that value,
/// several → a `std::tuple`. The operation starts when it is awaited, and the awaiting coroutine
/// resumes inside the completion handler, on the thread that runs the operation's executor (its
/// `io_context`). Cost: no allocation beyond what Asio's operation makes; the awaitable lives in
/// the coroutine's frame.
struct use_task_t {
  constexpr use_task_t() noexcept = default;
};
inline constexpr use_task_t use_task{};

namespace detail {

template <class... Args>
struct completion_values {
  using type = std::tuple<Args...>;
};

template <class T>
constexpr bool is_failure_argument = std::is_same_v<T, asio::error_code> || std::is_same_v<T, std::exception_ptr>;

// The awaitable an operation returns for `use_task`: it holds the initiation and its arguments
// until it is awaited, then the completion arguments until the coroutine reads them.
template <class Initiation, class InitArgs, class... Args>
class operation_awaitable {
 public:
  operation_awaitable(Initiation init, InitArgs args) : init_(std::move(init)), args_(std::move(args)) {}

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> waiter) {
    std::apply([&](auto&&... a) { std::move(init_)(handler{this, waiter}, std::move(a)...); }, std::move(args_));
  }
  decltype(auto) await_resume() {
    std::tuple<Args...>& got = *result_;
    if constexpr (sizeof...(Args) > 0) {
      using first = std::tuple_element_t<0, std::tuple<Args...>>;
      if constexpr (is_failure_argument<first>) {
        fail_if(std::get<0>(got));
        return take_from<1>(got);
      } else {
        return take_from<0>(got);
      }
    }
  }

 private:
  struct handler {
    operation_awaitable* self;
    std::coroutine_handle<> waiter;
    template <class... Got>
    void operator()(Got&&... got) {
      self->result_.emplace(std::forward<Got>(got)...);
      waiter.resume();
    }
  };

  static void fail_if(const asio::error_code& ec) {
    if (ec) throw asio::system_error(ec);
  }
  static void fail_if(const std::exception_ptr& e) {
    if (e) std::rethrow_exception(e);
  }
  template <std::size_t From>
  static auto take_from(std::tuple<Args...>& got) {
    constexpr std::size_t n = sizeof...(Args) - From;
    if constexpr (n == 0)
      return;
    else if constexpr (n == 1)
      return std::move(std::get<From>(got));
    else
      return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::tuple<std::tuple_element_t<From + I, std::tuple<Args...>>...>(
            std::move(std::get<From + I>(got))...);
      }(std::make_index_sequence<n>{});
  }

  Initiation init_;
  InitArgs args_;
  std::optional<std::tuple<Args...>> result_;
};

}  // namespace detail
}  // namespace yieldpipe::async

template <class R, class... Args>
class asio::async_result<yieldpipe::async::use_task_t, R(Args...)> {
 public:
  template <class Initiation, class... InitArgs>
  static auto initiate(Initiation&& init, yieldpipe::async::use_task_t, InitArgs&&... args) {
    using awaitable =
        yieldpipe::async::detail::operation_awaitable<std::decay_t<Initiation>, std::tuple<std::decay_t<InitArgs>...>,
                                                      std::decay_t<Args>...>;
    return awaitable(std::forward<Initiation>(init),
                     std::tuple<std::decay_t<InitArgs>...>(std::forward<InitArgs>(args)...));
  }
};
