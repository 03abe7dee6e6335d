// Fuzz target for the JSON lines reader (io/jsonl.hpp) and the line reader it runs behind.
//
// Input: the file, written to a memfd and read through io::input (a gzip or zstd file is
// decompressed). It is read
//   A. by io::read_jsonl (the range) in small chunks (1-61 bytes), bad lines to
//      reject_with(on_error::skip()); every record's typed access is exercised (below);
//   B. by io::jsonl_reader in one 64 KiB chunk, the same policy: the records (line, offset, text,
//      to_json) and the rejected lines (line, offset, text, reason, message) must be A's;
//   C. by io::jsonl_reader with the default policy (throw): B's records up to B's first rejected
//      line, then an io_error that is the message the policy received for it;
//   D. (plain files) with a small max_line_length: B's records and rejections before the first line
//      longer than it, then an io_error naming that line;
//   E. the records' to_json(), one per line, read back: each parses to the same to_json().
// For a plain (not compressed) file, the lines are also checked against the file itself: line
// numbers and offsets, text() is the line (without its line ending and, on line 1, a UTF-8 BOM),
// records() + rejected() is the number of non-blank lines.
//
// Typed access, on up to `max_checked_records` records per run: for each object, its first key
// (read from to_json()) and a key taken from the line's raw bytes; for each value reached, get and
// get_optional of every json_scalar type, by key and on the value, checked against type(); at and
// find; size and at(index) for arrays; at_pointer/find_pointer with the pointer of the value
// (built from the keys and indexes that led to it) and with a pointer cut from the line's bytes.
//
// Blind spot: simdjson is Debian's prebuilt libsimdjson.so, not instrumented, so ASan does not see
// its reads: a line parsed in place without the 64 readable bytes simdjson reads past it goes
// unnoticed here (bom_no_final_newline.jsonl is such a line, in line_reader's carry buffer). Run
// the corpus under valgrind with an uninstrumented build to check those reads.
//
// Caught: only what the header documents: io_error (reading, bad lines under the throwing policy,
// typed access), std::invalid_argument from a malformed JSON pointer. Anything else escapes and is
// a finding, as is a broken invariant (fuzz::check aborts).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_support.hpp"
#include "yieldpipe/io/error.hpp"
#include "yieldpipe/io/input.hpp"
#include "yieldpipe/io/jsonl.hpp"
#include "yieldpipe/io/rejected_record.hpp"
#include "yieldpipe/iter/error_policy.hpp"

namespace {

using namespace yieldpipe;
using fuzz::check;

constexpr std::string_view path = "<fuzz>";
// Lines longer than this are an io_error: a compressed input of a few KiB can hold a line of
// megabytes, and the parser takes about 15 bytes per byte of its longest line.
constexpr std::size_t max_line = std::size_t{1} << 20;
// Decompressed text beyond this is not read (a few KiB of zstd can expand to hundreds of MiB).
constexpr std::uint64_t max_text_read = std::uint64_t{1} << 20;
// Typed access throws often, and each throw costs ASan a scan of its fake stacks: it is exercised
// on the first records of a run only.
constexpr std::size_t max_checked_records = 8;
// How deep typed access follows the first key or element of a value.
constexpr int max_depth = 4;

// Which conversions that must throw are tried: one type per value, in turn (the count is reset for
// each input, so that a run is reproducible); every one on the first record's first member.
struct throwing_access {
  bool every = true;
  unsigned turn = 0;
};
throwing_access throwing;

// --- the file's lines, by the line reader's contract

struct expected_line {
  std::string_view text;  // without its line ending
  std::uint64_t offset;
};

// Split at '\n', a '\r' just before it removed, no line after a final '\n'.
std::vector<expected_line> split_lines(std::string_view text) {
  std::vector<expected_line> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t nl = text.find('\n', begin);
    if (nl == std::string_view::npos) {
      lines.push_back({text.substr(begin), begin});
      break;
    }
    std::size_t end = nl;
    if (end > begin && text[end - 1] == '\r') --end;
    lines.push_back({text.substr(begin, end - begin), begin});
    begin = nl + 1;
  }
  return lines;
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// --- JSON text helpers (for to_json()'s output)

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<std::uint32_t> hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return std::nullopt;
  std::uint32_t v = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= static_cast<std::uint32_t>(c - 'A' + 10);
    else
      return std::nullopt;
  }
  return v;
}

