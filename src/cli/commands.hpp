#pragma once
// The commands of the yieldpipe CLI, one file each under src/cli/.

#include <CLI/CLI.hpp>

namespace yieldpipe::cli {

/// Registers `yieldpipe demo` on `app`.
void add_demo_command(CLI::App& app);

/// Registers `yieldpipe gen sensors|logs|graph` on `app`. A failed write exits 1 (the message names the
/// path); a closed standard output (`| head`) ends the command quietly with 0.
void add_gen_command(CLI::App& app);

}  // namespace yieldpipe::cli
