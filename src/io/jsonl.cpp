#include "yieldpipe/io/jsonl.hpp"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace yieldpipe::io {

namespace detail {

static_assert(std::is_trivially_copyable_v<simdjson::dom::element> &&
                  sizeof(simdjson::dom::element) == sizeof(json_element_bytes) &&
                  alignof(simdjson::dom::element) <= alignof(json_element_bytes),
              "json_value stores a simdjson::dom::element as its bytes");
// The input's padding is what a line inside a chunk would rely on to be parsed in place.
static_assert(input::chunk_padding >= simdjson::SIMDJSON_PADDING);

struct jsonl_state {
  jsonl_state(io::input in, jsonl_options options)
      : lines(std::move(in), options.max_line_length),
        max_line_length(options.max_line_length),
        on_reject(std::move(options.on_reject)),
        first_line(lines.input().start_offset() == 0) {}

  const json_record* next();
  void grow(std::size_t length);
  // Hands the current line to on_reject; returns when it was set aside, else throws.
  void reject(std::string_view text, std::uint64_t offset, std::string_view reason, const std::string& detail);

  line_reader lines;
  std::size_t max_line_length;
  reject_handler on_reject;
  simdjson::dom::parser parser;
  simdjson::dom::document document;
  // The current line, copied, with SIMDJSON_PADDING bytes after it.
  std::unique_ptr<char[]> padded;
  std::size_t capacity = 0;  // of `padded` (without its padding), `parser` and `document`
  json_record record;
  std::uint64_t records = 0;
  std::uint64_t rejected = 0;
  const json_record* current = nullptr;  // what next() returned last
  bool first_line;                       // the input's first line (a byte order mark is skipped)
};

// What json_value and json_record keep private, for this file.
struct json_access {
  static simdjson::dom::element element(const json_value& v) noexcept {
    return std::bit_cast<simdjson::dom::element>(v.element_);
  }
  static json_value make(const json_value& parent, simdjson::dom::element e, std::string_view key) noexcept {
    json_value v;
    v.element_ = std::bit_cast<json_element_bytes>(e);
    v.state_ = parent.state_;
    v.key_ = key;
    v.label_ = json_value::label::key;
    return v;
  }
  static json_value make(const json_value& parent, simdjson::dom::element e, std::size_t index) noexcept {
    json_value v;
    v.element_ = std::bit_cast<json_element_bytes>(e);
    v.state_ = parent.state_;
    v.index_ = index;
    v.label_ = json_value::label::index;
    return v;
  }
  static void set(json_record& r, const jsonl_state* state, simdjson::dom::element e, std::string_view text,
                  std::uint64_t line, std::uint64_t offset) noexcept {
    r.element_ = std::bit_cast<json_element_bytes>(e);
    r.state_ = state;
    r.text_ = text;
    r.line_ = line;
    r.offset_ = offset;
  }
  // "key 'value'", "index 3", or nothing for a record.
  static std::string label(const json_value& v) {
    switch (v.label_) {
      case json_value::label::key: return "key '" + std::string(v.key_) + "'";
      case json_value::label::index: return "index " + std::to_string(v.index_);
      case json_value::label::none: break;
    }
    return {};
  }
  [[noreturn]] static void fail(const json_value& v, const std::string& what) {
    const std::string where = label(v);
    throw io_error(std::string(v.state_->lines.input().path()), where.empty() ? what : where + ": " + what,
                   {.line = v.state_->record.line()});
  }
};

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

json_type type_of(element e) noexcept {
  switch (e.type()) {
    case element_type::OBJECT: return json_type::object;
    case element_type::ARRAY: return json_type::array;
    case element_type::STRING: return json_type::string;
    case element_type::INT64: return json_type::integer;
    case element_type::UINT64: return json_type::unsigned_integer;
    case element_type::DOUBLE: return json_type::floating;
    case element_type::BOOL: return json_type::boolean;
    case element_type::NULL_VALUE: break;
  }
  return json_type::null;
}

// What an error message says was found.
std::string found(element e) {
  switch (e.type()) {
    case element_type::OBJECT: return "object";
    case element_type::ARRAY: return "array";
    case element_type::STRING: return "string";
    case element_type::INT64: return "integer " + std::to_string(e.get_int64().value_unsafe());
    case element_type::UINT64: return "integer " + std::to_string(e.get_uint64().value_unsafe());
    case element_type::DOUBLE: {
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, e.get_double().value_unsafe());
      return "number " + std::string(buf, r.ptr);
    }
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: break;
  }
  return "null";
}

