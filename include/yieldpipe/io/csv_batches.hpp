#pragma once
// The guide's process_large_csv: a CSV file as batches of records.

#include <cstddef>
#include <string>

#include "yieldpipe/core/generator.hpp"
#include "yieldpipe/io/csv_reader.hpp"

namespace yieldpipe::io {

/// The records of the CSV file at `path` in batches of `n` (the last one may be shorter): the
/// guide's `process_large_csv(filename, chunk_size)`. Each batch owns its records' text, so rows
/// may be kept until the batch is advanced past; the generator reuses one batch, so memory is one
/// batch (n records) plus the reader's buffers, whatever the file size. The file is opened at the
/// first `next()`/`begin()`, as in Python. `n` must be at least 1 (else `std::invalid_argument`).
generator<csv_batch> csv_batches(std::string path, std::size_t n, csv_options options = {});

}  // namespace yieldpipe::io
