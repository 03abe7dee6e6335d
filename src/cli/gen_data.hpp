#pragma once
// The synthetic data sets of `yieldpipe gen`: sensor readings, application logs, a social graph.
//
//   io::output out("sensors.csv");
//   cli::generate(cli::dataset::sensors, out, {.seed = 42, .rows = 1'000'000});
//   out.commit();
//
// Determinism. The bytes depend only on the data set, the seed and the limit, on every machine and
// standard library: the generator is our own (xoshiro256** seeded by splitmix64), values are mapped
// to ranges with integer arithmetic only (no std::*_distribution, whose algorithms are
// implementation-defined, and no floating point, which FMA contraction could change), and numbers are
// printed from fixed-point integers with std::to_chars. A shorter run is a prefix of a longer one
// with the same seed: `--rows 10` is the first 10 records of `--rows 1000`.

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <yieldpipe/io/output.hpp>

namespace yieldpipe::cli {

/// The data sets of `yieldpipe gen`.
enum class dataset {
  /// CSV, `\n` lines: `id,timestamp,sensor,category,value,temperature,humidity,status,quality_score,location`.
  /// 1000 sensors (`sensor_0001`..`sensor_1000`) in five categories, each with its own baseline and noise for
  /// `value` (about 0.3% spikes of 6-12 standard deviations: what z-score detection should find); timestamps
  /// `2024-01-01T00:00:00` onwards, never decreasing, about 16 readings per second; temperature (°C, one
  /// decimal) with a daily cycle and about 0.2% outliers outside -50..100 (150.0, -80.0, ...); humidity (%,
  /// one decimal) empty for about 3% of the readings and above 100 for about 0.1%; status `active` (about
  /// 90%), `inactive` or `maintenance`, kept by a sensor for a while; quality_score in [0,1] with two
  /// decimals; location, quoted when it holds a comma (`"Building 4, Floor 2"`) or a quote. Rows of 80-110 bytes.
  sensors,
  /// Log lines in the default `io::log_format`, `YYYY-MM-DD HH:MM:SS LEVEL component: message`: levels
  /// DEBUG 20%, INFO 66%, WARNING 10.5%, ERROR 3.2%, CRITICAL 0.3% (more during occasional incidents),
  /// a dozen components (`auth`, `db.pool`, `api`, ...), messages of 10-150 bytes; some INFO and
  /// WARNING messages contain the words "ERROR" or "CRITICAL", so that only the level field tells the
  /// level. Timestamps from `2024-03-01 00:00:00`, never decreasing, about one line every 2 s with quiet
  /// spells: a million lines span about three weeks.
  logs,
  /// CSV, `\n` lines: `source,target`, one undirected friendship per line between users `user_000001`...
  /// A preferential-attachment graph: each new user befriends 1-5 earlier users, chosen with
  /// probability proportional to their degree (one in ten uniformly), so degrees follow a power law.
  /// No self-loops, no duplicate edges. Memory: every edge end for the first half million edges, then a
  /// uniform sample of a million of them (4 MiB, which keeps the choice proportional to degree), so any
  /// size runs in constant memory. Up to 4 billion users.
  graph,
};

/// `"sensors"`, `"logs"` or `"graph"`; nothing for another name.
[[nodiscard]] std::optional<dataset> parse_dataset(std::string_view name) noexcept;

/// What to generate: the seed, and when to stop.
struct gen_options {
  std::uint64_t seed = 42;
  /// Records to write, not counting a CSV header.
  std::uint64_t rows = 1000;
  /// Stop once this many bytes are written (header included), after the record that reaches it: the
  /// output is at least `bytes` long, by less than one record. Zero: no byte limit.
  std::uint64_t bytes = 0;
};

/// Writes `set` to `out`, stopping at `options.rows` records or `options.bytes` bytes, whichever comes
/// first, and returns the number of records written. Does not commit `out`. Throws what `out` throws
/// (`io::io_error`, `io::broken_pipe`).
///
/// Cost: no allocation per record (a few KiB at the start, plus the graph's sample of at most 4 MiB);
/// about 300-500 MB/s of CSV on one core.
std::uint64_t generate(dataset set, io::output& out, const gen_options& options);

}  // namespace yieldpipe::cli
