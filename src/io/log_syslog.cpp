// The `syslog` preset: RFC 5424 (`<165>1 2003-10-11T22:14:15.003Z host app procid msgid [sd] msg`),
// RFC 3164 (`<34>Oct 11 22:14:15 host tag[pid]: msg`, the PRI optional as in /var/log files) and the
// RFC 3339 stamp rsyslog writes in files (`2024-03-01T12:00:07.123+01:00 host tag: msg`), told apart
// per line.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "log_time.hpp"
#include "yieldpipe/io/log_record.hpp"

namespace yieldpipe::io::detail {

namespace {

class syslog_parser {
 public:
  syslog_parser(std::string_view line, int fixed_year, std::chrono::sys_seconds now) noexcept
      : p_(line.data()), n_(line.size()), fixed_year_(fixed_year), now_(now) {}

  log_parse_error parse(log_record& r) noexcept {
    if (!pri(r)) return error_;
    std::size_t digits = 0;
    while (pos_ + digits < n_ && is_digit(p_[pos_ + digits])) ++digits;
    if (digits >= 1 && digits <= 3 && pos_ + digits < n_ && p_[pos_ + digits] == ' ') {
      if (!has_pri_) {
        fail(pos_, "expected <PRI> before the version of an RFC 5424 line");
        return error_;
      }
      pos_ += digits + 1;
      if (!rfc5424(r)) return error_;
      return {};
    }
    if (digits > 0) {
      if (!iso_time(r)) return error_;
    } else if (!bsd_time(r)) {
      return error_;
    }
    if (!rfc3164_rest(r)) return error_;
    return {};
  }

 private:
  bool fail(std::size_t at, std::string_view reason) noexcept {
    error_ = fail_at(at, reason);
    return false;
  }

  // `<PRI>`: 1 to 3 digits, 0-191; the level from its severity. Without it: INFO.
  bool pri(log_record& r) noexcept {
    if (n_ == 0 || p_[0] != '<') return true;
    std::size_t at = 1;
    int value = 0;
    while (at < n_ && at <= 3 && is_digit(p_[at])) value = value * 10 + (p_[at++] - '0');
    if (at == 1) return fail(1, "expected the PRI's digits after '<'");
    if (at == n_ || p_[at] != '>') return fail(at, "expected '>' after the PRI (1-3 digits)");
    if (value > 191) return fail(1, "PRI out of range (0-191)");
    r.level = syslog_level(value % 8);
    r.level_text = std::string_view(p_ + 1, at - 1);
    pos_ = at + 1;
    has_pri_ = true;
    return true;
  }

  bool space() noexcept {
    if (pos_ == n_ || p_[pos_] != ' ') return fail(pos_, "expected a space");
    ++pos_;
    return true;
  }

  // A header field of RFC 5424: printable bytes up to a space; `-` (NILVALUE) is empty.
  bool field(std::string_view& out, std::string_view missing) noexcept {
    const std::size_t begin = pos_;
    while (pos_ < n_ && p_[pos_] != ' ') ++pos_;
    if (pos_ == begin) return fail(begin, missing);
    out = std::string_view(p_ + begin, pos_ - begin);
    if (out == "-") out = {};
    return true;
  }

  bool rfc5424(log_record& r) noexcept {
    if (pos_ < n_ && p_[pos_] == '-') return fail(pos_, "the timestamp is '-' (NILVALUE): a log record needs a time");
    if (!iso_time(r)) return false;
    std::string_view procid, msgid;
    if (!space() || !field(r.host, "expected the HOSTNAME ('-' when none)") || !space() ||
        !field(r.component, "expected the APP-NAME ('-' when none)") || !space() ||
        !field(procid, "expected the PROCID ('-' when none)") || !space() ||
        !field(msgid, "expected the MSGID ('-' when none)") || !space() || !structured_data())
      return false;
    if (pos_ == n_) return true;
    if (!space()) return false;
    std::string_view message(p_ + pos_, n_ - pos_);
    if (message.starts_with("\xEF\xBB\xBF")) message.remove_prefix(3);  // MSG's optional BOM
    r.message = message;
    return true;
  }

  // `-` or one or more `[id name="value" ...]`, a value's `\"`, `\\` and `\]` escaped.
  bool structured_data() noexcept {
    if (pos_ < n_ && p_[pos_] == '-') {
      ++pos_;
      return true;
    }
    if (pos_ == n_ || p_[pos_] != '[') return fail(pos_, "expected STRUCTURED-DATA ('-' or '[')");
    while (pos_ < n_ && p_[pos_] == '[') {
      ++pos_;
      bool quoted = false;
      while (pos_ < n_ && (quoted || p_[pos_] != ']')) {
        if (quoted && p_[pos_] == '\\' && pos_ + 1 < n_)
          ++pos_;
        else if (p_[pos_] == '"')
          quoted = !quoted;
        ++pos_;
      }
      if (pos_ == n_) return fail(n_, "expected ']' to close the STRUCTURED-DATA element");
      ++pos_;
    }
    return true;
  }

