#pragma once
// Input bytes as a message may show them: whatever a file holds, an error never prints garbage.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace yieldpipe::io {

/// `text` made printable for a message: valid UTF-8 characters stay as they are, except controls;
/// a tab, a line feed and a carriage return become `\t`, `\n`, `\r`; any other control byte (below
/// 0x20, 0x7F) and every byte that is not part of valid UTF-8 (a stray continuation byte, a
/// truncated or overlong sequence, a surrogate) becomes `\xNN`; the C1 controls (U+0080 to U+009F)
/// become `\u0080`... A text longer than `max_bytes` of output is cut at a character and ends in
/// `...`. Backslashes are not doubled: the result is for reading, not for parsing back.
///
///   printable("caf\xc3\xa9 \xe9\x01")   // the 14 characters  café \xe9\x01
///
/// Cost: one pass, one allocation.
[[nodiscard]] std::string printable(std::string_view text, std::size_t max_bytes = SIZE_MAX);

/// Whether `printable(text)` would return `text` unchanged: nothing to escape.
[[nodiscard]] bool is_printable(std::string_view text) noexcept;

}  // namespace yieldpipe::io
