#pragma once
// The element types of adaptors that yield several references at once (zip, zip_longest, enumerate,
// pairwise, compress's zip).
//
// Why not plain std::tuple / std::pair: an input iterator's reference and value type must have a
// common reference (std::indirectly_readable). In C++20, `std::tuple<const char&>&&` and
// `std::tuple<char>&` have none — each converts to the other, so the conditional operator that
// std::common_reference falls back on is ambiguous — and zip over a `const std::vector`, a
// `std::string_view` or with a const fill would not be a range at all. C++23 (P2321) adds the
// std::basic_common_reference specialisations that fix this for std::tuple and std::pair; until
// then, these thin subclasses carry the same specialisations (which the standard lets us write
// for our own types only).
//
// They are a std::tuple / std::pair in every other respect: std::get, std::apply, structured
// bindings, comparisons with std::tuple / std::pair, and conversion to them all work.

#include <concepts>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace yieldpipe {

namespace detail {

template <class T, class U>
concept has_common_reference = requires { typename std::common_reference_t<T, U>; };

template <class T>
inline constexpr bool is_std_pair = false;
template <class A, class B>
inline constexpr bool is_std_pair<std::pair<A, B>> = true;

}  // namespace detail

/// A `std::tuple` (usually of references) that is an input iterator's reference type.
template <class... Ts>
class ref_tuple : public std::tuple<Ts...> {
 public:
  using std::tuple<Ts...>::tuple;

  // C++23's constructor from a non-const lvalue tuple, so that `ref_tuple<int&>` binds to a
  // `std::tuple<int>&` (C++20's std::tuple only takes a const one).
  template <class... Us>
    requires(sizeof...(Us) == sizeof...(Ts)) && (std::constructible_from<Ts, Us&> && ...)
  constexpr explicit(!(std::convertible_to<Us&, Ts> && ...)) ref_tuple(std::tuple<Us...>& other)
      : ref_tuple(from_elements{}, other, std::index_sequence_for<Ts...>{}) {}

 private:
  struct from_elements {};
  template <class Tuple, std::size_t... I>
  constexpr ref_tuple(from_elements, Tuple& other, std::index_sequence<I...>)
      : std::tuple<Ts...>(std::get<I>(other)...) {}
};

/// A `std::pair` (usually of references) that is an input iterator's reference type.
template <class A, class B>
class ref_pair : public std::pair<A, B> {
 public:
  using std::pair<A, B>::pair;

  // C++23's constructor from a non-const lvalue pair (see ref_tuple).
  template <class C, class D>
    requires std::constructible_from<A, C&> && std::constructible_from<B, D&>
  constexpr explicit(!(std::convertible_to<C&, A> && std::convertible_to<D&, B>)) ref_pair(std::pair<C, D>& other)
      : std::pair<A, B>(other.first, other.second) {}

  // std::pair's == needs the same element types; a pair of references compares with a pair of
  // values (`*it == std::pair{0, 1}`). Two ref_pairs of the same types use std::pair's ==.
  template <class P>
    requires detail::is_std_pair<P>
  friend constexpr bool operator==(const ref_pair& a, const P& b) {
    return a.first == b.first && a.second == b.second;
  }
};

}  // namespace yieldpipe

template <class... Ts>
struct std::tuple_size<yieldpipe::ref_tuple<Ts...>> : std::integral_constant<std::size_t, sizeof...(Ts)> {};
template <std::size_t I, class... Ts>
struct std::tuple_element<I, yieldpipe::ref_tuple<Ts...>> : std::tuple_element<I, std::tuple<Ts...>> {};
template <class A, class B>
struct std::tuple_size<yieldpipe::ref_pair<A, B>> : std::integral_constant<std::size_t, 2> {};
template <std::size_t I, class A, class B>
struct std::tuple_element<I, yieldpipe::ref_pair<A, B>> : std::tuple_element<I, std::pair<A, B>> {};

// The common reference of a ref_tuple and a std::tuple (either order) or another ref_tuple is the
// ref_tuple of the elements' common references, as C++23 defines it for std::tuple.
template <class... Ts, class... Us, template <class> class TQ, template <class> class UQ>
  requires(sizeof...(Ts) == sizeof...(Us)) && (yieldpipe::detail::has_common_reference<TQ<Ts>, UQ<Us>> && ...)
struct std::basic_common_reference<yieldpipe::ref_tuple<Ts...>, std::tuple<Us...>, TQ, UQ> {
  using type = yieldpipe::ref_tuple<std::common_reference_t<TQ<Ts>, UQ<Us>>...>;
};
template <class... Ts, class... Us, template <class> class TQ, template <class> class UQ>
  requires(sizeof...(Ts) == sizeof...(Us)) && (yieldpipe::detail::has_common_reference<TQ<Ts>, UQ<Us>> && ...)
struct std::basic_common_reference<std::tuple<Ts...>, yieldpipe::ref_tuple<Us...>, TQ, UQ> {
  using type = yieldpipe::ref_tuple<std::common_reference_t<TQ<Ts>, UQ<Us>>...>;
};
template <class... Ts, class... Us, template <class> class TQ, template <class> class UQ>
  requires(sizeof...(Ts) == sizeof...(Us)) && (yieldpipe::detail::has_common_reference<TQ<Ts>, UQ<Us>> && ...)
struct std::basic_common_reference<yieldpipe::ref_tuple<Ts...>, yieldpipe::ref_tuple<Us...>, TQ, UQ> {
  using type = yieldpipe::ref_tuple<std::common_reference_t<TQ<Ts>, UQ<Us>>...>;
};

template <class A1, class B1, class A2, class B2, template <class> class TQ, template <class> class UQ>
  requires yieldpipe::detail::has_common_reference<TQ<A1>, UQ<A2>> &&
           yieldpipe::detail::has_common_reference<TQ<B1>, UQ<B2>>
struct std::basic_common_reference<yieldpipe::ref_pair<A1, B1>, std::pair<A2, B2>, TQ, UQ> {
  using type = yieldpipe::ref_pair<std::common_reference_t<TQ<A1>, UQ<A2>>, std::common_reference_t<TQ<B1>, UQ<B2>>>;
};
template <class A1, class B1, class A2, class B2, template <class> class TQ, template <class> class UQ>
  requires yieldpipe::detail::has_common_reference<TQ<A1>, UQ<A2>> &&
           yieldpipe::detail::has_common_reference<TQ<B1>, UQ<B2>>
struct std::basic_common_reference<std::pair<A1, B1>, yieldpipe::ref_pair<A2, B2>, TQ, UQ> {
  using type = yieldpipe::ref_pair<std::common_reference_t<TQ<A1>, UQ<A2>>, std::common_reference_t<TQ<B1>, UQ<B2>>>;
};
template <class A1, class B1, class A2, class B2, template <class> class TQ, template <class> class UQ>
  requires yieldpipe::detail::has_common_reference<TQ<A1>, UQ<A2>> &&
           yieldpipe::detail::has_common_reference<TQ<B1>, UQ<B2>>
struct std::basic_common_reference<yieldpipe::ref_pair<A1, B1>, yieldpipe::ref_pair<A2, B2>, TQ, UQ> {
  using type = yieldpipe::ref_pair<std::common_reference_t<TQ<A1>, UQ<A2>>, std::common_reference_t<TQ<B1>, UQ<B2>>>;
};