// Decodes the JSON string whose opening quote is at s[at]; sets `after` just past its closing quote.
// to_json() writes valid JSON, so a malformed string is a finding.
std::string decode_string(std::string_view s, std::size_t at, std::size_t& after) {
  check(at < s.size() && s[at] == '"', "to_json: a string starts with a quote");
  std::string out;
  std::size_t i = at + 1;
  for (;;) {
    check(i < s.size(), "to_json: a string is closed");
    const char c = s[i++];
    if (c == '"') break;
    check(static_cast<unsigned char>(c) >= 0x20, "to_json: no raw control character in a string");
    if (c != '\\') {
      out += c;
      continue;
    }
    check(i < s.size(), "to_json: an escape is complete");
    const char e = s[i++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        const auto hi = hex4(s, i);
        check(hi.has_value(), "to_json: \\u has four hex digits");
        i += 4;
        std::uint32_t cp = *hi;
        if (cp >= 0xD800 && cp < 0xDC00) {
          check(i + 1 < s.size() && s[i] == '\\' && s[i + 1] == 'u', "to_json: a high surrogate has its low one");
          const auto lo = hex4(s, i + 2);
          check(lo && *lo >= 0xDC00 && *lo < 0xE000, "to_json: a high surrogate has its low one");
          i += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (*lo - 0xDC00);
        } else {
          check(!(cp >= 0xDC00 && cp < 0xE000), "to_json: no lone low surrogate");
        }
        append_utf8(out, cp);
        break;
      }
      default: check(false, "to_json: a valid escape");
    }
  }
  after = i;
  return out;
}

// The first key of an object's to_json(), decoded; nullopt for `{}`.
std::optional<std::string> first_key(std::string_view object_json) {
  check(object_json.size() >= 2 && object_json.front() == '{' && object_json.back() == '}',
        "an object's to_json is {...}");
  if (object_json[1] == '}') return std::nullopt;
  std::size_t after = 0;
  std::string key = decode_string(object_json, 1, after);
  check(after < object_json.size() && object_json[after] == ':', "to_json: a key is followed by ':'");
  return key;
}

// A key as a JSON pointer reference token.
std::string escape_token(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

// What json_value documents as a well-formed pointer.
bool valid_pointer(std::string_view p) {
  if (!p.empty() && p.front() != '/') return false;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p[i] == '~' && (i + 1 == p.size() || (p[i + 1] != '0' && p[i + 1] != '1'))) return false;
  return true;
}

// --- typed access

// An io_error from typed access names the file and the current record's line.
void check_error(const io::io_error& e, std::uint64_t line) {
  check(e.path() == path, "a typed access error names the file");
  check(e.line() == line, "a typed access error names the record's line");
  check(!e.reason().empty(), "a typed access error has a reason");
}

template <class F>
auto attempt(std::uint64_t line, F&& f) -> std::optional<decltype(f())> {
  try {
    return f();
  } catch (const io::io_error& e) {
    check_error(e, line);
    return std::nullopt;
  }
}

// What get<T>() returns for `v`, by type() and the documented conversions; nullopt when it throws.
template <class T>
bool convertible(io::json_type t, const io::json_value& v, std::uint64_t line) {
  using io::json_type;
  if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
    return t == json_type::string;
  } else if constexpr (std::is_same_v<T, double>) {
    return t == json_type::integer || t == json_type::unsigned_integer || t == json_type::floating;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return t == json_type::integer;
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    if (t == json_type::unsigned_integer) return true;
    if (t != json_type::integer) return false;
    const auto i = attempt(line, [&] { return v.get<std::int64_t>(); });
    check(i.has_value(), "get<int64_t> reads an integer");
    return *i >= 0;
  } else {
    return t == json_type::boolean;
  }
}

template <class T>
bool same_value(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, double>)
    return a == b || (a != a && b != b);
  else
    return a == b;
}

