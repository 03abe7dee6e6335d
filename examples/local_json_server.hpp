#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for the async examples (the guide's "http://api1.com/data"
// without the network): `GET /data/<n>` answers `{"id": n, "source": "api<k>", "value": v}` as JSON,
// with keep-alive; anything else is a 404. It runs on its own thread and io_context, so the
// example's client is measured against a real socket. tests/examples/python/ has its aiohttp twin.

// A standard header before Asio (see yieldpipe/async/detail/before_asio.hpp).
#include <cstddef>
// (its own block, so that include sorting keeps it first)

#include <asio/buffer.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>
#include <charconv>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace yieldpipe::examples {

/// The body the server answers for `/data/<n>`: the same formula as the Python twin.
inline std::string json_for_item(long n) {
  const long value = (n * 37) % 100;
  return "{\"id\": " + std::to_string(n) + ", \"source\": \"api" + std::to_string(n % 3 + 1) +
         "\", \"value\": " + std::to_string(value) + "}";
}

class local_json_server {
 public:
  local_json_server() : acceptor_(ctx_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { ctx_.run(); });
  }
  local_json_server(const local_json_server&) = delete;
  local_json_server& operator=(const local_json_server&) = delete;
  ~local_json_server() {
    ctx_.stop();
    thread_.join();
  }

  [[nodiscard]] std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + std::string(path);
  }

 private:
  // One connection: requests read up to their blank line (GET has no body), answered in turn.
  struct session : std::enable_shared_from_this<session> {
    explicit session(asio::ip::tcp::socket s) : socket(std::move(s)) {}
    asio::ip::tcp::socket socket;
    asio::streambuf in;
    std::string out;

    void read() {
      asio::async_read_until(socket, in, "\r\n\r\n", [self = shared_from_this()](std::error_code ec, std::size_t n) {
        if (!ec) self->answer(n);
      });
    }
    void answer(std::size_t header_bytes) {
      std::string head(asio::buffers_begin(in.data()),
                       asio::buffers_begin(in.data()) + static_cast<long>(header_bytes));
      in.consume(header_bytes);
      const std::string_view line(head.data(), head.find("\r\n"));
      const std::string_view prefix = "GET /data/";
      long n = -1;
      if (line.starts_with(prefix)) {
        const std::string_view rest = line.substr(prefix.size());
        std::from_chars(rest.data(), rest.data() + rest.size(), n);
      }
      const std::string body = n >= 0 ? json_for_item(n) : std::string("{\"error\": \"not found\"}");
      out = std::string(n >= 0 ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 404 Not Found\r\n") +
            "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      asio::async_write(socket, asio::buffer(out), [self = shared_from_this()](std::error_code ec, std::size_t) {
        if (!ec) self->read();
      });
    }
  };

  void accept() {
    acceptor_.async_accept([this](std::error_code ec, asio::ip::tcp::socket s) {
      if (ec) return;
      std::make_shared<session>(std::move(s))->read();
      accept();
    });
  }

  asio::io_context ctx_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

}  // namespace yieldpipe::examples
