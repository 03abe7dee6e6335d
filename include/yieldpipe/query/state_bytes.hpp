#pragma once
// Aggregate states as bytes and back, exactly: the form in which a group-by writes its groups to a
// temporary file (spilling) and in which states cross between processes.
//
//   std::string bytes;
//   query::save_state(bytes, state);            // appends
//   std::string_view in = bytes;
//   query::sum_state copy;
//   query::load_state(in, copy);                 // consumes; throws query_error on bytes cut short
//
// The bytes are the host's (native byte order, no version): they are read back by the same build,
// on the same kind of machine, never kept.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <yieldpipe/query/detail/byte_codec.hpp>
#include <yieldpipe/query/exact_states.hpp>
#include <yieldpipe/query/numeric_states.hpp>
#include <yieldpipe/query/text_states.hpp>

namespace yieldpipe::query {

inline void save_state(std::string& out, const count_state& s) { detail::put_bytes(out, s.n); }
inline void load_state(std::string_view& in, count_state& s) { detail::get_bytes(in, s.n); }

inline void save_state(std::string& out, const sum_state& s) {
  s.sum.save(out);
  detail::put_bytes(out, s.n);
}
inline void load_state(std::string_view& in, sum_state& s) {
  s.sum.load(in);
  detail::get_bytes(in, s.n);
}

template <bool Max>
void save_state(std::string& out, const extreme_state<Max>& s) {
  detail::put_bytes(out, s.value);
  detail::put_bytes(out, s.seen);
}
template <bool Max>
void load_state(std::string_view& in, extreme_state<Max>& s) {
  detail::get_bytes(in, s.value);
  detail::get_bytes(in, s.seen);
}

inline void save_state(std::string& out, const variance_state& s) { s.moments.save(out); }
inline void load_state(std::string_view& in, variance_state& s) { s.moments.load(in); }

template <bool Last>
void save_state(std::string& out, const text_pick_state<Last>& s) {
  detail::put_bytes(out, s.seen);
  if (s.seen) detail::put_text(out, s.text);
}
template <bool Last>
void load_state(std::string_view& in, text_pick_state<Last>& s) {
  detail::get_bytes(in, s.seen);
  if (s.seen)
    s.text.assign(detail::get_text(in));
  else
    s.text.clear();
}

inline void save_state(std::string& out, const distinct_state& s) {
  detail::put_bytes(out, static_cast<std::uint64_t>(s.values.size()));
  for (const std::string& value : s.values) detail::put_text(out, value);
}
inline void load_state(std::string_view& in, distinct_state& s) {
  std::uint64_t n = 0;
  detail::get_bytes(in, n);
  s.values.clear();
  for (std::uint64_t i = 0; i < n; ++i) s.values.emplace(detail::get_text(in));
}

inline void save_state(std::string& out, const quantile_state& s) {
  detail::put_text(out, {reinterpret_cast<const char*>(s.values.data()), s.values.size() * sizeof(double)});
}
inline void load_state(std::string_view& in, quantile_state& s) {
  const std::string_view bytes = detail::get_text(in);
  if (bytes.size() % sizeof(double) != 0) throw query_error("an aggregate state's bytes are not a list of numbers");
  s.values.resize(bytes.size() / sizeof(double));
  if (!bytes.empty()) std::memcpy(s.values.data(), bytes.data(), bytes.size());
}

}  // namespace yieldpipe::query
