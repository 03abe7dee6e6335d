// The guide, "3. Built-in Generators" › "Range and Enumerate": processing daily data for 2024.
//
// yieldpipe::date_range(start, end) is the guide's date_range (both ends included) as a lazy,
// sized view of std::chrono::sys_days. The guide's placeholders fetch_data_for_date and
// process_daily_data are defined here and in tests/examples/python/date_range.py with the same
// seeded xorshift64: each day "fetches" a number of records and errors, and the processing adds
// them up per month.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

// xorshift64 (13, 7, 17), written identically in the Python counterpart.
class xorshift {
 public:
  explicit xorshift(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  long long below(long long n) { return static_cast<long long>(next() % static_cast<std::uint64_t>(n)); }

 private:
  std::uint64_t state_;
};

// Python's `str(datetime)` for midnight, and the day's name (strftime's %A).
std::string show(std::chrono::sys_days day) {
  static constexpr std::array<const char*, 7> names{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                    "Thursday", "Friday", "Saturday"};
  const std::chrono::year_month_day ymd{day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u 00:00:00 (%s)", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                names[std::chrono::weekday{day}.c_encoding()]);
  return buf;
}

struct daily_data {
  std::chrono::sys_days date;
  long long records;
  long long errors;
};

struct monthly_totals {
  long long days = 0, records = 0, errors = 0;
};

}  // namespace

YIELDPIPE_EXAMPLE(170, date_range, "Range and Enumerate") {
  using namespace std::chrono;
  // Process daily data for a year
  const sys_days start = year{2024} / January / 1;
  const sys_days end = year{2024} / December / 31;

  // The guide's placeholders, as lambdas over this run's state.
  xorshift source(365);
  const auto fetch_data_for_date = [&source](sys_days date) {
    const long long records = 100 + source.below(900);
    const long long errors = source.below(10);
    return daily_data{date, records, errors};
  };
  std::array<monthly_totals, 12> months{};
  const auto process_daily_data = [&months](const daily_data& daily) {
    auto& m = months[static_cast<unsigned>(year_month_day{daily.date}.month()) - 1];
    m.days += 1;
    m.records += daily.records;
    m.errors += daily.errors;
  };

  const auto days = yieldpipe::date_range(start, end);
  std::printf("date_range(2024-01-01, 2024-12-31): %zu days (2024 is a leap year)\n", days.size());
  for (const sys_days date : days | yieldpipe::take(3)) std::printf("  %s\n", show(date).c_str());

  for (const sys_days date : yieldpipe::date_range(start, end)) {
    const daily_data daily = fetch_data_for_date(date);
    process_daily_data(daily);
  }

  for (unsigned m = 0; m < months.size(); ++m)
    std::printf("2024-%02u: %lld days, %lld records, %lld errors\n", m + 1, months[m].days, months[m].records,
                months[m].errors);
  std::printf("last day: %s\n", show(*(days | yieldpipe::drop(365) | yieldpipe::first())).c_str());
}