// get<T> and get_optional<T> on `v`, and by `key` on `parent` (of which `v` is the member `key`).
template <class T>
void check_scalar(const io::json_value& v, io::json_type t, const io::json_value* parent, std::string_view key,
                  std::uint64_t line, bool try_throwing) {
  const bool ok = convertible<T>(t, v, line);
  if (!ok && !try_throwing) {
    // Only what does not throw: get_optional of null.
    if (t == io::json_type::null) {
      check(!v.template get_optional<T>(), "get_optional of null is nullopt");
      if (parent != nullptr)
        check(!parent->template get_optional<T>(key), "get_optional(key) of a null member is nullopt");
    }
    return;
  }
  const std::optional<T> got = attempt(line, [&] { return v.template get<T>(); });
  check(got.has_value() == ok, "get<T> succeeds exactly for the types type() says");

  bool threw = false;
  std::optional<T> opt;
  try {
    opt = v.template get_optional<T>();
  } catch (const io::io_error& e) {
    check_error(e, line);
    threw = true;
  }
  if (t == io::json_type::null)
    check(!threw && !opt, "get_optional of null is nullopt");
  else
    check(threw != ok && (threw || same_value(*opt, *got)), "get_optional is get for a non-null value");

  if (parent == nullptr) return;
  const std::optional<T> by_key = attempt(line, [&] { return parent->template get<T>(key); });
  check(by_key.has_value() == ok && (!ok || same_value(*by_key, *got)), "get<T>(key) is at(key).get<T>()");
  threw = false;
  opt.reset();
  try {
    opt = parent->template get_optional<T>(key);
  } catch (const io::io_error& e) {
    check_error(e, line);
    threw = true;
  }
  if (t == io::json_type::null)
    check(!threw && !opt, "get_optional(key) of a null member is nullopt");
  else
    check(threw != ok && (threw || same_value(*opt, *got)), "get_optional(key) is get(key) for a non-null member");
}

void check_scalars(const io::json_value& v, const io::json_value* parent, std::string_view key, std::uint64_t line) {
  const io::json_type t = v.type();
  check(v.is_null() == (t == io::json_type::null) && v.is_object() == (t == io::json_type::object) &&
            v.is_array() == (t == io::json_type::array),
        "is_null/is_object/is_array are type()'s");
  const unsigned turn = throwing.turn++ % 6;
  check_scalar<std::string_view>(v, t, parent, key, line, throwing.every || turn == 0);
  check_scalar<std::string>(v, t, parent, key, line, throwing.every || turn == 1);
  check_scalar<double>(v, t, parent, key, line, throwing.every || turn == 2);
  check_scalar<std::int64_t>(v, t, parent, key, line, throwing.every || turn == 3);
  check_scalar<std::uint64_t>(v, t, parent, key, line, throwing.every || turn == 4);
  check_scalar<bool>(v, t, parent, key, line, throwing.every || turn == 5);

  // The value's text and its typed value agree.
  const std::string json = v.to_json();
  check(!json.empty(), "to_json is not empty");
  switch (t) {
    case io::json_type::string: {
      std::size_t after = 0;
      const std::string decoded = decode_string(json, 0, after);
      check(after == json.size(), "a string's to_json is one string");
      check(decoded == v.get<std::string>() && decoded == v.get<std::string_view>(),
            "a string's to_json decodes to get<std::string>");
      break;
    }
    case io::json_type::integer: {
      const std::int64_t i = v.get<std::int64_t>();
      check(json == std::to_string(i), "an integer's to_json is its digits");
      check(v.get<double>() == static_cast<double>(i), "get<double> of an integer is the integer");
      break;
    }
    case io::json_type::unsigned_integer: {
      const std::uint64_t u = v.get<std::uint64_t>();
      check(u > static_cast<std::uint64_t>(INT64_MAX), "an unsigned_integer is above INT64_MAX");
      check(json == std::to_string(u), "an unsigned integer's to_json is its digits");
      check(v.get<double>() == static_cast<double>(u), "get<double> of an unsigned integer is the integer");
      break;
    }
    case io::json_type::boolean: check(json == (v.get<bool>() ? "true" : "false"), "a boolean's to_json"); break;
    case io::json_type::null: check(json == "null", "null's to_json"); break;
    case io::json_type::object: check(json.front() == '{' && json.back() == '}', "an object's to_json"); break;
    case io::json_type::array: check(json.front() == '[' && json.back() == ']', "an array's to_json"); break;
    case io::json_type::floating: break;
  }
}

