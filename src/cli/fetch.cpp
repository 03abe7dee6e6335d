// `yieldpipe fetch URLS|- [--concurrency N] [--timeout SECONDS] [--retries K] [--ordered]`: many URLs
// fetched concurrently (async::fetch), one record per URL, in memory flat in the number of URLs.
#include <algorithm>
#include <asio/io_context.hpp>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>
#include <yieldpipe/async/http_fetcher.hpp>
#include <yieldpipe/async/run.hpp>
#include <yieldpipe/core/async_generator.hpp>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/core/task.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/lines.hpp>
#include <yieldpipe/io/output.hpp>
#include <yieldpipe/io/writers.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "stop_signals.hpp"

namespace yieldpipe::cli {
namespace {

struct fetch_settings {
  std::string input;
  std::size_t concurrency = 64;
  double timeout = 30;
  unsigned retries = 3;
  bool ordered = false;
  std::string max_body = "64MiB";
  common_options common;
};

const std::vector<std::string> columns{"url", "status", "attempts", "elapsed_ms", "bytes", "error", "body"};

// Where each URL still in flight came from (line and byte offset), for the dead-letter file: the
// entries of at most the fetcher's window, never the whole input.
using url_origins = std::unordered_map<std::size_t, std::pair<std::uint64_t, std::uint64_t>>;

std::string_view trimmed(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// The URLs of the input, one a line; blank lines and `#` comments skipped. Pointers: both outlive
// the generator (run_fetch holds them).
generator<std::string> url_lines(io::line_reader* reader, url_origins* origins) {
  std::string_view line;
  std::size_t index = 0;
  while (reader->next(line)) {
    const std::string_view url = trimmed(line);
    if (url.empty() || url.front() == '#') continue;
    origins->emplace(index++, std::pair(reader->line_number(), reader->line_offset()));
    std::string out(url);
    co_yield std::move(out);
  }
}

// One run: the records written, the failures counted or set aside.
class fetch_run {
 public:
  fetch_run(const fetch_settings& settings, std::string path, rejects& bad)
      : path_(std::move(path)),
        bad_(bad),
        on_reject_(bad.handler()),
        progress_(settings.common, "fetch"),
        out_(settings.common, columns),
        jsonl_(io::parse_format(settings.common.format) == io::format::jsonl) {}

  void write(async::http_response& r) {
    progress_.tick();
    ++total_;
    const auto origin = origins_.extract(r.index);
    if (!r.ok()) {
      ++failed_;
      if (on_reject_) {  // skip or dead-letter: not in the output
        const auto [line, offset] = origin.empty() ? std::pair<std::uint64_t, std::uint64_t>() : origin.mapped();
        const std::string reason =
            r.failure == async::http_failure::http_status ? r.error : std::string(async::to_string(r.failure));
        on_reject_(io::rejected_record{path_, line, offset, r.url}, reason, r.error);
        return;
      }
    }
    const double ms = std::round(r.elapsed_ms * 1000) / 1000;
    const io::field error = r.ok() ? io::field() : io::field(r.error);
    const io::field body = r.body.empty() && !r.ok() ? io::field() : io::field(r.body);
    if (!jsonl_ || !r.is_json) {
      out_.write_row({r.url, r.status, r.attempts, ms, r.bytes, error, body});
      return;
    }
    // A JSON body goes into the record as JSON (minified by the fetcher: one line): the writer
    // escapes the other fields and ends the record with `"body":null}\n`, whose null it replaces.
    json_writer_.write_row({r.url, r.status, r.attempts, ms, r.bytes, error, io::field()});
    std::string record = json_out_.take();
    record.resize(record.size() - std::string_view("null}\n").size());
    record += r.body;
    record += "}\n";
    out_.write_formatted(record);
  }

  url_origins& origins() noexcept { return origins_; }

  void finish() {
    finish_command("fetch", progress_, bad_, out_);
    if (failed_ > 0 && !on_reject_)
      throw io::io_error(path_, std::to_string(failed_) + " of " + std::to_string(total_) +
                                    " URLs failed (their records hold the error)");
  }

 private:
  std::string path_;
  rejects& bad_;
  io::reject_handler on_reject_;
  command_progress progress_;
  result_output out_;
  bool jsonl_;
  io::output json_out_{io::to_memory};
  io::jsonl_writer json_writer_{json_out_, columns};
  url_origins origins_;
  std::uint64_t total_ = 0;
  std::uint64_t failed_ = 0;
};

task<void> write_all(async_generator<async::http_response> responses, fetch_run* run) {
  while (auto r = co_await responses.next()) run->write(*r);
}

void run_fetch(const fetch_settings& settings) {
  const auto format = io::parse_format(settings.common.format);
  if (format == io::format::table)
    throw usage_error("--format: fetch writes jsonl, csv or tsv (a table would hold its first 1000 bodies)");
  const std::optional<std::uint64_t> max_body = parse_size(settings.max_body);
  if (!max_body || *max_body == 0)
    throw usage_error("--max-body: expected a size such as 64MiB, got '" + settings.max_body + "'");
  // --max-memory is a promise: the bodies held at once (the window) must fit in it.
  if (!settings.common.max_memory.empty()) {
    const std::uint64_t budget = parse_size(settings.common.max_memory).value_or(0);
    const std::uint64_t window = settings.concurrency;
    if (window > budget / *max_body)
      throw usage_error("--max-memory " + settings.common.max_memory + ": fetch may hold --concurrency " +
                        std::to_string(window) + " bodies of up to --max-body " + settings.max_body +
                        " at once, more than that; lower --max-body or --concurrency");
  }
  if (!(settings.timeout >= 0) || settings.timeout > 1e6)
    throw usage_error("--timeout: expected seconds between 0 and 1000000, got " + std::to_string(settings.timeout));

  rejects bad(settings.common.on_error);
  io::line_reader reader{io::input(settings.input)};
  const std::string path = settings.input == "-" ? "<stdin>" : settings.input;
  fetch_run run(settings, path, bad);

  async::http_fetch_options options;
  options.concurrency = settings.concurrency;
  options.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(settings.timeout * 1000)));
  options.connect_timeout = std::min(options.connect_timeout, options.timeout);
  if (options.timeout.count() == 0) options.connect_timeout = std::chrono::seconds(10);
  options.retries = settings.retries;
  options.ordered = settings.ordered;
  options.max_body_bytes = *max_body;
  options.minify_json = format == io::format::jsonl;

