#pragma once
// yieldpipe::async::fetch: many URLs fetched concurrently over HTTP/HTTPS (libcurl's multi interface
// on an asio::io_context), as an async generator of responses: the guide's `async_data_fetcher`.

// Before Asio: see detail/before_asio.hpp.
#include "yieldpipe/async/detail/before_asio.hpp"
// (its own block, so that include sorting keeps it first)

#include <asio/io_context.hpp>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <utility>

#include "yieldpipe/async/http_response.hpp"
#include "yieldpipe/core/async_generator.hpp"

namespace yieldpipe::async {

/// How `fetch` works. Designated initializers read well: `fetch(ctx, urls, {.concurrency = 8})`.
struct http_fetch_options {
  /// Transfers in flight at once (>= 1), retry delays included; also the size of libcurl's
  /// connection cache and its per-host limit, so connections are reused, never more than this.
  std::size_t concurrency = 64;
  /// The longest one attempt may take, connection included (0: no limit).
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  /// The longest the connection of one attempt may take (0: libcurl's default, 300 s), within
  /// `timeout`.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  /// Attempts after the first for a URL that failed in a way that may pass: no connection, a
  /// reset, a timeout, a truncated answer, or an HTTP 5xx. A 4xx is never retried.
  unsigned retries = 3;
  /// Retry delays: exponential backoff with full jitter, a random delay in [0, min(backoff_max,
  /// backoff_base * 2^(retry - 1))]. Waited on an asio timer: other transfers go on meanwhile.
  std::chrono::milliseconds backoff_base{100};
  std::chrono::milliseconds backoff_max{std::chrono::seconds(10)};
  /// Redirects followed per attempt (3xx with a Location); more is an error.
  long max_redirects = 10;
  /// The largest body kept (default 64 MiB). A larger one fails its URL with "body larger than
  /// max_body_bytes" as soon as its Content-Length or its bytes tell, without being retried.
  std::uint64_t max_body_bytes = std::uint64_t{64} << 20;
  /// Responses in input order rather than as they complete (see `fetch`).
  bool ordered = false;
  /// JSON bodies without insignificant white space (simdjson::minify): one line each.
  bool minify_json = false;
  /// The proxy: empty optional = libcurl's default (the http_proxy, https_proxy and no_proxy
  /// environment variables); "" = none; else a proxy URL.
  std::optional<std::string> proxy{};
  /// Whether HTTPS peers' certificates and host names are checked (libcurl's default: yes).
  bool verify_tls = true;
  /// The User-Agent header.
  std::string user_agent = "yieldpipe/0.1";
  /// When set, called on the io_context's thread every 100 ms; once it returns true the fetch stops
  /// (transfers in flight abandoned, no URL pulled) and `next()` throws `fetch_cancelled`. For a
  /// flag set by a signal handler: `[] { return stop_flag.load() != 0; }`.
  std::function<bool()> cancelled{};
};

/// What `next()` throws once `http_fetch_options::cancelled` returned true.
class fetch_cancelled : public std::runtime_error {
 public:
  fetch_cancelled() : std::runtime_error("async::fetch: cancelled") {}
};

/// Fetches every URL of `urls` with HTTP GET and yields one `http_response` per URL: exactly one,
/// whatever the server does (an answer, an error status, a failure after the retries).
///
///   asio::io_context ctx;
///   auto responses = async::fetch(ctx, std::vector<std::string>{...}, {.concurrency = 16});
///   async::run(ctx, for_each(std::move(responses), [](http_response& r) { ... }));
///
/// - **Concurrency**: at most `options.concurrency` URLs are in flight or waiting for their retry,
///   on one libcurl multi handle whose connections are kept alive and reused (HTTP/1.1 keep-alive,
///   HTTP/2 multiplexing over HTTPS). Redirects are followed (`max_redirects`); HTTP and HTTPS only.
/// - **Order**: as they complete, or with `ordered` in input order. Either way a URL is admitted
///   only while fewer than `concurrency` responses are in flight or done but not yet taken by the
///   consumer: a consumer that stops pulling stops the fetching, and in ordered mode a slow URL
///   holds back those after it (the responses that completed after it wait in a reorder buffer of
///   at most `concurrency` entries).
/// - **Memory** is flat in the number of URLs: `urls` is pulled one URL at a time, only when a
///   slot is free, and at most `concurrency` responses exist at once, each with its body (at most
///   `max_body_bytes`, grown as it arrives or reserved from its Content-Length). Worst case about
///   `concurrency * max_body_bytes`; for small bodies, a few KiB per slot plus libcurl's buffers
///   (16 KiB per transfer). A JSON body is validated with one simdjson parser, reused, whose
///   buffers follow the largest JSON body so far (a temporary one above 16 MiB).
/// - **Cost** per URL: one libcurl transfer on a reused easy handle, a few asio waits per socket
///   readiness, no thread.
///
/// Lifetime: the generator runs on `ctx`, which must outlive it and be run by one thread (the
/// handlers share the fetcher's state without locks): drive it with `async::run(ctx, ...)` or from
/// a coroutine on that thread. Nothing starts before the first `next()`. Destroying or closing the
/// generator early cancels the transfers in flight (their sockets are closed, nothing is yielded
/// for them) and pulls no more URLs. `urls` is owned by the generator.
///
/// Throws (from `next()`): `std::invalid_argument` for `concurrency == 0`, `std::runtime_error`
/// when libcurl cannot be initialised, `fetch_cancelled` (see `http_fetch_options::cancelled`),
/// and whatever `urls` throws.
async_generator<http_response> fetch(asio::io_context& ctx, async_generator<std::string> urls,
                                     http_fetch_options options = {});

namespace detail {
template <class R>
async_generator<std::string> url_stream(R urls) {
  for (auto&& u : urls) {
    std::string url(u);
    co_yield std::move(url);
  }
}
}  // namespace detail

/// `fetch` over any input range of strings (a `generator<std::string>`, a `std::vector`, a view),
/// pulled lazily one URL at a time. The range is moved (or copied) into the generator: pass
/// `std::views::all(v)` to borrow a container `v`, which must then outlive the generator.
template <std::ranges::input_range R>
  requires std::constructible_from<std::string, std::ranges::range_reference_t<R>> &&
           (!std::same_as<std::remove_cvref_t<R>, async_generator<std::string>>)
async_generator<http_response> fetch(asio::io_context& ctx, R urls, http_fetch_options options = {}) {
  return fetch(ctx, detail::url_stream(std::move(urls)), std::move(options));
}

}  // namespace yieldpipe::async
