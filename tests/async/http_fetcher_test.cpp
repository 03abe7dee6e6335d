// yieldpipe::async::fetch against tests/support/http_test_server.py on 127.0.0.1: every route, retries,
// order, the concurrency bound, and a server that stops mid-run.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <ranges>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/async/http_fetcher.hpp>
#include <yieldpipe/async/run.hpp>
#include <yieldpipe/core/async_generator.hpp>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/core/task.hpp>

#include "support/http_test_server.hpp"

namespace {

using namespace std::chrono_literals;
using yieldpipe::async_generator;
using yieldpipe::task;
using yieldpipe::async::http_fetch_options;
using yieldpipe::async::http_response;

// One server for the suite: the tests use distinct flaky keys. Tests that stop a server start their own.
class http_fetcher_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<yieldpipe::test::http_test_server>(); }
  static void TearDownTestSuite() { server_.reset(); }

  static std::string url(const std::string& path) { return server_->url(path); }

  // Fast retries, and no proxy from the environment between us and 127.0.0.1.
  static http_fetch_options quick(http_fetch_options o = {}) {
    o.backoff_base = 1ms;
    o.backoff_max = 20ms;
    o.proxy = "";
    return o;
  }

  static task<std::vector<http_response>> collect(async_generator<http_response> responses) {
    std::vector<http_response> out;
    while (auto r = co_await responses.next()) out.push_back(std::move(*r));
    co_return out;
  }

  static std::vector<http_response> fetch_all(std::vector<std::string> urls, http_fetch_options o = quick()) {
    asio::io_context ctx;
    return yieldpipe::async::run(ctx, collect(yieldpipe::async::fetch(ctx, std::move(urls), std::move(o))));
  }

  static http_response fetch_one(const std::string& path, http_fetch_options o = quick()) {
    auto all = fetch_all({url(path)}, std::move(o));
    EXPECT_EQ(all.size(), 1U);
    return all.empty() ? http_response{} : std::move(all.front());
  }

  // The server's request count for a path prefix ("flaky", "json", ...), from GET /count.
  static long count_of(const std::string& prefix) {
    const http_response r = fetch_one("/count");
    const std::string key = "\"" + prefix + "\": ";
    const std::size_t at = r.body.find(key);
    return at == std::string::npos ? 0 : std::stol(r.body.substr(at + key.size()));
  }

  static std::unique_ptr<yieldpipe::test::http_test_server> server_;
};
std::unique_ptr<yieldpipe::test::http_test_server> http_fetcher_test::server_;

TEST_F(http_fetcher_test, a_json_body_is_recognised_and_kept_as_sent) {
  const http_response r = fetch_one("/json/7");
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.failure, yieldpipe::async::http_failure::none);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 1U);
  EXPECT_TRUE(r.is_json);
  EXPECT_EQ(r.body, R"({"id": 7, "value": 14, "name": "item-7"})");
  EXPECT_EQ(r.bytes, r.body.size());
  EXPECT_EQ(r.url, url("/json/7"));
  EXPECT_EQ(r.index, 0U);
  EXPECT_GT(r.elapsed_ms, 0.0);
}

TEST_F(http_fetcher_test, minify_json_removes_the_white_space_between_tokens_only) {
  http_fetch_options o = quick();
  o.minify_json = true;
  const http_response r = fetch_one("/json/3", o);
  EXPECT_TRUE(r.is_json);
  EXPECT_EQ(r.body, R"({"id":3,"value":6,"name":"item-3"})");
  EXPECT_EQ(r.bytes, std::string(R"({"id": 3, "value": 6, "name": "item-3"})").size());  // as received
}

TEST_F(http_fetcher_test, a_text_body_is_a_string_not_json) {
  const http_response r = fetch_one("/text/5");
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.is_json);
  EXPECT_EQ(r.body, "hello 5");
}

TEST_F(http_fetcher_test, invalid_json_under_a_json_content_type_is_kept_as_a_string) {
  const http_response r = fetch_one("/invalid-json");
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.is_json);
  EXPECT_EQ(r.body, R"({"id": 1, "broken": )");
}

TEST_F(http_fetcher_test, a_404_is_an_error_that_is_not_retried) {
  const http_response r = fetch_one("/no/such/route");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "HTTP 404");
  EXPECT_EQ(r.failure, yieldpipe::async::http_failure::http_status);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.attempts, 1U);
  EXPECT_TRUE(r.is_json);  // its body is still there
}

