// The expression compiler: recursive descent over the tokens into the flat program of
// detail/expression_program.hpp, typing every node against the header as it goes.
#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>
#include <yieldpipe/query/expression.hpp>
#include <yieldpipe/query/query_error.hpp>

#include "expression_lexer.hpp"

namespace yieldpipe::query {
namespace detail {
namespace {

using kind = value::kind;

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
  [[noreturn]] void fail(std::size_t pos, std::string message) const { lexer_.fail(pos, std::move(message)); }

 public:
  expression_parser(expression& e, const io::csv_header& header)
      : e_(e), text_(e.text_), lexer_(text_), header_(header) {}

  std::uint32_t parse(bool condition) {
    next();
    if (tok_.kind == tok::end) fail(tok_.pos, "expected an expression");
    const std::uint32_t root = parse_or();
    if (tok_.kind != tok::end)
      fail(tok_.pos, "unexpected " + expression_lexer::describe(tok_) + " after the expression");
    if (condition) {
      if (is_flexible(root)) coerce(root, kind::boolean, "a condition");
      const expr_node& n = e_.nodes_[root];
      if (n.type != kind::boolean && n.type != kind::null)
        fail(n.pos, "a condition must be true or false, not " + std::string(type_name(n.type)));
    }
    return root;
  }

 private:
  // The token at pos_ into tok_; pos_ moves past it.
  void next() { tok_ = lexer_.lex(pos_); }

  void expect(tok k, std::string_view what) {
    if (tok_.kind != k) fail(tok_.pos, "expected " + std::string(what) + ", got " + expression_lexer::describe(tok_));
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
      if (lexer_.lex(after).kind == tok::kw_in) {
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
        if (!quoted && lexer_.lex(after).kind == tok::lparen) return parse_call();
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
      default: fail(tok_.pos, "expected a value, a column or '(', got " + expression_lexer::describe(tok_));
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
  expression_lexer lexer_;
  const io::csv_header& header_;
  std::vector<bool> flexible_;  // per node: a column whose type its consumer has not fixed yet
  std::size_t pos_ = 0;
  token tok_;
};

}  // namespace detail

expression expression::compile(std::string_view text, const io::csv_header& header) {
  expression e;
  e.text_ = std::string(text);
  e.root_ = detail::expression_parser(e, header).parse(false);
  e.optimise();
  return e;
}

expression expression::compile_condition(std::string_view text, const io::csv_header& header) {
  expression e;
  e.text_ = std::string(text);
  e.root_ = detail::expression_parser(e, header).parse(true);
  e.optimise();
  return e;
}
}  // namespace yieldpipe::query
