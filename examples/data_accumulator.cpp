// The guide, "4. Coroutines" › "Basic Coroutine": data_accumulator.
//
// yieldpipe::data_accumulator is the guide's coroutine, with Python's protocol call for call (see
// yieldpipe/iter/coroutines.hpp): `send(v)` returns the average so far and the `next()` after it
// returns None, so the guide's `avg1 = next(accumulator)  # 10.0` is None in Python, and here. The
// example prints both calls, then streams a sensor feed (seeded xorshift64, readings in steps of
// 0.25; tests/examples/python/data_accumulator.py draws the same) through the coroutine, reading
// the average from send(). The coroutine keeps a count and a compensated sum (O(1) memory); with
// readings in steps of 0.25 every sum is exact, so both languages print the same averages.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <system_error>
#include <yieldpipe/core.hpp>
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

// Python's print() of what the coroutine yields: None, or a float's repr (the shortest text that
// reads back the same, ".0" added to whole numbers; exact for the magnitudes printed here).
std::string py_str(const std::optional<double>& v) {
  if (!v) return "None";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *v);
  std::string s(buf, ec == std::errc{} ? end : buf);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

yieldpipe::generator<double> live_sensor_feed(int n) {
  xorshift rng(99);
  for (int i = 0; i < n; ++i) co_yield 20.0 + static_cast<double>(rng.below(40)) / 4;
}

}  // namespace

YIELDPIPE_EXAMPLE(195, data_accumulator, "Basic Coroutine") {
  // Usage
  auto accumulator = yieldpipe::data_accumulator();
  accumulator.next();  // Prime the coroutine

  // Send data and get results. Each call returns an optional (empty at the end) of what the
  // coroutine yields, itself an optional: an empty one is Python's None.
  const auto sent1 = *accumulator.send(10);
  const auto avg1 = *accumulator.next();  // the guide's comment says 10.0: it is None
  std::printf("accumulator.send(10) -> %s; avg1 = next(accumulator) -> %s\n", py_str(sent1).c_str(),
              py_str(avg1).c_str());

  const auto sent2 = *accumulator.send(20);
  const auto avg2 = *accumulator.next();  // the guide's comment says 15.0: it is None
  std::printf("accumulator.send(20) -> %s; avg2 = next(accumulator) -> %s\n", py_str(sent2).c_str(),
              py_str(avg2).c_str());

  // A stream: the running average of 1,000 readings, read from send().
  auto feed_accumulator = yieldpipe::data_accumulator();
  feed_accumulator.next();
  double average = 0;
  for (auto [index, reading] : live_sensor_feed(1000) | yieldpipe::enumerate(1)) {
    average = **feed_accumulator.send(reading);
    feed_accumulator.next();
    if (index % 200 == 0) std::printf("after %d readings: average %.4f\n", index, average);
  }
}
