#pragma once
// A scalar reference CSV parser: a byte-for-byte transcription of the reader state machine in CPython's
// Modules/_csv.c (3.11–3.13: Reader_iternext and parse_process_char), fed the way a file opened with
// newline='' feeds it. It is deliberately slow and literal so that it can be trusted as the oracle for the fast
// reader; tests/io/csv_reference_test.cpp proves it equal to python3's csv module on random inputs.
//
// The input is bytes. Python compares code points; decoding the bytes as latin-1 maps each byte to one code
// point, so comparing bytes here is the same as comparing characters there.
//
// Input feeding (io.StringIO / TextIOWrapper with newline=''): the data is cut into physical lines, each ending
// after "\n", after "\r\n" or after a lone "\r" (the last line may have no ending; an empty last line does not
// exist). The reader processes every character of a line, then one end-of-line event (EOL below).
//
// State-transition legend (c = current byte; "save" = parse_save_field, "add" = parse_add_char;
// "line break" = '\r' or '\n'; EOL = the end of the physical line, not a character):
//
//   START_RECORD            EOL: empty line, the record is []         line break: -> EAT_CRNL
//                           anything else: handled as START_FIELD
//   START_FIELD             line break/EOL: save, -> EAT_CRNL/START_RECORD
//                           quote (unless QUOTE_NONE): -> IN_QUOTED_FIELD
//                           escape: -> ESCAPED_CHAR    ' ' with skipinitialspace: ignored
//                           delimiter: save            else: add, -> IN_FIELD
//   ESCAPED_CHAR            line break: add, -> AFTER_ESCAPED_CRNL   EOL: add '\n', -> IN_FIELD
//                           else: add, -> IN_FIELD
//   AFTER_ESCAPED_CRNL      EOL: ignored              else: handled as IN_FIELD
//   IN_FIELD                line break/EOL: save, -> EAT_CRNL/START_RECORD
//                           escape: -> ESCAPED_CHAR    delimiter: save, -> START_FIELD     else: add
//   IN_QUOTED_FIELD         EOL: ignored               escape: -> ESCAPE_IN_QUOTED_FIELD
//                           quote: doublequote ? -> QUOTE_IN_QUOTED_FIELD : -> IN_FIELD     else: add
//   ESCAPE_IN_QUOTED_FIELD  EOL: add '\n'             else: add;  both -> IN_QUOTED_FIELD
//   QUOTE_IN_QUOTED_FIELD   quote: add, -> IN_QUOTED_FIELD        delimiter: save, -> START_FIELD
//                           line break/EOL: save, -> EAT_CRNL/START_RECORD
//                           else: strict ? error "'<delim>' expected after '<quote>'" : add, -> IN_FIELD
//   EAT_CRNL                line break: ignored        EOL: -> START_RECORD
//                           else: error "new-line character seen in unquoted field - ..."
//
// A record is complete when a line's EOL leaves the state at START_RECORD. At the end of the input a record in
// progress (field_len != 0 or state IN_QUOTED_FIELD) is saved, or with strict raises "unexpected end of data".
// CPython would drop a record in progress with an empty current field in any other state, but lines cut with
// newline='' never leave one: only IN_QUOTED_FIELD, and IN_FIELD or AFTER_ESCAPED_CRNL after an escaped line end
// (field_len >= 1), outlive a line's EOL.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yieldpipe::test {

// The reader options of Python's csv.Dialect. QUOTE_NONNUMERIC (and 3.12's QUOTE_STRINGS/QUOTE_NOTNULL) are not
// modelled: the reference returns strings only. lineterminator is absent because the reader ignores it.
struct csv_reference_dialect {
  char delimiter = ',';
  std::optional<char> quote = '"';  // nullopt = QUOTE_NONE
  std::optional<char> escape;       // nullopt = escapechar=None
  bool double_quote = true;
  bool skip_initial_space = false;
  bool strict = false;
};

