#include "commands.hpp"

#include <algorithm>
#include <utility>

namespace yieldpipe::cli {

namespace {
// A function-local static, so registration works whatever the order of static initialisation.
std::vector<registered_command>& registry() {
  static std::vector<registered_command> commands;
  return commands;
}
}  // namespace

command_registration::command_registration(int order, command_adder add) { registry().push_back({order, add}); }

int run_cli(std::vector<std::string> args) {
  CLI::App app{"yieldpipe: Python's generator model for C++20, streaming data larger than memory", "yieldpipe"};
  app.set_version_flag("--version", "yieldpipe 0.1.0");
  app.require_subcommand(1);
  for (const auto& command : registered_commands()) command.add(app);
  // CLI11 consumes the arguments from the back of the vector.
  std::reverse(args.begin(), args.end());
  try {
    app.parse(std::move(args));
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

std::vector<registered_command> registered_commands() {
  std::vector<registered_command> out = registry();
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  return out;
}

}  // namespace yieldpipe::cli
