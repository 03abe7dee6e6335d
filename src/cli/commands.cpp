#include "commands.hpp"

#include <algorithm>

namespace yieldpipe::cli {

namespace {
// A function-local static, so registration works whatever the order of static initialisation.
std::vector<registered_command>& registry() {
  static std::vector<registered_command> commands;
  return commands;
}
}  // namespace

command_registration::command_registration(int order, command_adder add) { registry().push_back({order, add}); }

std::vector<registered_command> registered_commands() {
  std::vector<registered_command> out = registry();
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  return out;
}

}  // namespace yieldpipe::cli
