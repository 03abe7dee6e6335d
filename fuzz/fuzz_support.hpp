#pragma once
// Helpers shared by the fuzz targets: an in-memory file to read bytes through io::input, and a
// check that turns a broken invariant into a crash libFuzzer records.

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "yieldpipe/io/input.hpp"

namespace yieldpipe::fuzz {

/// Aborts with `what` when `ok` is false: libFuzzer saves the input as a crash.
inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

/// One memfd, rewritten for each input: the bytes reach the library through read(), as a file's do,
/// without touching the disk. Create one (static) per target: the descriptor is reused.
class memory_file {
 public:
  memory_file() : fd_(::memfd_create("yieldpipe-fuzz", MFD_CLOEXEC)) { check(fd_ >= 0, "memfd_create"); }
  memory_file(const memory_file&) = delete;
  memory_file& operator=(const memory_file&) = delete;
  ~memory_file() { ::close(fd_); }

  /// Replaces the file's contents with `bytes` and returns an input reading them from the start.
  /// The input is valid until the next call (it shares the descriptor).
  io::input open(std::string_view bytes, io::input_options options = {}) {
    check(::ftruncate(fd_, 0) == 0, "ftruncate");
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      check(n > 0, "pwrite");
      done += static_cast<std::size_t>(n);
    }
    check(::lseek(fd_, 0, SEEK_SET) == 0, "lseek");
    return io::input::from_fd(fd_, "<fuzz>", options);
  }

 private:
  int fd_;
};

}  // namespace yieldpipe::fuzz
