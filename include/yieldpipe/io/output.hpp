#pragma once
// output: a buffered byte sink to a file or standard output; a file appears whole or not at all.
//
//   io::output out(path);               // "-" is standard output
//   io::csv_writer csv(out);
//   for (auto& row : rows) csv.write_row(row);
//   out.commit();                       // only now does `path` change

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "yieldpipe/io/error.hpp"

namespace yieldpipe::io {

/// The reader of a pipe or socket went away (EPIPE), typically `yieldpipe ... | head`. An `io_error`,
/// so a generic handler still sees a failure; a command line catches it first and ends quietly.
class broken_pipe : public io_error {
 public:
  using io_error::io_error;
};

/// How an `output` writes.
struct output_options {
  /// Bytes buffered between two `write(2)` calls.
  std::size_t buffer_size = std::size_t{1} << 20;
  /// `fsync` the temporary file before renaming it, and the directory after: the file then survives
  /// a power loss, at the price of waiting for the disk. Only for atomic (regular file) outputs.
  bool fsync = false;
};

/// `output(to_memory)`: an output that keeps its bytes (see `take`).
struct to_memory_t {
  explicit to_memory_t() = default;
};
inline constexpr to_memory_t to_memory{};

/// A buffered sink of bytes: a path, or `"-"` for standard output, or memory.
///
/// Atomicity. A regular file (or a path that does not exist yet) is written to a temporary file in
/// the same directory, `.NAME.tmp.XXXXXX`, and renamed onto the path by `commit()`: readers see the
/// old file or the whole new one, never a part. Destroyed without `commit()` (an exception unwound
/// the pipeline), the output removes its temporary and leaves the path untouched. A symbolic link is
/// followed: the file it points to is replaced, the link stays. The new file gets the mode of the file
/// it replaces, or 0666 minus the umask; its owner is the writing user.
///
/// Direct targets. Standard output, and any existing path that is not a regular file (a terminal, a
/// pipe, `/dev/null`, `/dev/full`), are written in place: there is nothing to rename. Destroyed without
/// `commit()`, a direct output still flushes what it buffered (ignoring errors): the output so far is
/// not lost, as with a Python script that fails half-way.
///
/// Cost. Bytes are copied into a buffer (`output_options::buffer_size`, 1 MiB) and handed to the
/// kernel with one `write(2)` per full buffer: no system call per record. `write`, `put` and
/// `reserve`/`advance` are inline and branch once on the free space.
///
/// Errors. Opening, writing, closing or renaming failures throw `io_error` naming the path (or
/// `"<stdout>"`), the byte offset reached and the system's reason (`"No space left on device"`).
/// A closed pipe throws `broken_pipe`. SIGPIPE cannot kill the process: while writing to a pipe-like
/// target the output blocks SIGPIPE in the writing thread and discards the one its write raised, so
/// no process-wide signal disposition is changed and the command line does not need to ignore SIGPIPE.
/// After a failure every later write, `flush` or `commit` throws again; a failed atomic output never
/// renames.
///
/// In memory (`output(to_memory)`): the writers format into it as into a file and `take()` hands the
/// bytes over, so that threads can format their parts of a result for one thread to write in order.
///
/// Not thread-safe; not copyable or movable (writers keep a reference to it).
class output {
 public:
  /// Opens `path` (`"-"`: standard output). Throws `io_error` if the temporary file (or the direct
  /// target) cannot be created or opened: a missing directory, no permission.
  explicit output(std::string path, output_options options = {});
  /// An output to memory: nothing fails; `take()` returns what was written.
  explicit output(to_memory_t, output_options options = {});
  /// Without `commit()`: removes the temporary file (atomic) or flushes what is buffered (direct).
  ~output();

  output(const output&) = delete;
  output& operator=(const output&) = delete;

  /// The path as given, or `"<stdout>"` for `"-"`: the name errors carry.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// True when the output goes through a temporary file and a rename.
  [[nodiscard]] bool atomic() const noexcept { return !temp_path_.empty(); }
  /// True after a successful `commit()`.
  [[nodiscard]] bool committed() const noexcept { return state_ == state::committed; }
  /// Bytes accepted so far, written or still buffered.
  [[nodiscard]] std::uint64_t bytes_written() const noexcept {
    return flushed_ + static_cast<std::uint64_t>(pos_ - buffer_.get());
  }
  /// The size of the buffer: the most `reserve` can promise.
  [[nodiscard]] std::size_t buffer_size() const noexcept { return capacity_; }

  /// Appends `bytes`. Bytes larger than the buffer go to the kernel without a copy.
  void write(std::string_view bytes) {
    if (bytes.size() < static_cast<std::size_t>(end_ - pos_)) {
      if (bytes.empty()) return;  // an empty view's data() may be null, which memcpy may not be given
      std::memcpy(pos_, bytes.data(), bytes.size());
      pos_ += bytes.size();
    } else {
      write_slow(bytes);
    }
  }
  /// Appends one byte.
  void put(char c) {
    if (pos_ == end_) flush_for_space(1);
    *pos_++ = c;
  }
  /// At least `n` writable bytes (`n <= buffer_size()`), to be followed by `advance(used)`: lets a
  /// formatter (`std::to_chars`) write straight into the buffer. The pointer is valid until the next
  /// call on this output.
  [[nodiscard]] char* reserve(std::size_t n) {
    if (n > static_cast<std::size_t>(end_ - pos_)) flush_for_space(n);
    return pos_;
  }
  /// Marks `n` bytes of the last `reserve` as written.
  void advance(std::size_t n) noexcept { pos_ += n; }

  /// Hands the buffered bytes to the kernel (not `fsync`: the file may still be a temporary).
  void flush();
  /// An output to memory: the bytes written since the last `take()`, which leaves it empty and open.
  [[nodiscard]] std::string take();
  /// Flushes and finishes: for an atomic output, closes the temporary (after `fsync` if asked) and
  /// renames it onto the path; for a direct one, flushes. Later writes are a `std::logic_error`; a
  /// second `commit()` does nothing.
  void commit();

 private:
  enum class state : unsigned char { open, committed, failed };

  void write_slow(std::string_view bytes);
  void flush_for_space(std::size_t n);
  void check_open() const;
  void drain(const char* data, std::size_t size);
  [[noreturn]] void fail(int err, std::string what);
  void discard() noexcept;

  std::string path_;         // as given, or "<stdout>"
  std::string target_path_;  // where commit() renames to (a symbolic link resolved)
  std::string temp_path_;    // empty for direct targets
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  char* pos_ = nullptr;
  char* end_ = nullptr;
  std::uint64_t flushed_ = 0;
  int fd_ = -1;
  bool owns_fd_ = false;
  bool pipe_like_ = false;  // EPIPE possible: write with SIGPIPE blocked
  bool fsync_ = false;
  bool in_memory_ = false;
  std::string memory_;  // an output to memory: what was flushed
  state state_ = state::open;
  std::string failure_;  // the what() of the failure, rethrown by later calls
  bool failure_was_pipe_ = false;
};

}  // namespace yieldpipe::io