template <class T>
constexpr const char* expected_name() noexcept {
  if constexpr (std::is_same_v<T, bool>)
    return "a boolean";
  else if constexpr (std::is_same_v<T, double>)
    return "a number";
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return "an integer";
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return "a non-negative integer";
  else
    return "a string";
}

template <class T>
std::optional<T> convert(element e) noexcept {
  switch (e.type()) {
    case element_type::STRING:
      if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>)
        return T(e.get_string().value_unsafe());
      break;
    case element_type::INT64:
      if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>) {
        return static_cast<T>(e.get_int64().value_unsafe());
      } else if constexpr (std::is_same_v<T, std::uint64_t>) {
        const std::int64_t i = e.get_int64().value_unsafe();
        if (i >= 0) return static_cast<std::uint64_t>(i);
      }
      break;
    case element_type::UINT64:
      if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::uint64_t>)
        return static_cast<T>(e.get_uint64().value_unsafe());
      break;
    case element_type::DOUBLE:
      if constexpr (std::is_same_v<T, double>) return e.get_double().value_unsafe();
      break;
    case element_type::BOOL:
      if constexpr (std::is_same_v<T, bool>) return e.get_bool().value_unsafe();
      break;
    default: break;
  }
  return std::nullopt;
}

// The member `key` of an object (its last occurrence, as Python's json.loads keeps), with the key as
// stored in the document.
struct member {
  std::string_view key;
  element value;
};
std::optional<member> find_member(simdjson::dom::object object, std::string_view key) noexcept {
  std::optional<member> out;
  for (auto it = object.begin(); it != object.end(); ++it)
    if (it.key_equals(key)) out = member{it.key(), it.value()};
  return out;
}

// A reference token of a JSON pointer, escaped (`~0`, `~1`), equals `key`.
bool token_equals(std::string_view token, std::string_view key) noexcept {
  std::size_t k = 0;
  for (std::size_t i = 0; i < token.size(); ++i, ++k) {
    char c = token[i];
    if (c == '~') c = token[++i] == '0' ? '~' : '/';  // the pointer was checked: ~ is followed by 0 or 1
    if (k == key.size() || key[k] != c) return false;
  }
  return k == key.size();
}

