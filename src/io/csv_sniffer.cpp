#include "yieldpipe/io/csv_sniffer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace yieldpipe::io {

namespace {

constexpr int no_quote = -1;
// The delimiters tried first, in the order that breaks a tie.
constexpr std::array<char, 4> common_delimiters{',', '\t', ';', '|'};
constexpr std::array<char, 2> quote_characters{'"', '\''};
// A pair must give the most common field count to this share of the records to be a candidate: a
// few ragged rows are tolerated, a delimiter that splits records at random is not.
constexpr double min_consistency = 0.6;
// A quote character that opens and cleanly closes fields is taken unless it makes the records this
// much less consistent than no quoting.
constexpr double quote_slack = 0.1;
// A `;` (or `\t`, `|`) whose commas are all decimal commas beats `,` unless it is this much less
// consistent (`,` can split every row of a file whose numbers all have a fraction).
constexpr double decimal_comma_slack = 0.05;
// Records typed for the header and decimal-comma decisions: enough to know a column's type.
constexpr std::size_t max_typed_records = 500;
// Columns whose types vote on the header: enough to tell, and a bound on the work for a first record
// of thousands of fields.
constexpr std::size_t max_typed_columns = 256;
// Title lines looked for before a table.
constexpr std::size_t max_preamble_records = 10;
// Other punctuation tried when the common delimiters fail: at most this many, the most frequent.
constexpr std::size_t max_other_delimiters = 4;

bool is_line_break(char c) noexcept { return c == '\n' || c == '\r'; }

// What parsing the sample with one (delimiter, quote) pair shows.
struct pair_stats {
  char delimiter = ',';
  int quote = no_quote;
  std::size_t records = 0;     // complete, non-blank records
  std::size_t columns = 0;     // the most common field count
  std::size_t consistent = 0;  // records with `columns` fields
  std::size_t split = 0;       // records with two fields or more
  std::size_t quoted = 0;      // fields opened by the quote character
  std::size_t bad_closes = 0;  // closing quotes followed by text (Python appends it to the field)
  std::size_t spaced = 0;      // unquoted fields that start with a space (as after the comma of "Smith, John")
  bool open_at_end = false;    // the input ends inside a quoted field

