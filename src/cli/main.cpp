// The yieldpipe command.
#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"yieldpipe: Python's generator model for C++20, streaming data larger than memory"};
  app.set_version_flag("--version", "yieldpipe 0.1.0");
  app.require_subcommand(1);
  for (const auto& command : yieldpipe::cli::registered_commands()) command.add(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    // A command that failed after saying why (bad data, failed I/O) chose its exit code.
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 0 for --help/--version and 106 (mapped to our 2) for bad usage.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return 0;
}
