// The test HTTP server (tests/support/http_test_server.py, started by http_test_server.hpp), checked route by
// route with libcurl's easy interface, so that the fetcher's tests can rely on what each route does.
#include "support/http_test_server.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using yieldpipe::test::http_test_server;
using namespace std::chrono_literals;

struct response {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;          // empty when only counted
  std::size_t bytes = 0;     // body bytes received
  std::string content_type;  // empty when none
  long redirects = 0;
  std::string redirect_url;  // the Location not followed
  std::chrono::steady_clock::duration elapsed{};
};

struct options {
  bool follow = false;
  bool count_only = false;  // count the body's bytes without keeping them
};

using easy_handle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;

easy_handle make_handle() {
  easy_handle h(curl_easy_init(), &curl_easy_cleanup);
  if (!h) throw std::runtime_error("curl_easy_init failed");
  return h;
}

// A GET of `url` on `handle` (reusing its connection, if any).
response get(CURL* handle, const std::string& url, options o = {}) {
  response r;
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROXY, "");  // never a proxy from the environment: 127.0.0.1 only
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, o.follow ? 1L : 0L);
  curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &r);
  if (o.count_only) {
    curl_easy_setopt(
        handle, CURLOPT_WRITEFUNCTION, +[](char*, std::size_t size, std::size_t n, void* p) {
          static_cast<response*>(p)->bytes += size * n;
          return size * n;
        });
  } else {
    curl_easy_setopt(
        handle, CURLOPT_WRITEFUNCTION, +[](char* data, std::size_t size, std::size_t n, void* p) {
          auto* out = static_cast<response*>(p);
          out->body.append(data, size * n);
          out->bytes += size * n;
          return size * n;
        });
  }
  const auto start = std::chrono::steady_clock::now();
  r.code = curl_easy_perform(handle);
  r.elapsed = std::chrono::steady_clock::now() - start;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &r.status);
  char* type = nullptr;
  if (curl_easy_getinfo(handle, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr) r.content_type = type;
  curl_easy_getinfo(handle, CURLINFO_REDIRECT_COUNT, &r.redirects);
  char* location = nullptr;
  if (curl_easy_getinfo(handle, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != nullptr)
    r.redirect_url = location;
  return r;
}

response get(const std::string& url, options o = {}) { return get(make_handle().get(), url, o); }

// curl_global_init once, before any test's threads make handles (it is not thread-safe).
class curl_environment : public ::testing::Environment {
 public:
  void SetUp() override { curl_global_init(CURL_GLOBAL_DEFAULT); }
  void TearDown() override { curl_global_cleanup(); }
};
[[maybe_unused]] auto* const curl_env = ::testing::AddGlobalTestEnvironment(new curl_environment);

// One server for the suite: the routes that change its state use keys of their own.
class http_test_server_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new http_test_server(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string url(std::string_view path) { return server_->url(path); }

  static inline http_test_server* server_ = nullptr;
};

TEST_F(http_test_server_test, the_server_listens_on_127_0_0_1_at_the_port_it_printed) {
  EXPECT_GT(server_->port(), 0);
  EXPECT_EQ(server_->url("/json/1"), "http://127.0.0.1:" + std::to_string(server_->port()) + "/json/1");
  EXPECT_EQ(server_->url("json/1"), server_->url("/json/1"));
  EXPECT_TRUE(server_->running());
}

TEST_F(http_test_server_test, a_json_item_is_its_id_twice_its_id_and_its_name) {
  const response r = get(url("/json/7"));
  EXPECT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"id": 7, "value": 14, "name": "item-7"})");
}

