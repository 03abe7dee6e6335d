#include "yieldpipe/io/output.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace yieldpipe::io {
namespace {

std::string reason_of(int err) { return std::generic_category().message(err); }

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A name that no other output of this or another process picks at the same moment: pid, a
// per-process counter and the clock, mixed (splitmix64); O_EXCL settles the rare collision.
std::string random_suffix() {
  static std::atomic<std::uint64_t> counter{0};
  auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  std::uint64_t x = now ^ (static_cast<std::uint64_t>(::getpid()) << 32) ^ (counter.fetch_add(1) * 0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  x ^= x >> 31;
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s(6, 'x');
  for (auto& c : s) {
    c = alphabet[x % 62];
    x /= 62;
  }
  return s;
}

// Blocks SIGPIPE in this thread for the lifetime of the guard, and on EPIPE consumes the SIGPIPE
// the failed write raised, unless one was already pending before (that one is not ours to take).
// Thread-directed, so other threads and the process's signal dispositions are left alone.
class sigpipe_guard {
 public:
  sigpipe_guard() {
    sigemptyset(&pipe_set_);
    sigaddset(&pipe_set_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    was_pending_ = ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    ::pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_mask_);
  }
  ~sigpipe_guard() {
    if (got_epipe_ && !was_pending_) {
      const timespec zero{};
      while (::sigtimedwait(&pipe_set_, nullptr, &zero) == -1 && errno == EINTR) {
      }
    }
    ::pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  sigpipe_guard(const sigpipe_guard&) = delete;
  sigpipe_guard& operator=(const sigpipe_guard&) = delete;

  void saw_epipe() noexcept { got_epipe_ = true; }

 private:
  sigset_t pipe_set_{};
  sigset_t old_mask_{};
  bool was_pending_ = false;
  bool got_epipe_ = false;
};

// Writes everything, or returns the errno that stopped it (0 on success) and how far it got.
int write_all(int fd, const char* data, std::size_t size, std::size_t& done) {
  done = 0;
  while (done < size) {
    const std::size_t chunk = std::min<std::size_t>(size - done, std::size_t{1} << 30);
    const ssize_t n = ::write(fd, data + done, chunk);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) return EIO;  // a write that accepts nothing would loop forever
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK) {  // an inherited non-blocking descriptor: wait for room
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    return err;
  }
  return 0;
}

}  // namespace

output::output(to_memory_t, output_options options) : in_memory_(true) {
  capacity_ = options.buffer_size < 64 ? 64 : options.buffer_size;
  buffer_ = std::make_unique_for_overwrite<char[]>(capacity_);
  pos_ = buffer_.get();
  end_ = pos_ + capacity_;
  path_ = "<memory>";
}

std::string output::take() {
  flush();
  return std::exchange(memory_, std::string());
}

output::output(std::string path, output_options options) : fsync_(options.fsync) {
  capacity_ = options.buffer_size < 64 ? 64 : options.buffer_size;
  buffer_ = std::make_unique_for_overwrite<char[]>(capacity_);
  pos_ = buffer_.get();
  end_ = pos_ + capacity_;

  if (path == "-") {
    path_ = "<stdout>";
    fd_ = STDOUT_FILENO;
    struct stat st {};
    pipe_like_ = ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode);
    return;
  }
  path_ = std::move(path);
  if (path_.empty()) throw io_error("<empty path>", "cannot write: the output path is empty");

  struct stat st {};
  const bool exists = ::stat(path_.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw io_error(path_, "cannot write: it is a directory");
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) {
      const int err = errno;
      throw io_error(path_, "cannot open for writing: " + reason_of(err));
    }
    owns_fd_ = true;
    pipe_like_ = true;
    return;
  }

  target_path_ = path_;
  struct stat lst {};
  if (exists && ::lstat(path_.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    // Replace the file the link points to, not the link.
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(path_.c_str(), nullptr), &std::free);
    if (real) target_path_ = real.get();
  }
  const std::string dir = dir_of(target_path_);
  const std::string prefix = (dir == "/" ? "/" : dir + "/") + "." + base_of(target_path_) + ".tmp.";
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string candidate = prefix + random_suffix();
    fd_ = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);  // the umask applies
    if (fd_ >= 0) {
      temp_path_ = std::move(candidate);
      break;
    }
    const int err = errno;
    if (err != EEXIST) throw io_error(path_, "cannot create a temporary file in " + dir + ": " + reason_of(err));
  }
  if (fd_ < 0) throw io_error(path_, "cannot create a temporary file in " + dir + ": too many name collisions");
  owns_fd_ = true;
  if (exists) (void)::fchmod(fd_, st.st_mode & 07777);  // keep the replaced file's mode (best effort)
}

