#pragma once
// Where a database target holds a password: for masked_target, and for the PostgreSQL messages that
// must not quote it.

#include <cstddef>
#include <string_view>
#include <vector>

namespace yieldpipe::db::detail {

/// A span of a target's characters: [begin, begin + size).
struct text_span {
  std::size_t begin = 0;
  std::size_t size = 0;
};

/// The passwords in `target`, as written (percent-encoded in a URI), in order: the password of a
/// URI's user information (`postgresql://user:PASSWORD@host`, up to the authority's last `@`), the
/// value of every `password` query parameter of a URI, and the value of every `password` keyword of
/// a keyword/value string (`host=h password=PASSWORD`, quoted or not). A `sqlite:` target has none.
std::vector<text_span> password_spans(std::string_view target);

}  // namespace yieldpipe::db::detail
