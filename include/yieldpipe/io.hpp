#pragma once
// The io layer: inputs (plain, gzip, zstd; files or stdin), lines, CSV, JSON lines, log records,
// outputs and writers. See docs/io.md.

#include "yieldpipe/io/csv_batches.hpp"
#include "yieldpipe/io/csv_reader.hpp"
#include "yieldpipe/io/error.hpp"
#include "yieldpipe/io/input.hpp"
#include "yieldpipe/io/jsonl.hpp"
#include "yieldpipe/io/lines.hpp"
#include "yieldpipe/io/log_record.hpp"
#include "yieldpipe/io/output.hpp"
#include "yieldpipe/io/parse_number.hpp"
#include "yieldpipe/io/rejected_record.hpp"
#include "yieldpipe/io/writers.hpp"
