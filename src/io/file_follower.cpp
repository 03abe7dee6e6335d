#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/file_follower.hpp>

namespace yieldpipe::io {
namespace {

constexpr std::size_t read_size = std::size_t{1} << 20;
constexpr std::size_t max_line = std::size_t{64} << 20;

int open_file(const std::string& path) { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }

}  // namespace

file_follower::file_follower(std::string path) : path_(std::move(path)) {
  fd_ = open_file(path_);
  if (fd_ < 0) throw io::io_error(path_, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int e = errno;
    ::close(fd_);
    throw io::io_error(path_, std::strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd_);
    throw io::io_error(path_, "is a directory");
  }
  ino_ = st.st_ino;
  dev_ = st.st_dev;
}

file_follower::file_follower(file_follower&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      ino_(other.ino_),
      dev_(other.dev_),
      pos_(other.pos_),
      pending_start_(other.pending_start_),
      lines_(other.lines_),
      pending_(std::move(other.pending_)) {}

file_follower::~file_follower() {
  if (fd_ >= 0) ::close(fd_);
}

void file_follower::restart_at_zero() {
  pos_ = 0;
  pending_start_ = 0;
  lines_ = 0;
  pending_.clear();
}

bool file_follower::emit_lines(const line_handler& on_line) {
  bool any = false;
  std::size_t start = 0;
  while (true) {
    const void* nl = std::memchr(pending_.data() + start, '\n', pending_.size() - start);
    if (!nl) break;
    const auto end = static_cast<std::size_t>(static_cast<const char*>(nl) - pending_.data());
    std::size_t len = end - start;
    if (len != 0 && pending_[end - 1] == '\r') --len;
    on_line(std::string_view(pending_.data() + start, len), ++lines_, pending_start_ + start);
    any = true;
    start = end + 1;
  }
  pending_.erase(0, start);
  pending_start_ += start;
  if (pending_.size() > max_line)
    throw io::io_error(path_, "line longer than the maximum of " + std::to_string(max_line) + " bytes",
                       {.offset = pending_start_});
  return any;
}

bool file_follower::read_available(const line_handler& on_line) {
  bool any = false;
  while (true) {
    const std::size_t old = pending_.size();
    pending_.resize(old + read_size);
    const ssize_t n = ::pread(fd_, pending_.data() + old, read_size, static_cast<off_t>(pos_));
    if (n < 0) {
      pending_.resize(old);
      if (errno == EINTR) return any;  // a signal: the caller decides whether to go on
      throw io::io_error(path_, std::strerror(errno), {.offset = pos_});
    }
    pending_.resize(old + static_cast<std::size_t>(n));
    if (n == 0) return any;
    pos_ += static_cast<std::uint64_t>(n);
    any = emit_lines(on_line) || any;
  }
}

bool file_follower::poll(const line_handler& on_line) {
  bool any = read_available(on_line);

  // Truncated in place (copytruncate, `> app.log`): read it again from the start.
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < pos_) {
    restart_at_zero();
    any = read_available(on_line) || any;
  }

  // Rotated: the path names another file now. The old one was read to its end above.
  struct stat named {};
  if (::stat(path_.c_str(), &named) != 0) return any;  // renamed away, not yet created again
  if (static_cast<std::uint64_t>(named.st_ino) == ino_ && static_cast<std::uint64_t>(named.st_dev) == dev_) return any;
  const int fd = open_file(path_);
  if (fd < 0) return any;  // gone again: try at the next poll
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return any;
  }
  if (!pending_.empty()) {  // the old file's last line, which will get no '\n' now
    on_line(pending_, ++lines_, pending_start_);
    any = true;
  }
  ::close(fd_);
  fd_ = fd;
  ino_ = st.st_ino;
  dev_ = st.st_dev;
  restart_at_zero();
  return read_available(on_line) || any;
}

}  // namespace yieldpipe::io
