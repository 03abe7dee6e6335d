#include "expression.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "common.hpp"

namespace yieldpipe::cli {

using detail::expr_literal;
using detail::expr_node;
using detail::expr_op;
using kind = value::kind;

namespace {

enum comparison : unsigned char { eq, ne, lt, le, gt, ge };

constexpr std::string_view comparison_text[] = {"==", "!=", "<", "<=", ">", ">="};

std::string_view type_name(kind k) {
  switch (k) {
    case kind::number: return "a number";
    case kind::string: return "text";
    case kind::boolean: return "true or false";
    case kind::null: break;
  }
  return "null";
}

bool ascii_iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == y;
         });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; };
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

bool identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool identifier_char(char c) { return identifier_start(c) || (c >= '0' && c <= '9'); }

struct function_info {
  std::string_view name;
  expr_op op;
  int arity;
  kind argument;  // of every argument
  kind result;
};
constexpr function_info functions[] = {
    {"lower", expr_op::lower, 1, kind::string, kind::string},
    {"upper", expr_op::upper, 1, kind::string, kind::string},
    {"len", expr_op::len, 1, kind::string, kind::number},
    {"contains", expr_op::contains, 2, kind::string, kind::boolean},
    {"starts_with", expr_op::starts_with, 2, kind::string, kind::boolean},
    {"ends_with", expr_op::ends_with, 2, kind::string, kind::boolean},
    {"abs", expr_op::abs, 1, kind::number, kind::number},
};

}  // namespace

// Recursive descent over the text, building the nodes bottom-up. A column starts "flexible" (read as
// text) until its consumer asks for a type (`coerce`): the type comes from where it is used.
class expression_parser {
 public:
  expression_parser(expression& e, const io::csv_header& header) : e_(e), text_(e.text_), header_(header) {}

  std::uint32_t parse(bool condition) {
    next();
    if (tok_.kind == tok::end) fail(tok_.pos, "expected an expression");
    const std::uint32_t root = parse_or();
    if (tok_.kind != tok::end) fail(tok_.pos, "unexpected " + describe(tok_) + " after the expression");
    if (condition) {
      if (is_flexible(root)) coerce(root, kind::boolean, "a condition");
      const expr_node& n = e_.nodes_[root];
      if (n.type != kind::boolean && n.type != kind::null)
        fail(n.pos, "a condition must be true or false, not " + std::string(type_name(n.type)));
    }
    return root;
  }

 private:
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

