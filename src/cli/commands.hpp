#pragma once
// The commands of the yieldpipe CLI, one file each under src/cli/.

#include <CLI/CLI.hpp>

namespace yieldpipe::cli {

/// Registers `yieldpipe demo` on `app`.
void add_demo_command(CLI::App& app);

/// Peak resident set size of this process, in bytes.
long long peak_rss_bytes();

}  // namespace yieldpipe::cli
