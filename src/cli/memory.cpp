#include <sys/resource.h>

#include "commands.hpp"

namespace yieldpipe::cli {

long long peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<long long>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace yieldpipe::cli