TEST_F(http_fetcher_test, a_flaky_500_is_retried_until_it_succeeds) {
  const long before = count_of("flaky");
  const http_response r = fetch_one("/flaky/f2/2");
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 3U);
  EXPECT_EQ(r.body, R"({"key": "f2", "attempt": 3})");
  EXPECT_EQ(count_of("flaky") - before, 3);
}

TEST_F(http_fetcher_test, a_500_that_outlasts_the_retries_is_an_error_after_retries_plus_one_attempts) {
  http_fetch_options o = quick();
  o.retries = 2;
  const http_response r = fetch_one("/flaky/f9/100", o);
  EXPECT_EQ(r.error, "HTTP 500");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.attempts, 3U);
}

TEST_F(http_fetcher_test, no_retries_means_one_attempt) {
  http_fetch_options o = quick();
  o.retries = 0;
  const http_response r = fetch_one("/status/503", o);
  EXPECT_EQ(r.error, "HTTP 503");
  EXPECT_EQ(r.attempts, 1U);
}

TEST_F(http_fetcher_test, a_connection_reset_is_retried_until_it_succeeds) {
  const http_response r = fetch_one("/reset-flaky/r2/2");
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 3U);
  EXPECT_EQ(r.body, R"({"key": "r2", "attempt": 3})");
}

TEST_F(http_fetcher_test, a_reset_every_time_is_an_error_with_no_status) {
  http_fetch_options o = quick();
  o.retries = 1;
  const http_response r = fetch_one("/reset", o);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.attempts, 2U);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(http_fetcher_test, a_50_mb_body_arrives_whole) {
  const http_response r = fetch_one("/big/50");
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.bytes, 50U << 20);
  ASSERT_EQ(r.body.size(), 50U << 20);
  EXPECT_TRUE(std::all_of(r.body.begin(), r.body.end(), [](char c) { return c == '\0'; }));
  EXPECT_FALSE(r.is_json);
}

TEST_F(http_fetcher_test, a_large_json_body_is_validated) {
  const http_response r = fetch_one("/bigjson/20");
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.bytes, (20U << 20) + 1);
  EXPECT_TRUE(r.is_json);
}

TEST_F(http_fetcher_test, a_body_past_max_body_bytes_fails_without_a_retry) {
  http_fetch_options o = quick();
  o.max_body_bytes = 1 << 20;
  const http_response r = fetch_one("/big/2", o);
  EXPECT_EQ(r.error, "body larger than max_body_bytes (1048576 bytes)");
  EXPECT_EQ(r.failure, yieldpipe::async::http_failure::body_too_large);
  EXPECT_EQ(r.attempts, 1U);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(http_fetcher_test, redirects_are_followed) {
  const http_response r = fetch_one("/redirect/3");
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"redirected": true})");
  EXPECT_EQ(r.url, url("/redirect/3"));  // the URL as given
}

TEST_F(http_fetcher_test, a_redirect_loop_is_an_error_after_max_redirects) {
  const http_response r = fetch_one("/redirect-loop");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("redirects"), std::string::npos) << r.error;
  EXPECT_EQ(r.failure, yieldpipe::async::http_failure::too_many_redirects);
  EXPECT_EQ(r.attempts, 1U);
  http_fetch_options o = quick();
  o.max_redirects = 2;
  EXPECT_FALSE(fetch_one("/redirect/3", o).ok());
  EXPECT_TRUE(fetch_one("/redirect/2", o).ok());
}

TEST_F(http_fetcher_test, a_truncated_body_is_an_error) {
  http_fetch_options o = quick();
  o.retries = 1;
  const http_response r = fetch_one("/truncated", o);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 2U);  // a connection dropped mid-body is worth another try
  EXPECT_EQ(r.failure, yieldpipe::async::http_failure::connection);
}

TEST_F(http_fetcher_test, a_slow_answer_times_out_and_is_retried) {
  http_fetch_options o = quick();
  o.timeout = 100ms;
  o.retries = 1;
  const auto start = std::chrono::steady_clock::now();
  const http_response r = fetch_one("/slow/1000", o);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
  EXPECT_EQ(r.failure, yieldpipe::async::http_failure::timeout);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.attempts, 2U);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
  EXPECT_GE(r.elapsed_ms, 200.0);
}

TEST_F(http_fetcher_test, an_unreachable_port_fails_after_the_retries) {
  // Port 1 on 127.0.0.1: nothing listens there (it would need root).
  const auto all = fetch_all({"http://127.0.0.1:1/x"});
  ASSERT_EQ(all.size(), 1U);
  EXPECT_FALSE(all[0].ok());
  EXPECT_EQ(all[0].status, 0);
  EXPECT_EQ(all[0].attempts, 4U);
  EXPECT_EQ(all[0].failure, yieldpipe::async::http_failure::connection);
}

