#pragma once
// Reading a file that grows, as `tail -F` does: the lines that are there now, then the lines appended
// later, across rotation (the path renamed away and created again) and truncation (`copytruncate`).
//
//   file_follower f("app.log");
//   f.poll(on_line);                  // everything up to the current end
//   while (!stop) { sleep(200ms); f.poll(on_line); }
//
//   file_follower::line l;            // or one line at a time
//   while (f.next(l)) use(l.text);

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace yieldpipe::io {

/// Follows one plain (uncompressed) file by name.
///
/// Only complete lines (ending in `\n`; a `\r` before it is removed) are handed out: a line still
/// being written waits for its end. When the path names another file (its inode changed), the old
/// file is read to its end first, its unterminated last line handed out, and the new file is read
/// from its start; when the path is missing (between the rename and the creation), the old file is
/// kept and the path tried again at the next poll. A file that shrank below what was read was
/// truncated: it is read again from its start. Line numbers and offsets restart with each new file.
///
/// Memory: a read buffer of 1 MiB plus the unfinished line (at most 64 MiB: a longer one is an
/// `io_error`), allocated at the first read. Not thread-safe.
class file_follower {
 public:
  /// Called with each line, its number (from 1) and the byte offset where it starts in its file.
  using line_handler = std::function<void(std::string_view line, std::uint64_t number, std::uint64_t offset)>;

  /// A line handed out by `next`: `text` points into the follower's buffer and is valid until the
  /// next call of `next` or `poll` (or the follower's destruction).
  struct line {
    std::string_view text;
    std::uint64_t number = 0;  // from 1 in its file
    std::uint64_t offset = 0;  // where it starts in its file
  };

  /// Opens `path`; an `io_error` naming it if it cannot be opened.
  explicit file_follower(std::string path);
  file_follower(const file_follower&) = delete;
  file_follower& operator=(const file_follower&) = delete;
  file_follower(file_follower&& other) noexcept;
  file_follower& operator=(file_follower&&) = delete;
  ~file_follower();

  /// Hands out every complete line available now, after checking for rotation and truncation.
  /// Returns whether any line was handed out. Throws `io_error` for a failed read.
  bool poll(const line_handler& on_line);

  /// The next complete line available now, one at a time, with the same checks as `poll`
  /// (rotation, truncation): true and `out` set, or false when every line written so far has
  /// been handed out (call again later). A caller can stop between lines, so memory stays that of
  /// the buffer however much the file grew. Throws `io_error` for a failed read.
  bool next(line& out);

  const std::string& path() const noexcept { return path_; }

 private:
  bool take_line(line& out);
  bool read_more();
  int renamed_file(std::uint64_t& ino, std::uint64_t& dev) const;
  void switch_to(int fd, std::uint64_t ino, std::uint64_t dev);
  void restart_at_zero();

  std::string path_;
  int fd_ = -1;
  std::uint64_t ino_ = 0;
  std::uint64_t dev_ = 0;
  std::uint64_t pos_ = 0;  // bytes of the current file read so far
  // buf_[head_, size_) holds the bytes read but not yet handed out; buf_[head_] is at file offset
  // head_offset_; buf_[head_, scan_) has no '\n'.
  std::string buf_;
  std::size_t head_ = 0;
  std::size_t scan_ = 0;
  std::size_t size_ = 0;
  std::uint64_t head_offset_ = 0;
  std::uint64_t lines_ = 0;  // lines of the current file handed out
  // The file now at the path, adopted at the next call: the old one's unterminated last line was
  // just handed out and its view must stay valid until then.
  int next_fd_ = -1;
  std::uint64_t next_ino_ = 0;
  std::uint64_t next_dev_ = 0;
};

}  // namespace yieldpipe::io