  [[noreturn]] void fail(std::size_t pos, std::string message) const {
    message += "\n  ";
    message += text_;
    message += "\n  ";
    for (std::size_t i = 0; i < pos && i < text_.size(); ++i)
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) message += text_[i] == '\t' ? '\t' : ' ';
    message += '^';
    throw usage_error(message);
  }

  static std::string describe(const token& t) {
    switch (t.kind) {
      case tok::end: return "end of the expression";
      case tok::number: return "number";
      case tok::string: return "string";
      case tok::name: return "name '" + t.text + "'";
      default: return "'" + t.text + "'";
    }
  }

  // The token at pos_ into tok_; pos_ moves past it.
  void next() { tok_ = lex(pos_); }

  token lex(std::size_t& p) const {
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

  void expect(tok k, std::string_view what) {
    if (tok_.kind != k) fail(tok_.pos, "expected " + std::string(what) + ", got " + describe(tok_));
    next();
  }

  // --- nodes -----------------------------------------------------------------------------------------

  std::uint32_t add(expr_node n) {
    e_.nodes_.push_back(n);
    flexible_.push_back(false);
    return static_cast<std::uint32_t>(e_.nodes_.size() - 1);
  }
  bool is_flexible(std::uint32_t at) const { return flexible_[at]; }

  // Makes node `at` of type `want` for `context` (a column takes the type; null fits anything).
  void coerce(std::uint32_t at, kind want, std::string_view context) {
    expr_node& n = e_.nodes_[at];
    if (flexible_[at]) {
      flexible_[at] = false;
      n.type = want;
      n.op = want == kind::number    ? expr_op::column_number
             : want == kind::boolean ? expr_op::column_boolean
                                     : expr_op::column_text;
      return;
    }
    if (n.type == want || n.type == kind::null) return;
    fail(n.pos,
         std::string(context) + " needs " + std::string(type_name(want)) + ", not " + std::string(type_name(n.type)));
  }

  std::uint32_t binary(expr_op op, kind type, std::uint32_t a, std::uint32_t b, std::uint32_t pos) {
    expr_node n;
    n.op = op;
    n.type = type;
    n.a = a;
    n.b = b;
    n.pos = pos;
    return add(n);
  }

  // --- grammar ---------------------------------------------------------------------------------------

  std::uint32_t parse_or() {
    std::uint32_t left = parse_and();
    while (tok_.kind == tok::kw_or) {
      next();
      const std::uint32_t right = parse_and();
      coerce(left, kind::boolean, "'or'");
      coerce(right, kind::boolean, "'or'");
      left = binary(expr_op::logical_or, kind::boolean, left, right, e_.nodes_[left].pos);
    }
    return left;
  }

  std::uint32_t parse_and() {
    std::uint32_t left = parse_not();
    while (tok_.kind == tok::kw_and) {
      next();
      const std::uint32_t right = parse_not();
      coerce(left, kind::boolean, "'and'");
      coerce(right, kind::boolean, "'and'");
      left = binary(expr_op::logical_and, kind::boolean, left, right, e_.nodes_[left].pos);
    }
    return left;
  }

  std::uint32_t parse_not() {
    if (tok_.kind != tok::kw_not) return parse_comparison();
    const std::uint32_t pos = tok_.pos;
    next();
    const std::uint32_t operand = parse_not();
    coerce(operand, kind::boolean, "'not'");
    return binary(expr_op::logical_not, kind::boolean, operand, 0, pos);
  }

  std::uint32_t parse_comparison() {
    const std::uint32_t left = parse_additive();
    const std::uint32_t pos = e_.nodes_[left].pos;
    if (tok_.kind == tok::kw_is) {
      next();
      bool negated = false;
      if (tok_.kind == tok::kw_not) {
        negated = true;
        next();
      }
      expect(tok::kw_null, "null after 'is'");
      return binary(negated ? expr_op::is_not_null : expr_op::is_null, kind::boolean, left, 0, pos);
    }
    if (tok_.kind == tok::kw_in) return parse_in(left, false);
    if (tok_.kind == tok::kw_not) {
      std::size_t after = pos_;
      if (lex(after).kind == tok::kw_in) {
        next();
        return parse_in(left, true);
      }
      return left;
    }
    if (tok_.kind != tok::compare) return left;

    std::vector<std::uint32_t> operands{left};
    std::vector<unsigned char> ops;
    std::vector<std::uint32_t> op_pos;
    while (tok_.kind == tok::compare) {
      ops.push_back(tok_.compare);
      op_pos.push_back(tok_.pos);
      next();
      operands.push_back(parse_additive());
    }
    // One type for the whole chain: the first operand whose type is fixed decides, columns follow.
    kind type = kind::null;
    for (std::size_t i = 0; i < operands.size(); ++i) {
      const std::uint32_t at = operands[i];
      if (is_flexible(at)) continue;
      const expr_node& n = e_.nodes_[at];
      if (n.type == kind::null) {
        const std::uint32_t op = op_pos[i == 0 ? 0 : i - 1];
        fail(op, "a comparison with null is never true: write 'is null' or 'is not null'");
      }
      if (type == kind::null) {
        type = n.type;
      } else if (n.type != type) {
        fail(op_pos[i - 1],
             "cannot compare " + std::string(type_name(type)) + " with " + std::string(type_name(n.type)));
      }
    }
    if (type == kind::null) type = kind::string;
    for (std::size_t i = 0; i < operands.size(); ++i) coerce(operands[i], type, "a comparison");
    if (type == kind::boolean)
      for (std::size_t i = 0; i < ops.size(); ++i)
        if (ops[i] != eq && ops[i] != ne)
          fail(op_pos[i], "true and false have no order: '" + std::string(comparison_text[ops[i]]) + "'");

    if (operands.size() == 2) {
      const std::uint32_t at = binary(expr_op::compare, kind::boolean, operands[0], operands[1], pos);
      e_.nodes_[at].compare = ops[0];
      return at;
    }
    expr_node chain;
    chain.op = expr_op::chain;
    chain.type = kind::boolean;
    chain.pos = pos;
    chain.a = static_cast<std::uint32_t>(e_.operands_.size());
    chain.compare = static_cast<unsigned char>(std::min<std::size_t>(ops.size(), 255));
    if (ops.size() > 255) fail(op_pos[255], "too many comparisons in one chain");
    for (std::size_t i = 0; i < operands.size(); ++i) {
      e_.operands_.push_back(operands[i]);
      e_.chain_ops_.push_back(i < ops.size() ? ops[i] : 0);
    }
    return add(chain);
  }

  // After `x in` or `x not in` (tok_ is `in`): a bracketed list of constants.
  std::uint32_t parse_in(std::uint32_t left, bool negated) {
    const std::uint32_t pos = e_.nodes_[left].pos;
    next();
    expect(tok::lbracket, "'[' after 'in'");
    const auto first = static_cast<std::uint32_t>(e_.list_.size());
    kind type = kind::null;
    while (tok_.kind != tok::rbracket) {
      if (e_.list_.size() > first) expect(tok::comma, "',' or ']'");
      const std::uint32_t item_pos = tok_.pos;
      expr_literal item;
      bool negative = false;
      if (tok_.kind == tok::minus) {
        negative = true;
        next();
        if (tok_.kind != tok::number) fail(tok_.pos, "expected a number after '-'");
      }
      switch (tok_.kind) {
        case tok::number:
          item.type = kind::number;
          item.number = negative ? -tok_.number : tok_.number;
          break;
        case tok::string:
          item.type = kind::string;
          item.string = static_cast<std::uint32_t>(e_.strings_.size());
          e_.strings_.push_back(tok_.text);
          break;
        case tok::kw_true:
        case tok::kw_false:
          item.type = kind::boolean;
          item.boolean = tok_.kind == tok::kw_true;
          break;
        case tok::kw_null: break;
        default: fail(tok_.pos, "expected a number, a string, true, false or null in the list");
      }
      if (item.type != kind::null) {
        if (type == kind::null) {
          type = item.type;
        } else if (item.type != type) {
          fail(item_pos,
               "the list mixes " + std::string(type_name(type)) + " and " + std::string(type_name(item.type)));
        }
      }
      e_.list_.push_back(item);
      next();
    }
    next();
    if (type != kind::null) coerce(left, type, "'in'");
    expr_node n;
    n.op = expr_op::in_list;
    n.type = kind::boolean;
    n.pos = pos;
    n.a = left;
    n.b = first;
    n.index = static_cast<std::uint32_t>(e_.list_.size()) - first;
    n.compare = negated ? 1 : 0;
    return add(n);
  }

  std::uint32_t parse_additive() {
    std::uint32_t left = parse_multiplicative();
    while (tok_.kind == tok::plus || tok_.kind == tok::minus) {
      const expr_op op = tok_.kind == tok::plus ? expr_op::add : expr_op::subtract;
      const std::string context = "'" + tok_.text + "'";
      next();
      const std::uint32_t right = parse_multiplicative();
      coerce(left, kind::number, context);
      coerce(right, kind::number, context);
      left = binary(op, kind::number, left, right, e_.nodes_[left].pos);
    }
    return left;
  }

  std::uint32_t parse_multiplicative() {
    std::uint32_t left = parse_unary();
    while (tok_.kind == tok::star || tok_.kind == tok::slash || tok_.kind == tok::percent) {
      const expr_op op = tok_.kind == tok::star    ? expr_op::multiply
                         : tok_.kind == tok::slash ? expr_op::divide
                                                   : expr_op::modulo;
      const std::string context = "'" + tok_.text + "'";
      next();
      const std::uint32_t right = parse_unary();
      coerce(left, kind::number, context);
      coerce(right, kind::number, context);
      left = binary(op, kind::number, left, right, e_.nodes_[left].pos);
    }
    return left;
  }

  std::uint32_t parse_unary() {
    if (tok_.kind != tok::minus) return parse_primary();
    const std::uint32_t pos = tok_.pos;
    next();
    const std::uint32_t operand = parse_unary();
    coerce(operand, kind::number, "'-'");
    expr_node& n = e_.nodes_[operand];
    if (n.op == expr_op::constant && n.type == kind::number) {  // -50: a constant
      n.number = -n.number;
      n.pos = pos;
      return operand;
    }
    return binary(expr_op::negate, kind::number, operand, 0, pos);
  }

  std::uint32_t parse_primary() {
    expr_node n;
    n.pos = tok_.pos;
    switch (tok_.kind) {
      case tok::number:
        n.type = kind::number;
        n.number = tok_.number;
        next();
        return add(n);
      case tok::string:
        n.type = kind::string;
        n.index = static_cast<std::uint32_t>(e_.strings_.size());
        e_.strings_.push_back(tok_.text);
        next();
        return add(n);
      case tok::kw_true:
      case tok::kw_false:
        n.type = kind::boolean;
        n.boolean = tok_.kind == tok::kw_true;
        next();
        return add(n);
      case tok::kw_null: next(); return add(n);
      case tok::lparen: {
        next();
        const std::uint32_t inner = parse_or();
        expect(tok::rparen, "')'");
        return inner;
      }
      case tok::name: {
        const bool quoted = text_[tok_.pos] == '`';
        std::size_t after = pos_;
        if (!quoted && lex(after).kind == tok::lparen) return parse_call();
        const auto column = header_.find(tok_.text);
        if (!column) fail(tok_.pos, unknown_column(tok_.text));
        n.op = expr_op::column_text;
        n.type = kind::string;
        n.index = static_cast<std::uint32_t>(*column);
        next();
        const std::uint32_t at = add(n);
        flexible_[at] = true;
        return at;
      }
      default: fail(tok_.pos, "expected a value, a column or '(', got " + describe(tok_));
    }
  }

  std::uint32_t parse_call() {
    const std::uint32_t pos = tok_.pos;
    const function_info* f = nullptr;
    for (const auto& candidate : functions)
      if (candidate.name == tok_.text) f = &candidate;
    if (!f) {
      std::string names;
      for (const auto& candidate : functions) names += (names.empty() ? "" : ", ") + std::string(candidate.name);
      fail(pos, "unknown function '" + tok_.text + "' (functions: " + names + ")");
    }
    next();
    next();  // (
    std::uint32_t args[2] = {0, 0};
    const std::string context = std::string(f->name) + "()";
    for (int i = 0; i < f->arity; ++i) {
      if (i > 0) expect(tok::comma, "',' (" + context + " takes " + std::to_string(f->arity) + " arguments)");
      if (tok_.kind == tok::rparen)
        fail(tok_.pos, context + " takes " + std::to_string(f->arity) + (f->arity == 1 ? " argument" : " arguments"));
      args[i] = parse_or();
      coerce(args[i], f->argument, context);
    }
    if (tok_.kind == tok::comma)
      fail(tok_.pos, context + " takes " + std::to_string(f->arity) + (f->arity == 1 ? " argument" : " arguments"));
    expect(tok::rparen, "')'");
    const std::uint32_t at = binary(f->op, f->result, args[0], args[1], pos);
    if (f->op == expr_op::lower || f->op == expr_op::upper) {
      e_.nodes_[at].index = static_cast<std::uint32_t>(e_.scratch_.size());
      e_.scratch_.emplace_back();
    }
    return at;
  }

  std::string unknown_column(const std::string& name) const {
    std::string message = "unknown column '" + name + "'";
    const std::string* best = nullptr;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const std::string& candidate : header_.names()) {
      const std::size_t d = edit_distance(name, candidate);
      if (d < best_distance) {
        best_distance = d;
        best = &candidate;
      }
    }
    if (best && best_distance <= std::max<std::size_t>(1, name.size() / 3)) {
      message += " (did you mean '" + *best + "'?)";
    } else if (header_.size() == 0) {
      message += " (the input has no header: it is empty)";
    } else {
      message += " (columns: ";
      std::size_t shown = 0;
      for (const std::string& candidate : header_.names()) {
        if (shown == 20) {
          message += ", ...";
          break;
        }
        message += (shown++ ? ", " : "") + candidate;
      }
      message += ")";
    }
    return message;
  }

  expression& e_;
  std::string_view text_;
  const io::csv_header& header_;
  std::vector<bool> flexible_;  // per node: a column whose type its consumer has not fixed yet
  std::size_t pos_ = 0;
  token tok_;
};

