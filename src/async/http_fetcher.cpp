#include "yieldpipe/async/http_fetcher.hpp"

#include <curl/curl.h>
#include <simdjson.h>

#include <algorithm>
#include <asio/error.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <cctype>
#include <climits>
#include <coroutine>
#include <deque>
#include <memory>
#include <random>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace yieldpipe::async {
namespace {

using fetch_clock = std::chrono::steady_clock;

// Above this a JSON body is validated by a parser of its own, freed at once, so the shared one
// does not keep a huge buffer for the rest of the run.
constexpr std::size_t shared_parser_bytes = std::size_t{16} << 20;

void init_curl() {
  // Thread-safe since libcurl 7.84 (Debian 12 has 7.88); once per process either way.
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) throw std::runtime_error(std::string("libcurl: ") + curl_easy_strerror(code));
}

// A socket libcurl asked us to watch. Shared with the waits pending on it: a wait that completes
// after libcurl let go of the socket (`closed`), or after the fetcher is gone, finds it still alive.
struct socket_watch {
  socket_watch(asio::io_context& ctx, curl_socket_t socket) : descriptor(ctx), fd(socket) {}
  asio::posix::stream_descriptor descriptor;  // assigned libcurl's fd; released, never closed, by us
  curl_socket_t fd;
  int wanted = 0;  // CURL_POLL_IN | CURL_POLL_OUT (the same bits as CURL_CSELECT_IN/OUT)
  bool reading = false;
  bool writing = false;
  bool closed = false;
};

// One slot of the concurrency window: an easy handle, reused from URL to URL (its connection goes
// back to the multi handle's cache between them), and the transfer it carries.
struct transfer {
  explicit transfer(asio::io_context& ctx) : retry_timer(ctx) {}
  CURL* easy = nullptr;
  asio::steady_timer retry_timer;
  std::string url;
  std::size_t index = 0;
  unsigned attempts = 0;
  fetch_clock::time_point started;
  std::string body;
  std::uint64_t max_body = 0;
  bool too_big = false;
  bool reserved = false;  // the body's room was reserved from its Content-Length (or not known)
  bool in_multi = false;
  char error[CURL_ERROR_SIZE] = {};
};

bool retryable(CURLcode code) noexcept {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR: return true;
    default: return false;
  }
}

http_failure failure_of(CURLcode code) noexcept {
  switch (code) {
    case CURLE_OK: return http_failure::none;
    case CURLE_OPERATION_TIMEDOUT: return http_failure::timeout;
    case CURLE_TOO_MANY_REDIRECTS: return http_failure::too_many_redirects;
    case CURLE_FILESIZE_EXCEEDED: return http_failure::body_too_large;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: return http_failure::bad_url;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE: return http_failure::connection;
    default: return http_failure::other;
  }
}

bool json_content_type(const char* type) noexcept {
  if (type == nullptr) return false;
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.find("json") != std::string::npos;
}

bool starts_like_json(std::string_view body) noexcept {
  const std::size_t at = body.find_first_not_of(" \t\r\n");
  return at != std::string_view::npos && (body[at] == '{' || body[at] == '[');
}