  // rsyslog's RFC 3339 stamp in files: `2024-03-01T12:00:07.123456+01:00`.
  bool iso_time(log_record& r) noexcept {
    const std::size_t begin = pos_;
    const iso_time_result t = parse_iso_time(std::string_view(p_, n_), pos_, false);
    if (!t.ok) {
      error_ = t.error;
      return false;
    }
    r.timestamp = t.time;
    r.timestamp_text = std::string_view(p_ + begin, pos_ - begin);
    return true;
  }

  // RFC 3164's `Mmm dd hh:mm:ss` (the day padded with a space, or a 0), in the year of the rule.
  bool bsd_time(log_record& r) noexcept {
    const std::size_t s = pos_;
    constexpr std::string_view layout = "Mmm Dd dd:dd:dd";
    for (std::size_t i = 0; i < layout.size(); ++i) {
      const std::size_t at = s + i;
      const char want = layout[i];
      const bool ok = at < n_ && (want == 'M'   ? p_[at] != ' '
                                  : want == 'm' ? p_[at] != ' '
                                  : want == 'D' ? p_[at] == ' ' || is_digit(p_[at])
                                  : want == 'd' ? is_digit(p_[at])
                                                : p_[at] == want);
      if (ok) continue;
      return fail(at, i < 3     ? std::string_view("expected a month name (Jan-Dec), an RFC 5424 version or a date")
                      : i == 3  ? std::string_view("expected a space")
                      : i < 6   ? std::string_view("expected the day (1-31, padded with a space or 0)")
                      : i == 6  ? std::string_view("expected a space")
                      : i < 9   ? std::string_view("expected a 2-digit hour")
                      : i == 9  ? std::string_view("expected ':'")
                      : i < 12  ? std::string_view("expected a 2-digit minute")
                      : i == 12 ? std::string_view("expected ':'")
                                : std::string_view("expected 2-digit seconds"));
    }
    const int month = month_of(p_ + s);
    if (month == 0) return fail(s, "expected a month name (Jan-Dec), an RFC 5424 version or a date");
    const int day = (p_[s + 4] == ' ' ? 0 : p_[s + 4] - '0') * 10 + (p_[s + 5] - '0');
    const int hour = two_digits(p_ + s + 7), minute = two_digits(p_ + s + 10), second = two_digits(p_ + s + 13);
    if (day < 1 || day > 31) return fail(s + 4, "day out of range for the month");
    if (hour > 23) return fail(s + 7, "hour out of range (00-23)");
    if (minute > 59) return fail(s + 10, "minute out of range (00-59)");
    if (second > 60 || (second == 60 && minute != 59))
      return fail(s + 13, "second out of range (00-59, or 60 for a leap second at minute 59)");
    int year = fixed_year_;
    if (year == 0) {
      // The year of `now`, or the one before for a date more than a day after `now`.
      year = static_cast<int>(std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now_)).year());
      const bool valid = day <= days_in_month(year, month);
      if (!valid || to_sys_seconds(year, month, day, hour, minute, second) > now_ + std::chrono::days(1)) --year;
    }
    if (day > days_in_month(year, month))
      return fail(s + 4, month == 2 && day == 29
                             ? std::string_view("29 February in a year that is not a leap year (RFC 3164 lines have "
                                                "no year: give it with --year)")
                             : std::string_view("day out of range for the month"));
    r.timestamp = to_sys_seconds(year, month, day, hour, minute, second);
    pos_ = s + layout.size();
    r.timestamp_text = std::string_view(p_ + s, pos_ - s);
    return true;
  }

  // ` HOSTNAME TAG[pid]: MSG`; a content without `TAG:` or `TAG[pid]:` is all message.
  bool rfc3164_rest(log_record& r) noexcept {
    if (!space()) return false;
    while (pos_ < n_ && p_[pos_] == ' ') ++pos_;
    const std::size_t host = pos_;
    while (pos_ < n_ && p_[pos_] != ' ') ++pos_;
    if (pos_ == host) return fail(host, "expected the HOSTNAME");
    r.host = std::string_view(p_ + host, pos_ - host);
    if (pos_ == n_) return true;  // no content
    ++pos_;
    const std::size_t content = pos_;
    std::size_t at = pos_;
    while (at < n_ && p_[at] != '[' && p_[at] != ':' && p_[at] != ' ') ++at;
    const std::size_t tag_end = at;
    if (at < n_ && p_[at] == '[' && at > content) {
      while (at < n_ && p_[at] != ']' && p_[at] != ' ') ++at;
      at = at < n_ && p_[at] == ']' ? at + 1 : n_;
    }
    if (tag_end > content && at < n_ && p_[at] == ':') {
      r.component = std::string_view(p_ + content, tag_end - content);
      ++at;
      while (at < n_ && p_[at] == ' ') ++at;
      r.message = std::string_view(p_ + at, n_ - at);
    } else {
      r.message = std::string_view(p_ + content, n_ - content);
    }
    pos_ = n_;
    return true;
  }

  const char* p_;
  std::size_t n_;
  int fixed_year_;
  std::chrono::sys_seconds now_;
  std::size_t pos_ = 0;
  bool has_pri_ = false;
  log_parse_error error_{};
};

}  // namespace

log_parse_error parse_syslog_line(std::string_view line, int fixed_year, std::chrono::sys_seconds now,
                                  log_record& r) noexcept {
  return syslog_parser(line, fixed_year, now).parse(r);
}

}  // namespace yieldpipe::io::detail