  double consistency() const noexcept {
    return records == 0 ? 0.0 : static_cast<double>(consistent) / static_cast<double>(records);
  }
  // The quote character is used as a quote: it opens fields and closes them before a delimiter or a
  // line break (a stray closing is tolerated in ten).
  bool clean_quotes() const noexcept { return quoted > 0 && bad_closes * 10 <= quoted; }
};

// Parses `s` as CSV with delimiter `d` and quote `q` (or no_quote), with the reader's rules: a quote
// opens a field only at its start, a doubled quote inside is data, line breaks inside quotes do not
// end the record, text after a closing quote joins the field, blank lines are no records. Calls
// `on_field(text)` per field (a quoted field's text between its quotes, doubled quotes left as they
// are) and `on_record(fields, terminated, start)` per record (`terminated` false for a last record
// that the end of `s` cut off or that had no line break; `start` its offset in `s`); `on_record`
// returns false to stop. Counts quoted
// fields and bad closings into `stats`.
template <class OnField, class OnRecord>
void parse(std::string_view s, char d, int q, pair_stats& stats, OnField&& on_field, OnRecord&& on_record) {
  std::array<bool, 256> stop{};
  stop[static_cast<unsigned char>(d)] = true;
  stop['\n'] = stop['\r'] = true;
  const char quote = static_cast<char>(q);
  const char* p = s.data();
  const char* const end = p + s.size();
  std::size_t fields = 0;
  std::size_t start = 0;  // of the current record
  while (p < end) {
    if (fields == 0) {
      if (is_line_break(*p)) {  // a blank line
        ++p;
        continue;
      }
      start = static_cast<std::size_t>(p - s.data());
    }
    std::string_view text;
    if (q != no_quote && *p == quote) {
      ++stats.quoted;
      const char* const content = p + 1;
      const char* close = content;
      for (;;) {
        close = static_cast<const char*>(std::memchr(close, quote, static_cast<std::size_t>(end - close)));
        if (close == nullptr || close + 1 >= end || close[1] != quote) break;
        close += 2;  // a doubled quote is data
      }
      if (close == nullptr) {
        stats.open_at_end = true;
        on_field(std::string_view(content, static_cast<std::size_t>(end - content)));
        on_record(fields + 1, false, start);
        return;
      }
      text = std::string_view(content, static_cast<std::size_t>(close - content));
      p = close + 1;
      if (p < end && !stop[static_cast<unsigned char>(*p)]) {
        ++stats.bad_closes;
        while (p < end && !stop[static_cast<unsigned char>(*p)]) ++p;
        text = std::string_view(content, static_cast<std::size_t>(p - content));
      }
    } else {
      const char* const begin = p;
      stats.spaced += *p == ' ';
      while (p < end && !stop[static_cast<unsigned char>(*p)]) ++p;
      text = std::string_view(begin, static_cast<std::size_t>(p - begin));
    }
    on_field(text);
    ++fields;
    if (p == end) break;
    if (*p == d) {
      ++p;
      if (p == end) {  // "a,b," ends with an empty field
        on_field(std::string_view{});
        ++fields;
      }
      continue;
    }
    if (*p == '\r' && p + 1 < end && p[1] == '\n') ++p;
    ++p;
    const std::size_t n = fields;
    fields = 0;
    if (!on_record(n, true, start)) return;
  }
  if (fields > 0) on_record(fields, false, start);
}

// The field counts of every record of the sample under one (delimiter, quote) pair.
pair_stats count_fields(std::string_view s, char d, int q, bool whole) {
  pair_stats stats;
  stats.delimiter = d;
  stats.quote = q;
  std::vector<std::size_t> histogram(16, 0);
  std::size_t cut_off = 0;  // the fields of a last record the sample's end cut off
  parse(
      s, d, q, stats, [](std::string_view) {},
      [&](std::size_t fields, bool terminated, std::size_t) {
        if (!terminated && !whole) {
          cut_off = fields;
          return true;
        }
        if (fields >= histogram.size()) histogram.resize(fields * 2, 0);
        ++histogram[fields];
        ++stats.records;
        return true;
      });
  if (stats.open_at_end && !whole) stats.open_at_end = false;  // the field goes on after the sample
  if (stats.records == 0 && cut_off > 0) {                     // one record longer than the sample: better than nothing
    if (cut_off >= histogram.size()) histogram.resize(cut_off + 1, 0);
    ++histogram[cut_off];
    stats.records = 1;
  }
  for (std::size_t n = 1; n < histogram.size(); ++n) {
    if (histogram[n] >= stats.consistent && histogram[n] > 0) {  // a tie: the wider count
      stats.columns = n;
      stats.consistent = histogram[n];
    }
    if (n >= 2) stats.split += histogram[n];
  }
  return stats;
}

// The fields of the first records of the sample under one pair.
struct table {
  std::vector<std::string_view> fields;
  std::vector<std::size_t> ends;    // record i is fields [ends[i-1], ends[i])
  std::vector<std::size_t> starts;  // record i starts at byte starts[i] of the sample