// Key access by `key` on `v`: find, contains, at, and (when it is a member) the member's checks.
// Returns the member.
std::optional<io::json_value> check_key(const io::json_value& v, std::string_view key, std::uint64_t line) {
  const std::optional<io::json_value> found = v.find(key);
  check(v.contains(key) == found.has_value(), "contains is find().has_value()");
  check(found.has_value() <= v.is_object(), "only an object has members");
  const std::optional<io::json_value> at = attempt(line, [&] { return v.at(key); });
  check(at.has_value() == found.has_value(), "at(key) throws exactly when find(key) is nullopt");
  if (!found) {
    // Every typed access by this key throws (not an object, or missing), except get_optional on an
    // object, which returns nullopt.
    check(!attempt(line, [&] { return v.get<double>(key); }), "get(key) of a missing member throws");
    const auto opt = attempt(line, [&] { return v.get_optional<std::string_view>(key); });
    check(v.is_object() ? opt.has_value() && !opt->has_value() : !opt.has_value(),
          "get_optional(key): nullopt for a missing member of an object, io_error for a non-object");
    return std::nullopt;
  }
  const std::string json = found->to_json();
  check(json == at->to_json(), "at(key) is find(key)");
  check_scalars(*found, &v, key, line);
  return found;
}

// The value at `pointer` of `record` is `v`.
void check_pointer_to(const io::json_record& record, const std::string& pointer, const io::json_value& v) {
  const io::json_value p = record.at_pointer(pointer);  // an io_error here escapes: the pointer exists
  check(p.type() == v.type() && p.to_json() == v.to_json(), "at_pointer reaches the value its keys reach");
  const std::optional<io::json_value> f = record.find_pointer(pointer);
  check(f && f->to_json() == p.to_json(), "find_pointer is at_pointer");
}

// A pointer made of arbitrary bytes: std::invalid_argument exactly when malformed, else
// find_pointer and at_pointer agree.
void check_any_pointer(const io::json_value& v, std::string_view pointer, std::uint64_t line) {
  const bool valid = valid_pointer(pointer);
  std::optional<io::json_value> found;
  try {
    found = v.find_pointer(pointer);
    check(valid, "find_pointer accepts only a well-formed pointer");
  } catch (const std::invalid_argument&) {
    check(!valid, "find_pointer rejects only a malformed pointer");
    return;
  }
  try {
    const io::json_value at = v.at_pointer(pointer);
    check(found && found->to_json() == at.to_json(), "at_pointer is find_pointer");
  } catch (const io::io_error& e) {
    check_error(e, line);
    check(!found, "at_pointer throws io_error exactly when find_pointer is nullopt");
  }
}

void exercise(const io::json_record& record, const io::json_value& v, const std::string& pointer, int depth) {
  const std::uint64_t line = record.line();
  check_pointer_to(record, pointer, v);
  if (v.is_array()) {
    const std::size_t n = v.size();
    check(attempt(line, [&] { return v.at(n); }) == std::nullopt, "at(size()) is out of range");
    check(!v.find_pointer("/" + std::to_string(n)), "the pointer /size() finds nothing");
    check(!v.find_pointer("/-"), "the pointer '-' finds nothing");
    if (n == 0) {
      check(v.to_json() == "[]", "an empty array's to_json");
      return;
    }
    check(!v.find_pointer("/00"), "an index with a leading zero finds nothing");
    const io::json_value last = v.at(n - 1);
    check(last.to_json() == v.find_pointer("/" + std::to_string(n - 1))->to_json(), "at(index) is /index");
    const io::json_value first = v.at(std::size_t{0});
    check_scalars(first, nullptr, {}, line);
    check(attempt(line, [&] { return v.get<double>("0"); }) == std::nullopt, "an array has no keys");
    if (depth < max_depth) exercise(record, first, pointer + "/0", depth + 1);
    return;
  }
  if (!v.is_object()) {
    const auto size = attempt(line, [&] { return v.size(); });
    check(!size, "size() of a scalar throws");
    return;
  }
  const std::size_t n = v.size();
  const std::string json = v.to_json();
  const std::optional<std::string> key = first_key(json);
  check(key.has_value() == (n != 0), "an object has a first key exactly when size() > 0");
  if (!key) {
    check(json == "{}", "an empty object's to_json");
    return;
  }
  throwing.every = depth == 0 && throwing.every;
  const std::optional<io::json_value> member = check_key(v, *key, line);
  throwing.every = false;
  check(member.has_value(), "an object contains its first key");
  if (depth < max_depth) exercise(record, *member, pointer + "/" + escape_token(*key), depth + 1);
}

