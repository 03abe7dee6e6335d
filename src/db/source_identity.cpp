#include "yieldpipe/db/source_identity.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "yieldpipe/io/error.hpp"

namespace yieldpipe::db {
namespace {

constexpr std::uint64_t mib = std::uint64_t{1} << 20;

class file_descriptor {
 public:
  explicit file_descriptor(int fd) noexcept : fd_(fd) {}
  file_descriptor(const file_descriptor&) = delete;
  file_descriptor& operator=(const file_descriptor&) = delete;
  ~file_descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

std::uint32_t crc_of(int fd, const std::string& path, std::uint64_t from, std::uint64_t size,
                     std::vector<char>& buffer) {
  buffer.resize(size);
  std::uint64_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, buffer.data() + done, size - done, static_cast<off_t>(from + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw io::io_error(path, std::strerror(errno));
    if (n == 0) throw io::io_error(path, "the file shrank while it was read");
    done += static_cast<std::uint64_t>(n);
  }
  return static_cast<std::uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(buffer.data()), static_cast<uInt>(size)));
}

}  // namespace

source_identity source_identity::of(const std::string& path) {
  source_identity id;
  id.path = path;
  if (path == "-") return id;
  // stat before open: opening a named pipe would wait for its writer, and take bytes from its reader.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw io::io_error(path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return id;
  file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw io::io_error(path, std::strerror(errno));
  if (::fstat(fd.get(), &st) != 0) throw io::io_error(path, std::strerror(errno));
  id.resumable = true;
  id.size = static_cast<std::uint64_t>(st.st_size);
  std::vector<char> buffer;
  const std::uint64_t head = std::min(id.size, mib);
  id.head_crc = crc_of(fd.get(), path, 0, head, buffer);
  id.tail_crc = crc_of(fd.get(), path, id.size - head, head, buffer);
  return id;
}

}  // namespace yieldpipe::db
