#include "yieldpipe/io/printable.hpp"

namespace yieldpipe::io {
namespace {

// The length of the valid UTF-8 sequence at text[i] (1 to 4), or 0 when the byte there starts none.
std::size_t sequence_length(std::string_view text, std::size_t i) noexcept {
  const auto b = static_cast<unsigned char>(text[i]);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    cp = b & 0x07;
  } else {
    return 0;  // a continuation byte, C0, C1 (overlong) or F5 and above
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;  // overlong, too large
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;                                           // a surrogate
  return n;
}

// The escape for the character of `n` bytes at text[i], or empty when it is shown as it is.
std::string escape_at(std::string_view text, std::size_t i, std::size_t n) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto b = static_cast<unsigned char>(text[i]);
  if (n == 0) return std::string{'\\', 'x', hex[b >> 4], hex[b & 15]};
  if (n == 1) {
    if (b == '\t') return "\\t";
    if (b == '\n') return "\\n";
    if (b == '\r') return "\\r";
    if (b < 0x20 || b == 0x7F) return std::string{'\\', 'x', hex[b >> 4], hex[b & 15]};
    return {};
  }
  if (n == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {  // U+0080..U+009F
    const auto low = static_cast<unsigned char>(text[i + 1]);
    return std::string{'\\', 'u', '0', '0', hex[low >> 4], hex[low & 15]};
  }
  return {};
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = sequence_length(text, i);
    const std::string escaped = escape_at(text, i, n);
    const std::size_t shown = escaped.empty() ? n : escaped.size();
    if (out.size() + shown > max_bytes) {
      out += "...";
      break;
    }
    if (escaped.empty())
      out.append(text.data() + i, n);
    else
      out += escaped;
    i += n == 0 ? 1 : n;
  }
  return out;
}

bool is_printable(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = sequence_length(text, i);
    if (n == 0) return false;
    const auto b = static_cast<unsigned char>(text[i]);
    if ((n == 1 && (b < 0x20 || b == 0x7F)) || (n == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0))
      return false;
    i += n;
  }
  return true;
}

}  // namespace yieldpipe::io