  std::size_t size() const noexcept { return ends.size(); }
  std::size_t begin_of(std::size_t i) const noexcept { return i == 0 ? 0 : ends[i - 1]; }
  std::size_t width(std::size_t i) const noexcept { return ends[i] - begin_of(i); }
  std::string_view at(std::size_t i, std::size_t j) const noexcept { return fields[begin_of(i) + j]; }
};

table extract(std::string_view s, char d, int q, bool whole, std::size_t columns) {
  table t;
  // A record has at most one field more than delimiters: never more fields than bytes, plus one.
  t.fields.reserve(std::min(max_typed_records * std::max<std::size_t>(columns, 1), s.size() + 1));
  t.ends.reserve(max_typed_records);
  t.starts.reserve(max_typed_records);
  pair_stats ignored;
  parse(
      s, d, q, ignored, [&](std::string_view f) { t.fields.push_back(f); },
      [&](std::size_t fields, bool terminated, std::size_t start) {
        if (!terminated && !whole && !t.ends.empty()) {
          t.fields.resize(t.fields.size() - fields);
          return false;
        }
        t.ends.push_back(t.fields.size());
        t.starts.push_back(start);
        return t.ends.size() < max_typed_records;
      });
  t.fields.resize(t.ends.empty() ? 0 : t.ends.back());
  return t;
}

// --- value types ---------------------------------------------------------------------------------

enum type_bit : unsigned { integer_type = 1, real_type = 2, date_type = 4, boolean_type = 8 };

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

// Spellings of a missing value: no evidence of a column's type.
bool is_null_token(std::string_view s) noexcept {
  if (s.empty() || s == "-" || s == "\\N" || s == "#N/A") return true;
  if (s.size() > 4) return false;
  static constexpr std::array<std::string_view, 5> tokens{"na", "n/a", "null", "none", "nan"};
  return std::any_of(tokens.begin(), tokens.end(), [&](std::string_view t) { return equals_ignoring_case(s, t); });
}

// Reads between `min` and `max` digits at `i`; false if fewer.
bool digits(std::string_view s, std::size_t& i, std::size_t min, std::size_t max) noexcept {
  std::size_t n = 0;
  while (i < s.size() && n < max && is_digit(s[i])) ++i, ++n;
  return n >= min;
}

bool accept(std::string_view s, std::size_t& i, char c) noexcept {
  if (i < s.size() && s[i] == c) {
    ++i;
    return true;
  }
  return false;
}

// How a number is written, if `s` is one.
enum class number_form {
  none,
  integer,       // 42
  dot_real,      // 1.5, .5, 1e3
  comma_real,    // 1,5 or 1.234,5
  dot_grouping,  // 1.234 or 1.234.567: a dot real, or an integer with thousands dots
};

number_form classify_number(std::string_view s) noexcept {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  const std::size_t start = i;
  const bool integer_part = digits(s, i, 1, s.size());
  if (i == s.size()) return integer_part ? number_form::integer : number_form::none;
  if (s[i] == ',') {  // 1,5: at least one digit on both sides, nothing else
    ++i;
    if (!integer_part || !digits(s, i, 1, s.size()) || i != s.size()) return number_form::none;
    return number_form::comma_real;
  }
  if (s[i] == '.' && integer_part && i - start <= 3) {  // thousands dots: 1.234.567 or 1.234,5
    std::size_t j = i;
    std::size_t groups = 0;
    while (j < s.size() && s[j] == '.') {
      std::size_t k = j + 1;
      if (!digits(s, k, 3, 3) || (k < s.size() && is_digit(s[k]))) break;
      j = k;
      ++groups;
    }
    if (groups > 0 && j == s.size()) return groups == 1 ? number_form::dot_grouping : number_form::integer;
    if (groups > 0 && s[j] == ',') {
      std::size_t k = j + 1;
      if (digits(s, k, 1, s.size()) && k == s.size()) return number_form::comma_real;
    }
  }
  bool fraction = false;
  if (accept(s, i, '.')) fraction = digits(s, i, 1, s.size());
  if (!integer_part && !fraction) return number_form::none;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!digits(s, i, 1, s.size())) return number_form::none;
  }
  return i == s.size() ? number_form::dot_real : number_form::none;
}

// hh:mm, hh:mm:ss, with a fraction, an AM/PM and a zone (Z, +hh, +hh:mm, +hhmm).
bool is_time_at(std::string_view s, std::size_t i) noexcept {
  if (!digits(s, i, 1, 2) || !accept(s, i, ':') || !digits(s, i, 2, 2)) return false;
  if (accept(s, i, ':')) {
    if (!digits(s, i, 2, 2)) return false;
    if (accept(s, i, '.') || accept(s, i, ',')) {
      if (!digits(s, i, 1, 9)) return false;
    }
  }
  accept(s, i, ' ');
  if (i + 2 <= s.size() && (equals_ignoring_case(s.substr(i, 2), "am") || equals_ignoring_case(s.substr(i, 2), "pm")))
    i += 2;
  if (accept(s, i, 'Z')) return i == s.size();
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    ++i;
    if (!digits(s, i, 2, 2)) return false;
    accept(s, i, ':');
    digits(s, i, 0, 2);
  }
  return i == s.size();
}

// 2024-03-01, 2024/03/01, 01.03.2024, 01/03/24, 1-3-2024, each with an optional time after a space or
// a T; or a time alone.
bool is_date_or_time(std::string_view s) noexcept {
  if (s.size() < 4) return false;
  std::size_t i = 0;
  bool date = false;
  if (digits(s, i, 4, 4)) {
    const char sep = i < s.size() ? s[i] : '\0';
    date = (sep == '-' || sep == '/' || sep == '.') && accept(s, i, sep) && digits(s, i, 1, 2) && accept(s, i, sep) &&
           digits(s, i, 1, 2);
  } else {
    i = 0;
    if (digits(s, i, 1, 2)) {
      const char sep = i < s.size() ? s[i] : '\0';
      if (sep == ':') return is_time_at(s, 0);
      date = (sep == '-' || sep == '/' || sep == '.') && accept(s, i, sep) && digits(s, i, 1, 2) && accept(s, i, sep);
      if (date) {
        const std::size_t year_start = i;
        date = digits(s, i, 2, 4) && (i - year_start == 2 || i - year_start == 4);
      }
    }
  }
  if (!date) return false;
  if (i == s.size()) return true;
  if (s[i] != ' ' && s[i] != 'T') return false;
  return is_time_at(s, i + 1);
}

