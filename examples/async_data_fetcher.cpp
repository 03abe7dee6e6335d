// The guide, "5. Async Generators" › "Async Data Fetcher": async_data_fetcher.
//
// The guide's generator fetches its URLs one after the other with aiohttp and yields each JSON
// body. Here `yieldpipe::async::fetch` is that generator: an async_generator of responses over
// libcurl on an asio::io_context, with the URLs in flight at once bounded by `concurrency` and the
// results in input order (`ordered`), so the output is the guide's. The server is local
// (local_json_server.hpp: the guide's "http://api1.com/data" without the network), and so is the
// Python twin's (tests/examples/python/async_data_fetcher.py, aiohttp on both sides).
// process_data_async and store_data_async are the example's own: tasks that hop through the
// io_context (Python's `await asyncio.sleep(0)`) before they compute.
#include <simdjson.h>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <cstdio>
#include <map>
#include <numeric>
#include <string>
#include <vector>
#include <yieldpipe/async.hpp>
#include <yieldpipe/async/http_fetcher.hpp>
#include <yieldpipe/core.hpp>

#include "example.hpp"
#include "local_json_server.hpp"

namespace {

using yieldpipe::task;
using yieldpipe::async::use_task;

struct item {
  long id;
  std::string source;
  long value;
};

struct processed {
  long id;
  std::string source;
  long scaled;
};

using store = std::map<std::string, std::vector<long>>;

// A response's JSON body as an item; a failed URL or an unexpected body is an error naming the URL.
item parse_item(const yieldpipe::async::http_response& r) {
  if (!r.ok()) throw std::runtime_error(r.url + ": " + r.error);
  simdjson::ondemand::parser parser;
  simdjson::padded_string body(r.body);
  auto doc = parser.iterate(body);
  item out;
  out.id = static_cast<long>(doc["id"].get_int64().value());
  out.source = std::string(doc["source"].get_string().value());
  out.value = static_cast<long>(doc["value"].get_int64().value());
  return out;
}

task<processed> process_data_async(asio::io_context& ctx, item data) {
  co_await asio::post(ctx, use_task);
  co_return processed{data.id, data.source, data.value * 2};
}

task<void> store_data_async(asio::io_context& ctx, processed p, store* into) {
  co_await asio::post(ctx, use_task);
  (*into)[p.source].push_back(p.scaled);
}

std::vector<std::string> data_urls(const yieldpipe::examples::local_json_server& server, long from, long to) {
  std::vector<std::string> urls;
  for (long n = from; n < to; ++n) urls.push_back(server.url("/data/" + std::to_string(n)));
  return urls;
}

task<void> process_async_data(asio::io_context& ctx, const yieldpipe::examples::local_json_server& server) {
  const yieldpipe::async::http_fetch_options in_order{.concurrency = 16, .ordered = true, .proxy = ""};
  {
    store two;
    auto responses = yieldpipe::async::fetch(ctx, data_urls(server, 1, 3), in_order);
    while (auto response = co_await responses.next()) {
      item data = parse_item(*response);
      processed p = co_await process_data_async(ctx, data);
      std::printf("fetched item %ld from %s: value %ld -> scaled %ld\n", data.id, data.source.c_str(), data.value,
                  p.scaled);
      co_await store_data_async(ctx, p, &two);
    }
  }

  store by_source;
  long count = 0;
  auto responses = yieldpipe::async::fetch(ctx, data_urls(server, 0, 100), in_order);
  while (auto response = co_await responses.next()) {
    co_await store_data_async(ctx, co_await process_data_async(ctx, parse_item(*response)), &by_source);
    ++count;
  }
  std::printf("%ld URLs fetched, every one answered once\n", count);
  for (const auto& [source, values] : by_source)
    std::printf("%s: %zu items, scaled total %ld\n", source.c_str(), values.size(),
                std::accumulate(values.begin(), values.end(), 0L));
}

}  // namespace

YIELDPIPE_EXAMPLE(198, async_data_fetcher, "Async Data Fetcher") {
  yieldpipe::examples::local_json_server server;
  asio::io_context ctx;
  yieldpipe::async::run(ctx, process_async_data(ctx, server));
}
