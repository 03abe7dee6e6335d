#pragma once
// A finite number read from one field of a CSV row, a bad one handed to the error policy: how the
// per-key window operators (`anomalies`, `moving-average`) read their column.

#include <cstddef>
#include <optional>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/rejected_record.hpp>

namespace yieldpipe::query {

/// The number in field `column` of `row`: nullopt for an empty or missing field (a missing value,
/// skipped as the guide skips None). A field that is not a number, or is nan or inf (which parse, as
/// Python's float() reads them, but would poison a window), goes to `on_reject` with the reason "bad
/// number" and the reader's kind of message (file, line, column, the field): nullopt when the policy
/// sets the row aside; when `on_reject` is empty or refuses, the `io::io_error` is thrown.
std::optional<double> finite_number(const io::csv_row& row, std::size_t column, const io::reject_handler& on_reject);

}  // namespace yieldpipe::query