struct csv_reference_result {
  // The records Python returns, in order; a blank line is an empty row (Python's []).
  std::vector<std::vector<std::string>> rows;
  // Python's csv.Error message; rows then holds the records returned before the error.
  std::optional<std::string> error;
  // The input ended inside a quoted field: non-strict Python saves the field (line breaks included), strict
  // Python raises "unexpected end of data"; set in both cases. The fast reader makes this an error.
  bool ended_in_quoted_field = false;
};

namespace detail {

class csv_reference_parser {
 public:
  csv_reference_parser(const csv_reference_dialect& dialect, std::optional<std::size_t> field_size_limit)
      : dialect_(dialect), field_size_limit_(field_size_limit) {}

  csv_reference_result run(std::string_view data) {
    csv_reference_result result;
    std::size_t pos = 0;  // the start of the next physical line
    // One iteration per Reader_iternext call.
    for (;;) {
      parse_reset();
      do {
        if (pos == data.size()) {
          // lineobj == NULL: the end of the input.
          if (field_.size() != 0 || state_ == state::in_quoted_field) {
            result.ended_in_quoted_field = state_ == state::in_quoted_field;
            if (dialect_.strict) {
              result.error = "unexpected end of data";
              return result;
            }
            parse_save_field();
            break;
          }
          return result;
        }
        const std::string_view line = next_line(data, pos);
        for (const char ch : line) {
          if (!parse_process_char(static_cast<unsigned char>(ch))) {
            result.error = std::move(error_);
            return result;
          }
        }
        if (!parse_process_char(eol)) {
          result.error = std::move(error_);
          return result;
        }
      } while (state_ != state::start_record);
      result.rows.push_back(std::move(fields_));
    }
  }

 private:
  enum class state {
    start_record,
    start_field,
    escaped_char,
    in_field,
    in_quoted_field,
    escape_in_quoted_field,
    quote_in_quoted_field,
    eat_crnl,
    after_escaped_crnl,
  };

  // Characters are 0..255; EOL is outside that range so that no byte (NUL included) can be mistaken for it.
  static constexpr int eol = -1;

  // The physical line starting at pos, as io.StringIO(newline='') yields it; advances pos past it.
  static std::string_view next_line(std::string_view data, std::size_t& pos) {
    std::size_t end = pos;
    while (end < data.size()) {
      const char ch = data[end++];
      if (ch == '\n') break;
      if (ch == '\r') {
        if (end < data.size() && data[end] == '\n') ++end;
        break;
      }
    }
    const std::string_view line = data.substr(pos, end - pos);
    pos = end;
    return line;
  }

  static bool is(int c, std::optional<char> special) { return special && c == static_cast<unsigned char>(*special); }
  bool is_quote(int c) const { return is(c, dialect_.quote); }  // QUOTE_NONE has no quote
  bool is_escape(int c) const { return is(c, dialect_.escape); }
  bool is_delimiter(int c) const { return is(c, dialect_.delimiter); }
  static bool is_line_break(int c) { return c == '\n' || c == '\r'; }

  void parse_reset() {
    fields_.clear();
    field_.clear();
    state_ = state::start_record;
  }

  void parse_save_field() {
    fields_.push_back(std::move(field_));
    field_.clear();
  }

  bool parse_add_char(int c) {
    if (field_size_limit_ && field_.size() >= *field_size_limit_) {
      error_ = "field larger than field limit (" + std::to_string(*field_size_limit_) + ")";
      return false;
    }
    field_.push_back(static_cast<char>(static_cast<unsigned char>(c)));
    return true;
  }

