// The `combined` preset: web server access logs in the combined or the common log format,
//   client ident user [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "referrer" "agent"
// (Apache's `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`, nginx's `combined`).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "log_time.hpp"
#include "yieldpipe/io/log_record.hpp"

namespace yieldpipe::io::detail {

namespace {

class access_parser {
 public:
  explicit access_parser(std::string_view line) noexcept : p_(line.data()), n_(line.size()) {}

  log_parse_error parse(log_record& record) noexcept {
    log_access_fields& r = record.access.emplace();
    if (!token(r.client, "expected the client address")) return error_;
    if (!blanks()) return error_;
    std::string_view ident;
    if (!token(ident, "expected the ident field ('-' when none)")) return error_;
    if (!blanks()) return error_;
    if (!token(r.user, "expected the user field ('-' when none)")) return error_;
    if (r.user == "-") r.user = {};
    if (!blanks()) return error_;
    if (!time(record)) return error_;
    if (!blanks()) return error_;
    std::string_view request;
    if (!quoted(request, "expected '\"' before the request line")) return error_;
    split_request(request, r);
    record.message = request;
    if (!blanks()) return error_;
    if (!status(record)) return error_;
    if (!blanks()) return error_;
    if (!bytes(r)) return error_;
    if (pos_ == n_) return {};  // the common log format ends here
    if (!blanks()) return error_;
    if (pos_ == n_) return {};
    if (!quoted(r.referrer, "expected '\"' before the referrer")) return error_;
    if (r.referrer == "-") r.referrer = {};
    if (!blanks()) return error_;
    if (!quoted(r.agent, "expected '\"' before the user agent")) return error_;
    if (r.agent == "-") r.agent = {};
    // Fields some servers append after the agent (nginx's `$http_x_forwarded_for`, a request time)
    // are ignored; they must be separated by a blank.
    if (pos_ < n_ && !is_blank(p_[pos_])) {
      fail(pos_, "expected a space after the user agent");
      return error_;
    }
    return {};
  }

 private:
  bool fail(std::size_t at, std::string_view reason) noexcept {
    error_ = fail_at(at, reason);
    return false;
  }

  bool blanks() noexcept {
    if (pos_ == n_ || !is_blank(p_[pos_])) return fail(pos_, "expected a space");
    while (pos_ < n_ && is_blank(p_[pos_])) ++pos_;
    return true;
  }

  bool token(std::string_view& out, std::string_view missing) noexcept {
    const std::size_t begin = pos_;
    while (pos_ < n_ && !is_blank(p_[pos_])) ++pos_;
    if (pos_ == begin) return fail(begin, missing);
    out = std::string_view(p_ + begin, pos_ - begin);
    return true;
  }

  // `"..."`, a backslash escaping the byte after it (Apache writes `\"`; nginx `\x22`): the text
  // between the quotes, as written.
  bool quoted(std::string_view& out, std::string_view missing) noexcept {
    if (pos_ == n_ || p_[pos_] != '"') return fail(pos_, missing);
    const std::size_t begin = ++pos_;
    while (pos_ < n_ && p_[pos_] != '"') pos_ += p_[pos_] == '\\' && pos_ + 1 < n_ ? 2 : 1;
    if (pos_ >= n_) return fail(n_, "expected the closing '\"'");
    out = std::string_view(p_ + begin, pos_ - begin);
    ++pos_;
    return true;
  }

