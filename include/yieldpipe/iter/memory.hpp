#pragma once
// Memory report: how much memory the process holds now and at its peak, to show that a pipeline
// over data larger than memory runs in a few MB.

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

namespace yieldpipe {

/// The peak resident set size of the process so far, in bytes (`getrusage(RUSAGE_SELF)`; Linux
/// reports KiB). 0 if the system does not report it.
inline std::uint64_t peak_rss_bytes() noexcept {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0 || usage.ru_maxrss < 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024u;
}

/// The current resident set size of the process, in bytes (the second field of `/proc/self/statm`,
/// in pages). 0 where `/proc` is not available.
inline std::uint64_t current_rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  const long page = sysconf(_SC_PAGESIZE);
  return resident_pages * static_cast<std::uint64_t>(page > 0 ? page : 4096);
}

/// A byte count for people: `"512 B"`, `"1.5 KiB"`, `"23.4 MiB"`, `"2.0 GiB"`.
inline std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024.0 && unit < 4) {
    v /= 1024.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[unit]);
  return buf;
}

/// One line for a log or the end of a run: `"memory: current RSS 12.3 MiB, peak RSS 45.6 MiB"`.
inline std::string memory_report() {
  return "memory: current RSS " + format_bytes(current_rss_bytes()) + ", peak RSS " + format_bytes(peak_rss_bytes());
}

}  // namespace yieldpipe