expression expression::compile(std::string_view text, const io::csv_header& header) {
  expression e;
  e.text_ = std::string(text);
  e.root_ = expression_parser(e, header).parse(false);
  e.optimise();
  return e;
}

expression expression::compile_condition(std::string_view text, const io::csv_header& header) {
  expression e;
  e.text_ = std::string(text);
  e.root_ = expression_parser(e, header).parse(true);
  e.optimise();
  return e;
}

void expression::optimise() {
  std::vector<std::uint32_t> slot_of_column;
  for (expr_node& n : nodes_) {
    if (n.op != expr_op::column_number) continue;
    const auto known = std::find(slot_of_column.begin(), slot_of_column.end(), n.index);
    n.a = static_cast<std::uint32_t>(known - slot_of_column.begin());
    if (known == slot_of_column.end()) slot_of_column.push_back(n.index);
  }
  numbers_.resize(slot_of_column.size());

  // `x < 3` and `3 > x` alike: the column on the left, the constant on the right.
  constexpr unsigned char mirrored[] = {eq, ne, gt, ge, lt, le};
  for (expr_node& n : nodes_) {
    if (n.op != expr_op::compare) continue;
    const expr_node* column = &nodes_[n.a];
    const expr_node* constant = &nodes_[n.b];
    unsigned char op = n.compare;
    if (column->op == expr_op::constant) {
      std::swap(column, constant);
      op = mirrored[op];
    }
    if (constant->op != expr_op::constant) continue;
    if (column->op == expr_op::column_number && constant->type == kind::number) {
      const expr_node fused{.op = expr_op::column_compare_number,
                            .type = kind::boolean,
                            .compare = op,
                            .a = column->a,
                            .index = column->index,
                            .pos = n.pos,
                            .number = constant->number};
      n = fused;
    } else if (column->op == expr_op::column_text && constant->type == kind::string) {
      const expr_node fused{.op = expr_op::column_compare_text,
                            .type = kind::boolean,
                            .compare = op,
                            .b = constant->index,
                            .index = column->index,
                            .pos = n.pos};
      n = fused;
    }
  }
  for (expr_node& n : nodes_) {
    if (n.op != expr_op::chain || n.compare != 2) continue;
    const expr_node& low = nodes_[operands_[n.a]];
    const expr_node& column = nodes_[operands_[n.a + 1]];
    const expr_node& high = nodes_[operands_[n.a + 2]];
    const auto number_constant = [](const expr_node& c) { return c.op == expr_op::constant && c.type == kind::number; };
    if (!number_constant(low) || column.op != expr_op::column_number || !number_constant(high)) continue;
    // low OP1 x OP2 high: x mirrored(OP1) low and x OP2 high, the two tests packed in `compare`.
    const auto tests = static_cast<unsigned char>(mirrored[chain_ops_[n.a]] | chain_ops_[n.a + 1] << 4);
    const expr_node fused{.op = expr_op::column_between,
                          .type = kind::boolean,
                          .compare = tests,
                          .a = column.a,
                          .index = column.index,
                          .pos = n.pos,
                          .number = low.number,
                          .high = high.number};
    n = fused;
  }

  // A condition is mostly `a and b and c`: matches() walks that list without recursion. Evaluated in
  // order, stopping at the first false, as the nested `and`s do (null goes on: false may follow).
  const auto flatten = [this](const auto& self, std::uint32_t at) -> void {
    if (nodes_[at].op == expr_op::logical_and) {
      self(self, nodes_[at].a);
      self(self, nodes_[at].b);
    } else {
      conjuncts_.push_back(at);
    }
  };
  flatten(flatten, root_);
}

