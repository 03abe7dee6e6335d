#include <algorithm>

#include "example.hpp"

namespace yieldpipe::examples {
namespace {
std::vector<example>& registry() {
  static std::vector<example> all;
  return all;
}
}  // namespace

example_registrar::example_registrar(example e) {
  auto& all = registry();
  all.insert(
      std::upper_bound(all.begin(), all.end(), e, [](const example& a, const example& b) { return a.order < b.order; }),
      e);
}

const std::vector<example>& all_examples() { return registry(); }

}  // namespace yieldpipe::examples
