#pragma once
// The error type of the io layer.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "yieldpipe/io/printable.hpp"

namespace yieldpipe::io {

/// Where in a file an io error happened. Every field is optional: a file that cannot be opened has
/// no position, a corrupt compressed stream has a byte offset but no line.
struct error_location {
  /// Byte offset in the file as stored (for a compressed file: in the compressed bytes), from 0.
  std::optional<std::uint64_t> offset{};
  /// Line number, from 1.
  std::optional<std::uint64_t> line{};
  /// Column (byte in the line), from 1.
  std::optional<std::uint64_t> column{};
};

/// An input or output failure a user can act on: the file (a path, or "<stdin>"), where in it, and
/// why. `what()` reads `path:line:column: reason`, or `path: byte N: reason` when only the offset is
/// known, or `path: reason`, with the path and the reason made printable (`io::printable`: a reason
/// that quotes input bytes never prints garbage); `path()` and `reason()` are as given.
class io_error : public std::runtime_error {
 public:
  io_error(std::string path, std::string reason, error_location where = {})
      : std::runtime_error(format(path, reason, where)),
        path_(std::move(path)),
        reason_(std::move(reason)),
        where_(where) {}

  /// The file, as the user named it ("<stdin>" for standard input).
  const std::string& path() const noexcept { return path_; }
  /// Why, without the location.
  const std::string& reason() const noexcept { return reason_; }
  std::optional<std::uint64_t> offset() const noexcept { return where_.offset; }
  std::optional<std::uint64_t> line() const noexcept { return where_.line; }
  std::optional<std::uint64_t> column() const noexcept { return where_.column; }

 private:
  static std::string format(const std::string& path, const std::string& reason, const error_location& where) {
    std::string out = printable(path);
    if (where.line) {
      out += ':' + std::to_string(*where.line);
      if (where.column) out += ':' + std::to_string(*where.column);
    } else if (where.offset) {
      out += ": byte " + std::to_string(*where.offset);
    }
    out += ": ";
    out += printable(reason);
    return out;
  }

  std::string path_;
  std::string reason_;
  error_location where_;
};

}  // namespace yieldpipe::io
