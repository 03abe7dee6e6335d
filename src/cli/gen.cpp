// `yieldpipe gen sensors|logs|graph`: synthetic data, the same bytes for the same seed (see gen_data.hpp).
#include <charconv>
#include <cstdint>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/output.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "gen_data.hpp"

namespace yieldpipe::cli {
namespace {

constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();

// a * b, or nothing on overflow.
std::optional<std::uint64_t> times(std::uint64_t a, std::uint64_t b) {
  if (b != 0 && a > max_u64 / b) return std::nullopt;
  return a * b;
}

// A count of records: "1000", or "1e6", "25e6" (an integer times a power of ten).
std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t n = 0;
  const char* end = text.data() + text.size();
  auto parsed = std::from_chars(text.data(), end, n);
  if (parsed.ec != std::errc() || parsed.ptr == text.data()) return std::nullopt;
  const char* p = parsed.ptr;
  if (p != end && (*p == 'e' || *p == 'E')) {
    unsigned exponent = 0;
    const char* digits = p + 1;
    parsed = std::from_chars(digits, end, exponent);
    if (parsed.ec != std::errc() || parsed.ptr == digits) return std::nullopt;
    p = parsed.ptr;
    for (; exponent > 0; --exponent)
      if (auto m = times(n, 10))
        n = *m;
      else
        return std::nullopt;
  }
  if (p != end) return std::nullopt;
  return n;
}

// A byte size: a number with at most six decimals and a unit: B (or none), kB/K, MB/M, GB/G, TB/T
// (powers of 1000, as disks are sold) or KiB, MiB, GiB, TiB (powers of 1024); units are case-insensitive.

struct gen_settings {
  std::string kind;
  std::string rows;
  std::string size;
  std::uint64_t seed = 42;
  std::string output = "-";
};

void run_gen(const gen_settings& settings) {
  gen_options options;
  options.seed = settings.seed;
  if (!settings.size.empty()) {
    options.rows = max_u64;
    options.bytes = *parse_size(settings.size);  // checked by the option's validator
  } else if (!settings.rows.empty()) {
    options.rows = *parse_count(settings.rows);
  }
  // run_command: a closed pipe (`yieldpipe gen ... | head`) is a normal end, a failed write exit 1,
  // SIGINT leaves no partial file.
  run_command("gen", [&] {
    io::output out(settings.output);
    generate(*parse_dataset(settings.kind), out, options);
    out.commit();
  });
}

}  // namespace

void add_gen_command(CLI::App& app) {
  auto settings = std::make_shared<gen_settings>();
  auto* gen = app.add_subcommand(
      "gen", "Write synthetic data: sensor readings (CSV), application logs, a social graph (CSV edge list)");
  gen->add_option("kind", settings->kind, "sensors, logs or graph")
      ->required()
      ->check(CLI::IsMember({"sensors", "logs", "graph"}));
  auto* rows =
      gen->add_option("--rows", settings->rows, "Records to write, header not counted: 1000000 or 1e6")
          ->default_str("1000")
          ->check(CLI::Validator(
              [](std::string& text) { return parse_count(text) ? std::string() : "not a count: " + text; }, "COUNT"));
  gen->add_option("--size", settings->size,
                  "Instead of --rows: stop after the record that makes the output this big: 700MB, 1.5GB, 64KiB "
                  "(kB, MB, GB, TB are powers of 1000)")
      ->excludes(rows)
      ->check(CLI::Validator(
          [](std::string& text) { return parse_size(text) ? std::string() : "not a size (700MB, 1.5GB): " + text; },
          "SIZE"));
  gen->add_option("--seed", settings->seed, "The seed: the same seed, kind and count give the same bytes everywhere")
      ->capture_default_str();
  gen->add_option("-o,--output", settings->output,
                  "The file to write (- is standard output); a file appears whole or not at all")
      ->capture_default_str();
  gen->footer(
      "Examples:\n"
      "  yieldpipe gen sensors --rows 1000000 -o sensors.csv\n"
      "  yieldpipe gen sensors --size 700MB --seed 7 -o big.csv\n"
      "  yieldpipe gen logs --rows 100000 -o app.log\n"
      "  yieldpipe gen graph --rows 50000 | head\n"
      "\n"
      "sensors: id,timestamp,sensor,category,value,temperature,humidity,status,quality_score,location\n"
      "  (1000 sensors; value spikes, temperature outliers, missing humidity, quoted locations)\n"
      "logs:    2024-03-01 12:00:07 ERROR db.pool: connection refused ... (the default log format)\n"
      "graph:   source,target (friendships, power-law degrees)\n"
      "CSV lines end in \\n. A shorter run is a prefix of a longer one with the same seed.");
  gen->callback([settings] { run_gen(*settings); });
}

YIELDPIPE_COMMAND(10, add_gen_command);

}  // namespace yieldpipe::cli