  // `[dd/Mon/yyyy:HH:MM:SS +hhmm]`, the zone applied.
  bool time(log_record& r) noexcept {
    if (pos_ == n_ || p_[pos_] != '[') return fail(pos_, "expected '[' before the time");
    const std::size_t s = ++pos_;
    constexpr std::string_view layout = "dd/Mmm/dddd:dd:dd:dd";
    for (std::size_t i = 0; i < layout.size(); ++i) {
      const std::size_t at = s + i;
      const char want = layout[i];
      const bool ok = at < n_ && (want == 'd'   ? is_digit(p_[at])
                                  : want == 'M' ? true
                                  : want == 'm' ? p_[at] != '/' && !is_blank(p_[at])
                                                : p_[at] == want);
      if (ok) continue;
      return fail(at, i < 2    ? std::string_view("expected a 2-digit day")
                      : i < 7  ? (want == '/' ? std::string_view("expected '/'")
                                              : std::string_view("expected a month name (Jan-Dec)"))
                      : i < 11 ? std::string_view("expected a 4-digit year")
                      : i < 12 ? std::string_view("expected ':'")
                      : i < 14 ? std::string_view("expected a 2-digit hour")
                      : i < 15 ? std::string_view("expected ':'")
                      : i < 17 ? std::string_view("expected a 2-digit minute")
                      : i < 18 ? std::string_view("expected ':'")
                               : std::string_view("expected 2-digit seconds"));
    }
    const int day = two_digits(p_ + s), month = month_of(p_ + s + 3);
    const int year = two_digits(p_ + s + 7) * 100 + two_digits(p_ + s + 9);
    const int hour = two_digits(p_ + s + 12), minute = two_digits(p_ + s + 15), second = two_digits(p_ + s + 18);
    if (month == 0) return fail(s + 3, "expected a month name (Jan-Dec)");
    if (day < 1 || day > days_in_month(year, month)) return fail(s, "day out of range for the month");
    if (hour > 23) return fail(s + 12, "hour out of range (00-23)");
    if (minute > 59) return fail(s + 15, "minute out of range (00-59)");
    if (second > 60 || (second == 60 && minute != 59))
      return fail(s + 18, "second out of range (00-59, or 60 for a leap second at minute 59)");
    pos_ = s + layout.size();
    int offset = 0;
    if (pos_ < n_ && is_blank(p_[pos_])) {
      ++pos_;
      if (pos_ == n_ || (p_[pos_] != '+' && p_[pos_] != '-' && p_[pos_] != 'Z'))
        return fail(pos_, "expected the zone (+hhmm or -hhmm)");
      const fraction_and_zone z = parse_fraction_and_zone(p_, n_, pos_);
      if (!z.ok) return fail(z.pos, z.reason);
      pos_ = z.pos;
      offset = z.offset;
    }
    if (pos_ == n_ || p_[pos_] != ']') return fail(pos_, "expected ']' after the time");
    r.timestamp = to_sys_seconds(year, month, day, hour, minute, second, offset);
    r.timestamp_text = std::string_view(p_ + s, pos_ - s);
    ++pos_;
    return true;
  }

  bool status(log_record& record) noexcept {
    const std::size_t begin = pos_;
    while (pos_ < n_ && is_digit(p_[pos_])) ++pos_;
    if (pos_ - begin != 3 || p_[begin] == '0' || (pos_ < n_ && !is_blank(p_[pos_])))
      return fail(begin, "expected a 3-digit HTTP status (100-999)");
    const auto status = static_cast<std::uint16_t>((p_[begin] - '0') * 100 + two_digits(p_ + begin + 1));
    record.access->status = status;
    record.level_text = std::string_view(p_ + begin, 3);
    record.level = status >= 500 ? log_level::error : status >= 400 ? log_level::warning : log_level::info;
    return true;
  }

  bool bytes(log_access_fields& r) noexcept {
    const std::size_t begin = pos_;
    if (pos_ < n_ && p_[pos_] == '-') {  // `%b` writes '-' for no bytes
      ++pos_;
    } else {
      std::uint64_t v = 0;
      while (pos_ < n_ && is_digit(p_[pos_])) {
        if (v > (UINT64_MAX - 9) / 10) return fail(begin, "byte count out of range");
        v = v * 10 + static_cast<std::uint64_t>(p_[pos_++] - '0');
      }
      if (pos_ == begin) return fail(begin, "expected the byte count (digits or '-')");
      r.bytes = v;
    }
    if (pos_ < n_ && !is_blank(p_[pos_])) return fail(begin, "expected the byte count (digits or '-')");
    return true;
  }

  // METHOD SP PATH SP PROTOCOL; `METHOD SP PATH` (HTTP/0.9); anything else (`-`, a probe's bytes) is
  // all path, except `-`, which is nothing.
  static void split_request(std::string_view request, log_access_fields& r) noexcept {
    if (request == "-") return;
    const auto first = request.find(' ');
    const auto last = request.rfind(' ');
    if (first == std::string_view::npos || first == 0) {
      r.path = request;
      return;
    }
    const std::string_view method = request.substr(0, first);
    const bool all_letters = [&] {
      for (char c : method)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
      return true;
    }();
    if (!all_letters) {
      r.path = request;
      return;
    }
    r.method = method;
    if (last == first || !request.substr(last + 1).starts_with("HTTP/")) {
      r.path = request.substr(first + 1);
      return;
    }
    r.path = request.substr(first + 1, last - first - 1);
    r.protocol = request.substr(last + 1);
  }

  const char* p_;
  std::size_t n_;
  std::size_t pos_ = 0;
  log_parse_error error_{};
};

}  // namespace

log_parse_error parse_access_line(std::string_view line, log_record& r) noexcept {
  return access_parser(line).parse(r);
}

}  // namespace yieldpipe::io::detail