// The types `s` (trimmed, not null) can be read as. `comma_decimals`: `1,5` and `1.234,5` are
// numbers (any delimiter but ',').
unsigned value_types(std::string_view s, bool comma_decimals) noexcept {
  switch (classify_number(s)) {
    case number_form::integer: return integer_type | real_type;
    case number_form::dot_real:
    case number_form::dot_grouping: return real_type;
    case number_form::comma_real: return comma_decimals ? real_type : 0u;
    case number_form::none: break;
  }
  if (equals_ignoring_case(s, "true") || equals_ignoring_case(s, "false")) return boolean_type;
  return is_date_or_time(s) ? date_type : 0u;
}

// --- header ----------------------------------------------------------------------------------------

struct header_decision {
  bool header = true;
  bool from_types = false;
};

// Whether record `top` of `t` names the columns of the records below it.
header_decision decide_header(const table& t, std::size_t top, bool comma_decimals) {
  if (t.size() <= top) return {};
  const std::size_t width = std::min(t.width(top), max_typed_columns);
  std::vector<std::string_view> first(width);
  for (std::size_t j = 0; j < width; ++j) first[j] = trim(t.at(top, j));

  // The first record could name columns: non-empty, unique, no numbers or dates.
  bool names_like = true;
  {
    std::unordered_set<std::string_view> seen;
    for (std::string_view f : first)
      if (f.empty() || !seen.insert(f).second || (value_types(f, comma_decimals) & (real_type | date_type)) != 0)
        names_like = false;
  }
  if (t.size() == top + 1) return {names_like, false};

  std::size_t votes_for = 0;
  std::size_t votes_against = 0;
  std::size_t text_for = 0;
  std::size_t text_against = 0;  // weak: a first value as long as every value below
  bool repeats = false;          // strong: a first value found in its column below
  std::vector<std::string_view> below;
  for (std::size_t j = 0; j < width; ++j) {
    below.clear();
    std::array<std::size_t, 4> fits{};
    for (std::size_t i = top + 1; i < t.size(); ++i) {
      if (j >= t.width(i)) continue;
      const std::string_view v = trim(t.at(i, j));
      if (is_null_token(v)) continue;
      below.push_back(v);
      const unsigned bits = value_types(v, comma_decimals);
      for (std::size_t b = 0; b < fits.size(); ++b) fits[b] += (bits >> b) & 1u;
    }
    if (below.empty()) continue;
    // The column's type: the first of integer, real, date, boolean that 95% of its values have.
    unsigned type = 0;
    for (std::size_t b = 0; b < fits.size() && type == 0; ++b)
      if (fits[b] * 20 >= below.size() * 19) type = 1u << b;
    const std::string_view f = first[j];
    if (type != 0) {
      if (is_null_token(f)) continue;  // an unnamed column, or a missing value: no vote
      if (value_types(f, comma_decimals) & type)
        ++votes_against;
      else
        ++votes_for;
      continue;
    }
    // A text column: the first value repeating below says data; a column of repeated values (a
    // category) that the first value is not part of, or of one length that it does not have, says
    // header; the same length as all values below is a weak sign of data.
    if (std::find(below.begin(), below.end(), f) != below.end()) {
      repeats = true;
      continue;
    }
    const std::unordered_set<std::string_view> distinct(below.begin(), below.end());
    const bool one_length = below.size() >= 2 && std::all_of(below.begin(), below.end(), [&](std::string_view v) {
                              return v.size() == below.front().size();
                            });
    if (distinct.size() * 2 <= below.size() || (one_length && f.size() != below.front().size()))
      ++text_for;
    else if (one_length)
      ++text_against;
  }
  if (votes_for + votes_against > 0) return {votes_for >= votes_against, true};
  // All text: names that repeat nowhere below are a header unless more columns look like data.
  return {names_like && !repeats && text_for >= text_against, false};
}