TEST_F(http_fetcher_test, a_malformed_url_and_another_protocol_are_errors_of_their_own_url) {
  const auto all = fetch_all({"http://exa mple.com/", "ftp://127.0.0.1/", url("/json/1")});
  ASSERT_EQ(all.size(), 3U);
  std::set<std::string> failed;
  for (const auto& r : all)
    if (!r.ok()) {
      failed.insert(r.url);
      EXPECT_EQ(r.attempts, 1U) << r.url;
      EXPECT_EQ(r.failure, yieldpipe::async::http_failure::bad_url) << r.url;
    }
  EXPECT_EQ(failed, (std::set<std::string>{"http://exa mple.com/", "ftp://127.0.0.1/"}));
}

TEST_F(http_fetcher_test, a_url_with_a_control_character_is_an_error_not_a_shorter_url) {
  const auto all = fetch_all({url("/json/1") + std::string(1, '\0') + "x", url("/json/2\t")});
  ASSERT_EQ(all.size(), 2U);
  for (const auto& r : all) {
    EXPECT_EQ(r.error, "URL contains a control character");
    EXPECT_EQ(r.failure, yieldpipe::async::http_failure::bad_url);
    EXPECT_EQ(r.attempts, 1U);
  }
}

TEST_F(http_fetcher_test, every_url_yields_exactly_one_response_and_indexes_follow_the_input) {
  std::vector<std::string> urls;
  const std::vector<std::string> paths{"/json/", "/text/", "/status/404?", "/flaky/mix", "/redirect/1?", "/reset?"};
  for (int i = 0; i < 120; ++i) {
    const std::string& p = paths[static_cast<std::size_t>(i) % paths.size()];
    urls.push_back(url(p == "/flaky/mix" ? p + std::to_string(i) + "/1" : p + std::to_string(i)));
  }
  http_fetch_options o = quick();
  o.concurrency = 16;
  o.retries = 1;
  const auto all = fetch_all(urls, o);
  ASSERT_EQ(all.size(), urls.size());
  std::vector<int> seen(urls.size(), 0);
  for (const auto& r : all) {
    ASSERT_LT(r.index, urls.size());
    ++seen[r.index];
    EXPECT_EQ(r.url, urls[r.index]);
    const bool should_fail =
        r.url.find("/status/404") != std::string::npos || r.url.find("/reset") != std::string::npos;
    EXPECT_EQ(r.ok(), !should_fail) << r.url << ": " << r.error;
  }
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
}

TEST_F(http_fetcher_test, ordered_mode_yields_in_input_order_though_answers_come_back_reversed) {
  std::vector<std::string> urls;
  for (int i = 0; i < 12; ++i) urls.push_back(url("/slow/" + std::to_string((12 - i) * 15) + "/" + std::to_string(i)));
  http_fetch_options o = quick();
  o.concurrency = 4;
  o.ordered = true;
  const auto all = fetch_all(urls, o);
  ASSERT_EQ(all.size(), urls.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].index, i);
    EXPECT_EQ(all[i].url, urls[i]);
    EXPECT_TRUE(all[i].ok()) << all[i].error;
  }
}

TEST_F(http_fetcher_test, unordered_mode_yields_the_fast_answers_first) {
  const auto all = fetch_all({url("/slow/600/0"), url("/json/1"), url("/json/2")});
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all.back().index, 0U);
}

TEST_F(http_fetcher_test, the_concurrency_bound_makes_rounds) {
  // 64 answers of 200 ms each, 8 at a time: at least 8 rounds.
  std::vector<std::string> urls;
  for (int i = 0; i < 64; ++i) urls.push_back(url("/slow/200/" + std::to_string(i)));
  http_fetch_options o = quick();
  o.concurrency = 8;
  const auto start = std::chrono::steady_clock::now();
  const auto all = fetch_all(urls, o);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1600ms);
  ASSERT_EQ(all.size(), 64U);
  for (const auto& r : all) EXPECT_TRUE(r.ok()) << r.error;
}

yieldpipe::generator<std::string> counted_urls(std::string base, int n, int* pulled) {
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield base + std::to_string(i);
  }
}

task<int> take_three(async_generator<http_response> responses) {
  int n = 0;
  while (n < 3) {
    if (!co_await responses.next()) break;
    ++n;
  }
  co_return n;
}

