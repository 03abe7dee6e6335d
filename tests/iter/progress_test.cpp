// progress: a pass-through stage that reports count, rate, percent and ETA.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/pipe.hpp>
#include <yieldpipe/iter/progress.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

namespace {

using namespace yieldpipe;
using namespace std::chrono_literals;
using strings = std::vector<std::string>;

// A clock that moves only when the test says, and counts how often it is read.
struct fake_clock {
  std::chrono::steady_clock::time_point now{};
  int reads = 0;
  auto function() {
    return [this] {
      ++reads;
      return now;
    };
  }
};

strings lines_of(const std::string& text) {
  strings out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Iterates the view, advancing the clock by `step` while the consumer holds each element.
template <class View>
std::vector<int> consume(View&& view, fake_clock& clock, std::chrono::milliseconds step) {
  std::vector<int> out;
  for (int x : view) {
    out.push_back(x);
    clock.now += step;
  }
  return out;
}

TEST(progress, logs_a_line_every_interval_and_a_final_line_when_not_a_terminal) {
  std::ostringstream out;
  fake_clock clock;
  auto view = range(10) | progress({.total = 10, .out = &out, .clock = clock.function(), .check_every = 1});
  EXPECT_EQ(consume(view, clock, 1000ms), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(lines_of(out.str()),
            (strings{"progress: 5/10 (50.0%), 1.0 it/s, ETA 0:05", "progress: 10/10 (100.0%), 1.0 it/s, ETA 0:00",
                     "progress: done, 10 items in 0:10, 1.0 it/s"}));
}

TEST(progress, without_a_total_logs_the_count_rate_and_elapsed_time) {
  std::ostringstream out;
  fake_clock clock;
  auto view = range(12) | progress({.label = "rows", .out = &out, .clock = clock.function(), .check_every = 1});
  consume(view, clock, 500ms);
  EXPECT_EQ(lines_of(out.str()),
            (strings{"rows: 10 items, 2.0 it/s, elapsed 0:05", "rows: done, 12 items in 0:06, 2.0 it/s"}));
}

TEST(progress, draws_a_bar_with_percent_rate_and_eta_on_a_terminal) {
  std::ostringstream out;
  fake_clock clock;
  auto view = range(1000) |
              progress({.total = 1000, .out = &out, .terminal = true, .clock = clock.function(), .check_every = 1});
  consume(view, clock, 10ms);  // 100 elements a second for 10 s
  const std::string text = out.str();
  // At most 10 redraws a second: 100 in 10 s, plus the empty bar at the start and the final one.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 102);
  EXPECT_EQ(text.substr(0, text.find('\r', 1)),
            "\rprogress:   0.0% [                    ] 0/1000 | 0.0 it/s | ETA ?\x1b[K");
  EXPECT_NE(text.find("\rprogress:  50.0% [##########          ] 500/1000 | 100.0 it/s | ETA 0:05\x1b[K"),
            std::string::npos);
  EXPECT_TRUE(
      text.ends_with("\rprogress: 100.0% [####################] 1000/1000 | 100.0 it/s | done in 0:10\x1b[K\n"));
}

TEST(progress, a_bar_without_a_total_shows_the_count_rate_and_elapsed_time) {
  std::ostringstream out;
  fake_clock clock;
  auto view =
      range(30) | progress({.label = "", .out = &out, .terminal = true, .clock = clock.function(), .check_every = 1});
  consume(view, clock, 10ms);
  const std::string text = out.str();
  EXPECT_NE(text.find("\r10 it | 100.0 it/s | 0:00\x1b[K"), std::string::npos);
  EXPECT_TRUE(text.ends_with("\r30 it | 100.0 it/s | done in 0:00\x1b[K\n"));
}

TEST(progress, follows_a_byte_counter_when_the_size_is_known) {
  std::ostringstream out;
  fake_clock clock;
  std::uint64_t bytes = 0;
  auto view = range(10) | map([&](int x) {
                bytes += 1024;  // each element is a 1 KiB record read from a file
                return x;
              }) |
              progress({.bytes_done = [&] { return bytes; },
                        .total_bytes = 10 * 1024,
                        .out = &out,
                        .clock = clock.function(),
                        .check_every = 1});
  consume(view, clock, 1000ms);
  EXPECT_EQ(lines_of(out.str()), (strings{"progress: 5.0 KiB/10.0 KiB (50.0%), 1.0 KiB/s, ETA 0:05",
                                          "progress: 10.0 KiB/10.0 KiB (100.0%), 1.0 KiB/s, ETA 0:00",
                                          "progress: done, 10 items (10.0 KiB/10.0 KiB, 100.0%) in 0:10, 1.0 KiB/s"}));
}

TEST(progress, silent_passes_elements_through_and_prints_nothing) {
  std::ostringstream out;
  fake_clock clock;
  auto view = range(100) | progress({.silent = true, .out = &out, .clock = clock.function()});
  EXPECT_EQ(view | sum(), 4950);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(clock.reads, 0);
}

TEST(progress, passes_elements_through_unchanged_even_as_references) {
  std::ostringstream out;
  std::vector<std::string> words{"a", "b"};
  for (std::string& w : words | progress({.out = &out})) w += "!";
  EXPECT_EQ(words, (strings{"a!", "b!"}));
  EXPECT_TRUE(out.str().starts_with("progress: done, 2 items in 0:00"));
}

TEST(progress, a_consumer_that_stops_early_gets_the_final_line_when_the_view_goes) {
  std::ostringstream out;
  fake_clock clock;
  {
    auto view = range(100) | progress({.out = &out, .clock = clock.function()});
    for (int x : view) {
      clock.now += 1s;
      if (x == 3) break;  // elements 0, 1 and 2 were advanced past
    }
    EXPECT_EQ(out.str(), "");
  }
  EXPECT_EQ(out.str(), "progress: done, 3 items in 0:04, 0.8 it/s\n");
}

TEST(progress, a_moved_view_reports_once) {
  std::ostringstream out;
  auto stage = progress({.out = &out});
  {
    auto first = range(5) | stage;
    auto second = std::move(first);
    EXPECT_EQ(second | count(), 5u);
  }
  EXPECT_EQ(lines_of(out.str()).size(), 1u);
  // A stage is reusable: each view has its own meter.
  EXPECT_EQ(range(3) | stage | map([](int x) { return x * 2; }) | sum(), 6);
  EXPECT_EQ(lines_of(out.str()).size(), 2u);
  EXPECT_TRUE(lines_of(out.str())[1].starts_with("progress: done, 3 items"));
}

TEST(progress, reads_the_clock_rarely_when_elements_are_fast) {
  std::ostringstream out;
  fake_clock clock;  // never moves: elements look infinitely fast
  auto view = range(1'000'000) | progress({.out = &out, .clock = clock.function()});
  EXPECT_EQ(view | count(), 1'000'000u);
  // The stride doubles to 16384: 15 checks to get there, then one per 16384 elements.
  EXPECT_LT(clock.reads, 100);
  EXPECT_GT(clock.reads, 60);
}

TEST(progress, reads_the_clock_at_every_element_when_elements_are_slow) {
  std::ostringstream out;
  fake_clock clock;
  auto view = range(50) | progress({.out = &out, .clock = clock.function()});
  consume(view, clock, 100ms);
  EXPECT_EQ(clock.reads, 1 + 50 + 1);              // start, one per element, finish
  EXPECT_EQ(lines_of(out.str()).size(), 1u + 1u);  // at 5 s, and the final line
}

TEST(progress_meter, can_be_driven_by_hand) {
  std::ostringstream out;
  fake_clock clock;
  progress_meter meter({.label = "files", .total = 4, .out = &out, .clock = clock.function(), .check_every = 1});
  meter.start();
  for (int i = 0; i < 4; ++i) {
    clock.now += 2s;
    meter.tick();
  }
  meter.finish();
  meter.finish();  // once only
  EXPECT_EQ(meter.count(), 4u);
  EXPECT_EQ(lines_of(out.str()),
            (strings{"files: 3/4 (75.0%), 0.5 it/s, ETA 0:02", "files: done, 4 items in 0:08, 0.5 it/s"}));
}

}  // namespace