  // SIGINT or SIGTERM end the fetch within 100 ms, even while every transfer waits.
  options.cancelled = [] { return stop_signal != 0; };

  asio::io_context ctx;
  try {
    async::run(ctx, write_all(async::fetch(ctx, url_lines(&reader, &run.origins()), std::move(options)), &run));
  } catch (const async::fetch_cancelled&) {
    throw interrupted(stop_signal);
  }
  run.finish();
}

}  // namespace

void add_fetch_command(CLI::App& app) {
  auto settings = std::make_shared<fetch_settings>();
  settings->common.format = "jsonl";
  auto* cmd = app.add_subcommand("fetch", "Fetch many URLs concurrently over HTTP/HTTPS: one record per URL");
  cmd->add_option("urls", settings->input,
                  "A file of URLs, one a line (blank lines and # comments skipped; gzip and zstd are read as they "
                  "are); - is standard input")
      ->required();
  cmd->add_option("--concurrency", settings->concurrency, "URLs in flight at once")
      ->type_name("N")
      ->check(whole_number(1))
      ->capture_default_str();
  cmd->add_option("--timeout", settings->timeout, "The longest one attempt may take, in seconds (0: no limit)")
      ->type_name("SECONDS")
      ->capture_default_str();
  cmd->add_option("--retries", settings->retries,
                  "Attempts after the first on a connection error, reset, timeout or HTTP 5xx (never on 4xx), "
                  "after an exponential backoff with jitter")
      ->type_name("K")
      ->check(whole_number(0))
      ->capture_default_str();
  cmd->add_flag("--ordered", settings->ordered,
                "Records in input order (default: as they complete); a slow URL then holds back those after it");
  cmd->add_option("--max-body", settings->max_body, "The largest body kept; a larger one fails its URL")
      ->type_name("SIZE")
      ->capture_default_str();
  add_common_options(*cmd, settings->common);
  cmd->footer(
      "Each record: url, status (0 when no answer came), attempts, elapsed_ms, bytes, error (null on success),\n"
      "body (with --format jsonl a JSON body is embedded as JSON, minified; other bodies are strings).\n"
      "Every URL of the input gives exactly one record. A URL fails on an HTTP status >= 400 (5xx after the\n"
      "retries), or when no answer came after the retries; --on-error says what then: fail (the default: the\n"
      "record holds the error, and the command exits 1 at the end), skip (left out, counted on stderr),\n"
      "dead-letter=FILE (left out, written to FILE with its line).\n"
      "\n"
      "Examples:\n"
      "  yieldpipe fetch urls.txt > responses.jsonl\n"
      "  yieldpipe fetch urls.txt --concurrency 16 --timeout 5 --retries 5 --ordered -o responses.jsonl\n"
      "  seq 1 1000 | sed 's|^|http://127.0.0.1:8080/item/|' | yieldpipe fetch - --format csv --on-error skip\n"
      "  yieldpipe fetch urls.txt --on-error dead-letter=failed.csv --progress --memory");
  cmd->callback([settings] { run_command("fetch", settings->common, [&] { run_fetch(*settings); }); });
}

YIELDPIPE_COMMAND(55, add_fetch_command);

}  // namespace yieldpipe::cli
