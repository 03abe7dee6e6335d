#pragma once
// What `anomalies` and `moving-average` share: a CSV read row by row, a number taken from one column
// (a bad number goes to --on-error), and one rolling window (iter's rolling_window_stats) per value of
// a key column (query::keyed_windows), counted against --max-memory.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/query/column_index.hpp>
#include <yieldpipe/query/keyed_windows.hpp>

#include "common.hpp"

namespace yieldpipe::cli {

/// The options of both window commands.
struct rolling_options {
  std::string file = "-";
  std::string column = "value";
  std::string key{};  ///< empty: one window over all rows
  std::size_t window = 100;
};

/// Adds FILE, --column, --key and --window to `cmd`.
inline void add_rolling_options(CLI::App& cmd, rolling_options& o) {
  cmd.add_option("file", o.file, "The CSV file (- is standard input; gzip and zstd are recognised)")
      ->capture_default_str();
  cmd.add_option("--column", o.column, "The numeric column")->capture_default_str();
  cmd.add_option("--key", o.key, "One window per value of this column (without it: one window over all rows)");
  cmd.add_option("--window", o.window, "The values in a window, the new one included")
      ->check(whole_number(1))
      ->capture_default_str();
}

/// The number in field `column` of `row`: nullopt for an empty field (a missing value, skipped as the
/// guide skips None); a field that is not a number goes to `on_reject` with reason "bad number" (and
/// nullopt when the policy sets it aside); so does nan or inf or, with no policy, throws the reader's io_error.
inline std::optional<double> number_or_reject(const io::csv_row& row, std::size_t column,
                                              const io::reject_handler& on_reject, bool& rejected) {
  rejected = false;
  std::optional<double> x;
  try {
    x = row.get_optional<double>(column);
    if (!x || std::isfinite(*x)) return x;
  } catch (const io::io_error& e) {
    const io::rejected_record record{row.path(), row.line(), row.offset(), row.text()};
    if (!on_reject || !on_reject(record, "bad number", e.what())) throw;
    rejected = true;
    return std::nullopt;
  }
  // nan and inf parse (as Python's float() reads them) but would poison a window: bad numbers too.
  const auto [line, col] = row.position(column);
  const io::io_error error(std::string(row.path()),
                           "column '" + std::string(row.header() ? row.header()->names()[column] : "") +
                               "': not a finite number: \"" + std::string(row[column]) + "\"",
                           io::error_location{.offset = {}, .line = line, .column = col});
  const io::rejected_record record{row.path(), row.line(), row.offset(), row.text()};
  if (!on_reject || !on_reject(record, "bad number", error.what())) throw error;
  rejected = true;
  return std::nullopt;
}

/// The --max-memory figure, if given (the option's validator checked it).
inline std::optional<std::uint64_t> max_memory_of(const common_options& common) {
  if (common.max_memory.empty()) return std::nullopt;
  return parse_size(common.max_memory);
}

}  // namespace yieldpipe::cli
