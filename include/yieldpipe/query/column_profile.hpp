#pragma once
// What a column holds: the narrowest type that reads every value, how many values are empty, an
// example. For `yieldpipe schema` and for loads that create typed tables.
//
//   query::column_profile p;
//   for (std::string_view v : {"1", "", "2.5"}) p.add(v);
//   p.type();     // value_type::real
//   p.empty();    // 1

#include <cstdint>
#include <string>
#include <string_view>

namespace yieldpipe::query {

/// The types a text value can be read as, narrowest first within each family.
enum class value_type : std::uint8_t {
  none,       ///< no value seen (every value empty)
  boolean,    ///< true or false, in any case
  integer,    ///< an optional sign and decimal digits, within 64 bits, without a leading zero ("007" is text)
  real,       ///< a decimal or scientific number (integers too): "1.5", "-2e3", "inf", "nan"
  date,       ///< YYYY-MM-DD, a valid day
  timestamp,  ///< a date, then 'T' or a space and HH:MM[:SS[.fraction]], an optional Z or ±HH[:MM] zone
  text,       ///< anything else
};

/// "integer", "real", ... ("none" for value_type::none).
[[nodiscard]] std::string_view to_string(value_type type) noexcept;

/// The narrowest type of one value (`none` for an empty one). Leading and trailing spaces make a
/// value text, as does a leading zero before another digit: an identifier such as a ZIP code or an
/// account number is not a number to widen ("007" must load as it is written).
[[nodiscard]] value_type type_of(std::string_view value) noexcept;

/// The narrowest type that reads values of types `a` and `b`: integer and real widen to real, date
/// and timestamp to timestamp, `none` to the other; any other pair to text.
[[nodiscard]] value_type widen(value_type a, value_type b) noexcept;

/// A column's values seen so far: their widened type, the count of values and of empty ones, and the
/// first non-empty value as an example. Mergeable in file order (`merge(later)`), so that a profile
/// can be computed in pieces on several threads. Memory: constant (the example is cut at 64 bytes).
class column_profile {
 public:
  /// One value as written in the input (empty: a missing value).
  void add(std::string_view value);
  /// The values of `later` (the rows after this profile's), as if added here.
  void merge(const column_profile& later);

  [[nodiscard]] value_type type() const noexcept { return type_; }
  [[nodiscard]] std::uint64_t values() const noexcept { return values_; }
  [[nodiscard]] std::uint64_t empty() const noexcept { return empty_; }
  /// The first non-empty value (its first 64 bytes), or empty.
  [[nodiscard]] const std::string& example() const noexcept { return example_; }

 private:
  value_type type_ = value_type::none;
  std::uint64_t values_ = 0;
  std::uint64_t empty_ = 0;
  std::string example_;
};

}  // namespace yieldpipe::query
