// The yieldpipe command.
#include <string>
#include <vector>

#include "commands.hpp"

int main(int argc, char** argv) { return yieldpipe::cli::run_cli(std::vector<std::string>(argv + 1, argv + argc)); }
