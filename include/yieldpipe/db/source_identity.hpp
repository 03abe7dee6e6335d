#pragma once
// What identifies the file a load reads, so that `--resume` refuses a file that changed.

#include <cstdint>
#include <string>

namespace yieldpipe::db {

/// A file as a load saw it when it started: its path, its size, and CRC-32s of its first and last
/// MiB (of the file as stored: compressed bytes for `.gz` and `.zst`). Cheap to take (2 MiB read
/// whatever the size) and enough to catch a file replaced, truncated, appended to or rewritten at
/// either end. Standard input ("-"), a pipe or a device has no identity: a load from it cannot be
/// resumed.
struct source_identity {
  std::string path;
  std::uint64_t size = 0;
  std::uint32_t head_crc = 0;
  std::uint32_t tail_crc = 0;
  bool resumable = false;  ///< a regular file: size and CRCs are set
  friend bool operator==(const source_identity&, const source_identity&) = default;

  /// The identity of the input at `path` now; an io_error when it cannot be opened or read. For "-"
  /// and anything but a regular file: the path alone, not resumable.
  static source_identity of(const std::string& path);
};

}  // namespace yieldpipe::db