TEST_F(http_fetcher_test, urls_are_pulled_lazily_and_an_early_stop_pulls_no_more) {
  int pulled = 0;
  asio::io_context ctx;
  http_fetch_options o = quick();
  o.concurrency = 4;
  auto responses = yieldpipe::async::fetch(ctx, counted_urls(url("/json/"), 1000000, &pulled), o);
  EXPECT_EQ(pulled, 0);  // nothing runs before the first next()
  EXPECT_EQ(yieldpipe::async::run(ctx, take_three(std::move(responses))), 3);
  // The window (4) plus the three taken, at most: never the million.
  EXPECT_LE(pulled, 7);
  EXPECT_GE(pulled, 4);
}

TEST_F(http_fetcher_test, an_async_generator_of_urls_is_a_source_too) {
  auto source = [](std::string base) -> async_generator<std::string> {
    for (int i = 0; i < 5; ++i) {
      std::string u = base + std::to_string(i);
      co_yield std::move(u);
    }
  };
  asio::io_context ctx;
  http_fetch_options o = quick();
  o.ordered = true;
  const auto all =
      yieldpipe::async::run(ctx, collect(yieldpipe::async::fetch(ctx, source(url("/json/")), std::move(o))));
  ASSERT_EQ(all.size(), 5U);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(all[i].body.find("\"id\": " + std::to_string(i)), 1U);
}

TEST_F(http_fetcher_test, cancelled_ends_the_fetch_with_fetch_cancelled_while_transfers_wait) {
  asio::io_context ctx;
  bool stop = false;
  http_fetch_options o = quick();
  o.cancelled = [&stop] { return stop; };
  asio::steady_timer timer(ctx, 300ms);
  timer.async_wait([&stop](const asio::error_code&) { stop = true; });
  const std::vector<std::string> urls{url("/json/1"), url("/slow/5000/1"), url("/slow/5000/2")};
  auto consume = [](async_generator<http_response> g, int* n) -> task<void> {
    while (co_await g.next()) ++*n;
  };
  int got = 0;
  // Without the cancel, the fetch would end after 5 s with three responses.
  EXPECT_THROW(yieldpipe::async::run(ctx, consume(yieldpipe::async::fetch(ctx, urls, o), &got)),
               yieldpipe::async::fetch_cancelled);
  EXPECT_EQ(got, 1);
}

TEST_F(http_fetcher_test, an_empty_input_yields_nothing) { EXPECT_TRUE(fetch_all({}).empty()); }

TEST_F(http_fetcher_test, concurrency_zero_is_an_error_at_the_first_next) {
  http_fetch_options o = quick();
  o.concurrency = 0;
  EXPECT_THROW(fetch_all({url("/json/1")}, o), std::invalid_argument);
}

TEST_F(http_fetcher_test, destroying_the_generator_mid_run_cancels_the_transfers_cleanly) {
  asio::io_context ctx;
  std::vector<std::string> urls;
  for (int i = 0; i < 20; ++i) urls.push_back(url("/slow/300/" + std::to_string(i)));
  urls.insert(urls.begin(), url("/json/0"));
  {
    auto responses = yieldpipe::async::fetch(ctx, urls, quick());
    auto first = yieldpipe::async::run(ctx, responses.next());
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->index, 0U);
  }           // 20 transfers in flight
  ctx.run();  // the cancelled waits find the fetcher gone
  SUCCEED();
}