  // parse_process_char: returns false with error_ set where CPython returns -1.
  bool parse_process_char(int c) {
    switch (state_) {
      case state::start_record:
        if (c == eol) return true;  // empty line: the record is []
        if (is_line_break(c)) {
          state_ = state::eat_crnl;
          return true;
        }
        state_ = state::start_field;  // a normal character: handled as START_FIELD
        [[fallthrough]];

      case state::start_field:
        if (is_line_break(c) || c == eol) {
          parse_save_field();  // an empty field ends the record
          state_ = c == eol ? state::start_record : state::eat_crnl;
        } else if (is_quote(c)) {
          state_ = state::in_quoted_field;
        } else if (is_escape(c)) {
          state_ = state::escaped_char;
        } else if (c == ' ' && dialect_.skip_initial_space) {
          // ignore spaces at the start of a field
        } else if (is_delimiter(c)) {
          parse_save_field();  // an empty field
        } else {
          if (!parse_add_char(c)) return false;
          state_ = state::in_field;
        }
        return true;

      case state::escaped_char:
        if (is_line_break(c)) {
          if (!parse_add_char(c)) return false;
          state_ = state::after_escaped_crnl;
          return true;
        }
        if (c == eol) c = '\n';  // an escape at the end of the last line escapes a phantom '\n'
        if (!parse_add_char(c)) return false;
        state_ = state::in_field;
        return true;

      case state::after_escaped_crnl:
        if (c == eol) return true;
        [[fallthrough]];  // anything else: handled as IN_FIELD

      case state::in_field:
        if (is_line_break(c) || c == eol) {
          parse_save_field();
          state_ = c == eol ? state::start_record : state::eat_crnl;
        } else if (is_escape(c)) {
          state_ = state::escaped_char;
        } else if (is_delimiter(c)) {
          parse_save_field();
          state_ = state::start_field;
        } else if (!parse_add_char(c)) {
          return false;
        }
        return true;

      case state::in_quoted_field:
        if (c == eol) {
          // a line break inside quotes was already added as a character
        } else if (is_escape(c)) {
          state_ = state::escape_in_quoted_field;
        } else if (is_quote(c)) {
          state_ = dialect_.double_quote ? state::quote_in_quoted_field : state::in_field;
        } else if (!parse_add_char(c)) {
          return false;
        }
        return true;

      case state::escape_in_quoted_field:
        if (c == eol) c = '\n';
        if (!parse_add_char(c)) return false;
        state_ = state::in_quoted_field;
        return true;

      case state::quote_in_quoted_field:
        if (is_quote(c)) {
          if (!parse_add_char(c)) return false;  // "" is a literal "
          state_ = state::in_quoted_field;
        } else if (is_delimiter(c)) {
          parse_save_field();
          state_ = state::start_field;
        } else if (is_line_break(c) || c == eol) {
          parse_save_field();
          state_ = c == eol ? state::start_record : state::eat_crnl;
        } else if (!dialect_.strict) {
          if (!parse_add_char(c)) return false;  // "ab"cd reads as abcd
          state_ = state::in_field;
        } else {
          error_ = std::string("'") + dialect_.delimiter + "' expected after '" + *dialect_.quote + "'";
          return false;
        }
        return true;

      case state::eat_crnl:
        if (is_line_break(c)) {
          // the '\n' of "\r\n"
        } else if (c == eol) {
          state_ = state::start_record;
        } else {
          // Unreachable from newline='' lines: a line break always ends its line. 3.11 wording; 3.13 says
          // "...open the file with newline=''?".
          error_ =
              "new-line character seen in unquoted field - do you need to open the file in universal-newline mode?";
          return false;
        }
        return true;
    }
    return true;
  }

  csv_reference_dialect dialect_;
  std::optional<std::size_t> field_size_limit_;
  state state_ = state::start_record;
  std::string field_;
  std::vector<std::string> fields_;
  std::string error_;
};

}  // namespace detail

// Parses data as CPython's csv.reader(open(path, newline=''), **dialect) would, on bytes. field_size_limit is
// csv.field_size_limit() (Python's default is 131072; nullopt here means no limit). Cost: O(data.size()).
inline csv_reference_result csv_reference_parse(std::string_view data, const csv_reference_dialect& dialect = {},
                                                std::optional<std::size_t> field_size_limit = std::nullopt) {
  return detail::csv_reference_parser(dialect, field_size_limit).run(data);
}

}  // namespace yieldpipe::test
