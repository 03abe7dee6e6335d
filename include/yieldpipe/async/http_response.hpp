#pragma once
// yieldpipe::async::http_response: what the fetcher yields for one URL.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace yieldpipe::async {

/// What kind of failure an `http_response` records (`none` on success).
enum class http_failure : unsigned char {
  none,
  http_status,         ///< an HTTP status >= 400
  timeout,             ///< the attempt took longer than the timeout
  connection,          ///< no connection, a reset, a truncated answer, a TLS failure, an unknown host
  too_many_redirects,  ///< more redirects than `max_redirects`
  body_too_large,      ///< a body past `max_body_bytes`
  bad_url,             ///< a URL that cannot be parsed, or of another protocol than http and https
  other,               ///< anything else libcurl reports
};

/// A short name: "http status", "timeout", "connection", "too many redirects", "body too large",
/// "bad url", "other" ("" for none).
constexpr std::string_view to_string(http_failure f) noexcept {
  switch (f) {
    case http_failure::none: return "";
    case http_failure::http_status: return "http status";
    case http_failure::timeout: return "timeout";
    case http_failure::connection: return "connection";
    case http_failure::too_many_redirects: return "too many redirects";
    case http_failure::body_too_large: return "body too large";
    case http_failure::bad_url: return "bad url";
    case http_failure::other: return "other";
  }
  return "other";
}

/// The outcome of fetching one URL (`async::fetch`): exactly one per input URL, whatever the
/// server did. A plain value that owns its strings; moving it costs three string moves.
struct http_response {
  /// The URL as it was given (not the one redirects ended at).
  std::string url;
  /// The URL's position in the input sequence, from 0.
  std::size_t index = 0;
  /// The HTTP status of the last attempt (after redirects), or 0 when no answer arrived (the
  /// connection failed, was reset, timed out).
  long status = 0;
  /// Attempts made: 1, plus one per retry.
  unsigned attempts = 0;
  /// Milliseconds from the first attempt's start to the end of the last one, retry delays included.
  double elapsed_ms = 0;
  /// Body bytes received by the last attempt (after content decoding).
  std::uint64_t bytes = 0;
  /// The body of the last attempt, as received, or without insignificant white space when
  /// `http_fetch_options::minify_json` is set and the body is JSON. Empty when no answer arrived,
  /// and after a body that exceeded `max_body_bytes`.
  std::string body;
  /// Whether `body` is valid JSON (checked with simdjson): a JSON content type, or a body that
  /// starts with `{` or `[`, and parses. A body that does not parse is kept as a string.
  bool is_json = false;
  /// Empty on success. Otherwise why the URL failed: libcurl's message ("Operation timed out after
  /// 200 milliseconds with 0 bytes received", "Maximum (10) redirects followed"), "HTTP 404" for an
  /// HTTP error status (>= 400; 5xx only once the retries are exhausted), or "body larger than
  /// max_body_bytes (N bytes)".
  std::string error;
  /// The kind of failure, for a program to act on (`none` on success).
  http_failure failure = http_failure::none;

  /// Whether the URL was fetched: `error` is empty.
  [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

}  // namespace yieldpipe::async