// The raw bytes of `text` between its first two quotes (escapes not decoded): a key that may or
// may not be there.
std::optional<std::string_view> raw_key(std::string_view text) {
  const std::size_t open = text.find('"');
  if (open == std::string_view::npos) return std::nullopt;
  const std::size_t close = text.find('"', open + 1);
  if (close == std::string_view::npos) return std::nullopt;
  return text.substr(open + 1, close - open - 1);
}

void exercise_record(const io::json_record& record) {
  const std::uint64_t line = record.line();
  check(record.path() == path, "path() is the input's name");
  check(record.is_object() && record.type() == io::json_type::object, "a record is an object");
  const bool every = throwing.every;
  throwing.every = false;
  check_scalars(record, nullptr, {}, line);
  throwing.every = every;
  check(record.at_pointer("").to_json() == record.to_json(), "the pointer \"\" is the record");
  exercise(record, record, "", 0);
  if (const auto key = raw_key(record.text())) (void)check_key(record, *key, line);
  if (const std::size_t slash = record.text().find('/'); slash != std::string_view::npos)
    check_any_pointer(record, record.text().substr(slash, 24), line);
  if (const std::size_t tilde = record.text().find('~'); tilde != std::string_view::npos)
    check_any_pointer(record, record.text().substr(tilde == 0 ? 0 : tilde - 1, 8), line);
}

// --- reading

struct seen_record {
  std::uint64_t line;
  std::uint64_t offset;
  std::string text;
  std::string json;
  bool operator==(const seen_record&) const = default;
};

struct seen_reject {
  std::uint64_t line;
  std::uint64_t offset;
  std::string text;
  std::string reason;
  std::string message;
  bool operator==(const seen_reject&) const = default;
};

struct outcome {
  std::vector<seen_record> records;
  std::vector<seen_reject> rejects;
  std::optional<std::string> error;  // io_error's what()
  std::optional<std::uint64_t> error_line;
  bool plain = false;
  bool capped = false;  // stopped at max_text_read
  std::size_t rejects_checked = 0;
  // Records and rejections in file order: the line numbers of both.
  std::vector<std::uint64_t> order;
};

// A reject_handler that records each rejection, then hands it to reject_with(on_error::skip()).
struct recording_policy {
  error_policy<> policy = on_error::skip();
  std::vector<seen_reject>* out = nullptr;
  std::vector<std::uint64_t>* order = nullptr;

  io::reject_handler handler() {
    io::reject_handler skip = io::reject_with(policy);
    return [skip = std::move(skip), out = out, order = order](const io::rejected_record& r, std::string_view reason,
                                                              std::string_view message) {
      out->push_back({r.line, r.offset, std::string(r.text), std::string(reason), std::string(message)});
      order->push_back(r.line);
      return skip(r, reason, message);
    };
  }
};

// Checks a record against the previous ones, and (plain input) against the file's lines.
void check_record_place(const io::json_record& r, const outcome& out, const std::vector<expected_line>& lines) {
  if (!out.order.empty()) check(r.line() > out.order.back(), "line numbers increase");
  if (!out.records.empty()) check(r.offset() > out.records.back().offset, "offsets increase");
  check(r.line() >= 1, "lines count from 1");
  if (!out.plain) return;
  check(r.line() <= lines.size(), "no record after the last line");
  std::string_view text = lines[r.line() - 1].text;
  std::uint64_t offset = lines[r.line() - 1].offset;
  if (r.line() == 1 && text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
    offset += 3;
  }
  check(r.text() == text, "text() is the line");
  check(r.offset() == offset, "offset() is where the line starts");
  check(!is_blank(text), "a blank line is no record");
}

