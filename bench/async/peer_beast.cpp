// A Boost.Beast HTTP/1.1 client doing what `yieldpipe fetch` does in bench/async/fetch_bench.sh: the peer that
// measures the alternative issue 14 named ("libcurl's multi interface driven by the io_context, or Boost.Beast —
// choose by measurement"). Not part of the project's build (the project does not depend on Boost): the
// benchmark compiles it when Debian's libboost1.81-dev is installed,
//
//   g++ -std=c++20 -O2 bench/async/peer_beast.cpp -o peer_beast -pthread
//   peer_beast [URLS_FILE|-] [CONCURRENCY]      # URLs one a line (stdin when absent or -), CONCURRENCY 64
//
// Every URL is http://HOST:PORT/target, all with the first URL's HOST:PORT (the benchmark's local nginx).
// At most CONCURRENCY keep-alive connections, each one request at a time, take the URLs in order from a
// shared cursor; each response is read whole (http::string_body) and written as `STATUS URL` to stdout
// (buffered), so that the benchmark can check every URL answered exactly once with status 200. A connection
// the server closes (Connection: close, or an idle keep-alive connection closed under a request) is reopened
// and the request retried once; a request that fails on a fresh connection is reported on stderr and written
// with status 000. Exit status 1 if any request failed.
//
// One thread, one io_context, callbacks. Per connection the socket, the read buffer and the request are
// reused; the response parser is re-emplaced in place for each response.

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

struct Url {
  std::size_t begin;   // offset of the URL in Fetcher::text
  std::size_t target;  // offset of its target ("/path?query")
  std::size_t end;
};

class Fetcher {
 public:
  std::string text;  // the input, URLs one a line
  std::vector<Url> urls;
  std::string host;  // HOST:PORT, the Host header
  asio::io_context io{1};
  tcp::resolver::results_type endpoints;
  std::size_t next = 0;
  std::size_t failures = 0;

  std::string_view url(std::size_t i) const { return {text.data() + urls[i].begin, urls[i].end - urls[i].begin}; }
  std::string_view target(std::size_t i) const { return {text.data() + urls[i].target, urls[i].end - urls[i].target}; }

  void record(unsigned status, std::size_t i) {
    std::string_view u = url(i);
    std::fprintf(stdout, "%03u %.*s\n", status, static_cast<int>(u.size()), u.data());
  }
};

class Connection {
 public:
  explicit Connection(Fetcher& f) : f_(f), socket_(f.io) {
    req_.method(http::verb::get);
    req_.version(11);
    req_.set(http::field::host, f.host);
    req_.set(http::field::user_agent, "peer_beast");
  }

  void start() { take(); }

 private:
  // Takes the next URL, if any, and sends it (over a new connection when there is none open).
  void take() {
    if (f_.next == f_.urls.size()) {
      error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_both, ignored);
      socket_.close(ignored);
      return;
    }
    current_ = f_.next++;
    std::string_view t = f_.target(current_);
    req_.target(beast::string_view(t.data(), t.size()));
    if (socket_.is_open()) {
      send();
    } else {
      connect();
    }
  }

  void connect() {
    fresh_ = true;
    buffer_.clear();
    asio::async_connect(socket_, f_.endpoints, [this](error_code ec, const tcp::endpoint&) {
      if (ec) return fail(ec, "connect");
      socket_.set_option(tcp::no_delay(true), ec);
      send();
    });
  }

  void send() {
    http::async_write(socket_, req_, [this](error_code ec, std::size_t) {
      if (ec) return fail(ec, "write");
      parser_.emplace();
      http::async_read(socket_, buffer_, *parser_, [this](error_code ec, std::size_t) { on_read(ec); });
    });
  }

  void on_read(error_code ec) {
    if (ec) return fail(ec, "read");
    const auto& res = parser_->get();
    f_.record(res.result_int(), current_);
    fresh_ = false;
    if (!parser_->keep_alive()) close();
    take();
  }

  // A failure on a connection that has served a response: the server may have closed it while it was idle, so
  // reconnect and retry the same URL once. On a fresh connection: the URL fails.
  void fail(error_code ec, const char* what) {
    bool retry = !fresh_;
    close();
    if (retry) return connect();
    std::string_view u = f_.url(current_);
    std::fprintf(stderr, "peer_beast: %s %.*s: %s\n", what, static_cast<int>(u.size()), u.data(), ec.message().c_str());
    ++f_.failures;
    f_.record(0, current_);
    take();
  }

  void close() {
    error_code ignored;
    socket_.close(ignored);
    buffer_.clear();
  }

  Fetcher& f_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> req_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::size_t current_ = 0;
  bool fresh_ = true;
};

bool read_all(std::FILE* in, std::string& out) {
  char chunk[1 << 16];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, in)) > 0) out.append(chunk, n);
  return !std::ferror(in);
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "-";
  const long concurrency = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 64;
  if (argc > 3 || concurrency < 1) {
    std::fprintf(stderr, "usage: peer_beast [URLS_FILE|-] [CONCURRENCY]\n");
    return 2;
  }
  Fetcher f;
  std::FILE* in = std::string_view(path) == "-" ? stdin : std::fopen(path, "rb");
  if (!in || !read_all(in, f.text)) {
    std::perror(path);
    return 2;
  }
  if (in != stdin) std::fclose(in);

  // Split the lines; every URL must be http://AUTHORITY/... with the first URL's AUTHORITY.
  constexpr std::string_view scheme = "http://";
  std::string_view authority;
  for (std::size_t begin = 0; begin < f.text.size();) {
    std::size_t end = f.text.find('\n', begin);
    if (end == std::string::npos) end = f.text.size();
    std::size_t stop = end;
    if (stop > begin && f.text[stop - 1] == '\r') --stop;
    std::string_view line(f.text.data() + begin, stop - begin);
    if (!line.empty()) {
      if (!line.starts_with(scheme)) {
        std::fprintf(stderr, "peer_beast: not an http:// URL: %.*s\n", static_cast<int>(line.size()), line.data());
        return 2;
      }
      std::size_t slash = line.find('/', scheme.size());
      if (slash == std::string_view::npos) {
        std::fprintf(stderr, "peer_beast: no path in %.*s\n", static_cast<int>(line.size()), line.data());
        return 2;
      }
      std::string_view a = line.substr(scheme.size(), slash - scheme.size());
      if (authority.empty()) authority = a;
      if (a != authority) {
        std::fprintf(stderr, "peer_beast: every URL must be on %.*s: %.*s\n", static_cast<int>(authority.size()),
                     authority.data(), static_cast<int>(line.size()), line.data());
        return 2;
      }
      f.urls.push_back({begin, begin + slash, stop});
    }
    begin = end + 1;
  }
  if (f.urls.empty()) return 0;

  f.host = std::string(authority);
  std::size_t colon = authority.rfind(':');
  std::string host(authority.substr(0, colon));
  std::string port(colon == std::string_view::npos ? "80" : authority.substr(colon + 1));
  error_code ec;
  f.endpoints = tcp::resolver(f.io).resolve(host, port, ec);
  if (ec) {
    std::fprintf(stderr, "peer_beast: resolving %s: %s\n", f.host.c_str(), ec.message().c_str());
    return 2;
  }

  static char out_buffer[1 << 16];
  std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);

  std::vector<std::unique_ptr<Connection>> connections;
  const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(concurrency), f.urls.size());
  for (std::size_t i = 0; i < count; ++i) connections.push_back(std::make_unique<Connection>(f));
  for (auto& c : connections) c->start();
  f.io.run();
  std::fflush(stdout);
  return f.failures == 0 ? 0 : 1;
}