value::kind expression::type() const noexcept { return nodes_[root_].type; }

value expression::evaluate(const io::csv_row& row) const {
  ++generation_;
  return eval(root_, row);
}

namespace {

value number(double x) {
  value v;
  v.type = kind::number;
  v.number = x;
  return v;
}
value boolean(bool b) {
  value v;
  v.type = kind::boolean;
  v.boolean = b;
  return v;
}
value string(std::string_view s) {
  value v;
  v.type = kind::string;
  v.string = s;
  return v;
}

// Both operands non-null and of the same type (the compiler makes sure of it).
bool compare(const value& l, const value& r, unsigned char op) {
  int order;
  if (l.type == kind::number) {
    switch (op) {  // IEEE rules: NaN is unordered
      case eq: return l.number == r.number;
      case ne: return l.number != r.number;
      case lt: return l.number < r.number;
      case le: return l.number <= r.number;
      case gt: return l.number > r.number;
      default: return l.number >= r.number;
    }
  }
  if (l.type == kind::string) {
    const int c = l.string.compare(r.string);
    order = c < 0 ? -1 : c > 0 ? 1 : 0;
  } else {
    order = static_cast<int>(l.boolean) - static_cast<int>(r.boolean);
  }
  switch (op) {
    case eq: return order == 0;
    case ne: return order != 0;
    case lt: return order < 0;
    case le: return order <= 0;
    case gt: return order > 0;
    default: return order >= 0;
  }
}

bool equals(const value& v, const expr_literal& item, const std::vector<std::string>& strings) {
  switch (item.type) {
    case kind::number: return v.number == item.number;
    case kind::string: return v.string == strings[item.string];
    case kind::boolean: return v.boolean == item.boolean;
    case kind::null: break;
  }
  return false;
}

}  // namespace

