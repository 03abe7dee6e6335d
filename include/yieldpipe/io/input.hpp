#pragma once
// A byte source: a file or standard input, decompressed transparently.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "yieldpipe/io/error.hpp"

namespace yieldpipe::io {

/// How an input reads.
struct input_options {
  /// Bytes per read() from the file, and the size of the decompressed chunks (tests set it small to
  /// exercise chunk boundaries). At least 1; the default is 1 MiB.
  std::size_t buffer_size = std::size_t{1} << 20;
  /// The byte to start at, for reading one file in pieces on several threads. Only a plain (not
  /// compressed) regular file can start elsewhere than at 0: anything else is an `io_error`.
  /// Offsets (`bytes_read()`, the readers' record offsets) stay the file's. For `from_memory`: the
  /// offset of the first byte in the input it was cut from.
  std::uint64_t start_offset = 0;
  /// The line the first byte is on (the line breaks before it, plus one), from which the readers
  /// number their lines and records: a reader started at `start_offset` numbers them as a reader of
  /// the whole input would. Only a label: the input does not check it.
  std::uint64_t start_line = 1;
};

/// The encoding an input detected from its first bytes.
enum class compression { none, gzip, zstd };

namespace detail {
class input_source;
}

/// The bytes of a file or of standard input, in chunks, decompressed transparently.
///
/// gzip (1f 8b) and zstd (28 b5 2f fd) are recognised by their magic bytes, never by the file name.
/// A gzip file may hold several members (`gzip -c a b > ab.gz`, as `zcat` reads it); a zstd file
/// several frames. Data after the last gzip member that is not another member is an error.
///
/// Cost: one read() of `buffer_size` bytes per chunk of a plain file, no copy beyond the kernel's
/// (into a buffer that starts on a page boundary, where that copy is fastest); a compressed file
/// decompresses into one buffer of the same size. Memory: two buffers of `buffer_size` plus the
/// decompressor's state (about 300 KiB for zlib, 130 KiB+ for zstd), whatever the file size. Not
/// thread-safe.
///
/// Errors (`io_error`, naming the path): the file cannot be opened (with the OS's reason) or is a
/// directory; a read fails (with the byte offset); a compressed stream is corrupt or truncated (with
/// the offset in the compressed bytes and zlib's or zstd's message).
class input {
 public:
  /// Readable bytes after the end of every chunk.
  static constexpr std::size_t chunk_padding = 64;

  /// Opens `path`, or standard input for "-" (named "<stdin>" in errors), and reads its first bytes
  /// to detect the compression.
  explicit input(const std::string& path, input_options options = {});

  /// Reads the open file descriptor `fd`, named `name` in errors. The caller keeps ownership: `fd`
  /// must stay open while the input lives and is not closed by it.
  static input from_fd(int fd, std::string name, input_options options = {});

  /// Reads `bytes`, a piece of some input already in memory (decompressed: never sniffed for gzip or
  /// zstd), named `name` in errors. `options.start_offset` and `options.start_line` say where the
  /// piece starts in that input, so that the readers' offsets and lines are the whole input's; for
  /// the blocks that `exec::read_in_pieces` cuts from a stream. `bytes` must outlive the input.
  /// Cost: chunks of `buffer_size` bytes are views into `bytes`; only its last `chunk_padding` bytes
  /// are copied (into a padded buffer, so nothing after `bytes` is ever read). `total_bytes()` is
  /// nullopt; `bytes_read()` counts from `start_offset`.
  static input from_memory(std::span<const char> bytes, std::string name, input_options options = {});

  input(input&&) noexcept;
  input& operator=(input&&) noexcept;
  ~input();

  /// The next bytes: never empty before the end, empty at the end (and at every call after it).
  /// The span is valid until the next call of `next_chunk()` or the input's destruction. The
  /// `chunk_padding` bytes after a non-empty span are readable (their values are unspecified), so
  /// a scanner may load whole SIMD blocks across its end.
  std::span<const char> next_chunk();

  /// Bytes consumed from the file so far: for a compressed file, compressed bytes (what a progress
  /// bar compares with `total_bytes()`).
  std::uint64_t bytes_read() const noexcept;
  /// The size of the file when known (a regular file), else nullopt (a pipe, a terminal).
  std::optional<std::uint64_t> total_bytes() const noexcept;
  /// The name used in errors: the path as given, or "<stdin>".
  const std::string& path() const noexcept;
  /// What the first bytes said.
  io::compression compression() const noexcept;
  /// Where the first byte is: `input_options::start_offset` and `start_line`.
  std::uint64_t start_offset() const noexcept;
  std::uint64_t start_line() const noexcept;

 private:
  explicit input(std::unique_ptr<detail::input_source> source);
  static void check_start_line(const input_options& options);
  std::unique_ptr<detail::input_source> source_;
};

}  // namespace yieldpipe::io
