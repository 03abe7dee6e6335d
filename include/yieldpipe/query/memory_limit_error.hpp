#pragma once
// The error of an operator whose state would pass its memory budget.
#include <yieldpipe/io/error.hpp>

namespace yieldpipe::query {

/// Thrown when the state of an operator (a group-by's groups, the values of an exact aggregate, the
/// windows of per-key rolling statistics) would pass its memory budget (`--max-memory`): an `io_error`
/// (exit 1) naming the operator and the figures, never handed to an error policy.
class memory_limit_error : public io::io_error {
 public:
  using io::io_error::io_error;
};

}  // namespace yieldpipe::query
