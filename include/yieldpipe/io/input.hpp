#pragma once
// A byte source: a file or standard input, decompressed transparently.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "yieldpipe/io/error.hpp"

namespace yieldpipe::io {

/// The character encoding of an input's text, which the input transcodes to UTF-8 for its readers.
enum class text_encoding : std::uint8_t {
  automatic,  ///< UTF-16 (LE or BE) when the text starts with its byte order mark, else UTF-8
  utf8,       ///< the bytes as they are (invalid UTF-8 passes through)
  utf16le,    ///< UTF-16, little-endian (a byte order mark at the start is dropped)
  utf16be,    ///< UTF-16, big-endian (a byte order mark at the start is dropped)
  latin1,     ///< ISO-8859-1: each byte is the code point of the same number
  cp1252,     ///< Windows-1252: Latin-1 with printable characters at 0x80-0x9F (WHATWG's table)
};

/// The encoding named `name`, ASCII case-insensitive: utf-8 (utf8), utf-16le, utf-16be, latin1
/// (latin-1, iso-8859-1), cp1252 (windows-1252), auto; nullopt for any other name.
[[nodiscard]] std::optional<text_encoding> parse_text_encoding(std::string_view name) noexcept;
/// The name of `encoding` as parse_text_encoding takes it ("utf-16le", "cp1252", ...).
[[nodiscard]] std::string_view to_string(text_encoding encoding) noexcept;

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
  /// The text's encoding: anything but UTF-8 is transcoded to UTF-8 as it is read (after
  /// decompression), and offsets are then in the transcoded bytes, so such an input cannot start at
  /// an offset other than 0. Invalid sequences (an unpaired surrogate, an odd last byte) become
  /// U+FFFD. Cost: about a copy of the text for Latin-1 and cp1252, two for UTF-16.
  text_encoding encoding = text_encoding::automatic;
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
  /// Whether the bytes given out are transcoded (an encoding other than UTF-8, given or found from
  /// a UTF-16 byte order mark); then offsets are the transcoded bytes'. Known when the input is
  /// opened, except for `automatic` over a compressed input: there, after the first chunk.
  bool transcoded() const noexcept;

  /// The first `n` bytes (fewer at the end of the input), as `next_chunk()` will give them: for
  /// looking at the start of a stream (sniffing a CSV dialect) that cannot be read twice. Only
  /// before the first `next_chunk()`; a second call may ask for more. The view is valid until the
  /// next call of `peek` or `next_chunk`.
  std::string_view peek(std::size_t n);
  /// Where the first byte is: `input_options::start_offset` and `start_line`.
  std::uint64_t start_offset() const noexcept;
  std::uint64_t start_line() const noexcept;

 private:
  explicit input(std::unique_ptr<detail::input_source> source);
  static void check_start_line(const input_options& options);
  std::unique_ptr<detail::input_source> source_;
};

}  // namespace yieldpipe::io