class fetcher {
 public:
  fetcher(asio::io_context& ctx, http_fetch_options options)
      : ctx_(ctx), options_(std::move(options)), timer_(ctx), random_(std::random_device{}()) {
    init_curl();
    multi_ = curl_multi_init();
    if (multi_ == nullptr) throw std::runtime_error("libcurl: curl_multi_init failed");
    const long window = static_cast<long>(std::min<std::size_t>(options_.concurrency, 1L << 20));
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &fetcher::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &fetcher::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, window);
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, window);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, window);
    if (options_.ordered) ring_.resize(options_.concurrency);
    if (options_.cancelled) poll_cancelled();
  }

  fetcher(const fetcher&) = delete;
  fetcher& operator=(const fetcher&) = delete;

  ~fetcher() {
    closing_ = true;
    for (auto& t : slots_) {
      if (t->in_multi) curl_multi_remove_handle(multi_, t->easy);
      t->retry_timer.cancel();
    }
    curl_multi_cleanup(multi_);  // closes the cached connections (CURL_POLL_REMOVE for each)
    for (auto& t : slots_) curl_easy_cleanup(t->easy);
    for (auto& [fd, watch] : sockets_) forget(*watch);
    sockets_.clear();
    life_.reset();  // handlers still queued on the io_context find it expired and return
  }

  // Whether one more URL may start: responses in flight, waiting for a retry, or done but not yet
  // taken stay below the window.
  [[nodiscard]] bool can_admit() const noexcept { return active_ + done_count() < options_.concurrency; }
  [[nodiscard]] bool idle() const noexcept { return active_ == 0; }
  /// Whether `options.cancelled` returned true: the body then stops.
  [[nodiscard]] bool cancelled() const noexcept { return cancelled_; }

  void start(std::string url, std::size_t index) {
    transfer& t = free_slot();
    ++active_;
    t.url = std::move(url);
    t.index = index;
    t.attempts = 0;
    t.started = fetch_clock::now();
    begin_attempt(t);
  }

  // The next response the consumer may have: the oldest completed one, or in ordered mode the one
  // of the next index once it has completed.
  std::optional<http_response> take() {
    if (!has_done()) return std::nullopt;
    std::optional<http_response> out;
    if (options_.ordered) {
      std::optional<http_response>& cell = ring_[next_out_ % ring_.size()];
      out = std::move(cell);
      cell.reset();
      --buffered_;
      ++next_out_;
    } else {
      out = std::move(done_.front());
      done_.pop_front();
    }
    return out;
  }

  // `co_await f.ready()`: until take() has a response, or nothing is in flight.
  struct ready_awaiter {
    fetcher* self;
    bool await_ready() const noexcept { return self->has_done() || self->idle() || self->cancelled_; }
    void await_suspend(std::coroutine_handle<> waiter) const noexcept { self->waiter_ = waiter; }
    void await_resume() const noexcept {}
  };
  ready_awaiter ready() noexcept { return {this}; }

 private:
  [[nodiscard]] std::size_t done_count() const noexcept { return options_.ordered ? buffered_ : done_.size(); }
  [[nodiscard]] bool has_done() const noexcept {
    return options_.ordered ? ring_[next_out_ % ring_.size()].has_value() : !done_.empty();
  }

  transfer& free_slot() {
    if (!free_.empty()) {
      transfer* t = free_.back();
      free_.pop_back();
      return *t;
    }
    auto t = std::make_unique<transfer>(ctx_);
    t->easy = curl_easy_init();
    if (t->easy == nullptr) throw std::runtime_error("libcurl: curl_easy_init failed");
    configure(*t);
    slots_.push_back(std::move(t));
    return *slots_.back();
  }

  // The options of an easy handle, set once: they stay across the URLs it carries.
  void configure(transfer& t) {
    CURL* e = t.easy;
    t.max_body = options_.max_body_bytes;
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &fetcher::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, options_.max_redirects);
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85 deprecated the bit masks
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes));
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl decodes
    curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
    if (options_.proxy) curl_easy_setopt(e, CURLOPT_PROXY, options_.proxy->c_str());
    if (!options_.verify_tls) {
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
  }

  void begin_attempt(transfer& t) {
    ++t.attempts;
    t.body.clear();
    t.too_big = false;
    t.reserved = false;
    t.error[0] = '\0';
    // libcurl reads a C string: a NUL would fetch another URL than the one the response names.
    if (std::any_of(t.url.begin(), t.url.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
      return finish(t, 0, "URL contains a control character", http_failure::bad_url);
    if (const CURLcode set = curl_easy_setopt(t.easy, CURLOPT_URL, t.url.c_str()); set != CURLE_OK)
      return finish(t, 0, std::string("URL rejected: ") + curl_easy_strerror(set), http_failure::bad_url);
    const CURLMcode code = curl_multi_add_handle(multi_, t.easy);
    if (code != CURLM_OK) {
      finish(t, 0, std::string("libcurl: ") + curl_multi_strerror(code), http_failure::other);
      return;
    }
    t.in_multi = true;
  }

  // A transfer that libcurl reports done: retried, or its response made.
  void done(transfer& t, CURLcode code) {
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    const char* type = nullptr;
    curl_easy_getinfo(t.easy, CURLINFO_CONTENT_TYPE, &type);
    const bool json_type = json_content_type(type);  // read before the handle is removed
    curl_multi_remove_handle(multi_, t.easy);
    t.in_multi = false;

    std::string error;
    http_failure failure = http_failure::none;
    bool retry = false;
    if (t.too_big || code == CURLE_FILESIZE_EXCEEDED) {
      error = "body larger than max_body_bytes (" + std::to_string(options_.max_body_bytes) + " bytes)";
      failure = http_failure::body_too_large;
    } else if (code != CURLE_OK) {
      error = t.error[0] != '\0' ? std::string(t.error) : std::string(curl_easy_strerror(code));
      failure = failure_of(code);
      retry = retryable(code);
    } else if (status >= 400) {
      error = "HTTP " + std::to_string(status);
      failure = http_failure::http_status;
      retry = status >= 500;
    }
    if (retry && t.attempts <= options_.retries) return retry_later(t);
    finish(t, status, std::move(error), failure, json_type);
  }

  void retry_later(transfer& t) {
    using std::chrono::milliseconds;
    const int shift = static_cast<int>(std::min(t.attempts - 1, 30U));
    const auto base = options_.backoff_base.count();
    const auto cap =
        std::min<long long>(options_.backoff_max.count(), base > (LLONG_MAX >> shift) ? LLONG_MAX : base << shift);
    const auto delay = std::uniform_int_distribution<long long>(0, std::max<long long>(cap, 0))(random_);
    t.retry_timer.expires_after(milliseconds(delay));
    t.retry_timer.async_wait([this, &t, life = std::weak_ptr<char>(life_)](const asio::error_code& ec) {
      if (ec || life.expired()) return;
      begin_attempt(t);
      wake();  // a failed add made a response
    });
  }

  // The response of `t`, which frees its slot.
  void finish(transfer& t, long status, std::string error, http_failure failure, bool json_type = false) {
    http_response r;
    r.url = std::move(t.url);
    r.index = t.index;
    r.status = status;
    r.attempts = t.attempts;
    r.elapsed_ms = std::chrono::duration<double, std::milli>(fetch_clock::now() - t.started).count();
    r.bytes = t.body.size();
    if (t.too_big) t.body.clear();
    r.body = std::move(t.body);
    t.body = std::string();
    r.error = std::move(error);
    r.failure = failure;
    if (!r.body.empty() && (json_type || starts_like_json(r.body))) check_json(r);
    --active_;
    free_.push_back(&t);
    if (options_.ordered) {
      ring_[r.index % ring_.size()] = std::move(r);
      ++buffered_;
    } else {
      done_.push_back(std::move(r));
    }
  }

  void check_json(http_response& r) {
    // simdjson reads up to SIMDJSON_PADDING bytes past the end: room the string owns.
    r.body.reserve(r.body.size() + simdjson::SIMDJSON_PADDING);
    simdjson::dom::element root;
    if (r.body.size() > shared_parser_bytes) {
      simdjson::dom::parser big;
      r.is_json = big.parse(r.body.data(), r.body.size(), false).get(root) == simdjson::SUCCESS;
    } else {
      r.is_json = parser_.parse(r.body.data(), r.body.size(), false).get(root) == simdjson::SUCCESS;
    }
    if (r.is_json && options_.minify_json) {
      std::string small(r.body.size(), '\0');
      std::size_t length = 0;
      if (simdjson::minify(r.body.data(), r.body.size(), small.data(), length) == simdjson::SUCCESS) {
        small.resize(length);
        r.body = std::move(small);
      }
    }
  }

  // --- libcurl's callbacks (never resume a coroutine from here: libcurl is not re-entrant) -------

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    transfer& t = *static_cast<transfer*>(user);
    const std::size_t n = size * count;
    if (!t.reserved) {
      t.reserved = true;
      curl_off_t length = -1;
      curl_easy_getinfo(t.easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
      if (length > 0 && static_cast<std::uint64_t>(length) <= t.max_body)
        t.body.reserve(static_cast<std::size_t>(length) + simdjson::SIMDJSON_PADDING);
    }
    if (t.body.size() + n > t.max_body) {
      t.too_big = true;
      return 0;  // not n: libcurl ends the transfer with CURLE_WRITE_ERROR
    }
    t.body.append(data, n);
    return n;
  }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void* socketp) {
    return static_cast<fetcher*>(user)->watch(fd, what, static_cast<socket_watch*>(socketp));
  }

  static int on_timer(CURLM*, long timeout_ms, void* user) {
    static_cast<fetcher*>(user)->set_timeout(timeout_ms);
    return 0;
  }

  // libcurl's timer. It moves on nearly every call into libcurl (each new transfer asks for 0 ms,
  // then for its timeout), and re-arming an asio timer each time costs a timerfd_settime system
  // call (a quarter of the CPU time at 10,000 small requests). So: 0 ms is a posted handler; a
  // later deadline than the one armed leaves the timer as it is, and when it fires early it is
  // armed again for `deadline_`, the one libcurl last asked for. libcurl must be called by its
  // deadline, never late: it does not repeat a deadline it already gave.
  void set_timeout(long timeout_ms) {
    if (timeout_ms < 0) {
      deadline_.reset();  // an armed timer fires for nothing
      return;
    }
    if (timeout_ms == 0) {
      deadline_.reset();
      if (!timeout_posted_) {
        timeout_posted_ = true;
        asio::post(ctx_, [this, life = std::weak_ptr<char>(life_)] {
          if (life.expired()) return;
          timeout_posted_ = false;
          on_timeout();
        });
      }
      return;
    }
    deadline_ = fetch_clock::now() + std::chrono::milliseconds(timeout_ms);
    arm_timer();
  }

  void arm_timer() {
    if (!deadline_ || (timer_armed_ && timer_.expiry() <= *deadline_)) return;
    timer_.expires_at(*deadline_);  // cancels the wait armed before, if any
    timer_armed_ = true;
    timer_.async_wait([this, life = std::weak_ptr<char>(life_)](const asio::error_code& ec) {
      if (ec == asio::error::operation_aborted || life.expired()) return;
      timer_armed_ = false;
      if (!deadline_) return;
      if (*deadline_ > fetch_clock::now()) return arm_timer();  // early: armed for an older deadline
      deadline_.reset();
      on_timeout();
    });
  }

  void on_timeout() {
    int running = 0;
    curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    collect();
    wake();  // last: the consumer may destroy the fetcher
  }

  int watch(curl_socket_t fd, int what, socket_watch* known) {
    if (what == CURL_POLL_REMOVE) {
      if (known != nullptr) {
        forget(*known);
        sockets_.erase(fd);
      }
      return 0;
    }
    if (closing_) return 0;
    std::shared_ptr<socket_watch>* entry = nullptr;
    if (known == nullptr) {
      auto w = std::make_shared<socket_watch>(ctx_, fd);
      asio::error_code ec;
      w->descriptor.assign(fd, ec);
      if (ec) return -1;  // libcurl fails the transfers on this socket
      entry = &(sockets_[fd] = std::move(w));
      curl_multi_assign(multi_, fd, entry->get());
    } else {
      entry = &sockets_.at(fd);
    }
    (*entry)->wanted = what;
    arm(*entry);
    return 0;
  }

  static void forget(socket_watch& w) {
    w.closed = true;
    w.wanted = 0;
    (void)w.descriptor.release();  // cancels its waits; libcurl closes the fd
  }

  // Starts the waits libcurl wants and that are not pending yet.
  void arm(const std::shared_ptr<socket_watch>& w) {
    using wait = asio::posix::stream_descriptor::wait_type;
    if ((w->wanted & CURL_POLL_IN) != 0 && !w->reading) {
      w->reading = true;
      w->descriptor.async_wait(wait::wait_read,
                               [this, w, life = std::weak_ptr<char>(life_)](const asio::error_code& ec) {
                                 if (!life.expired()) on_ready(w, CURL_CSELECT_IN, ec);
                               });
    }
    if ((w->wanted & CURL_POLL_OUT) != 0 && !w->writing) {
      w->writing = true;
      w->descriptor.async_wait(wait::wait_write,
                               [this, w, life = std::weak_ptr<char>(life_)](const asio::error_code& ec) {
                                 if (!life.expired()) on_ready(w, CURL_CSELECT_OUT, ec);
                               });
    }
  }

  void on_ready(std::shared_ptr<socket_watch> w, int direction, const asio::error_code& ec) {
    (direction == CURL_CSELECT_IN ? w->reading : w->writing) = false;
    if (w->closed || ec == asio::error::operation_aborted || (w->wanted & direction) == 0) return;
    int running = 0;
    curl_multi_socket_action(multi_, w->fd, ec ? CURL_CSELECT_ERR : direction, &running);
    collect();
    if (!w->closed) arm(w);
    wake();  // last: the consumer may destroy the fetcher
  }

  // The transfers libcurl finished since the last call.
  void collect() {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      char* slot = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &slot);
      const CURLcode code = m->data.result;  // `m` dies with the handle's removal
      done(*reinterpret_cast<transfer*>(slot), code);
    }
  }

  // Resumes the generator's body if it waits for a response that is now there. Called last in a
  // handler: the body (and its consumer) run inside this call, and may destroy the fetcher.
  void wake() {
    if (waiter_ && (has_done() || cancelled_)) std::exchange(waiter_, {}).resume();
  }

  void poll_cancelled() {
    cancel_timer_.expires_after(std::chrono::milliseconds(100));
    cancel_timer_.async_wait([this, life = std::weak_ptr<char>(life_)](const asio::error_code& ec) {
      if (ec || life.expired()) return;
      if (!options_.cancelled()) return poll_cancelled();
      cancelled_ = true;
      wake();  // last: the body ends, and the fetcher with it
    });
  }

  asio::io_context& ctx_;
  http_fetch_options options_;
  CURLM* multi_ = nullptr;
  asio::steady_timer timer_;
  std::optional<fetch_clock::time_point> deadline_;  // libcurl's timer, as it last set it
  bool timer_armed_ = false;
  bool timeout_posted_ = false;
  std::minstd_rand random_;
  simdjson::dom::parser parser_;
  std::shared_ptr<char> life_ = std::make_shared<char>();
  std::unordered_map<curl_socket_t, std::shared_ptr<socket_watch>> sockets_;
  std::vector<std::unique_ptr<transfer>> slots_;
  std::vector<transfer*> free_;
  std::size_t active_ = 0;                          // slots in libcurl or waiting for a retry
  std::deque<http_response> done_;                  // as they complete
  std::vector<std::optional<http_response>> ring_;  // ordered: by index modulo the window
  std::size_t buffered_ = 0;                        // responses in ring_
  std::size_t next_out_ = 0;                        // ordered: the index take() gives next
  std::coroutine_handle<> waiter_;
  bool closing_ = false;
  bool cancelled_ = false;
  asio::steady_timer cancel_timer_{ctx_};
};

}  // namespace

async_generator<http_response> fetch(asio::io_context& ctx, async_generator<std::string> urls,
                                     http_fetch_options options) {
  if (options.concurrency == 0) throw std::invalid_argument("async::fetch: concurrency must be at least 1");
  fetcher f(ctx, std::move(options));
  std::size_t next_index = 0;
  bool source_done = false;
  for (;;) {
    if (f.cancelled()) throw fetch_cancelled();
    while (!source_done && f.can_admit()) {
      std::optional<std::string> url = co_await urls.next();
      if (!url) {
        source_done = true;
        break;
      }
      f.start(std::move(*url), next_index++);
    }
    if (std::optional<http_response> r = f.take()) {
      co_yield std::move(*r);
      continue;
    }
    if (source_done && f.idle()) co_return;
    co_await f.ready();
  }
}

}  // namespace yieldpipe::async
