#pragma once
// Internal: the moments (count, sum, mean, sum of squared deviations) behind running_stats and
// rolling_window_stats, and what the statistics stages share.

#include <cmath>
#include <concepts>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace yieldpipe::detail {

// The count, sum, mean and M2 (sum of squared deviations from the mean) of a multiset of doubles,
// updated in O(1) when a value is added, removed or replaced, and mergeable (Chan et al.).
//
// Why an anchor: a double near 1e9 has a resolution of ~1.2e-7, so a mean stored as is would be
// rounded by up to 6e-8 at every Welford step, and the deviations computed from it (whose squares
// make the variance of data whose standard deviation is ~1) would carry relative errors ~1e-7.
// Every value is therefore taken relative to an anchor, the first value added: y = x - anchor is
// exact when x and the anchor are within a factor of 2 (Sterbenz), small, and its mean is known to
// full relative precision. The remaining error grows with |anchor - mean| / stddev, which is at most
// sqrt(count) for an anchor that is one of the values (each |x - mean| <= sqrt(n) * stddev).
//
// The sum of the y is compensated (Knuth's TwoSum: branch-free, the rounding error of each addition
// is kept exactly), so it does not drift over millions of adds and removes, and stays exact for
// integer data: sum() and mean() are then Python's `total` and `total / count` bit for bit.
// Compiling with -ffast-math (which lets the compiler drop the compensation) voids these bounds.
class anchored_moments {
 public:
  [[nodiscard]] std::size_t count() const noexcept { return n_; }
  // Σx: the exact n * anchor plus Σy, rounded once.
  [[nodiscard]] double sum() const noexcept { return n_ == 0 ? 0.0 : std::fma(anchor_, size(), s_ + c_); }
  // 0 for an empty set (the guide's `total / count if count > 0 else 0`).
  [[nodiscard]] double mean() const noexcept { return n_ == 0 ? 0.0 : sum() / size(); }
  [[nodiscard]] double m2() const noexcept { return m2_ > 0.0 ? m2_ : 0.0; }
  // x - mean, without rounding the mean to a double first.
  [[nodiscard]] double deviation(double x) const noexcept { return (x - anchor_) - offset_mean(); }

  void add(double x) noexcept {
    if (n_ == 0) anchor_ = x;
    const double y = x - anchor_;
    const double before = offset_mean();
    ++n_;
    accumulate(y);
    m2_ += (y - before) * (y - offset_mean());
  }

  // `x` must be one of the values (the oldest of a window).
  void remove(double x) noexcept {
    if (n_ <= 1) {
      clear();
      return;
    }
    const double y = x - anchor_;
    const double before = offset_mean();
    --n_;
    accumulate(-y);
    m2_ -= (y - before) * (y - offset_mean());
  }

  // remove(out) then add(in), in one step: M2 changes by (in - out)(in - new mean + out - old mean).
  void replace(double out, double in) noexcept {
    const double y_out = out - anchor_;
    const double y_in = in - anchor_;
    const double before = offset_mean();
    accumulate(y_in);
    accumulate(-y_out);
    const double after = offset_mean();
    m2_ += (y_in - y_out) * ((y_in - after) + (y_out - before));
  }

  // Chan et al.: M2 = M2a + M2b + delta^2 * na * nb / n, delta the difference of the means. The
  // other set's deviations are rebased onto this anchor exactly (TwoProduct by fma, then TwoSum).
  void merge(const anchored_moments& other) noexcept {
    if (other.n_ == 0) return;
    if (n_ == 0) {
      *this = other;
      return;
    }
    const double na = size();
    const double nb = other.size();
    const double shift = other.anchor_ - anchor_;
    const double delta = (shift + other.offset_mean()) - offset_mean();
    m2_ = m2() + other.m2() + delta * delta * (na * nb / (na + nb));
    const double moved = nb * shift;
    accumulate(other.s_);
    accumulate(other.c_);
    accumulate(moved);
    accumulate(std::fma(nb, shift, -moved));
    n_ += other.n_;
  }

  void clear() noexcept { *this = anchored_moments{}; }

 private:
  [[nodiscard]] double size() const noexcept { return static_cast<double>(n_); }
  [[nodiscard]] double offset_mean() const noexcept { return n_ == 0 ? 0.0 : (s_ + c_) / size(); }

  // Knuth's TwoSum: s_ + c_ gains exactly y, up to the rounding of c_ (tiny next to s_).
  void accumulate(double y) noexcept {
    const double t = s_ + y;
    const double back = t - s_;
    c_ += (s_ - (t - back)) + (y - back);
    s_ = t;
  }

  double anchor_ = 0.0;
  std::size_t n_ = 0;
  double s_ = 0.0;  // Σ(x - anchor), compensated by c_
  double c_ = 0.0;
  double m2_ = 0.0;
};

// A projection that gives a number for each element of a range.
template <class Proj, class Ref>
concept numeric_projection =
    std::regular_invocable<Proj&, Ref> && std::is_convertible_v<std::invoke_result_t<Proj&, Ref>, double>;

template <class Proj, class Ref>
double project_number(Proj& proj, Ref&& element) {
  return static_cast<double>(std::invoke(proj, std::forward<Ref>(element)));
}

[[noreturn, gnu::cold]] inline void throw_bad_window(const char* who, std::size_t minimum, std::size_t window,
                                                     const char* why) {
  throw std::invalid_argument(std::string(who) + ": window must be at least " + std::to_string(minimum) + why +
                              ", got " + std::to_string(window));
}

}  // namespace yieldpipe::detail