// --- decimal commas and escapes --------------------------------------------------------------------

struct comma_census {
  std::size_t comma_reals = 0;   // fields written 1,5 or 1.234,5
  std::size_t dot_reals = 0;     // fields written 1.5 (not 1.234)
  std::size_t other_commas = 0;  // fields with a comma that are not numbers
};

comma_census count_commas(const table& t, std::size_t from_record) {
  comma_census c;
  for (std::size_t k = t.begin_of(std::min(from_record, t.size())); k < t.fields.size(); ++k) {
    const std::string_view v = trim(t.fields[k]);
    switch (classify_number(v)) {
      case number_form::comma_real: ++c.comma_reals; break;
      case number_form::dot_real: ++c.dot_reals; break;
      default:
        if (v.find(',') != std::string_view::npos) ++c.other_commas;
        break;
    }
  }
  return c;
}

// Backslash escapes of the text format, and none other (a Windows path has \U, \P...).
bool has_backslash_escapes(std::string_view s) noexcept {
  std::size_t escapes = 0;
  for (std::size_t i = s.find('\\'); i != std::string_view::npos; i = s.find('\\', i)) {
    if (i + 1 >= s.size()) break;
    const char next = s[i + 1];
    if (std::string_view("tnr\\Nbfv0").find(next) == std::string_view::npos) return false;
    ++escapes;
    i += 2;
  }
  return escapes > 0;
}

// --- lines before the table ------------------------------------------------------------------------

// Title lines before a table ("Sales report", "# exported 2024-03-01"): leading records of at most
// half the table's fields (a title may hold a delimiter: "Readings, building 4"), then a record of the
// table's width and at least one more.
std::size_t preamble_records(const table& t, std::size_t columns) noexcept {
  if (columns < 2) return 0;
  std::size_t k = 0;
  while (k < t.size() && k < max_preamble_records && t.width(k) * 2 <= columns) ++k;
  if (k == 0 || k + 2 > t.size() || t.width(k) != columns) return 0;
  return k;
}

// The line breaks in `s` (\n, \r\n or a lone \r): the lines before a record that starts after them.
std::size_t line_breaks(std::string_view s) noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n'))) ++n;
  return n;
}

// --- choosing --------------------------------------------------------------------------------------

// The best parse with delimiter `d`: with a quote character that is used as one, or without.
struct delimiter_choice {
  pair_stats stats;         // the parse chosen
  bool quote_used = false;  // stats.quote opens and cleanly closes fields
  // '"' opens fields that it does not close cleanly, or never closes: reading it as a quote would
  // change the data, or fail.
  bool quote_dirty = false;
};

bool more_consistent(const pair_stats& a, const pair_stats& b) noexcept {
  return a.consistent * b.records > b.consistent * a.records;
}

bool holds(std::string_view s, char c) noexcept { return std::memchr(s.data(), c, s.size()) != nullptr; }

// Whether `q` occurs where a field starts with delimiter `d`: at the start, or after `d` or a line
// break. If not, parsing with `q` as the quote is parsing without quotes, and is not worth doing.
bool opens_fields(std::string_view s, char d, char q) noexcept {
  const char* const end = s.data() + s.size();
  for (auto* p = static_cast<const char*>(std::memchr(s.data(), q, s.size())); p != nullptr;
       p = static_cast<const char*>(std::memchr(p + 1, q, static_cast<std::size_t>(end - p - 1)))) {
    if (p == s.data() || p[-1] == d || is_line_break(p[-1])) return true;
  }
  return false;
}

delimiter_choice choose_quote(std::string_view s, char d, bool whole) {
  delimiter_choice choice;
  choice.stats = count_fields(s, d, no_quote, whole);
  const pair_stats none = choice.stats;
  for (char q : quote_characters) {
    if (!opens_fields(s, d, q)) continue;
    const pair_stats quoted = count_fields(s, d, q, whole);
    if (q == '"' && quoted.quoted > 0 && (!quoted.clean_quotes() || quoted.open_at_end)) choice.quote_dirty = true;
    if (!quoted.clean_quotes() || quoted.open_at_end) continue;
    if (quoted.consistency() + quote_slack < none.consistency()) continue;
    if (choice.quote_used && !more_consistent(quoted, choice.stats)) continue;  // '"' first on a tie
    choice.stats = quoted;
    choice.quote_used = true;
  }
  return choice;
}

