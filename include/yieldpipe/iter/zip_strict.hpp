#pragma once

#include <ranges>
#include <utility>

#include "yieldpipe/iter/zip.hpp"

namespace yieldpipe {

template <std::ranges::input_range... Vs>
using zip_strict_view = basic_zip_view<true, Vs...>;

/// Python's `zip(a, b, ..., strict=True)` (3.10+): like `zip`, but inputs of different lengths are an
/// error. Every full tuple comes out first; then, at the step where Python raises ValueError, the
/// view throws `std::invalid_argument` with Python's message:
/// - "zip() argument 2 is shorter than argument 1" (an input after the first ends first; with more
///   inputs, "zip() argument 3 is shorter than arguments 1-2"), from the increment (or `begin()`) that
///   finds it exhausted;
/// - "zip() argument 2 is longer than argument 1" when the first input ends and a later one still has
///   an item (one item is pulled from each later input to check, in order, as Python does).
/// Equal lengths end without error. `size()` is not provided: the lengths are only known by reading.
/// Same laziness, lifetime rules and constant memory as `zip`, whose view it shares (zip.hpp).
template <std::ranges::viewable_range... Rs>
  requires(std::ranges::input_range<Rs> && ...)
constexpr auto zip_strict(Rs&&... ranges) {
  return zip_strict_view<std::views::all_t<Rs>...>(std::views::all(std::forward<Rs>(ranges))...);
}

}  // namespace yieldpipe