// An HTTPS server on 127.0.0.1 for the life of the object: Python's http.server behind a self-signed
// certificate for 127.0.0.1 (made with the openssl command), serving a folder with data.json.
class tls_server {
 public:
  tls_server() : dir_(std::filesystem::temp_directory_path() / ("yieldpipe_tls_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "data.json") << R"({"tls": true})";
    const std::string d = dir_.string();
    const std::string make_cert = "cd '" + d +
                                  "' && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem "
                                  "-days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1";
    if (std::system(make_cert.c_str()) != 0) throw std::runtime_error("tls_server: openssl req failed");
    // The shell prints its pid and becomes python3 (exec): that pid is the server's. It exits with
    // the test program (its parent changes).
    const std::string serve =
        "cd '" + d +
        "' && echo $$ && exec python3 -c '"
        "import http.server, os, ssl, threading, time\n"
        "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
        "ctx.load_cert_chain(\"cert.pem\", \"key.pem\")\n"
        "s = http.server.ThreadingHTTPServer((\"127.0.0.1\", 0), http.server.SimpleHTTPRequestHandler)\n"
        "s.socket = ctx.wrap_socket(s.socket, server_side=True)\n"
        "http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None\n"
        "parent = os.getppid()\n"
        "def watch():\n"
        "    while os.getppid() == parent: time.sleep(0.5)\n"
        "    os._exit(0)\n"
        "threading.Thread(target=watch, daemon=True).start()\n"
        "print(\"PORT\", s.server_address[1], flush=True)\n"
        "s.serve_forever()' 2>/dev/null";
    pipe_ = ::popen(serve.c_str(), "r");
    if (pipe_ == nullptr) throw std::runtime_error("tls_server: cannot start python3");
    if (std::fscanf(pipe_, "%d PORT %d", &pid_, &port_) != 2) throw std::runtime_error("tls_server: no port");
  }
  tls_server(const tls_server&) = delete;
  tls_server& operator=(const tls_server&) = delete;
  ~tls_server() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    if (pipe_ != nullptr) ::pclose(pipe_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  std::filesystem::path dir_;
  FILE* pipe_ = nullptr;
  int pid_ = 0;
  int port_ = 0;
};

TEST(http_fetcher_tls, https_is_fetched_and_an_unknown_certificate_is_refused_without_a_retry) {
  tls_server server;
  http_fetch_options o;
  o.proxy = "";
  o.backoff_base = 1ms;
  asio::io_context ctx;
  auto collect = [](async_generator<http_response> g) -> task<std::vector<http_response>> {
    std::vector<http_response> out;
    while (auto r = co_await g.next()) out.push_back(std::move(*r));
    co_return out;
  };
  // The certificate is self-signed: refused by default, as libcurl does.
  const auto checked = yieldpipe::async::run(
      ctx, collect(yieldpipe::async::fetch(ctx, std::vector<std::string>{server.url("/data.json")}, o)));
  ASSERT_EQ(checked.size(), 1U);
  EXPECT_FALSE(checked[0].ok());
  EXPECT_EQ(checked[0].failure, yieldpipe::async::http_failure::connection) << checked[0].error;
  EXPECT_EQ(checked[0].attempts, 1U);
  o.verify_tls = false;
  const auto fetched = yieldpipe::async::run(
      ctx, collect(yieldpipe::async::fetch(ctx, std::vector<std::string>{server.url("/data.json")}, o)));
  ASSERT_EQ(fetched.size(), 1U);
  EXPECT_TRUE(fetched[0].ok()) << fetched[0].error;
  EXPECT_EQ(fetched[0].status, 200);
  EXPECT_TRUE(fetched[0].is_json);
  EXPECT_EQ(fetched[0].body, R"({"tls": true})");
}

// Its own server: GET /stop ends it while the other URLs are in flight or queued.
TEST(http_fetcher_stop, a_server_that_stops_mid_run_still_gives_one_response_per_url) {
  yieldpipe::test::http_test_server server;
  std::vector<std::string> urls;
  for (int i = 0; i < 10; ++i) urls.push_back(server.url("/json/" + std::to_string(i)));
  urls.push_back(server.url("/stop"));
  for (int i = 0; i < 30; ++i) urls.push_back(server.url("/slow/100/" + std::to_string(i)));
  http_fetch_options o;
  o.concurrency = 4;
  o.ordered = true;
  o.retries = 2;
  o.backoff_base = 1ms;
  o.backoff_max = 10ms;
  o.proxy = "";
  asio::io_context ctx;
  auto collect = [](async_generator<http_response> g) -> task<std::vector<http_response>> {
    std::vector<http_response> out;
    while (auto r = co_await g.next()) out.push_back(std::move(*r));
    co_return out;
  };
  const auto all = yieldpipe::async::run(ctx, collect(yieldpipe::async::fetch(ctx, urls, o)));
  ASSERT_EQ(all.size(), urls.size());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].index, i);
  // Ordered, 4 at a time: /stop (index 10) started only once 0 to 6 had been taken; 7 to 9 race with it.
  for (std::size_t i = 0; i < 7; ++i) EXPECT_TRUE(all[i].ok()) << all[i].error;
  EXPECT_TRUE(all[10].ok()) << all[10].error;
  EXPECT_TRUE(server.wait_for_exit(5s));
  // The last ones started after the server was gone: refused, after the retries.
  const http_response& last = all.back();
  EXPECT_FALSE(last.ok());
  EXPECT_EQ(last.status, 0);
  EXPECT_EQ(last.attempts, 3U);
}

}  // namespace