TEST_F(http_test_server_test, a_text_item_is_hello_and_its_id) {
  const response r = get(url("/text/42"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain");
  EXPECT_EQ(r.body, "hello 42");
}

TEST_F(http_test_server_test, requests_on_one_handle_reuse_one_kept_alive_connection) {
  const easy_handle h = make_handle();
  for (int i = 0; i < 5; ++i) {
    const response r = get(h.get(), url("/json/" + std::to_string(i)));
    ASSERT_EQ(r.code, CURLE_OK);
    EXPECT_EQ(r.status, 200);
    long new_connections = -1;
    curl_easy_getinfo(h.get(), CURLINFO_NUM_CONNECTS, &new_connections);
    EXPECT_EQ(new_connections, i == 0 ? 1 : 0) << "request " << i;
  }
}

TEST_F(http_test_server_test, a_slow_answer_takes_at_least_its_delay) {
  const response r = get(url("/slow/200"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"slept_ms": 200})");
  EXPECT_GE(r.elapsed, 200ms);
  EXPECT_EQ(get(url("/slow/0/5")).body, R"({"slept_ms": 0, "id": 5})");
}

TEST_F(http_test_server_test, slow_answers_to_concurrent_connections_are_all_given) {
  // 64 connections at once: more than Python's default listen backlog of 5.
  std::vector<response> responses(64);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < responses.size(); ++i)
    threads.emplace_back([&, i] { responses[i] = get(url("/slow/50/" + std::to_string(i))); });
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < responses.size(); ++i) {
    EXPECT_EQ(responses[i].code, CURLE_OK) << i;
    EXPECT_EQ(responses[i].body, R"({"slept_ms": 50, "id": )" + std::to_string(i) + "}");
  }
}

TEST_F(http_test_server_test, a_status_route_answers_that_status_with_a_json_body) {
  for (const long status : {200L, 404L, 500L, 503L}) {
    const response r = get(url("/status/" + std::to_string(status)));
    EXPECT_EQ(r.code, CURLE_OK);
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.body, R"({"status": )" + std::to_string(status) + "}");
  }
  const response no_content = get(url("/status/204"));
  EXPECT_EQ(no_content.status, 204);
  EXPECT_EQ(no_content.body, "");
}

TEST_F(http_test_server_test, an_unknown_path_is_a_404_with_a_json_body) {
  const response r = get(url("/no/such/route"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"error": "not found", "path": "/no/such/route"})");
}

TEST_F(http_test_server_test, a_flaky_key_fails_with_500_its_first_n_times_then_answers) {
  const easy_handle h = make_handle();  // a 500 keeps the connection alive
  for (int attempt = 1; attempt <= 2; ++attempt) {
    const response r = get(h.get(), url("/flaky/flaky-test/2"));
    EXPECT_EQ(r.code, CURLE_OK);
    EXPECT_EQ(r.status, 500) << "attempt " << attempt;
  }
  const response third = get(h.get(), url("/flaky/flaky-test/2"));
  EXPECT_EQ(third.status, 200);
  EXPECT_EQ(third.body, R"({"key": "flaky-test", "attempt": 3})");
  EXPECT_EQ(get(url("/flaky/another-key/1")).status, 500);  // counted per key
}