bool viable(const pair_stats& s) noexcept {
  return s.columns >= 2 && !s.open_at_end && s.consistency() >= min_consistency;
}

// Splits nearly every record, however raggedly: the fallback for very ragged files.
bool splits_records(const pair_stats& s) noexcept {
  return s.records >= 2 && !s.open_at_end && s.split * 10 >= s.records * 9;
}

// Ranks two candidates: more consistent first, then more columns, then fewer fields that start with a
// space (a delimiter inside text is mostly followed by one: "Smith, John"), then the earlier in the list.
bool better(const delimiter_choice& a, const delimiter_choice& b) noexcept {
  if (more_consistent(a.stats, b.stats)) return true;
  if (more_consistent(b.stats, a.stats)) return false;
  if (a.stats.columns != b.stats.columns) return a.stats.columns > b.stats.columns;
  return a.stats.spaced * b.stats.records < b.stats.spaced * a.stats.records;
}

// Punctuation bytes other than the common delimiters that could separate the sample's fields: those
// that occur at least once per line, the most frequent first, and not those that are common inside
// values (quotes, '.', '-', '/', brackets...).
std::vector<char> other_delimiters(std::string_view sample) {
  // Byte counts, four tables so that runs of one byte do not wait on each other's increments.
  std::array<std::array<std::size_t, 256>, 4> tables{};
  const auto* bytes = reinterpret_cast<const unsigned char*>(sample.data());
  std::size_t i = 0;
  for (; i + 4 <= sample.size(); i += 4) {
    ++tables[0][bytes[i]];
    ++tables[1][bytes[i + 1]];
    ++tables[2][bytes[i + 2]];
    ++tables[3][bytes[i + 3]];
  }
  for (; i < sample.size(); ++i) ++tables[0][bytes[i]];
  std::array<std::size_t, 256> counts{};
  for (std::size_t b = 0; b < 256; ++b) counts[b] = tables[0][b] + tables[1][b] + tables[2][b] + tables[3][b];
  const std::size_t lines = counts['\n'] > 0 ? counts['\n'] : counts['\r'];
  std::vector<char> punctuation;
  constexpr std::string_view excluded = "\"'.,;|-+_/\\()[]{}<>%";
  for (unsigned b = 0x21; b < 0x7f; ++b) {
    const char c = static_cast<char>(b);
    const bool punct = !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z');
    if (punct && excluded.find(c) == std::string_view::npos && counts[b] > 0 && counts[b] >= lines)
      punctuation.push_back(c);
  }
  std::stable_sort(punctuation.begin(), punctuation.end(), [&](char a, char b) {
    return counts[static_cast<unsigned char>(a)] > counts[static_cast<unsigned char>(b)];
  });
  if (punctuation.size() > max_other_delimiters) punctuation.resize(max_other_delimiters);
  return punctuation;
}

// The delimiter of a one-column input: one the sample does not hold, so that it splits nothing; ','
// when it can be.
char one_column_delimiter(std::string_view sample) noexcept {
  for (char c : common_delimiters)
    if (!holds(sample, c)) return c;
  return ',';
}

std::string quoted_byte(char c) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto u = static_cast<unsigned char>(c);
  if (c == '\t') return "'\\t'";
  if (u < 0x20 || u >= 0x7f) return std::string("'\\x") + hex[u >> 4] + hex[u & 15] + "'";
  return std::string("'") + c + "'";
}

}  // namespace

std::string csv_dialect::describe() const {
  std::string s = "delimiter " + quoted_byte(delimiter);
  s += quote ? ", quote " + quoted_byte(*quote) : std::string(", no quoting");
  s += header ? ", header" : ", no header";
  if (backslash_escapes) s += ", backslash escapes";
  if (decimal_comma) s += ", decimal comma";
  return s;
}

std::string csv_sniff_result::summary() const {
  if (!delimiter_found) return "no delimiter found in " + std::to_string(records) + " records";
  return std::to_string(columns) + " columns in " + std::to_string(consistent_records) + " of " +
         std::to_string(records) + " records";
}

