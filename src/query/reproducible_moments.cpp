#include "yieldpipe/query/reproducible_moments.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <yieldpipe/query/detail/byte_codec.hpp>

namespace yieldpipe::query {

std::optional<double> reproducible_moments::total() const noexcept {
  if (n_ == 0) return std::nullopt;
  return sum_.result();
}

std::optional<double> reproducible_moments::mean() const noexcept {
  if (n_ == 0) return std::nullopt;
  const auto n = static_cast<double>(n_);
  if (sum_.has_non_finite()) return sum_.result() / n;
  const int e = sum_.exponent();
  if (e == std::numeric_limits<int>::min()) return 0.0;
  // Σx × 2^-e as a double-double in [1, 2): no overflow even when Σx is beyond the double range.
  double s[2];
  sum_.expansion(s, -e);
  const double q = s[0] / n;
  const double r = (std::fma(-q, n, s[0]) + s[1]) / n;  // the division's remainder is exact
  return std::ldexp(q + r, e);
}

std::optional<double> reproducible_moments::variance(bool sample) const {
  if (n_ < (sample ? 2u : 1u)) return std::nullopt;
  if (sum_.has_non_finite() || squares_.has_non_finite()) return std::numeric_limits<double>::quiet_NaN();
  const int e2 = squares_.exponent();
  if (e2 == std::numeric_limits<int>::min()) return 0.0;  // every value is 0
  const auto n = static_cast<double>(n_);
  // Scale Σx² by 2^-2s and Σx by 2^-s so that nΣx² (which bounds (Σx)² and the numerator) is near 1.
  const int t = e2 + static_cast<int>(std::bit_width(n_));
  const int s = t >= 0 ? t / 2 : -((1 - t) / 2);
  double squares[3], sum[3];
  squares_.expansion(squares, -2 * s);
  sum_.expansion(sum, -s);
  // nΣx² − (Σx)², summed exactly from error-free products (TwoProduct by fma) of the expansions' parts.
  reproducible_sum numerator;
  for (const double a : squares) {
    const double p = n * a;
    numerator.add(p);
    numerator.add(std::fma(n, a, -p));
  }
  for (int i = 0; i < 3; ++i)
    for (int j = i; j < 3; ++j) {
      const double a = i == j ? sum[i] : 2 * sum[i];  // the cross terms appear twice
      const double p = a * sum[j];
      numerator.add(-p);
      numerator.add(-std::fma(a, sum[j], -p));
    }
  double d[2];
  numerator.expansion(d);
  if (d[0] <= 0) return 0.0;  // exactly 0 (constant data); negative only past the documented range
  // Divided by n(n - 1) or n², itself a double-double (TwoProduct).
  const double m = sample ? n - 1 : n;
  const double v = n * m;
  const double v_low = std::fma(n, m, -v);
  const double q = d[0] / v;
  const double r = (std::fma(-q, v, d[0]) + d[1] - q * v_low) / v;
  return std::ldexp(q + r, 2 * s);
}

std::optional<double> reproducible_moments::deviation(bool sample) const {
  if (auto v = variance(sample)) return std::sqrt(*v);
  return std::nullopt;
}

void reproducible_moments::save(std::string& out) const {
  detail::put_bytes(out, n_);
  sum_.save(out);
  squares_.save(out);
}

void reproducible_moments::load(std::string_view& in) {
  detail::get_bytes(in, n_);
  sum_.load(in);
  squares_.load(in);
}

}  // namespace yieldpipe::query
