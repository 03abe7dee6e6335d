#pragma once
// The compiled form of an expression: a flat vector of typed nodes (see query/expression.hpp).
// Written by the parser (src/query/expression_parser.cpp), rewritten once by `optimise` and read by
// the evaluator (src/query/expression_eval.cpp).

#include <cstdint>
#include <yieldpipe/query/value.hpp>

namespace yieldpipe::query {

namespace detail {

class expression_parser;

/// A comparison operator, as written: ==, !=, <, <=, >, >=.
enum comparison : unsigned char { eq, ne, lt, le, gt, ge };

/// One operation of a compiled expression.
enum class expr_op : unsigned char {
  constant,
  column_text,
  column_number,
  column_boolean,  // leaves
  negate,
  add,
  subtract,
  multiply,
  divide,
  modulo,  // numbers
  compare,
  chain,
  logical_and,
  logical_or,
  logical_not,
  is_null,
  is_not_null,  // conditions
  in_list,
  lower,
  upper,
  len,
  contains,
  starts_with,
  ends_with,
  abs,
  // Fused by `optimise`: a column compared with a constant (the constant on the right), and a chain
  // `low < x <= high` of constants around a numeric column.
  column_compare_number,
  column_compare_text,
  column_between,
};
struct expr_node {
  expr_op op = expr_op::constant;
  value::kind type = value::kind::null;  // of the result
  unsigned char compare = 0;             // compare: the comparison; chain: how many
  std::uint32_t a = 0, b = 0;            // operands; chain, in_list: first and count in operands_/list_;
                                         // column_number, column_compare_number: a is its slot in numbers_;
                                         // column_compare_text: b is the constant's index in strings_
  std::uint32_t index = 0;               // column, string literal (strings_) or scratch buffer
  std::uint32_t pos = 0;                 // where it starts in the text
  double number = 0;                     // constant; column_between: the low bound
  double high = 0;                       // column_between: the high bound (compare: the two tests)
  bool boolean = false;                  // constant
};
/// An element of an `in` list: a constant (strings by index into `strings_`, so copies stay valid).
struct expr_literal {
  value::kind type = value::kind::null;
  double number = 0;
  std::uint32_t string = 0;
  bool boolean = false;
};
}  // namespace detail

}  // namespace yieldpipe::query