csv_sniff_result sniff_csv(std::string_view sample, bool sample_is_whole_input) {
  if (sample.starts_with("\xEF\xBB\xBF")) sample.remove_prefix(3);
  const bool whole = sample_is_whole_input;

  std::vector<delimiter_choice> common;
  for (char d : common_delimiters)
    if (holds(sample, d)) common.push_back(choose_quote(sample, d, whole));

  // Which candidates compete: the consistent common delimiters; else those that split nearly every
  // record; else other punctuation that splits every record alike.
  std::vector<const delimiter_choice*> field;
  for (const auto& c : common)
    if (viable(c.stats)) field.push_back(&c);
  if (field.empty())
    for (const auto& c : common)
      if (splits_records(c.stats)) field.push_back(&c);
  std::vector<delimiter_choice> others;
  if (field.empty()) {
    for (char d : other_delimiters(sample)) others.push_back(choose_quote(sample, d, whole));
    for (const auto& c : others)
      if (c.stats.columns >= 2 && !c.stats.open_at_end && c.stats.consistent == c.stats.records) field.push_back(&c);
  }

  std::stable_sort(field.begin(), field.end(),
                   [](const delimiter_choice* a, const delimiter_choice* b) { return better(*a, *b); });

  csv_sniff_result result;
  delimiter_choice chosen;
  table records;
  if (field.empty()) {
    chosen = choose_quote(sample, one_column_delimiter(sample), whole);
  } else {
    chosen = *field.front();
    result.delimiter_found = true;
    // A `;` whose commas are all decimal commas beats a `,` that splits its numbers.
    if (chosen.stats.delimiter == ',') {
      for (std::size_t k = 1; k < field.size(); ++k) {
        const delimiter_choice& other = *field[k];
        if (other.stats.consistency() + decimal_comma_slack < chosen.stats.consistency()) continue;
        table t = extract(sample, other.stats.delimiter, other.stats.quote, whole, other.stats.columns);
        const comma_census census = count_commas(t, 0);
        if (census.comma_reals > 0 && census.other_commas == 0) {
          std::swap(field[0], field[k]);
          chosen = other;
          records = std::move(t);
          break;
        }
      }
    }
    for (std::size_t k = 0; k < field.size(); ++k)
      if (field[k]->stats.delimiter != chosen.stats.delimiter) {
        if (field[k]->stats.consistency() >= 0.9) result.runner_up = field[k]->stats.delimiter;
        break;
      }
  }
  const pair_stats& stats = chosen.stats;
  if (records.size() == 0) records = extract(sample, stats.delimiter, stats.quote, whole, stats.columns);

  csv_dialect& dialect = result.dialect;
  dialect.delimiter = stats.delimiter;
  if (chosen.quote_used)
    dialect.quote = static_cast<char>(stats.quote);
  else
    dialect.quote = chosen.quote_dirty ? std::nullopt : std::optional<char>('"');
  if (result.delimiter_found && stats.delimiter == '\t' && !chosen.quote_used && has_backslash_escapes(sample)) {
    dialect.backslash_escapes = true;
    dialect.quote = std::nullopt;
  }
  const std::size_t top = result.delimiter_found ? preamble_records(records, stats.columns) : 0;
  if (top > 0) result.preamble_lines = line_breaks(sample.substr(0, records.starts[top]));
  const bool comma_decimals = stats.delimiter != ',';
  const header_decision header = decide_header(records, top, comma_decimals);
  dialect.header = header.header;
  result.header_from_types = header.from_types;
  if (comma_decimals) {
    const comma_census census = count_commas(records, top + 1);
    dialect.decimal_comma = census.comma_reals > 0 && census.dot_reals * 10 <= census.comma_reals;
  }
  result.records = stats.records;
  result.columns = result.delimiter_found ? stats.columns : 1;
  result.consistent_records = result.delimiter_found ? stats.consistent : stats.records;
  return result;
}

void apply(const csv_dialect& dialect, csv_options& options) {
  options.delimiter = dialect.delimiter;
  if (dialect.quote) {
    options.quote = *dialect.quote;
    if (options.quoting == quote_style::none) options.quoting = quote_style::minimal;
  } else {
    options.quoting = quote_style::none;
  }
  options.header = dialect.header;
  if (dialect.backslash_escapes) {
    options.escape = '\\';
    options.escape_sequences = true;
  } else if (options.escape_sequences) {
    options.escape.reset();
    options.escape_sequences = false;
  }
  options.decimal_comma = dialect.decimal_comma;
}

void apply(const csv_sniff_result& found, csv_options& options) {
  apply(found.dialect, options);
  options.skip_lines = found.preamble_lines;
}

}  // namespace yieldpipe::io
