// detail::input_iterator_facade, and the iterator concepts of every view built on it: the shape of
// each view (its iterator category, sized, common, copyable iterator, and its value, reference and
// difference types) is pinned here, as it was before the views shared the facade.
#include <gtest/gtest.h>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <functional>
#include <iterator>
#include <list>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter.hpp>
#include <yieldpipe/iter/detail/iterator_facade.hpp>

// The sources of the views below, for unevaluated operands only (never defined): an lvalue vector, an
// lvalue list, a generator. Outside the anonymous namespace, where g++ would warn that they are never defined.
namespace facade_test {
std::vector<int>& v();
std::list<int>& l();
yieldpipe::generator<int> g();
}  // namespace facade_test

namespace {

using namespace yieldpipe;

// --- the facade alone -------------------------------------------------------------------------------------

// Counts down to zero; `it++` comes from the facade.
class countdown : public detail::input_iterator_facade<countdown, int> {
 public:
  countdown() = default;
  explicit countdown(int left) : left_(left) {}

  int operator*() const noexcept { return left_; }
  countdown& operator++() noexcept {
    --left_;
    return *this;
  }
  friend bool operator==(const countdown& it, std::default_sentinel_t) noexcept { return it.left_ == 0; }

 private:
  int left_ = 0;
};

// Its increment may throw: so may `it++`.
class throwing_step : public detail::input_iterator_facade<throwing_step, long, int> {
 public:
  long operator*() const { return 0; }
  throwing_step& operator++() { return *this; }
  friend bool operator==(const throwing_step&, std::default_sentinel_t) { return true; }
};

static_assert(std::input_iterator<countdown> && std::sentinel_for<std::default_sentinel_t, countdown>);
static_assert(!std::forward_iterator<countdown>);
static_assert(std::is_same_v<countdown::iterator_concept, std::input_iterator_tag>);
static_assert(std::is_same_v<std::iter_value_t<countdown>, int>);
static_assert(std::is_same_v<std::iter_difference_t<countdown>, std::ptrdiff_t>);
static_assert(std::is_same_v<std::iter_difference_t<throwing_step>, int>);
static_assert(std::is_void_v<decltype(std::declval<countdown&>()++)>);
static_assert(noexcept(std::declval<countdown&>()++));
static_assert(!noexcept(std::declval<throwing_step&>()++));
static_assert(sizeof(countdown) == sizeof(int), "the facade adds nothing to the iterator's size");

TEST(input_iterator_facade, postfix_increment_advances_the_iterator) {
  countdown it(3);
  it++;
  EXPECT_EQ(*it, 2);
  it++;
  it++;
  EXPECT_EQ(it, std::default_sentinel);
}

TEST(input_iterator_facade, an_iterator_built_on_it_works_with_the_standard_algorithms) {
  const auto values = std::ranges::subrange(countdown(3), std::default_sentinel);
  std::vector<int> out;
  std::ranges::copy(values, std::back_inserter(out));
  EXPECT_EQ(out, (std::vector<int>{3, 2, 1}));
  EXPECT_EQ(std::ranges::distance(countdown(5), std::default_sentinel), 5);
}

// --- the shape of every view ------------------------------------------------------------------------------

enum class category { input, forward, bidirectional, random_access, contiguous };

struct shape {
  category strongest = category::input;
  bool sized = false;
  bool common = false;
  bool copyable_iterator = true;
  // `it++` returns void, and so `std::iterator_traits` has no C++17 category.
  bool void_postfix = true;

