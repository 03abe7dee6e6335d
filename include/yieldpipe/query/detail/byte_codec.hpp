#pragma once
// Values as their bytes, appended to a string and read back from the front of a view: the pieces of
// query/state_bytes.hpp and of a group-by's spilled runs.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <yieldpipe/query/query_error.hpp>

namespace yieldpipe::query {

namespace detail {

template <class T>
void put_bytes(std::string& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <class T>
void get_bytes(std::string_view& in, T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (in.size() < sizeof(T)) throw query_error("an aggregate state's bytes end early");
  std::memcpy(&value, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
}

inline void put_text(std::string& out, std::string_view text) {
  put_bytes(out, static_cast<std::uint64_t>(text.size()));
  out.append(text);
}

inline std::string_view get_text(std::string_view& in) {
  std::uint64_t size = 0;
  get_bytes(in, size);
  if (in.size() < size) throw query_error("an aggregate state's bytes end early");
  const std::string_view text = in.substr(0, size);
  in.remove_prefix(size);
  return text;
}

}  // namespace detail

}  // namespace yieldpipe::query