TEST_F(http_test_server_test, the_count_route_reports_the_requests_by_path_prefix) {
  // The suite's other tests share the server: compare counts before and after.
  auto prefix_count = [] {
    const std::string body = get(url("/count")).body;
    const std::string field = R"("count-test-prefix": )";
    const auto at = body.find(field);
    return at == std::string::npos ? 0 : std::stoi(body.substr(at + field.size()));
  };
  EXPECT_EQ(prefix_count(), 0);
  for (int i = 0; i < 3; ++i) get(url("/count-test-prefix/" + std::to_string(i)));
  EXPECT_EQ(prefix_count(), 3);
  const std::string body = get(url("/count")).body;
  EXPECT_NE(body.find(R"("total": )"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("by_prefix": {)"), std::string::npos) << body;
}

TEST_F(http_test_server_test, a_reset_gives_the_client_a_receive_error) {
  const response r = get(url("/reset"));
  EXPECT_TRUE(r.code == CURLE_RECV_ERROR || r.code == CURLE_GOT_NOTHING) << curl_easy_strerror(r.code);
  EXPECT_EQ(r.bytes, 0u);
  EXPECT_EQ(get(url("/json/1")).status, 200);  // the server goes on
}

TEST_F(http_test_server_test, a_reset_flaky_key_resets_its_first_n_connections_then_answers) {
  for (int attempt = 1; attempt <= 2; ++attempt) {
    const response r = get(url("/reset-flaky/reset-test/2"));
    EXPECT_TRUE(r.code == CURLE_RECV_ERROR || r.code == CURLE_GOT_NOTHING)
        << "attempt " << attempt << ": " << curl_easy_strerror(r.code);
  }
  const response third = get(url("/reset-flaky/reset-test/2"));
  EXPECT_EQ(third.code, CURLE_OK);
  EXPECT_EQ(third.body, R"({"key": "reset-test", "attempt": 3})");
}

TEST_F(http_test_server_test, a_50_mib_body_arrives_whole) {
  const response r = get(url("/big/50"), {.count_only = true});
  EXPECT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/octet-stream");
  EXPECT_EQ(r.bytes, std::size_t{50} << 20);
}

TEST_F(http_test_server_test, a_big_json_body_is_one_array_of_numbers) {
  const response r = get(url("/bigjson/2"));
  EXPECT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.content_type, "application/json");
  ASSERT_EQ(r.body.size(), (std::size_t{2} << 20) + 1);
  EXPECT_EQ(r.body.front(), '[');
  EXPECT_EQ(r.body.back(), ']');
  const std::string_view inside(r.body.data() + 1, r.body.size() - 2);
  EXPECT_TRUE(std::all_of(inside.begin(), inside.end(), [](char c) { return c == ',' || (c >= '0' && c <= '9'); }));
  EXPECT_EQ(inside.find(",,"), std::string_view::npos);
  EXPECT_EQ(get(url("/bigjson/0")).body, "[]");
}

TEST_F(http_test_server_test, invalid_json_is_returned_as_is) {
  const response r = get(url("/invalid-json"));
  EXPECT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"id": 1, "broken": )");
}

TEST_F(http_test_server_test, redirects_lead_to_their_end_when_followed) {
  const response followed = get(url("/redirect/3"), {.follow = true});
  EXPECT_EQ(followed.code, CURLE_OK);
  EXPECT_EQ(followed.status, 200);
  EXPECT_EQ(followed.redirects, 3);
  EXPECT_EQ(followed.body, R"({"redirected": true})");

  const response not_followed = get(url("/redirect/3"));
  EXPECT_EQ(not_followed.status, 302);
  EXPECT_EQ(not_followed.redirect_url, url("/redirect/2"));
}

TEST_F(http_test_server_test, a_redirect_loop_stops_at_the_client_s_maximum) {
  const response r = get(url("/redirect-loop"), {.follow = true});
  EXPECT_EQ(r.code, CURLE_TOO_MANY_REDIRECTS) << curl_easy_strerror(r.code);
  EXPECT_EQ(r.redirects, 10);
}

TEST_F(http_test_server_test, a_truncated_body_is_a_partial_file) {
  const response r = get(url("/truncated"));
  EXPECT_EQ(r.code, CURLE_PARTIAL_FILE) << curl_easy_strerror(r.code);
  EXPECT_EQ(r.body, "0123456789");
}

TEST(http_test_server, the_stop_route_answers_then_later_connections_are_refused) {
  http_test_server server;
  const easy_handle h = make_handle();
  EXPECT_EQ(get(h.get(), server.url("/json/1")).status, 200);
  const response stopping = get(server.url("/stop"));
  EXPECT_EQ(stopping.code, CURLE_OK);
  EXPECT_EQ(stopping.body, R"({"stopping": true})");
  EXPECT_EQ(get(server.url("/json/2")).code, CURLE_COULDNT_CONNECT);
  // The kept-alive connection goes too: curl finds it dead and cannot open another.
  EXPECT_TRUE(server.wait_for_exit(10s));
  EXPECT_NE(get(h.get(), server.url("/json/3")).code, CURLE_OK);
  EXPECT_FALSE(server.running());
  EXPECT_EQ(server.stop(), 0);
}

TEST(http_test_server, stop_ends_the_server_with_status_0_and_can_be_called_again) {
  http_test_server server;
  const std::string u = server.url("/json/1");
  EXPECT_EQ(get(u).status, 200);
  EXPECT_EQ(server.stop(), 0);
  EXPECT_FALSE(server.running());
  EXPECT_EQ(server.stop(), 0);
  EXPECT_EQ(get(u).code, CURLE_COULDNT_CONNECT);
}

TEST(http_test_server, a_server_that_cannot_start_is_an_exception_that_says_why) {
  try {
    http_test_server server({"--port", "not-a-number"});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("before printing its port"), std::string::npos) << e.what();
  }
}

}  // namespace