  friend constexpr bool operator==(const shape&, const shape&) = default;
};

template <class I>
concept has_cpp17_category = requires { typename std::iterator_traits<I>::iterator_category; };

template <class R>
constexpr shape shape_of() {
  using I = std::ranges::iterator_t<R>;
  shape s;
  s.strongest = std::ranges::contiguous_range<R>      ? category::contiguous
                : std::ranges::random_access_range<R> ? category::random_access
                : std::ranges::bidirectional_range<R> ? category::bidirectional
                : std::ranges::forward_range<R>       ? category::forward
                                                      : category::input;
  s.sized = std::ranges::sized_range<R>;
  s.common = std::ranges::common_range<R>;
  s.copyable_iterator = std::copyable<I>;
  s.void_postfix = std::is_void_v<decltype(std::declval<I&>()++)> && !has_cpp17_category<I>;
  return s;
}

template <class Value, class Reference, class Difference>
struct element_types {};

template <class R>
using element_types_of =
    element_types<std::ranges::range_value_t<R>, std::ranges::range_reference_t<R>, std::ranges::range_difference_t<R>>;

// Every view's iterator is default-constructible, and an input iterator with its sentinel.
template <class R>
constexpr bool iterates() {
  using I = std::ranges::iterator_t<R>;
  return std::ranges::input_range<R> && std::default_initializable<I> &&
         std::sentinel_for<std::ranges::sentinel_t<R>, I>;
}

constexpr shape input{};
constexpr shape sized_input{.sized = true};
constexpr shape move_only_input{.copyable_iterator = false};

inline constexpr auto twice = [](int x) { return 2 * x; };
inline constexpr auto itself = [](int& x) -> int& { return x; };
inline constexpr auto odd = [](int x) { return x % 2 != 0; };
inline constexpr auto add = [](int a, int b) { return a + b; };
inline constexpr auto zeros = [](int n) { return std::vector<int>(static_cast<std::size_t>(n)); };

using ints = std::vector<int>;
using span_of_int = std::span<const int>;
using facade_test::g;
using facade_test::l;
using facade_test::v;

// The view `R` has the `Expected` shape and these element types (its difference type is std::ptrdiff_t).
template <class R, shape Expected, class Value, class Reference>
consteval bool pinned() {
  static_assert(iterates<R>());
  static_assert(shape_of<R>() == Expected);
  static_assert(std::is_same_v<element_types_of<R>, element_types<Value, Reference, std::ptrdiff_t>>);
  return true;
}

// Sources.
static_assert(pinned<decltype(range(5)), sized_input, int, int>());
static_assert(pinned<decltype(count(0.5, 1.0)), input, double, double>());
static_assert(pinned<decltype(repeat(std::string("x"), 2)), input, std::string, const std::string&>());
static_assert(pinned<decltype(zip(v(), l())), sized_input, std::tuple<int, int>, ref_tuple<int&, int&>>());
static_assert(pinned<decltype(zip(g(), v())), move_only_input, std::tuple<int, int>, ref_tuple<int&, int&>>());
static_assert(pinned<decltype(zip()), sized_input, std::tuple<>, ref_tuple<>>());
static_assert(pinned<decltype(zip_strict(v(), l())), input, std::tuple<int, int>, ref_tuple<int&, int&>>());
static_assert(pinned<decltype(zip_longest(v(), l())), input, std::tuple<std::optional<int>, std::optional<int>>,
                     ref_tuple<std::optional<int>, std::optional<int>>>());
static_assert(pinned<decltype(zip_longest(fillvalue(0), v(), std::as_const(l()))), input, std::tuple<int, int>,
                     ref_tuple<const int&, const int&>>());
static_assert(pinned<decltype(chain(v(), l())), sized_input, int, int&>());
static_assert(pinned<decltype(chain(v(), g())), move_only_input, int, int&>());
static_assert(pinned<decltype(compress(v(), std::vector<bool>())), input, int, int&>());
static_assert(pinned<decltype(product(v(), std::string("ab"))), input, std::tuple<int, char>,
                     ref_tuple<const int&, const char&>>());
static_assert(pinned<decltype(product_repeat(v(), 2)), move_only_input, span_of_int, span_of_int>());
static_assert(pinned<decltype(tee(v()))::value_type, input, int, const int&>());

// Stages.
static_assert(pinned<decltype(v() | map(twice)), sized_input, int, int&>());
static_assert(pinned<decltype(v() | map(itself)), sized_input, int, int&>());
static_assert(pinned<decltype(g() | map(twice)), move_only_input, int, int&>());
static_assert(pinned<decltype(zip(v(), l()) | starmap(add)), sized_input, int, int&>());
static_assert(pinned<decltype(v() | filter(odd)), input, int, int&>());
static_assert(pinned<decltype(g() | filterfalse()), move_only_input, int, int&>());
static_assert(
    pinned<decltype(v() | enumerate()), sized_input, std::pair<std::ptrdiff_t, int>, ref_pair<std::ptrdiff_t, int&>>());
static_assert(pinned<decltype(g() | enumerate(std::size_t{0})), move_only_input, std::pair<std::size_t, int>,
                     ref_pair<std::size_t, int&>>());
static_assert(pinned<decltype(std::declval<std::vector<ints>&>() | chain_from()), input, int, int&>());
static_assert(pinned<decltype(range(3) | map(zeros) | chain_from()), input, int, int&>());
static_assert(pinned<decltype(v() | islice(1, 5, 2)), input, int, int&>());
static_assert(pinned<decltype(g() | take(3)), move_only_input, int, int&>());
static_assert(pinned<decltype(v() | take_while(odd)), input, int, int&>());
static_assert(pinned<decltype(v() | compress(v())), input, int, int&>());
static_assert(pinned<decltype(v() | accumulate()), input, int, const int&>());
static_assert(pinned<decltype(v() | accumulate(std::plus<>(), 0.5)), input, double, const double&>());
static_assert(pinned<decltype(v() | pairwise()), input, std::pair<int, int>, ref_pair<const int&, const int&>>());
static_assert(pinned<decltype(v() | batched(2)), input, ints, ints&>());
static_assert(pinned<decltype(g() | batched(2)), move_only_input, ints, ints&>());
static_assert(pinned<decltype(v() | sliding_window(2)), input, span_of_int, span_of_int>());
static_assert(pinned<decltype(l() | sliding_window(2)), move_only_input, span_of_int, span_of_int>());
static_assert(pinned<decltype(v() | cycle()), input, int, const int&>());
static_assert(pinned<decltype(v() | combinations(2)), move_only_input, span_of_int, span_of_int>());
static_assert(pinned<decltype(v() | permutations(2)), move_only_input, span_of_int, span_of_int>());
static_assert(pinned<decltype(v() | moving_average(3)), input, double, double>());
static_assert(pinned<decltype(v() | running_stats()), input, running_stats, const running_stats&>());
static_assert(pinned<decltype(v() | zscore_anomalies(20, 2.0)), input, anomaly<int>, const anomaly<int>&>());
static_assert(pinned<decltype(v() | progress()), input, int, int&>());
static_assert(pinned<decltype(v() | try_map(twice, on_error::skip())), input, int, int&>());
static_assert(pinned<decltype(v() | try_map(itself, on_error::skip())), input, int, int&>());

using groups = decltype(v() | groupby(odd));
using group = std::ranges::range_value_t<groups>::second_type;
static_assert(pinned<groups, input, std::pair<bool, group>, std::pair<bool, group>>());
static_assert(pinned<group, input, int, int&>());

// drop_while hands out the base's own iterator: the base's shape.
static_assert(shape_of<decltype(v() | drop_while(odd))>() ==
              shape{.strongest = category::contiguous, .sized = true, .common = true, .void_postfix = false});
static_assert(shape_of<decltype(l() | drop_while(odd))>() ==
              shape{.strongest = category::bidirectional, .common = true, .void_postfix = false});
static_assert(pinned<decltype(g() | drop_while(odd)), move_only_input, int, int&>());

// date_range is a std::views::transform over range(): its iterator is the standard's.
static_assert(shape_of<decltype(date_range(std::chrono::sys_days{}, std::chrono::sys_days{}))>() == sized_input);

// The views that can be iterated through a const reference.
static_assert(std::ranges::input_range<const decltype(range(5))>);
static_assert(std::ranges::input_range<const decltype(product(v()))>);
static_assert(std::ranges::input_range<const decltype(v() | combinations(2))>);
static_assert(std::ranges::input_range<const group>);
static_assert(!std::ranges::input_range<const decltype(v() | map(twice))>);

}  // namespace
