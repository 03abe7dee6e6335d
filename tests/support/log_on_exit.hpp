#pragma once
// A local that appends to a log when it is destroyed: the C++ counterpart of a `finally:` block.

#include <string>
#include <vector>

namespace yieldpipe::test {

using log_t = std::vector<std::string>;

struct on_exit {
  log_t* log;
  std::string text;
  ~on_exit() { log->push_back(text); }
};

}  // namespace yieldpipe::test
