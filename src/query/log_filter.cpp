#include "yieldpipe/query/log_filter.hpp"

#include <algorithm>
#include <string>

#include "yieldpipe/query/query_error.hpp"

namespace yieldpipe::query {

std::array<bool, 5> parse_log_levels(std::string_view text) {
  std::array<bool, 5> pass{};
  if (text.empty()) {
    pass.fill(true);
    return pass;
  }
  const bool list = text.find(',') != std::string_view::npos;
  while (true) {
    const auto at = text.find(',');
    const std::string_view name = text.substr(0, at);
    const auto level = io::parse_log_level(name);
    if (!level) throw query_error("expected DEBUG, INFO, WARNING, ERROR or CRITICAL, got '" + std::string(name) + "'");
    const auto i = static_cast<std::size_t>(*level);
    if (list)
      pass[i] = true;
    else
      std::fill(pass.begin() + static_cast<std::ptrdiff_t>(i), pass.end(), true);
    if (at == std::string_view::npos) return pass;
    text.remove_prefix(at + 1);
  }
}

std::optional<std::chrono::sys_seconds> parse_log_time(std::string_view t) noexcept {
  auto digits = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    if (at + n > t.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  // A zone after the time: Z, +HH, +HHMM or +HH:MM (or -), applied.
  int offset = 0;
  if (t.size() > 16) {
    const std::size_t at = t[16] == ':' ? 19 : 16;
    if (t.size() == at + 1 && (t[at] == 'Z' || t[at] == 'z')) {
      t.remove_suffix(1);
    } else if (t.size() > at && (t[at] == '+' || t[at] == '-')) {
      const std::string_view zone = t.substr(at + 1);
      const auto zh = zone.size() >= 2 ? digits(at + 1, 2) : std::nullopt;
      std::optional<int> zm = 0;
      if (zone.size() == 4)
        zm = digits(at + 3, 2);
      else if (zone.size() == 5 && zone[2] == ':')
        zm = digits(at + 4, 2);
      else if (zone.size() != 2)
        return std::nullopt;
      if (!zh || !zm || *zh > 23 || *zm > 59) return std::nullopt;
      offset = (t[at] == '-' ? -1 : 1) * (*zh * 3600 + *zm * 60);
      t = t.substr(0, at);
    }
  }
  if (t.size() != 10 && t.size() != 16 && t.size() != 19) return std::nullopt;
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || t[4] != '-' || t[7] != '-') return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*mo)),
                                         std::chrono::day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  int h = 0, mi = 0, s = 0;
  if (t.size() >= 16) {
    const auto hh = digits(11, 2), mm = digits(14, 2);
    if ((t[10] != ' ' && t[10] != 'T') || t[13] != ':' || !hh || !mm || *hh > 23 || *mm > 59) return std::nullopt;
    h = *hh;
    mi = *mm;
  }
  if (t.size() == 19) {
    const auto ss = digits(17, 2);
    if (t[16] != ':' || !ss || *ss > 59) return std::nullopt;
    s = *ss;
  }
  return std::chrono::sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s - offset);
}

void format_log_time(std::chrono::sys_seconds t, char* out, std::size_t length) noexcept {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss<std::chrono::seconds> time{t - days};
  char buf[19];
  auto put = [&](std::size_t at, unsigned v, std::size_t n) {
    for (std::size_t i = n; i-- > 0; v /= 10) buf[at + i] = static_cast<char>('0' + v % 10);
  };
  put(0, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  buf[4] = '-';
  put(5, static_cast<unsigned>(date.month()), 2);
  buf[7] = '-';
  put(8, static_cast<unsigned>(date.day()), 2);
  buf[10] = ' ';
  put(11, static_cast<unsigned>(time.hours().count()), 2);
  buf[13] = ':';
  put(14, static_cast<unsigned>(time.minutes().count()), 2);
  buf[16] = ':';
  put(17, static_cast<unsigned>(time.seconds().count()), 2);
  std::copy(buf, buf + std::min<std::size_t>(length, 19), out);
}

}  // namespace yieldpipe::query
