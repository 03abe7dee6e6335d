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
      buf_(std::move(other.buf_)),
      head_(std::exchange(other.head_, 0)),
      scan_(std::exchange(other.scan_, 0)),
      size_(std::exchange(other.size_, 0)),
      head_offset_(other.head_offset_),
      lines_(other.lines_),
      next_fd_(std::exchange(other.next_fd_, -1)),
      next_ino_(other.next_ino_),
      next_dev_(other.next_dev_) {}

file_follower::~file_follower() {
  if (fd_ >= 0) ::close(fd_);
  if (next_fd_ >= 0) ::close(next_fd_);
}

void file_follower::restart_at_zero() {
  pos_ = 0;
  head_ = scan_ = size_ = 0;
  head_offset_ = 0;
  lines_ = 0;
}

bool file_follower::take_line(line& out) {
  const void* nl = std::memchr(buf_.data() + scan_, '\n', size_ - scan_);
  if (nl == nullptr) {
    scan_ = size_;
    if (size_ - head_ > max_line)
      throw io::io_error(path_, "line longer than the maximum of " + std::to_string(max_line) + " bytes",
                         {.offset = head_offset_});
    return false;
  }
  const auto end = static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data());
  std::size_t len = end - head_;
  if (len != 0 && buf_[end - 1] == '\r') --len;
  out.text = std::string_view(buf_.data() + head_, len);
  out.number = ++lines_;
  out.offset = head_offset_;
  head_offset_ += end + 1 - head_;
  head_ = scan_ = end + 1;
  return true;
}

// Reads what follows in the file after the unfinished line (moved to the front); false at the end.
bool file_follower::read_more() {
  if (head_ != 0) {
    std::memmove(buf_.data(), buf_.data() + head_, size_ - head_);
    size_ -= head_;
    scan_ -= head_;
    head_ = 0;
  }
  if (buf_.size() - size_ < read_size) buf_.resize(size_ + read_size);  // grows only for a long line
  const ssize_t n = ::pread(fd_, buf_.data() + size_, read_size, static_cast<off_t>(pos_));
  if (n < 0) {
    if (errno == EINTR) return false;  // a signal: the caller decides whether to go on
    throw io::io_error(path_, std::strerror(errno), {.offset = pos_});
  }
  size_ += static_cast<std::size_t>(n);
  pos_ += static_cast<std::uint64_t>(n);
  return n > 0;
}

// A descriptor of the file the path names now if it is not the one being read, else -1.
int file_follower::renamed_file(std::uint64_t& ino, std::uint64_t& dev) const {
  struct stat named {};
  if (::stat(path_.c_str(), &named) != 0) return -1;  // renamed away, not yet created again
  if (static_cast<std::uint64_t>(named.st_ino) == ino_ && static_cast<std::uint64_t>(named.st_dev) == dev_) return -1;
  const int fd = open_file(path_);
  if (fd < 0) return -1;  // gone again: try at the next call
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return -1;
  }
  ino = st.st_ino;
  dev = st.st_dev;
  return fd;
}

void file_follower::switch_to(int fd, std::uint64_t ino, std::uint64_t dev) {
  ::close(fd_);
  fd_ = fd;
  ino_ = ino;
  dev_ = dev;
  restart_at_zero();
}

bool file_follower::next(line& out) {
  if (next_fd_ >= 0) switch_to(std::exchange(next_fd_, -1), next_ino_, next_dev_);
  while (true) {
    if (take_line(out)) return true;
    if (read_more()) continue;

    // At the end. Truncated in place (copytruncate, `> app.log`): read it again from the start.
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < pos_) {
      restart_at_zero();
      continue;
    }
    // Rotated: the path names another file now, and the old one was read to its end.
    std::uint64_t ino = 0, dev = 0;
    const int fd = renamed_file(ino, dev);
    if (fd < 0) return false;
    if (size_ != head_) {  // the old file's last line, which will get no '\n' now
      out.text = std::string_view(buf_.data() + head_, size_ - head_);
      out.number = ++lines_;
      out.offset = head_offset_;
      next_fd_ = fd;
      next_ino_ = ino;
      next_dev_ = dev;
      return true;
    }
    switch_to(fd, ino, dev);
  }
}

bool file_follower::poll(const line_handler& on_line) {
  bool any = false;
  line l;
  while (next(l)) {
    on_line(l.text, l.number, l.offset);
    any = true;
  }
  return any;
}

}  // namespace yieldpipe::io
