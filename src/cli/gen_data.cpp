// The data sets of `yieldpipe gen` (see gen_data.hpp).
#include "gen_data.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <vector>
#include <yieldpipe/io/writers.hpp>

#include "common.hpp"

namespace yieldpipe::cli {
namespace {

// ---- randomness: integers only, so the same on every platform ----

__extension__ using u128 = unsigned __int128;  // GCC and Clang; -Wpedantic knows no 128-bit type

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman and Vigna), seeded through splitmix64 as its authors recommend.
class rng {
 public:
  explicit rng(std::uint64_t seed) noexcept {
    for (auto& word : s_) word = splitmix64(seed);
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n): the top 32 bits scaled by n (Lemire's multiply-shift without the rejection
  // step; a bias below n / 2^32 does not matter for synthetic data).
  std::uint32_t below(std::uint32_t n) noexcept { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    return lo + below(static_cast<std::uint32_t>(hi - lo + 1));
  }
  // True with probability num / den.
  bool chance(std::uint32_t num, std::uint32_t den) noexcept { return below(den) < num; }
  // Roughly normal noise with standard deviation `sd`, bounded by ±3.46 sd: the centred Irwin-Hall
  // sum of four uniform 16-bit numbers (whose standard deviation is 65536 / sqrt(3) = 37837).
  std::int64_t noise(std::int64_t sd) noexcept {
    const std::uint64_t x = next();
    const auto sum = static_cast<std::int64_t>((x & 0xFFFF) + (x >> 16 & 0xFFFF) + (x >> 32 & 0xFFFF) + (x >> 48));
    return (sum - 2 * 65535) * sd / 37837;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

// ---- formatting: fixed-point integers with std::to_chars, no locale ----

// Writes v / 10^decimals with exactly `decimals` decimals ("-0.5", "12.00"); at most 24 bytes.
char* write_fixed(char* p, std::int64_t v, int decimals) noexcept {
  static constexpr std::array<std::int64_t, 4> scales = {1, 10, 100, 1000};
  if (v < 0) {
    *p++ = '-';
    v = -v;
  }
  const std::int64_t scale = scales[static_cast<std::size_t>(decimals)];
  p = std::to_chars(p, p + 20, v / scale).ptr;
  if (decimals > 0) {
    *p++ = '.';
    std::int64_t fraction = v % scale;
    for (int i = decimals; i-- > 0; fraction /= 10) p[i] = static_cast<char>('0' + fraction % 10);
    p += decimals;
  }
  return p;
}

// Writes n with at least `width` digits, zero-padded ("000042"); at most 20 bytes.
char* write_padded(char* p, std::uint64_t n, int width) noexcept {
  char digits[20];
  const char* end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  for (auto len = end - digits; len < width; ++len) *p++ = '0';
  return std::copy(static_cast<const char*>(digits), end, p);
}

void write_two_digits(char* p, unsigned n) noexcept {
  p[0] = static_cast<char>('0' + n / 10);
  p[1] = static_cast<char>('0' + n % 10);
}

// A clock that keeps its text, `2024-01-01T00:00:00` (or with a space), reformatted only when it moves.
class clock_text {
 public:
  clock_text(std::chrono::sys_seconds start, char separator) noexcept : t_(start.time_since_epoch().count()) {
    text_[10] = separator;
    text_[13] = ':';
    text_[16] = ':';
    format();
  }

  void advance(std::int64_t seconds) noexcept {
    if (seconds == 0) return;
    t_ += seconds;
    format();
  }
  [[nodiscard]] std::string_view text() const noexcept { return {text_.data(), text_.size()}; }
  [[nodiscard]] std::int64_t second_of_day() const noexcept { return t_ % 86400; }

 private:
  void format() noexcept {
    // std::chrono's calendar is integer arithmetic: the same everywhere.
    const std::int64_t day = t_ / 86400;
    if (day != day_) {
      day_ = day;
      const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
      write_padded(text_.data(), static_cast<std::uint64_t>(static_cast<int>(date.year())), 4);
      text_[4] = '-';
      write_two_digits(text_.data() + 5, static_cast<unsigned>(date.month()));
      text_[7] = '-';
      write_two_digits(text_.data() + 8, static_cast<unsigned>(date.day()));
    }
    const auto s = static_cast<unsigned>(t_ % 86400);
    write_two_digits(text_.data() + 11, s / 3600);
    write_two_digits(text_.data() + 14, s / 60 % 60);
    write_two_digits(text_.data() + 17, s % 60);
  }

  std::int64_t t_;  // seconds since 1970 (timestamps here are after it)
  std::int64_t day_ = -1;
  std::array<char, 19> text_{};
};

constexpr std::chrono::sys_seconds start_of(std::chrono::year_month_day date) {
  return std::chrono::sys_seconds{std::chrono::sys_days{date}};
}

// Also where a run stops for SIGINT or SIGTERM (the command's stop_signals): the output is then not
// committed, so no partial file is left.
bool more(const io::output& out, std::uint64_t written, const gen_options& options) {
  if (stop_signal) [[unlikely]]
    throw interrupted(stop_signal);
  return written < options.rows && (options.bytes == 0 || out.bytes_written() < options.bytes);
}

// ---- sensors ----

struct category_profile {
  std::string_view name;
  std::int64_t low, high;  // the range of the sensors' baselines, in hundredths
};
constexpr std::array<category_profile, 5> categories = {{
    {"energy", 5000, 50000},
    {"air_quality", 1000, 15000},
    {"water", 500, 8000},
    {"traffic", 200, 12000},
    {"industrial", 9000, 40000},
}};

enum class sensor_status : std::uint8_t { active, inactive, maintenance };
constexpr std::array<std::string_view, 3> status_names = {"active", "inactive", "maintenance"};

struct sensor {
  std::array<char, 11> name{};  // sensor_0001
  std::uint8_t category = 0;
  sensor_status status = sensor_status::active;
  std::string location;
  std::int64_t baseline = 0, sd = 0;        // value, hundredths
  std::int64_t temperature = 0, swing = 0;  // daily mean and half its daily range, tenths of a degree
  std::int64_t humidity = 0;                // tenths of a percent
};

sensor_status draw_status(rng& r) noexcept {
  const auto x = r.below(100);
  return x < 90 ? sensor_status::active : x < 96 ? sensor_status::inactive : sensor_status::maintenance;
}

class sensors_generator {
 public:
  static constexpr std::size_t sensor_count = 1000;
  explicit sensors_generator(std::uint64_t seed) : rng_(seed), clock_(start_of(std::chrono::year{2024} / 1 / 1), 'T') {
    sensors_.resize(sensor_count);
    for (std::size_t i = 0; i < sensor_count; ++i) {
      sensor& s = sensors_[i];
      constexpr std::string_view prefix = "sensor_";
      std::copy(prefix.begin(), prefix.end(), s.name.begin());
      write_padded(s.name.data() + prefix.size(), i + 1, 4);
      s.category = static_cast<std::uint8_t>(rng_.below(categories.size()));
      s.status = draw_status(rng_);
      const auto& c = categories[s.category];
      s.baseline = rng_.between(c.low, c.high);
      s.sd = s.baseline * rng_.between(2, 6) / 100;
      const bool outdoor = place(s.location);
      s.temperature = outdoor ? rng_.between(50, 250) : rng_.between(180, 240);
      s.swing = outdoor ? rng_.between(30, 80) : rng_.between(5, 15);
      s.humidity = rng_.between(300, 650);
    }
  }

  std::uint64_t run(io::output& out, const gen_options& options) {
    io::csv_write_options dialect;
    dialect.line_terminator = "\n";
    io::csv_writer csv(out, dialect);
    static constexpr std::array<std::string_view, 10> columns = {
        "id",          "timestamp", "sensor", "category",      "value",
        "temperature", "humidity",  "status", "quality_score", "location"};
    csv.write_row(std::span<const std::string_view>(columns));
    std::uint64_t written = 0;
    while (more(out, written, options)) write_row(csv, ++written);
    return written;
  }

 private:
  // A location for a sensor, some with a comma or a quote (CSV quoting); true if outdoors.
  bool place(std::string& into) {
    const auto kind = rng_.below(100);
    const auto number = [this](std::int64_t low, std::int64_t high) { return std::to_string(rng_.between(low, high)); };
    const auto letter = [this](char last) {
      return std::string(1, static_cast<char>('A' + rng_.below(last - 'A' + 1)));
    };
    if (kind < 45) {
      into = "Building " + number(1, 12);
      into += ", Floor " + number(1, 9);
      return false;
    }
    if (kind < 65) {
      into = "Warehouse " + letter('H');
      return false;
    }
    if (kind < 75) {
      into = "Parking Lot " + number(1, 4);
      return true;
    }
    if (kind < 85) {
      into = "Site " + number(1, 30);
      into += ", Zone " + letter('D');
      return true;
    }
    if (kind < 95) {
      static constexpr std::array<std::string_view, 4> sides = {"North", "East", "South", "West"};
      into = "Rooftop ";
      into += sides[rng_.below(4)];
      return true;
    }
    into = "Lab \"Clean Room\" " + number(1, 3);
    return false;
  }

  void write_row(io::csv_writer& csv, std::uint64_t id) {
    if (rng_.chance(1, 16)) clock_.advance(1);  // about 16 readings per second
    sensor& s = sensors_[rng_.below(sensor_count)];
    if (rng_.chance(1, 500)) s.status = draw_status(rng_);

    char buffer[96];
    char* p = buffer;
    const auto field_from = [&p](char* begin) { return std::string_view(begin, static_cast<std::size_t>(p - begin)); };

    // One draw per statement throughout: the order of evaluation within an expression is unspecified,
    // and another compiler could otherwise draw in another order.
    std::int64_t value = s.baseline + rng_.noise(s.sd);
    if (rng_.chance(3, 1000)) {  // a spike, mostly upwards
      const std::int64_t sign = rng_.chance(4, 5) ? 1 : -1;
      value = s.baseline + sign * rng_.between(6, 12) * s.sd;
    }
    char* begin = p;
    p = write_fixed(p, std::max<std::int64_t>(value, 0), 2);
    const std::string_view value_text = field_from(begin);

    // Temperature: a triangular daily cycle, lowest at 03:00 and highest at 15:00, plus noise.
    static constexpr std::array<std::int64_t, 5> outliers = {1500, -800, 1250, -550, 1012};
    std::int64_t temperature;
    if (rng_.chance(2, 1000)) {
      temperature = outliers[rng_.below(outliers.size())];
    } else {
      const std::int64_t phase = (clock_.second_of_day() + 86400 - 3 * 3600) % 86400;
      const std::int64_t rise = phase < 43200 ? phase : 86400 - phase;  // 0..43200
      temperature = s.temperature - s.swing + rise * 2 * s.swing / 43200 + rng_.noise(8);
    }
    begin = p;
    p = write_fixed(p, temperature, 1);
    const std::string_view temperature_text = field_from(begin);

    io::field humidity;  // null: missing
    if (!rng_.chance(3, 100)) {
      const std::int64_t h = rng_.chance(1, 1000) ? rng_.between(1005, 1100)
                                                  : std::clamp<std::int64_t>(s.humidity + rng_.noise(40), 0, 1000);
      begin = p;
      p = write_fixed(p, h, 1);
      humidity = field_from(begin);
    }

    // Quality: skewed towards 1 (about half the readings reach 0.8), lower under maintenance.
    const std::int64_t a = rng_.below(101);
    const std::int64_t b = rng_.below(101);
    std::int64_t quality = 100 - a * b / 100;
    if (s.status == sensor_status::maintenance) quality = std::max<std::int64_t>(quality - 30, 0);
    begin = p;
    p = write_fixed(p, quality, 2);
    const std::string_view quality_text = field_from(begin);

    const std::array<io::field, 10> row = {id,
                                           clock_.text(),
                                           std::string_view(s.name.data(), s.name.size()),
                                           categories[s.category].name,
                                           value_text,
                                           temperature_text,
                                           humidity,
                                           status_names[static_cast<std::size_t>(s.status)],
                                           quality_text,
                                           std::string_view(s.location)};
    csv.write_row(std::span<const io::field>(row));
  }

  rng rng_;
  clock_text clock_;
  std::vector<sensor> sensors_;
};

// ---- logs ----

enum class level : std::uint8_t { debug, info, warning, error, critical };
constexpr std::array<std::string_view, 5> level_names = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};

// A message with placeholders: {u} user, {i} IP address, {d} duration (ms), {n} count (1-500), {c} small
// count (2-20), {r} retry (1-5), {p} HTTP path, {s} HTTP status, {x} HTTP server error, {j} job, {h} request
// id, {t} table, {k} cache key, {e} error, {q} percentage, {m} MiB.
struct log_template {
  level severity;
  std::uint16_t weight;  // relative frequency within its level
  std::string_view component;
  std::string_view text;
};

constexpr std::array<log_template, 45> log_templates = {{
    {level::debug, 30, "cache", "hit {k}"},
    {level::debug, 20, "cache", "miss {k}, loading from db"},
    {level::debug, 25, "db", "query on {t} returned {n} rows in {d} ms"},
    {level::debug, 10, "api", "request {h} headers parsed"},
    {level::debug, 5, "api",
     "request {h} from {i} to {p} took {d} ms; user agent Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Chrome/120.0 Safari/537.36"},
    {level::debug, 10, "auth", "token for {u} validated, expires in {n} s"},
    {level::debug, 10, "scheduler", "tick: {n} jobs pending"},
    {level::debug, 10, "worker", "picked job {h} from queue default"},

    {level::info, 40, "api", "GET {p} {s} {d} ms"},
    {level::info, 15, "api", "POST {p} {s} {d} ms"},
    {level::info, 10, "auth", "user {u} logged in from {i}"},
    {level::info, 6, "auth", "user {u} logged out"},
    {level::info, 4, "db.pool", "pool of 32 connections, {c} idle"},
    {level::info, 3, "scheduler", "job {j} started"},
    {level::info, 3, "scheduler", "job {j} finished in {d} ms"},
    {level::info, 6, "worker", "processed batch of {n} events"},
    {level::info, 2, "cache", "evicted {n} keys, memory {m} MiB"},
    {level::info, 3, "billing", "invoice {h} created for {u}"},
    {level::info, 1, "config", "reloaded, {c} keys changed"},
    // INFO lines that say ERROR or CRITICAL: a substring grep counts them, the level field does not.
    {level::info, 1, "search", "query \"ERROR codes\" by {u} matched {n} documents"},
    {level::info, 1, "monitor", "ERROR rate back to normal ({q}% of requests)"},
    {level::info, 1, "notifier", "sent alert digest to {u}: 0 CRITICAL, {c} warnings"},
    {level::info, 1, "scheduler", "job {j} cleared its ERROR flag"},

    {level::warning, 10, "db", "query on {t} took {d} ms (threshold 500 ms)"},
    {level::warning, 6, "api", "rate limit reached for {i}, {n} requests rejected"},
    {level::warning, 6, "auth", "failed login for {u} from {i} ({c} attempts)"},
    {level::warning, 3, "cache", "memory at {q}%, evicting"},
    {level::warning, 4, "worker", "job {h} retry {r}/5 after {e}"},
    {level::warning, 3, "scheduler", "job {j} is running late by {n} s"},
    {level::warning, 1, "monitor", "disk usage {q}% on /var/lib/db, CRITICAL at 95%"},

    {level::error, 5, "db.pool", "connection refused by {i}:5432"},
    {level::error, 2, "db", "deadlock detected on {t}, transaction rolled back"},
    {level::error, 6, "api", "{p} failed with {x}: {e} (request {h})"},
    {level::error, 3, "auth", "token signature invalid for {u}"},
    {level::error, 4, "worker", "job {h} failed: {e}"},
    {level::error, 2, "billing", "payment for invoice {h} declined by provider"},
    {level::error, 2, "cache", "lost connection to redis at {i}:6379"},

    {level::critical, 3, "db", "primary database unreachable, failing over"},
    {level::critical, 2, "monitor", "disk full on /var/lib/db ({q}% used)"},
    {level::critical, 2, "api", "all upstream workers down, serving 503"},
    {level::critical, 2, "worker", "out of memory, {m} MiB requested"},
    {level::critical, 1, "auth", "signing key expired"},
    {level::critical, 1, "scheduler", "queue backlog {n}, jobs are being dropped"},
    {level::critical, 1, "billing", "provider API unreachable for {n} s"},
    {level::critical, 1, "db", "replication lag {n} s"},
}};

constexpr std::array<std::string_view, 6> http_paths = {"/api/v1/orders",   "/api/v1/users", "/api/v1/search",
                                                        "/api/v1/payments", "/login",        "/health"};
constexpr std::array<std::string_view, 11> http_statuses = {"200", "200", "200", "200", "201", "204",
                                                            "304", "400", "404", "500", "503"};
constexpr std::array<std::string_view, 4> server_errors = {"500", "502", "503", "504"};
constexpr std::array<std::string_view, 5> jobs = {"nightly-backup", "daily-report", "cache-warmup", "invoice-run",
                                                  "index-rebuild"};
constexpr std::array<std::string_view, 5> tables = {"users", "orders", "sessions", "payments", "events"};
constexpr std::array<std::string_view, 6> errors = {
    "TimeoutError",        "ConnectionResetError",          "ValueError: invalid literal for int() with base 10: 'n/a'",
    "KeyError: 'user_id'", "upstream timed out after 30 s", "too many open files"};

class logs_generator {
 public:
  explicit logs_generator(std::uint64_t seed) : rng_(seed), clock_(start_of(std::chrono::year{2024} / 3 / 1), ' ') {
    for (std::size_t i = 0; i < log_templates.size(); ++i) {
      auto& table = by_level_[static_cast<std::size_t>(log_templates[i].severity)];
      for (std::uint16_t w = 0; w < log_templates[i].weight; ++w) table.push_back(static_cast<std::uint8_t>(i));
    }
  }

  std::uint64_t run(io::output& out, const gen_options& options) {
    std::uint64_t written = 0;
    while (more(out, written, options)) {
      write_line(out);
      ++written;
    }
    return written;
  }

 private:
  // Levels per mille, normally and during an incident.
  static constexpr std::array<std::uint32_t, 5> normal = {200, 660, 105, 32, 3};
  static constexpr std::array<std::uint32_t, 5> incident = {150, 500, 200, 130, 20};

  void advance_clock() {
    const auto x = rng_.below(10000);
    if (x < 6000) return;
    if (x < 9960) return clock_.advance(rng_.between(1, 3));
    if (x < 9995) return clock_.advance(rng_.between(5, 60));
    clock_.advance(rng_.between(300, 3600));  // a quiet spell
  }

  level draw_level() {
    if (incident_left_ > 0) {
      --incident_left_;
    } else if (rng_.chance(1, 20000)) {
      incident_left_ = static_cast<std::uint32_t>(rng_.between(200, 2000));
    }
    const auto& table = incident_left_ > 0 ? incident : normal;
    std::uint32_t x = rng_.below(1000);
    std::size_t i = 0;
    while (i + 1 < table.size() && x >= table[i]) x -= table[i++];
    return static_cast<level>(i);
  }

  void write_line(io::output& out) {
    advance_clock();
    const level severity = draw_level();
    const auto& choices = by_level_[static_cast<std::size_t>(severity)];
    const log_template& t = log_templates[choices[rng_.below(static_cast<std::uint32_t>(choices.size()))]];

    // Every template expands to less than 400 bytes.
    char* const start = out.reserve(512);
    char* p = start;
    const auto put = [&p](std::string_view s) { p = std::copy(s.begin(), s.end(), p); };
    put(clock_.text());
    *p++ = ' ';
    put(level_names[static_cast<std::size_t>(severity)]);
    *p++ = ' ';
    put(t.component);
    *p++ = ':';
    *p++ = ' ';
    for (std::size_t i = 0; i < t.text.size(); ++i) {
      if (t.text[i] != '{') {
        *p++ = t.text[i];
        continue;
      }
      p = expand(p, t.text[i + 1]);
      i += 2;  // the code and '}'
    }
    *p++ = '\n';
    out.advance(static_cast<std::size_t>(p - start));
  }

  char* expand(char* p, char code) {
    const auto put = [&p](std::string_view s) { p = std::copy(s.begin(), s.end(), p); };
    const auto pick = [this](const auto& list) { return list[rng_.below(static_cast<std::uint32_t>(list.size()))]; };
    const auto number = [&p](std::int64_t n) { p = std::to_chars(p, p + 20, n).ptr; };
    switch (code) {
      case 'u':
        put("user_");
        p = write_padded(p, static_cast<std::uint64_t>(rng_.between(1, 50000)), 6);
        break;
      case 'i':
        put("10.");
        number(rng_.below(8));
        *p++ = '.';
        number(rng_.below(256));
        *p++ = '.';
        number(rng_.between(1, 254));
        break;
      case 'd':  // mostly fast, a long tail
        number(rng_.chance(9, 10) ? rng_.between(1, 120) : rng_.between(120, 5000));
        break;
      case 'n': number(rng_.between(1, 500)); break;
      case 'c': number(rng_.between(2, 20)); break;
      case 'r': number(rng_.between(1, 5)); break;
      case 'x': put(pick(server_errors)); break;
      case 'p': put(pick(http_paths)); break;
      case 's': put(pick(http_statuses)); break;
      case 'j': put(pick(jobs)); break;
      case 'h': {
        static constexpr std::string_view hex = "0123456789abcdef";
        std::uint64_t x = rng_.next();
        for (int k = 0; k < 8; ++k, x >>= 4) *p++ = hex[x & 15];
        break;
      }
      case 't': put(pick(tables)); break;
      case 'k':
        put("user:");
        number(rng_.between(1, 50000));
        put(":profile");
        break;
      case 'e': put(pick(errors)); break;
      case 'q': number(rng_.between(50, 99)); break;
      case 'm': number(rng_.between(64, 4096)); break;
      default: break;
    }
    return p;
  }

  rng rng_;
  clock_text clock_;
  std::array<std::vector<std::uint8_t>, 5> by_level_;  // per level: template indexes, each repeated by its weight
  std::uint32_t incident_left_ = 0;
};

// ---- graph ----

class graph_generator {
 public:
  explicit graph_generator(std::uint64_t seed) : rng_(seed), ahead_(rng_.next()) {}

  std::uint64_t run(io::output& out, const gen_options& options) {
    io::csv_write_options dialect;
    dialect.line_terminator = "\n";
    io::csv_writer csv(out, dialect);
    static constexpr std::array<std::string_view, 2> columns = {"source", "target"};
    csv.write_row(std::span<const std::string_view>(columns));
    ends_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(options.rows, max_ends / 2) * 2));

    std::uint64_t written = 0;
    for (std::uint64_t user = 2; more(out, written, options); ++user) {
      // 1-5 friends (30%, 25%, 20%, 15%, 10%), all distinct.
      const auto x = rng_.below(100);
      std::uint64_t friends = x < 30 ? 1 : x < 55 ? 2 : x < 75 ? 3 : x < 90 ? 4 : 5;
      friends = std::min(friends, user - 1);
      std::array<std::uint64_t, 5> chosen{};
      for (std::uint64_t k = 0; k < friends && more(out, written, options); ++k) {
        std::uint64_t v = pick(user);
        for (int attempt = 0; std::find(chosen.begin(), chosen.begin() + k, v) != chosen.begin() + k; ++attempt)
          v = attempt < 16 ? pick(user) : v % (user - 1) + 1;  // a walk over all earlier users ends the search
        chosen[k] = v;
        write_edge(csv, user, v);
        ++written;
      }
    }
    return written;
  }

