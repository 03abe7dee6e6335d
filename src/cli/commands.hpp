#pragma once
// The commands of the yieldpipe CLI, one file each under src/cli/.

#include <CLI/CLI.hpp>

namespace yieldpipe::cli {

/// Registers `yieldpipe demo` on `app`.
void add_demo_command(CLI::App& app);

}  // namespace yieldpipe::cli
