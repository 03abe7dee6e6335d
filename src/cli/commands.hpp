#pragma once
// The commands of the yieldpipe CLI, one file each under src/cli/. A command file registers itself:
//
//   void add_stats_command(CLI::App& app) { ... }
//   YIELDPIPE_COMMAND(30, add_stats_command);   // 30: its place in `yieldpipe --help`
//
// and run_cli() adds every registered command, in that order.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace yieldpipe::cli {

using command_adder = void (*)(CLI::App& app);

struct registered_command {
  int order;
  command_adder add;
};

/// Every registered command, in order.
std::vector<registered_command> registered_commands();

/// Runs the command line `yieldpipe ARGS...` (`args` without the program's name) as main() does: a fresh
/// CLI::App with every registered command, parsed, and the chosen command run. Returns the exit code:
/// 0 done (also after --help and --version, which print to stdout), 2 bad usage (CLI11's message on
/// stderr), or the code the command chose (1 bad data or failed I/O, 2 a usage error it found). Any
/// other exception goes through. `yieldpipe demo` runs its scenarios through this function, so they
/// take the path a typed command line takes.
int run_cli(std::vector<std::string> args);

/// Registers a command at static initialisation (see YIELDPIPE_COMMAND).
struct command_registration {
  command_registration(int order, command_adder add);
};

#define YIELDPIPE_COMMAND_CONCAT_(a, b) a##b
#define YIELDPIPE_COMMAND_NAME_(line) YIELDPIPE_COMMAND_CONCAT_(yieldpipe_command_registration_, line)
#define YIELDPIPE_COMMAND(order, adder) \
  static const ::yieldpipe::cli::command_registration YIELDPIPE_COMMAND_NAME_(__LINE__)(order, adder)

}  // namespace yieldpipe::cli