 private:
  // The graph's edge ends, each user once per friendship: a uniform draw picks users in proportion to
  // their degree. All of them up to max_ends (4 MiB), then a uniform sample of that size.
  static constexpr std::size_t max_ends = std::size_t{1} << 20;

  // An earlier user: one in ten uniformly (so newcomers get found too), otherwise the user at a random
  // edge end, i.e. in proportion to degree. The random slot is drawn one pick ahead and prefetched: the
  // array outgrows the caches, and the load would otherwise wait for memory (half the run time).
  std::uint64_t pick(std::uint64_t user) {
    const std::uint64_t x = ahead_;
    ahead_ = rng_.next();
    if (!ends_.empty()) __builtin_prefetch(ends_.data() + slot(ahead_));
    if (ends_.empty() || (x & 0xFFFFFFFF) % 10 == 0) return uniform(user);
    const std::uint64_t v = ends_[slot(x)];
    return v == user ? uniform(user) : v;
  }
  // A slot of ends_ from the top 32 bits of x (multiply-shift, as rng::below).
  [[nodiscard]] std::size_t slot(std::uint64_t x) const noexcept { return ((x >> 32) * ends_.size()) >> 32; }
  // Uniform in [1, user - 1].
  std::uint64_t uniform(std::uint64_t user) noexcept { return 1 + (((rng_.next() >> 32) * (user - 1)) >> 32); }

