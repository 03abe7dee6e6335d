// Benchmarks of log line parsing (io/log_record.hpp): ns per line for the default format's fast path,
// the same format with ISO-8601 timestamps (`T`, fraction, zone), a user pattern (the interpreter) and
// the presets. The lines (4096, about 70 bytes each, in the shape of `yieldpipe gen logs`) are made
// once, untimed; each iteration parses all of them.
//
// Every benchmark reports `per_element` (time per line, bench/report.py's counter); run with
// `build/release/bench/yieldpipe_log_bench`. Timings in io/log_record.hpp's `log_format` comment.

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <string_view>
#include <vector>
#include <yieldpipe/io/log_record.hpp>

namespace {

namespace io = yieldpipe::io;

constexpr std::size_t line_count = 4096;

constexpr std::array<std::string_view, 5> levels = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};
constexpr std::array<std::string_view, 5> components = {"api", "db.pool", "auth", "scheduler", "worker"};
constexpr std::array<std::string_view, 4> messages = {
    "GET /api/v1/orders 200 12 ms", "connection refused by 10.0.0.7:5432", "user alice logged in from 192.168.1.20",
    "job nightly-backup finished in 5321 ms"};

std::string two(std::uint64_t v) { return {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)}; }

// The pieces appended in order. (Not `a + b + c`: g++ 12 -O3 warns a false -Wrestrict there, GCC bug 105651.)
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out += p;
  return out;
}

// `clock` is written between the date and the message: `with(date, time)` gives the timestamp text.
template <class Stamp>
std::vector<std::string> make_lines(Stamp stamp) {
  std::mt19937_64 rng(42);
  std::vector<std::string> lines;
  lines.reserve(line_count);
  for (std::size_t i = 0; i < line_count; ++i) {
    const auto h = static_cast<unsigned>(rng() % 24), m = static_cast<unsigned>(rng() % 60),
               s = static_cast<unsigned>(rng() % 60);
    lines.push_back(cat({stamp(h, m, s, rng), " ", levels[rng() % levels.size()], " ",
                         components[rng() % components.size()], ": ", messages[rng() % messages.size()]}));
  }
  return lines;
}

void parse_all(benchmark::State& state, const io::log_format& format, const std::vector<std::string>& lines) {
  std::size_t ok = 0;
  for (auto _ : state) {
    for (const std::string& line : lines) {
      const io::log_parse_result r = format.parse(line);
      benchmark::DoNotOptimize(r);
      ok += r.has_value();
    }
  }
  if (ok != static_cast<std::size_t>(state.iterations()) * lines.size()) state.SkipWithError("a line did not parse");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * lines.size()));
  state.counters["per_element"] = benchmark::Counter(static_cast<double>(state.iterations() * lines.size()),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void default_format_plain(benchmark::State& state) {
  const auto lines = make_lines([](unsigned h, unsigned m, unsigned s, auto&) {
    return cat({"2024-03-01 ", two(h), ":", two(m), ":", two(s)});
  });
  parse_all(state, io::log_format(), lines);
}
BENCHMARK(default_format_plain);

void default_format_iso_with_zone(benchmark::State& state) {
  const auto lines = make_lines([](unsigned h, unsigned m, unsigned s, auto& rng) {
    return cat({"2024-03-01T", two(h), ":", two(m), ":", two(s), ".", std::to_string(100 + rng() % 900), "+02:00"});
  });
  parse_all(state, io::log_format(), lines);
}
BENCHMARK(default_format_iso_with_zone);

void user_pattern(benchmark::State& state) {
  const auto lines = make_lines([](unsigned h, unsigned m, unsigned s, auto&) {
    return cat({"[01/03/2024 ", two(h), ":", two(m), ":", two(s), "]"});
  });
  parse_all(state, io::log_format("[%d/%m/%Y %H:%M:%S] %L %C: %*"), lines);
}
BENCHMARK(user_pattern);

void combined_preset(benchmark::State& state) {
  std::mt19937_64 rng(42);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < line_count; ++i)
    lines.push_back(
        cat({"10.0.0.", std::to_string(rng() % 256), " - - [01/Mar/2024:", two(rng() % 24), ":", two(rng() % 60), ":",
             two(rng() % 60), " +0100] \"GET /api/v1/orders/", std::to_string(rng() % 1000), " HTTP/1.1\" 200 ",
             std::to_string(rng() % 100000), " \"-\" \"curl/8.5.0\""}));
  parse_all(state, io::log_format::preset("combined"), lines);
}
BENCHMARK(combined_preset);

void syslog_preset(benchmark::State& state) {
  std::mt19937_64 rng(42);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < line_count; ++i)
    lines.push_back(
        cat({"<", std::to_string(rng() % 192), ">Mar  1 ", two(rng() % 24), ":", two(rng() % 60), ":", two(rng() % 60),
             " web01 sshd[", std::to_string(rng() % 65536), "]: Accepted publickey for git from 10.0.0.7"}));
  parse_all(state, io::log_format::preset("syslog", {.year = 2024}), lines);
}
BENCHMARK(syslog_preset);

void json_preset(benchmark::State& state) {
  std::mt19937_64 rng(42);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < line_count; ++i)
    lines.push_back(
        cat({"{\"ts\":\"2024-03-01T", two(rng() % 24), ":", two(rng() % 60), ":", two(rng() % 60), "Z\",\"level\":\"",
             levels[rng() % levels.size()], "\",\"logger\":\"", components[rng() % components.size()], "\",\"msg\":\"",
             messages[rng() % messages.size()], "\"}"}));
  parse_all(state, io::log_format::preset("json"), lines);
}
BENCHMARK(json_preset);

}  // namespace

BENCHMARK_MAIN();