void check_pointer(std::string_view pointer) {
  if (!pointer.empty() && pointer.front() != '/')
    throw std::invalid_argument("JSON pointer '" + std::string(pointer) + "' does not start with '/'");
  for (std::size_t i = 0; i < pointer.size(); ++i)
    if (pointer[i] == '~' && (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')))
      throw std::invalid_argument("JSON pointer '" + std::string(pointer) + "': '~' must be followed by 0 or 1");
}

// An array index token: "0", or digits without a leading zero (RFC 6901); "-" and others are none.
std::optional<std::size_t> parse_index(std::string_view token) noexcept {
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return std::nullopt;
  std::size_t n = 0;
  const auto r = std::from_chars(token.data(), token.data() + token.size(), n);
  if (r.ec != std::errc{} || r.ptr != token.data() + token.size()) return std::nullopt;
  return n;
}

std::size_t count_elements(element e) noexcept {
  // The tape holds the count of an array or object in 24 bits, saturated at 0xFFFFFF.
  constexpr std::size_t saturated = 0xFFFFFF;
  if (e.type() == element_type::ARRAY) {
    const auto a = e.get_array().value_unsafe();
    if (a.size() < saturated) return a.size();
    std::size_t n = 0;
    for (auto it = a.begin(); it != a.end(); ++it) ++n;
    return n;
  }
  const auto o = e.get_object().value_unsafe();
  if (o.size() < saturated) return o.size();
  std::size_t n = 0;
  for (auto it = o.begin(); it != o.end(); ++it) ++n;
  return n;
}

bool is_blank(std::string_view line) noexcept { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

void jsonl_state::grow(std::size_t length) {
  // Doubling, so that a file of slowly growing lines does not reallocate at each new maximum.
  if (length > simdjson::SIMDJSON_MAXSIZE_BYTES)  // only with a max_line_length above 4 GiB
    throw io_error(
        lines.input().path(),
        "line longer than simdjson's maximum of " + std::to_string(simdjson::SIMDJSON_MAXSIZE_BYTES) + " bytes",
        {.line = lines.line_number()});
  std::size_t want = std::max(length, std::min(capacity * 2, max_line_length));
  want = std::min<std::size_t>(std::max<std::size_t>(want, 1024), simdjson::SIMDJSON_MAXSIZE_BYTES);
  padded.reset();  // free the old buffers before the new ones are allocated
  capacity = 0;
  padded.reset(new char[want + simdjson::SIMDJSON_PADDING]());
  // parse_into_document would grow the parser and document to exactly each new longest line.
  if (parser.allocate(want) != simdjson::SUCCESS || document.allocate(want) != simdjson::SUCCESS)
    throw std::bad_alloc();
  capacity = want;
}

void jsonl_state::reject(std::string_view text, std::uint64_t offset, std::string_view reason,
                         const std::string& detail) {
  io_error error(lines.input().path(), std::string(reason) + ": " + detail, {.line = lines.line_number()});
  if (on_reject) {
    const rejected_record bad{
        .path = lines.input().path(), .line = lines.line_number(), .offset = offset, .text = text};
    if (on_reject(bad, reason, error.what())) {
      ++rejected;
      return;
    }
  }
  throw error;
}

const json_record* jsonl_state::next() {
  current = nullptr;  // the record's document is overwritten by the next parse, even one that fails
  std::string_view line;
  while (lines.next(line)) {
    // Asked before the byte order mark is cut off: the answer is about the line as returned.
    const bool in_place = lines.padded(line);
    std::uint64_t offset = lines.line_offset();
    if (first_line) {
      first_line = false;
      if (line.starts_with("\xEF\xBB\xBF")) {
        line.remove_prefix(3);
        offset += 3;
      }
    }
    if (line.empty() || ((line.front() == ' ' || line.front() == '\t' || line.front() == '\r') && is_blank(line)))
      continue;
    if (line.size() > capacity) grow(line.size());
    // simdjson may read SIMDJSON_PADDING bytes past the line. A line inside a chunk has them (the
    // input's padding) and is parsed in place (15-18% faster than a copy); one that straddled
    // chunks (in line_reader's carry buffer) is copied into a padded buffer.
    const char* text = line.data();
    if (!in_place) {
      std::memcpy(padded.get(), line.data(), line.size());
      text = padded.get();
    }
    element root;
    const simdjson::error_code error = parser.parse_into_document(document, text, line.size(), false).get(root);
    if (error == simdjson::MEMALLOC) throw std::bad_alloc();
    if (error != simdjson::SUCCESS) {
      reject(line, offset, "invalid JSON", simdjson::error_message(error));
      continue;
    }
    if (root.type() != element_type::OBJECT) {
      reject(line, offset, "not an object", "expected a JSON object, found " + found(root));
      continue;
    }
    json_access::set(record, this, root, line, lines.line_number(), offset);
    ++records;
    return current = &record;
  }
  return current = nullptr;
}

}  // namespace detail

using detail::json_access;
using simdjson::dom::element;
using simdjson::dom::element_type;

// json_value

json_type json_value::type() const noexcept { return detail::type_of(json_access::element(*this)); }

template <json_scalar T>
T json_value::get() const {
  const element e = json_access::element(*this);
  if (auto v = detail::convert<T>(e)) return *std::move(v);
  std::string what = std::string("expected ") + detail::expected_name<T>() + ", found ";
  if constexpr (std::is_same_v<T, std::int64_t>) {
    if (e.type() == element_type::UINT64) what = "expected an integer in the int64 range, found ";
  }
  json_access::fail(*this, what + detail::found(e));
}

template <json_scalar T>
std::optional<T> json_value::get_optional() const {
  if (is_null()) return std::nullopt;
  return get<T>();
}

bool json_value::contains(std::string_view key) const noexcept { return find(key).has_value(); }

std::optional<json_value> json_value::find(std::string_view key) const noexcept {
  const element e = json_access::element(*this);
  if (e.type() != element_type::OBJECT) return std::nullopt;
  auto m = detail::find_member(e.get_object().value_unsafe(), key);
  if (!m) return std::nullopt;
  return json_access::make(*this, m->value, m->key);
}

void json_value::for_each_member(
    const std::function<void(std::string_view key, const json_value& value)>& visit) const {
  const element e = json_access::element(*this);
  if (e.type() != element_type::OBJECT) json_access::fail(*this, "expected an object, found " + detail::found(e));
  const simdjson::dom::object object = e.get_object().value_unsafe();
  for (const simdjson::dom::key_value_pair member : object)
    visit(member.key, json_access::make(*this, member.value, member.key));
}

json_value json_value::at(std::string_view key) const {
  const element e = json_access::element(*this);
  if (e.type() != element_type::OBJECT) json_access::fail(*this, "expected an object, found " + detail::found(e));
  auto m = detail::find_member(e.get_object().value_unsafe(), key);
  if (!m) json_access::fail(*this, "no key '" + std::string(key) + "'");
  return json_access::make(*this, m->value, m->key);
}

template <json_scalar T>
T json_value::get(std::string_view key) const {
  const element e = json_access::element(*this);
  if (e.type() != element_type::OBJECT) json_access::fail(*this, "expected an object, found " + detail::found(e));
  auto m = detail::find_member(e.get_object().value_unsafe(), key);
  if (!m) {
    // Named like a member that is there, with what was expected.
    json_value missing = json_access::make(*this, e, key);
    json_access::fail(missing, std::string("missing (expected ") + detail::expected_name<T>() + ")");
  }
  // The fast path: the conversion without building a json_value.
  if (auto v = detail::convert<T>(m->value)) return *std::move(v);
  return json_access::make(*this, m->value, m->key).get<T>();
}

template <json_scalar T>
std::optional<T> json_value::get_optional(std::string_view key) const {
  const element e = json_access::element(*this);
  if (e.type() != element_type::OBJECT) json_access::fail(*this, "expected an object, found " + detail::found(e));
  auto m = detail::find_member(e.get_object().value_unsafe(), key);
  if (!m || m->value.type() == element_type::NULL_VALUE) return std::nullopt;
  if (auto v = detail::convert<T>(m->value)) return v;
  return json_access::make(*this, m->value, m->key).get<T>();
}

std::size_t json_value::size() const {
  const element e = json_access::element(*this);
  if (e.type() != element_type::ARRAY && e.type() != element_type::OBJECT)
    json_access::fail(*this, "expected an array or an object, found " + detail::found(e));
  return detail::count_elements(e);
}

json_value json_value::at(std::size_t index) const {
  const element e = json_access::element(*this);
  if (e.type() != element_type::ARRAY) json_access::fail(*this, "expected an array, found " + detail::found(e));
  const simdjson::dom::array array = e.get_array().value_unsafe();
  std::size_t i = 0;
  for (const element item : array)
    if (i++ == index) return json_access::make(*this, item, index);
  json_access::fail(*this, "index " + std::to_string(index) + " out of range (size " + std::to_string(i) + ")");
}

std::optional<json_value> json_value::find_pointer(std::string_view pointer) const {
  detail::check_pointer(pointer);
  json_value current = *this;
  while (!pointer.empty()) {
    pointer.remove_prefix(1);  // the '/'
    const std::size_t slash = pointer.find('/');
    const std::string_view token = pointer.substr(0, slash);
    pointer = slash == std::string_view::npos ? std::string_view{} : pointer.substr(slash);
    const element e = json_access::element(current);
    if (e.type() == element_type::OBJECT) {
      std::optional<detail::member> found;
      const auto object = e.get_object().value_unsafe();
      for (auto it = object.begin(); it != object.end(); ++it)
        if (detail::token_equals(token, it.key())) found = detail::member{it.key(), it.value()};
      if (!found) return std::nullopt;
      current = json_access::make(current, found->value, found->key);
    } else if (e.type() == element_type::ARRAY) {
      const auto index = detail::parse_index(token);
      if (!index) return std::nullopt;
      const auto item = e.get_array().value_unsafe().at(*index);
      if (item.error() != simdjson::SUCCESS) return std::nullopt;
      current = json_access::make(current, item.value_unsafe(), *index);
    } else {
      return std::nullopt;
    }
  }
  return current;
}

json_value json_value::at_pointer(std::string_view pointer) const {
  if (auto v = find_pointer(pointer)) return *v;
  json_access::fail(*this, "pointer '" + std::string(pointer) + "': not found");
}

std::string json_value::to_json() const { return simdjson::to_string(json_access::element(*this)); }

template std::string_view json_value::get<std::string_view>() const;
template std::string json_value::get<std::string>() const;
template double json_value::get<double>() const;
template std::int64_t json_value::get<std::int64_t>() const;
template std::uint64_t json_value::get<std::uint64_t>() const;
template bool json_value::get<bool>() const;
template std::optional<std::string_view> json_value::get_optional<std::string_view>() const;
template std::optional<std::string> json_value::get_optional<std::string>() const;
template std::optional<double> json_value::get_optional<double>() const;
template std::optional<std::int64_t> json_value::get_optional<std::int64_t>() const;
template std::optional<std::uint64_t> json_value::get_optional<std::uint64_t>() const;
template std::optional<bool> json_value::get_optional<bool>() const;
template std::string_view json_value::get<std::string_view>(std::string_view) const;
template std::string json_value::get<std::string>(std::string_view) const;
template double json_value::get<double>(std::string_view) const;
template std::int64_t json_value::get<std::int64_t>(std::string_view) const;
template std::uint64_t json_value::get<std::uint64_t>(std::string_view) const;
template bool json_value::get<bool>(std::string_view) const;
template std::optional<std::string_view> json_value::get_optional<std::string_view>(std::string_view) const;
template std::optional<std::string> json_value::get_optional<std::string>(std::string_view) const;
template std::optional<double> json_value::get_optional<double>(std::string_view) const;
template std::optional<std::int64_t> json_value::get_optional<std::int64_t>(std::string_view) const;
template std::optional<std::uint64_t> json_value::get_optional<std::uint64_t>(std::string_view) const;
template std::optional<bool> json_value::get_optional<bool>(std::string_view) const;

// json_record

std::string_view json_record::path() const noexcept { return state_->lines.input().path(); }

// jsonl_reader

jsonl_reader::jsonl_reader(const std::string& path, jsonl_options options) {
  io::input in(path, options.input);
  state_ = std::make_unique<detail::jsonl_state>(std::move(in), std::move(options));
}
jsonl_reader::jsonl_reader(io::input in, jsonl_options options)
    : state_(std::make_unique<detail::jsonl_state>(std::move(in), std::move(options))) {}
jsonl_reader::jsonl_reader(jsonl_reader&&) noexcept = default;
jsonl_reader& jsonl_reader::operator=(jsonl_reader&&) noexcept = default;
jsonl_reader::~jsonl_reader() = default;

const json_record* jsonl_reader::next() { return state_->next(); }
const json_record* jsonl_reader::current() const noexcept { return state_->current; }
const io::input& jsonl_reader::input() const noexcept { return state_->lines.input(); }
std::uint64_t jsonl_reader::records() const noexcept { return state_->records; }
std::uint64_t jsonl_reader::rejected() const noexcept { return state_->rejected; }

jsonl_range read_jsonl(const std::string& path, jsonl_options options) {
  return jsonl_range(jsonl_reader(path, std::move(options)));
}
jsonl_range read_jsonl(io::input in, jsonl_options options) {
  return jsonl_range(jsonl_reader(std::move(in), std::move(options)));
}

}  // namespace yieldpipe::io