// Checks the rejections not checked yet.
void check_rejects(outcome& out, const std::vector<expected_line>& lines) {
  for (std::size_t& i = out.rejects_checked; i < out.rejects.size(); ++i) {
    const seen_reject& r = out.rejects[i];
    check(r.reason == "invalid JSON" || r.reason == "not an object", "a rejection's reason is documented");
    check(r.message.starts_with(std::string(path) + ":" + std::to_string(r.line) + ": " + r.reason + ": "),
          "a rejection's message is path:line: reason: detail");
    if (!out.plain) continue;
    check(r.line >= 1 && r.line <= lines.size(), "a rejected line is a line");
    std::string_view text = lines[r.line - 1].text;
    std::uint64_t offset = lines[r.line - 1].offset;
    if (r.line == 1 && text.starts_with("\xEF\xBB\xBF")) {
      text.remove_prefix(3);
      offset += 3;
    }
    check(r.text == text && r.offset == offset, "a rejected record is its line");
    check(!is_blank(text), "a blank line is not rejected");
  }
}

// Reads `data` with `options` (on_reject replaced by a recording skip policy when `skip`), with the
// range (`use_range`) or the reader; `check_access` exercises typed access.
outcome read(fuzz::memory_file& file, std::string_view data, io::jsonl_options options, bool skip, bool use_range,
             bool check_access, const std::vector<expected_line>& lines) {
  outcome out;
  recording_policy recorder;
  recorder.out = &out.rejects;
  recorder.order = &out.order;
  if (skip) options.on_reject = recorder.handler();
  std::size_t checked = 0;
  std::uint64_t reader_records = 0, reader_rejected = 0;

  const auto on_record = [&](const io::json_record& r) {
    check_rejects(out, lines);
    check_record_place(r, out, lines);
    out.records.push_back({r.line(), r.offset(), std::string(r.text()), r.to_json()});
    out.order.push_back(r.line());
    if (check_access && checked < max_checked_records) {
      ++checked;
      exercise_record(r);
    }
    return r.offset() + r.text().size() > max_text_read;
  };

  try {
    io::input in = file.open(data, options.input);
    out.plain = in.compression() == io::compression::none;
    if (use_range) {
      io::jsonl_range range = io::read_jsonl(std::move(in), std::move(options));
      for (const io::json_record& r : range) {
        check(range.reader().current() == &r, "current() is the record");
        if (on_record(r)) {
          out.capped = true;
          break;
        }
        check(range.reader().records() == out.records.size(), "records() counts the records");
      }
      reader_records = range.reader().records();
      reader_rejected = range.reader().rejected();
      if (!out.capped) {
        check(range.reader().current() == nullptr, "current() is null at the end");
        check(range.begin() == std::default_sentinel, "begin() at the end is the end");
      }
    } else {
      io::jsonl_reader reader(std::move(in), std::move(options));
      check(reader.current() == nullptr, "current() is null before the first record");
      while (const io::json_record* r = reader.next()) {
        check(reader.current() == r, "current() is what next() returned");
        if (on_record(*r)) {
          out.capped = true;
          break;
        }
      }
      if (!out.capped) {
        check(reader.current() == nullptr, "current() is null at the end");
        check(reader.next() == nullptr, "next() after the end is null");
      }
      reader_records = reader.records();
      reader_rejected = reader.rejected();
    }
  } catch (const io::io_error& e) {
    check_rejects(out, lines);
    check(std::is_sorted(out.order.begin(), out.order.end()), "records and rejections come in line order");
    check(e.path() == path, "a reading error names the file");
    out.error = e.what();
    out.error_line = e.line();
    return out;
  }
  check_rejects(out, lines);
  check(std::adjacent_find(out.order.begin(), out.order.end(), std::greater_equal<>()) == out.order.end(),
        "records and rejections come in line order, one per line");
  check(reader_records == out.records.size(), "records() is the number of records");
  check(reader_rejected == out.rejects.size(), "rejected() is the number of lines set aside");
  if (skip) {
    check(recorder.policy.counts().total() == out.rejects.size(), "the policy counts every rejected line");
    std::uint64_t invalid = 0, not_object = 0;
    for (const seen_reject& r : out.rejects) ++(r.reason == "invalid JSON" ? invalid : not_object);
    check(recorder.policy.counts().count("invalid JSON") == invalid &&
              recorder.policy.counts().count("not an object") == not_object,
          "the policy counts by reason");
  }
  if (out.plain && !out.capped) {
    std::uint64_t non_blank = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::string_view text = lines[i].text;
      if (i == 0 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
      non_blank += !is_blank(text);
    }
    check(reader_records + reader_rejected == non_blank, "records() + rejected() is the number of non-blank lines");
  }
  return out;
}

