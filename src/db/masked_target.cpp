#include <string>
#include <string_view>
#include <vector>

#include "target_password.hpp"
#include "yieldpipe/db/database.hpp"

namespace yieldpipe::db {
namespace detail {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// A URI (`postgresql://[user[:password]@]host[:port][,...][/db][?k=v&...]`), from `scheme_end`
// (after "://").
void uri_passwords(std::string_view target, std::size_t scheme_end, std::vector<text_span>& out) {
  const std::size_t authority_end = std::min(target.find_first_of("/?#", scheme_end), target.size());
  // libpq ends the user information at the first `@`; masking to the last one also hides the rest of
  // a password that holds an unencoded `@`.
  const std::size_t at = target.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
  if (at != std::string_view::npos && at >= scheme_end) {
    const std::size_t colon = target.find(':', scheme_end);
    if (colon < at) out.push_back({colon + 1, at - colon - 1});
  }
  const std::size_t query = target.find('?', scheme_end);
  if (query == std::string_view::npos) return;
  std::size_t p = query + 1;
  while (p <= target.size()) {
    const std::size_t end = std::min(target.find_first_of("&#", p), target.size());
    const std::string_view parameter = target.substr(p, end - p);
    if (parameter.starts_with("password=")) out.push_back({p + 9, end - p - 9});
    if (end >= target.size() || target[end] == '#') break;
    p = end + 1;
  }
}

// A keyword/value string (`host=h password='a b' dbname=d`): libpq's grammar, where a value is a
// run of non-blanks or a single-quoted string with backslash escapes.
void keyword_passwords(std::string_view target, std::vector<text_span>& out) {
  constexpr std::string_view keyword = "password";
  std::size_t p = 0;
  while ((p = target.find(keyword, p)) != std::string_view::npos) {
    const bool word_start = p == 0 || is_space(target[p - 1]);
    std::size_t q = p + keyword.size();
    p = q;
    if (!word_start) continue;
    while (q < target.size() && is_space(target[q])) ++q;
    if (q == target.size() || target[q] != '=') continue;
    ++q;
    while (q < target.size() && is_space(target[q])) ++q;
    const std::size_t begin = q;
    if (q < target.size() && target[q] == '\'') {
      ++q;
      while (q < target.size() && target[q] != '\'') q += target[q] == '\\' ? 2 : 1;
      q = std::min(q + 1, target.size());
    } else {
      while (q < target.size() && !is_space(target[q])) ++q;
    }
    out.push_back({begin, q - begin});
    p = q;
  }
}

}  // namespace

std::vector<text_span> password_spans(std::string_view target) {
  std::vector<text_span> spans;
  if (target.starts_with("sqlite:")) return spans;
  for (const std::string_view scheme : {std::string_view("postgresql://"), std::string_view("postgres://")}) {
    if (target.starts_with(scheme)) {
      uri_passwords(target, scheme.size(), spans);
      return spans;
    }
  }
  keyword_passwords(target, spans);
  return spans;
}

}  // namespace detail

std::string masked_target(const std::string& target) {
  const std::vector<detail::text_span> spans = detail::password_spans(target);
  std::string masked;
  masked.reserve(target.size());
  std::size_t done = 0;
  for (const detail::text_span& s : spans) {
    masked.append(target, done, s.begin - done);
    masked += "***";
    done = s.begin + s.size;
  }
  masked.append(target, done);
  return masked;
}

}  // namespace yieldpipe::db
