#pragma once
// The aggregate states that keep every value, for exact answers: count_distinct and percentiles.
// Their memory grows with the values (documented per state); `add` and `merge` return the bytes the
// state grew by, so that a group-by can hold them to its budget.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace yieldpipe::query {

/// count_distinct: the distinct non-empty texts of the column, exactly, in a hash set. Memory per distinct
/// value: its node (about 72 bytes) plus the text when longer than 15 bytes.
struct distinct_state {
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, hash, std::equal_to<>> values;

  /// The estimated bytes of one value in the set.
  static std::size_t value_bytes(std::string_view value) noexcept {
    return 72 + (value.size() > 15 ? value.size() + 1 : 0);
  }
  /// Returns the bytes the set grew by (0 for a value already there: no allocation).
  std::size_t add(std::string_view value) {
    if (values.find(value) != values.end()) return 0;
    values.emplace(value);
    return value_bytes(value);
  }
  /// Returns the bytes the set grew by.
  std::size_t merge(const distinct_state& other);
  [[nodiscard]] std::uint64_t result() const noexcept { return values.size(); }
};

/// pN (p50, p90, p99, p99.9, any N from 0 to 100): exact percentiles of the stored values, with linear
/// interpolation between the two nearest ranks (numpy's and pandas' default: rank q/100 × (n - 1)).
/// Memory: 8 bytes per value (the vector's capacity is what is counted). `result` reorders the values
/// (nth_element, O(n)); several percentiles can be read from one state.
struct quantile_state {
  std::vector<double> values;

  /// Returns the bytes the vector's capacity grew by.
  std::size_t add(double x);
  /// Returns the bytes the vector's capacity grew by.
  std::size_t merge(const quantile_state& other);
  /// The percentile `q` (0..100) of the values; null when there are none.
  [[nodiscard]] std::optional<double> result(double q);
};

}  // namespace yieldpipe::query
