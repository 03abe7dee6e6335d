#pragma once
// The expression language's tokens (see expression.hpp for the syntax), and the caret errors every
// stage of the compiler reports through.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace yieldpipe::query::detail {

enum class tok {
  end,
  number,
  string,
  name,
  lparen,
  rparen,
  lbracket,
  rbracket,
  comma,
  plus,
  minus,
  star,
  slash,
  percent,
  compare,
  kw_and,
  kw_or,
  kw_not,
  kw_in,
  kw_is,
  kw_null,
  kw_true,
  kw_false,
};
struct token {
  tok kind = tok::end;
  std::uint32_t pos = 0;
  std::uint32_t end = 0;
  std::string text;  // a string literal (unescaped) or a name
  double number = 0;
  unsigned char compare = 0;
};

/// Cuts an expression's text into tokens, on demand (the parser looks one token ahead, and two for
/// `not in` and a function call).
class expression_lexer {
 public:
  /// `text` must outlive the lexer.
  explicit expression_lexer(std::string_view text) noexcept : text_(text) {}

  /// The token at `p` (after blanks); `p` moves past it. Throws query_error for a bad token.
  token lex(std::size_t& p) const;

  /// Throws query_error with `message`, then the text and a caret under byte `pos`.
  [[noreturn]] void fail(std::size_t pos, std::string message) const;

  /// How a token is named in a message: `name 'x'`, `'('`, `end of the expression`.
  static std::string describe(const token& t);

  std::string_view text() const noexcept { return text_; }

 private:
  std::string_view text_;
};

/// ASCII case-insensitive equality with a lower-case `b` (keywords).
bool ascii_iequals(std::string_view a, std::string_view b) noexcept;
bool identifier_start(char c) noexcept;
bool identifier_char(char c) noexcept;

}  // namespace yieldpipe::query::detail