inline value expression::column_number(const expr_node& n, const io::csv_row& row) const {
  number_slot& slot = numbers_[n.a];
  if (slot.generation != generation_) {
    const auto x = row.get_optional<double>(n.index);
    slot.number = x ? number(*x) : value{};
    slot.generation = generation_;
  }
  return slot.number;
}

value expression::eval(std::uint32_t at, const io::csv_row& row) const {
  const expr_node& n = nodes_[at];
  switch (n.op) {
    case expr_op::constant:
      switch (n.type) {
        case kind::number: return number(n.number);
        case kind::string: return string(strings_[n.index]);
        case kind::boolean: return boolean(n.boolean);
        case kind::null: return {};
      }
      return {};
    case expr_op::column_text: {
      const std::string_view s = row[n.index];
      return s.empty() ? value{} : string(s);
    }
    case expr_op::column_number: return column_number(n, row);
    case expr_op::column_compare_number: {
      const value x = column_number(n, row);
      return x.type == kind::null ? x : boolean(compare(x, number(n.number), n.compare));
    }
    case expr_op::column_between: {
      const value x = column_number(n, row);
      if (x.type == kind::null) return x;
      return boolean(compare(x, number(n.number), n.compare & 15) && compare(x, number(n.high), n.compare >> 4));
    }
    case expr_op::column_compare_text: {
      const std::string_view s = row[n.index];
      return s.empty() ? value{} : boolean(compare(string(s), string(strings_[n.b]), n.compare));
    }
    case expr_op::column_boolean: {
      const auto b = row.get_optional<bool>(n.index);
      return b ? boolean(*b) : value{};
    }
    case expr_op::negate: {
      const value x = eval(n.a, row);
      return x.type == kind::null ? x : number(-x.number);
    }
    case expr_op::add:
    case expr_op::subtract:
    case expr_op::multiply:
    case expr_op::divide:
    case expr_op::modulo: {
      const value l = eval(n.a, row);
      if (l.type == kind::null) return l;
      const value r = eval(n.b, row);
      if (r.type == kind::null) return r;
      switch (n.op) {
        case expr_op::add: return number(l.number + r.number);
        case expr_op::subtract: return number(l.number - r.number);
        case expr_op::multiply: return number(l.number * r.number);
        case expr_op::divide: return r.number == 0 ? value{} : number(l.number / r.number);
        default: return r.number == 0 ? value{} : number(std::fmod(l.number, r.number));
      }
    }
    case expr_op::compare: {
      const value l = eval(n.a, row);
      if (l.type == kind::null) return l;
      const value r = eval(n.b, row);
      if (r.type == kind::null) return r;
      return boolean(compare(l, r, n.compare));
    }
    case expr_op::chain: {
      // a < b < c is `a < b and b < c`, each operand evaluated once: false wins over null.
      bool unknown = false;
      value l = eval(operands_[n.a], row);
      for (std::uint32_t i = 0; i < n.compare; ++i) {
        const value r = eval(operands_[n.a + i + 1], row);
        if (l.type == kind::null || r.type == kind::null)
          unknown = true;
        else if (!compare(l, r, chain_ops_[n.a + i]))
          return boolean(false);
        l = r;
      }
      return unknown ? value{} : boolean(true);
    }
    case expr_op::logical_and: {
      const value l = eval(n.a, row);
      if (l.type == kind::boolean && !l.boolean) return l;
      const value r = eval(n.b, row);
      if (r.type == kind::boolean && !r.boolean) return r;
      return l.type == kind::null || r.type == kind::null ? value{} : boolean(true);
    }
    case expr_op::logical_or: {
      const value l = eval(n.a, row);
      if (l.type == kind::boolean && l.boolean) return l;
      const value r = eval(n.b, row);
      if (r.type == kind::boolean && r.boolean) return r;
      return l.type == kind::null || r.type == kind::null ? value{} : boolean(false);
    }
    case expr_op::logical_not: {
      const value x = eval(n.a, row);
      return x.type == kind::null ? x : boolean(!x.boolean);
    }
    case expr_op::is_null: return boolean(eval(n.a, row).type == kind::null);
    case expr_op::is_not_null: return boolean(eval(n.a, row).type != kind::null);
    case expr_op::in_list: {
      const value x = eval(n.a, row);
      if (x.type == kind::null) return x;
      bool saw_null = false;
      for (std::uint32_t i = n.b; i < n.b + n.index; ++i) {
        if (list_[i].type == kind::null)
          saw_null = true;
        else if (equals(x, list_[i], strings_))
          return boolean(n.compare == 0);
      }
      return saw_null ? value{} : boolean(n.compare != 0);
    }
    case expr_op::lower:
    case expr_op::upper: {
      const value x = eval(n.a, row);
      if (x.type == kind::null) return x;
      std::string& out = scratch_[n.index];
      out.assign(x.string);
      const bool up = n.op == expr_op::upper;
      for (char& c : out) {
        if (up && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (!up && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      return string(out);
    }
    case expr_op::len: {
      const value x = eval(n.a, row);
      if (x.type == kind::null) return x;
      std::size_t code_points = 0;
      for (const char c : x.string) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      return number(static_cast<double>(code_points));
    }
    case expr_op::contains:
    case expr_op::starts_with:
    case expr_op::ends_with: {
      const value s = eval(n.a, row);
      if (s.type == kind::null) return s;
      const value part = eval(n.b, row);
      if (part.type == kind::null) return part;
      if (n.op == expr_op::contains) return boolean(s.string.find(part.string) != std::string_view::npos);
      if (n.op == expr_op::starts_with) return boolean(s.string.starts_with(part.string));
      return boolean(s.string.ends_with(part.string));
    }
    case expr_op::abs: {
      const value x = eval(n.a, row);
      return x.type == kind::null ? x : number(std::fabs(x.number));
    }
  }
  return {};
}

namespace {
// x OP c for numbers, IEEE's rules (NaN is unordered).
inline bool holds(double x, double c, unsigned char op) noexcept {
  switch (op) {
    case eq: return x == c;
    case ne: return x != c;
    case lt: return x < c;
    case le: return x <= c;
    case gt: return x > c;
    default: return x >= c;
  }
}
}  // namespace

bool expression::matches(const io::csv_row& row) const {
  ++generation_;
  bool unknown = false;
  for (const std::uint32_t at : conjuncts_) {
    const expr_node& n = nodes_[at];
    int truth;  // 1, 0, or -1 for null
    switch (n.op) {
      case expr_op::column_compare_number: {
        const value x = column_number(n, row);
        truth = x.type == kind::null ? -1 : holds(x.number, n.number, n.compare);
        break;
      }
      case expr_op::column_between: {
        const value x = column_number(n, row);
        truth = x.type == kind::null
                    ? -1
                    : holds(x.number, n.number, n.compare & 15) && holds(x.number, n.high, n.compare >> 4);
        break;
      }
      case expr_op::column_compare_text: {
        const std::string_view s = row[n.index];
        const std::string_view c = strings_[n.b];
        if (s.empty())
          truth = -1;
        else if (n.compare == eq || n.compare == ne)
          truth = (s == c) == (n.compare == eq);
        else
          truth = holds(s.compare(c), 0, n.compare);
        break;
      }
      default: {
        const value v = eval(at, row);
        truth = v.type == kind::boolean ? v.boolean : -1;
      }
    }
    if (truth == 0) return false;
    unknown |= truth < 0;
  }
  return !unknown;
}

}  // namespace yieldpipe::cli
