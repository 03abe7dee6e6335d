#pragma once
// The io layer: inputs (plain, gzip, zstd; files or stdin), lines, log records, outputs and writers.

#include "yieldpipe/io/error.hpp"
#include "yieldpipe/io/input.hpp"
#include "yieldpipe/io/lines.hpp"
#include "yieldpipe/io/log_record.hpp"
#include "yieldpipe/io/output.hpp"
#include "yieldpipe/io/writers.hpp"
