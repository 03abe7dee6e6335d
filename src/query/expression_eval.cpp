// Running a compiled expression: `optimise` fuses the common shapes once after compiling, then
// `evaluate` walks the nodes for each row and `matches` walks a condition's and-list.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <yieldpipe/query/expression.hpp>

namespace yieldpipe::query {

using detail::comparison;
using detail::expr_literal;
using detail::expr_node;
using detail::expr_op;
using kind = value::kind;
using enum detail::comparison;

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

}  // namespace yieldpipe::query