output::~output() {
  if (state_ == state::open && !atomic() && !in_memory_) {
    std::size_t done = 0;
    const auto size = static_cast<std::size_t>(pos_ - buffer_.get());
    if (pipe_like_) {
      sigpipe_guard guard;
      if (write_all(fd_, buffer_.get(), size, done) == EPIPE) guard.saw_epipe();
    } else {
      (void)write_all(fd_, buffer_.get(), size, done);
    }
  }
  discard();
}

void output::discard() noexcept {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (state_ != state::committed && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void output::check_open() const {
  if (state_ == state::committed)
    throw std::logic_error("yieldpipe::io::output: write to " + path_ + " after commit()");
  if (state_ == state::failed) {
    if (failure_was_pipe_) throw broken_pipe(path_, failure_);
    throw io_error(path_, failure_);
  }
}

void output::fail(int err, std::string what) {
  state_ = state::failed;
  pos_ = end_ = buffer_.get();
  failure_was_pipe_ = err == EPIPE;
  failure_ = std::move(what);
  const error_location where{.offset = flushed_};
  if (failure_was_pipe_) throw broken_pipe(path_, failure_, where);
  throw io_error(path_, failure_, where);
}

void output::drain(const char* data, std::size_t size) {
  if (in_memory_) {
    memory_.append(data, size);
    flushed_ += size;
    return;
  }
  std::size_t done = 0;
  int err = 0;
  if (pipe_like_) {
    sigpipe_guard guard;
    err = write_all(fd_, data, size, done);
    if (err == EPIPE) guard.saw_epipe();
  } else {
    err = write_all(fd_, data, size, done);
  }
  flushed_ += done;
  if (err == EPIPE) fail(err, "broken pipe: the reader has gone");
  if (err != 0) fail(err, "write failed: " + reason_of(err));
}

void output::flush() {
  check_open();
  const auto size = static_cast<std::size_t>(pos_ - buffer_.get());
  pos_ = buffer_.get();
  if (size != 0) drain(buffer_.get(), size);
}

void output::flush_for_space(std::size_t n) {
  check_open();
  if (n > capacity_)
    throw std::length_error("yieldpipe::io::output::reserve: " + std::to_string(n) + " bytes exceed the buffer");
  flush();
}

void output::write_slow(std::string_view bytes) {
  check_open();
  if (bytes.size() < static_cast<std::size_t>(end_ - pos_)) {  // only an empty write gets here with room
    if (!bytes.empty()) std::memcpy(pos_, bytes.data(), bytes.size());
    pos_ += bytes.size();
    return;
  }
  // Fill the buffer to the brim first, so full-size writes keep their size.
  const auto room = static_cast<std::size_t>(end_ - pos_);
  std::memcpy(pos_, bytes.data(), room);
  pos_ += room;
  bytes.remove_prefix(room);
  flush();
  if (bytes.size() >= capacity_) {
    drain(bytes.data(), bytes.size());
  } else {
    std::memcpy(pos_, bytes.data(), bytes.size());
    pos_ += bytes.size();
  }
}

void output::commit() {
  if (state_ == state::committed) return;
  flush();
  if (atomic()) {
    if (fsync_ && ::fsync(fd_) != 0) {
      const int err = errno;
      fail(err, "fsync failed: " + reason_of(err));
    }
    const int rc = ::close(fd_);  // NFS and some file systems report a full disk only here
    const int close_err = errno;
    fd_ = -1;
    if (rc != 0 && close_err != EINTR) fail(close_err, "close failed: " + reason_of(close_err));
    if (::rename(temp_path_.c_str(), target_path_.c_str()) != 0) {
      const int err = errno;
      fail(err, "cannot rename " + temp_path_ + " onto the output: " + reason_of(err));
    }
    if (fsync_) {
      const int dir = ::open(dir_of(target_path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir >= 0) {
        (void)::fsync(dir);
        ::close(dir);
      }
    }
  } else if (owns_fd_) {
    const int rc = ::close(fd_);
    const int close_err = errno;
    fd_ = -1;
    if (rc != 0 && close_err != EINTR) fail(close_err, "close failed: " + reason_of(close_err));
  }
  state_ = state::committed;
  pos_ = end_ = buffer_.get();
}

}  // namespace yieldpipe::io
