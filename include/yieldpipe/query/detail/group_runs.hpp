#pragma once
// A group-by's sorted runs: its groups written out in key order, each with its states' bytes, to be
// merged with other runs at the end (external aggregation). A run lives in memory (a thread's part
// of a table with millions of groups) or in a temporary file (a table that passed --max-memory).
// Not for users: query/group_by.hpp documents what the group-by does with them.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace yieldpipe::query::detail {

/// A file for the life of this object, in `directory`: created without a name (Linux's O_TMPFILE),
/// or named and unlinked at once, so nothing is left behind whatever ends the process (an error,
/// SIGINT, SIGKILL). Errors are io_errors naming the directory and the reason (a full disk).
class temp_file {
 public:
  explicit temp_file(const std::string& directory);
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file();

  void append(std::string_view bytes);
  /// Gives the bytes [offset, offset + size) back to the file system (a hole; where it can).
  void release(std::uint64_t offset, std::uint64_t size) noexcept;
  /// Reads up to `size` bytes at `offset`; returns how many (fewer only at the end).
  std::size_t read_at(std::uint64_t offset, char* into, std::size_t size) const;
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

 private:
  std::string directory_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

/// Memory in blocks of 2 MiB (or the size asked, rounded up), aligned so that Linux can back them
/// with huge pages: one page fault per 2 MiB rather than per 4 KiB (on a VM, page faults were half
/// the time of a run kept in memory in ordinary pages).
struct huge_block {
  explicit huge_block(std::size_t at_least);
  huge_block(huge_block&& other) noexcept : data(other.data), size(other.size), used(other.used) {
    other.data = nullptr;
  }
  huge_block& operator=(huge_block&&) = delete;
  ~huge_block();
  char* data;
  std::size_t size;
  std::size_t used = 0;
};

/// Records in key order: the key's bytes and the states' bytes of one group each. Written once
/// (`add`, then `close`), read any number of times from the start (`reader`).
class sorted_run {
 public:
  /// A run kept in memory.
  sorted_run();
  /// A run appended to `file` (a table's runs share one: few open files), through a buffer of 1
  /// MiB; the file must not get other bytes until close().
  explicit sorted_run(std::shared_ptr<temp_file> file);
  sorted_run(sorted_run&&) noexcept = default;
  sorted_run& operator=(sorted_run&&) noexcept = default;
  ~sorted_run();

  void add(std::string_view key, std::string_view states);
  void close();
  /// The bytes this run holds in memory (its buffer, or the whole run).
  [[nodiscard]] std::size_t memory() const noexcept { return memory_; }
  [[nodiscard]] bool on_disk() const noexcept { return file_ != nullptr; }
  /// Moves a run kept in memory to the end of `file` (and frees its memory).
  void move_to_disk(std::shared_ptr<temp_file> file);
  /// How many merges of runs made this one (0: written from a table).
  unsigned level = 0;

  /// Every `mark_every`-th record's key and place: where a reader may start to reach a key without
  /// reading the run from its start (the output's parts, merged on several threads).
  static constexpr std::size_t mark_every = 128;
  struct mark {
    std::string key;
    std::uint64_t position;
  };
  [[nodiscard]] const std::vector<mark>& marks() const noexcept { return marks_; }

  /// The records, one at a time, through a window of the file (or the memory itself).
  class reader {
   public:
    /// `window`: the bytes read from a file at a time (a record larger gets a window of its size).
    /// `from`: a mark's position (or 0, the start).
    reader(const sorted_run& run, std::size_t window, std::uint64_t from = 0);
    /// The next record; false at the end.
    bool next();
    [[nodiscard]] std::string_view key() const noexcept { return key_; }
    [[nodiscard]] std::string_view states() const noexcept { return states_; }

   private:
    bool fill(std::size_t need);
    const sorted_run* run_;
    std::size_t window_bytes_;
    std::string window_;          // a file's bytes from offset consumed_ on
    std::size_t block_ = 0;       // in memory: the block rest_ is in
    std::string_view rest_;       // what is left to read of the window (or of the block)
    std::uint64_t consumed_ = 0;  // file offset of rest_'s start
    std::string key_;             // the record's key (it shares a prefix with the one before)
    std::string_view states_;
  };

 private:
  static constexpr std::size_t buffer_bytes = std::size_t{1} << 20;
  std::vector<huge_block> blocks_;  // in memory: the run, records whole in each block
  std::string buffer_;              // on disk: what is not written yet
  std::shared_ptr<temp_file> file_;
  std::uint64_t start_ = 0;  // the run's bytes in the file: [start_, end_)
  std::uint64_t end_ = 0;
  std::size_t memory_ = 0;
  std::vector<mark> marks_;
  std::string last_key_;  // the key of the record written last
  std::size_t marks_bytes_ = 0;
  std::uint64_t records_ = 0;
};

}  // namespace yieldpipe::query::detail
