#include <algorithm>
#include <cmath>
#include <yieldpipe/query/exact_states.hpp>

namespace yieldpipe::query {

std::size_t distinct_state::merge(const distinct_state& other) {
  std::size_t grown = 0;
  for (const std::string& value : other.values) grown += add(value);
  return grown;
}

// Not inlined: inlined into group_by::add, vector growth inside a std::variant trips GCC 12's
// -Wfree-nonheap-object (a false positive: the pointer freed is the vector's own).
[[gnu::noinline]] std::size_t quantile_state::add(double x) {
  const std::size_t before = values.capacity();
  values.push_back(x);
  return (values.capacity() - before) * sizeof(double);
}

std::size_t quantile_state::merge(const quantile_state& other) {
  const std::size_t before = values.capacity();
  values.insert(values.end(), other.values.begin(), other.values.end());
  return (values.capacity() - before) * sizeof(double);
}

std::optional<double> quantile_state::result(double q) {
  if (values.empty()) return std::nullopt;
  // Rank q/100 × (n - 1), between the values of ranks lo and lo + 1 (numpy's "linear").
  const double rank = q / 100 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const double fraction = rank - static_cast<double>(lo);
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(values.begin(), at, values.end());
  const double low = *at;
  if (fraction == 0 || lo + 1 >= values.size()) return low;
  // nth_element leaves the larger values after `at`: the next rank is their minimum.
  const double high = *std::min_element(at + 1, values.end());
  return low + (high - low) * fraction;
}

}  // namespace yieldpipe::query