  // Reservoir sampling (Vitter's algorithm R): ends_ stays a uniform sample of all the edge ends so far,
  // so a random slot still picks users in proportion to their degree.
  void remember(std::uint64_t user) {
    const auto v = static_cast<std::uint32_t>(user);
    ++seen_ends_;
    if (ends_.size() < max_ends) {
      ends_.push_back(v);
    } else if (const auto j = static_cast<std::uint64_t>((u128{rng_.next()} * seen_ends_) >> 64); j < max_ends) {
      ends_[j] = v;
    }
  }

  void write_edge(io::csv_writer& csv, std::uint64_t source, std::uint64_t target) {
    char buffer[64];
    char* p = buffer;
    const auto user_id = [&p](std::uint64_t id) {
      char* begin = p;
      p = std::copy_n("user_", 5, p);
      p = write_padded(p, id, 6);
      return std::string_view(begin, static_cast<std::size_t>(p - begin));
    };
    const std::array<io::field, 2> row = {user_id(source), user_id(target)};
    csv.write_row(std::span<const io::field>(row));
    remember(source);
    remember(target);
  }

  rng rng_;
  std::uint64_t ahead_;  // the random number of the next pick
  std::vector<std::uint32_t> ends_;
  std::uint64_t seen_ends_ = 0;
};

}  // namespace

std::optional<dataset> parse_dataset(std::string_view name) noexcept {
  if (name == "sensors") return dataset::sensors;
  if (name == "logs") return dataset::logs;
  if (name == "graph") return dataset::graph;
  return std::nullopt;
}

std::uint64_t generate(dataset set, io::output& out, const gen_options& options) {
  switch (set) {
    case dataset::sensors: return sensors_generator(options.seed).run(out, options);
    case dataset::logs: return logs_generator(options.seed).run(out, options);
    case dataset::graph: return graph_generator(options.seed).run(out, options);
  }
  return 0;
}

}  // namespace yieldpipe::cli
