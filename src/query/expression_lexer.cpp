#include "expression_lexer.hpp"

#include <algorithm>
#include <charconv>
#include <utility>
#include <yieldpipe/query/detail/expression_program.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace yieldpipe::query::detail {

bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == y;
         });
}

bool identifier_start(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool identifier_char(char c) noexcept { return identifier_start(c) || (c >= '0' && c <= '9'); }

void expression_lexer::fail(std::size_t pos, std::string message) const {
  message += "\n  ";
  message += text_;
  message += "\n  ";
  for (std::size_t i = 0; i < pos && i < text_.size(); ++i)
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) message += text_[i] == '\t' ? '\t' : ' ';
  message += '^';
  throw query_error(message);
}

std::string expression_lexer::describe(const token& t) {
  switch (t.kind) {
    case tok::end: return "end of the expression";
    case tok::number: return "number";
    case tok::string: return "string";
    case tok::name: return "name '" + t.text + "'";
    default: return "'" + t.text + "'";
  }
}

token expression_lexer::lex(std::size_t& p) const {
  const std::string_view s = text_;
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r')) ++p;
  token t;
  t.pos = static_cast<std::uint32_t>(p);
  if (p == s.size()) return t;
  const char c = s[p];
  const auto single = [&](tok k, std::size_t n) {
    t.kind = k;
    t.text = std::string(s.substr(p, n));
    p += n;
    t.end = static_cast<std::uint32_t>(p);
    return t;
  };
  const auto compare = [&](comparison cmp, std::size_t n) {
    t.compare = cmp;
    return single(tok::compare, n);
  };
  const char d = p + 1 < s.size() ? s[p + 1] : '\0';
  switch (c) {
    case '(': return single(tok::lparen, 1);
    case ')': return single(tok::rparen, 1);
    case '[': return single(tok::lbracket, 1);
    case ']': return single(tok::rbracket, 1);
    case ',': return single(tok::comma, 1);
    case '+': return single(tok::plus, 1);
    case '-': return single(tok::minus, 1);
    case '*': return single(tok::star, 1);
    case '/': return single(tok::slash, 1);
    case '%': return single(tok::percent, 1);
    case '=': return d == '=' ? compare(eq, 2) : compare(eq, 1);
    case '!':
      if (d == '=') return compare(ne, 2);
      fail(p, "unexpected '!' (write != or not)");
    case '<': return d == '=' ? compare(le, 2) : d == '>' ? compare(ne, 2) : compare(lt, 1);
    case '>': return d == '=' ? compare(ge, 2) : compare(gt, 1);
    case '"':
    case '\'': {
      const std::size_t start = p++;
      t.kind = tok::string;
      for (;; ++p) {
        if (p >= s.size()) fail(start, "unterminated string");
        if (s[p] == c) break;
        if (s[p] == '\\') {
          if (++p >= s.size()) fail(start, "unterminated string");
          switch (s[p]) {
            case 'n': t.text += '\n'; break;
            case 't': t.text += '\t'; break;
            case 'r': t.text += '\r'; break;
            case '\\':
            case '\'':
            case '"': t.text += s[p]; break;
            default: fail(p - 1, "unknown escape '\\" + std::string(1, s[p]) + "' (\\\" \\' \\\\ \\n \\t \\r)");
          }
          continue;
        }
        t.text += s[p];
      }
      t.end = static_cast<std::uint32_t>(++p);
      return t;
    }
    case '`': {
      const std::size_t start = p++;
      t.kind = tok::name;
      for (;; ++p) {
        if (p >= s.size()) fail(start, "unterminated `name`");
        if (s[p] == '`') {
          if (p + 1 < s.size() && s[p + 1] == '`') {
            t.text += '`';
            ++p;
            continue;
          }
          break;
        }
        t.text += s[p];
      }
      t.end = static_cast<std::uint32_t>(++p);
      return t;
    }
    default: break;
  }
  if ((c >= '0' && c <= '9') || (c == '.' && d >= '0' && d <= '9')) {
    std::size_t q = p;
    while (q < s.size() && ((s[q] >= '0' && s[q] <= '9') || s[q] == '.')) ++q;
    if (q < s.size() && (s[q] == 'e' || s[q] == 'E')) {
      std::size_t r = q + 1;
      if (r < s.size() && (s[r] == '+' || s[r] == '-')) ++r;
      if (r < s.size() && s[r] >= '0' && s[r] <= '9') {
        q = r;
        while (q < s.size() && s[q] >= '0' && s[q] <= '9') ++q;
      }
    }
    const auto [end, ec] = std::from_chars(s.data() + p, s.data() + q, t.number);
    if (ec != std::errc() || end != s.data() + q) fail(p, "not a number: " + std::string(s.substr(p, q - p)));
    if (q < s.size() && identifier_char(s[q])) fail(q, "unexpected character after a number");
    t.kind = tok::number;
    t.text = std::string(s.substr(p, q - p));
    p = q;
    t.end = static_cast<std::uint32_t>(p);
    return t;
  }
  if (identifier_start(c)) {
    std::size_t q = p;
    while (q < s.size() && identifier_char(s[q])) ++q;
    const std::string_view word = s.substr(p, q - p);
    t.text = std::string(word);
    t.kind = tok::name;
    static constexpr std::pair<std::string_view, tok> keywords[] = {
        {"and", tok::kw_and}, {"or", tok::kw_or},     {"not", tok::kw_not},   {"in", tok::kw_in},
        {"is", tok::kw_is},   {"null", tok::kw_null}, {"true", tok::kw_true}, {"false", tok::kw_false}};
    for (const auto& [keyword, k] : keywords)
      if (ascii_iequals(word, keyword)) t.kind = k;
    p = q;
    t.end = static_cast<std::uint32_t>(p);
    return t;
  }
  fail(p, "unexpected character '" + std::string(1, c) + "'");
}

}  // namespace yieldpipe::query::detail