// Whether `a` (with an error) is a prefix of `b`: records and rejections before a's error.
bool prefix_of(const outcome& a, const outcome& b) {
  if (a.records.size() > b.records.size() || a.rejects.size() > b.rejects.size()) return false;
  return std::equal(a.records.begin(), a.records.end(), b.records.begin()) &&
         std::equal(a.rejects.begin(), a.rejects.end(), b.rejects.begin());
}

// B's records and rejections with a line number below `line`.
outcome before_line(const outcome& b, std::uint64_t line) {
  outcome out;
  for (const seen_record& r : b.records)
    if (r.line < line) out.records.push_back(r);
  for (const seen_reject& r : b.rejects)
    if (r.line < line) out.rejects.push_back(r);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  static fuzz::memory_file file;
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  const std::vector<expected_line> lines = split_lines(data);
  throwing = {};

  io::jsonl_options options;
  options.max_line_length = max_line;

  // A: small chunks, the range, typed access.
  options.input.buffer_size = 1 + size % 61;
  const outcome a = read(file, data, options, true, true, true, lines);
  // B: one chunk larger than any input (libFuzzer's -max_len), the reader.
  options.input.buffer_size = std::size_t{64} << 10;
  const outcome b = read(file, data, options, true, false, false, lines);

  if (a.plain) {
    check(!a.error && !b.error, "a plain file with short lines reads without io_error");
    check(a.capped == b.capped, "both runs stop at the cap");
  }
  if (!a.error && !b.error && a.capped == b.capped) {
    check(a.records == b.records, "the chunk size changes the records");
    check(a.rejects == b.rejects, "the chunk size changes the rejected lines");
  } else {
    // A corrupt compressed input (where its error is found depends on the chunk size), or a cap
    // reached in one run only: the runs agree as far as both went.
    check(prefix_of(a, b) || prefix_of(b, a), "the runs agree as far as both went");
  }

  // C: the default policy throws at the first bad line.
  if (!b.capped && !b.error) {
    const outcome c = read(file, data, options, false, false, false, lines);
    if (b.rejects.empty()) {
      check(!c.error && c.records == b.records, "without bad lines, the policy makes no difference");
    } else {
      const seen_reject& first = b.rejects.front();
      check(c.error && c.error_line == first.line, "the default policy throws at the first bad line");
      check(*c.error == first.message, "the io_error is the message the policy receives");
      check(c.records == before_line(b, first.line).records, "the records before the first bad line are read");
    }
  }

  // D: a maximum line length some lines pass (plain files: the line lengths are known).
  if (a.plain && !b.capped) {
    options.max_line_length = 1 + (size * 7) % 97;
    options.input.buffer_size = 1 + (size * 13) % 71;
    const outcome d = read(file, data, options, true, false, false, lines);
    std::optional<std::uint64_t> long_line;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].text.size() > options.max_line_length) {
        long_line = i + 1;
        break;
      }
    }
    if (!long_line) {
      check(!d.error && d.records == b.records && d.rejects == b.rejects, "no line is too long: the same result");
    } else {
      check(d.error.has_value() && d.error_line == long_line, "the first over-long line is an io_error naming it");
      check(d.error->find("longer than the maximum") != std::string::npos, "the error says the line is too long");
      const outcome expected = before_line(b, *long_line);
      check(d.records == expected.records && d.rejects == expected.rejects, "the lines before it are read");
    }
  }

  // E: to_json() is JSON that reads back as itself.
  if (!b.records.empty()) {
    std::string text;
    for (const seen_record& r : b.records) {
      text += r.json;
      text += '\n';
    }
    // A control character is escaped as \u00XX: a line of to_json is at most 6 times the line.
    options.max_line_length = 6 * max_line + 2;
    options.input.buffer_size = std::size_t{64} << 10;
    const outcome e = read(file, text, options, true, false, false, split_lines(text));
    check(!e.error && e.rejects.empty(), "to_json is a valid JSON object");
    check(e.capped || e.records.size() == b.records.size(), "to_json is one line per record");
    for (std::size_t i = 0; i < e.records.size() && i < b.records.size(); ++i)
      check(e.records[i].json == b.records[i].json, "to_json reads back as itself");
  }
  return 0;
}
