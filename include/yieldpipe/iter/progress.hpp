#pragma once
// progress: the guide's progress_generator as a pass-through stage that draws a progress bar.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <iterator>
#include <limits>
#include <optional>
#include <ostream>
#include <ranges>
#include <string>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/memory.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// How `progress` reports.
struct progress_options {
  using clock_type = std::chrono::steady_clock;

  std::string label = "progress";        ///< printed first (`"label: ..."`); empty for none
  std::optional<std::uint64_t> total{};  ///< the number of elements, when known: percent and ETA
  /// Bytes processed so far (e.g. a reader's offset), read at each redraw; with `total_bytes`
  /// (e.g. the file size), percent and ETA follow the bytes rather than the elements.
  std::function<std::uint64_t()> bytes_done{};
  std::uint64_t total_bytes = 0;
  bool silent = false;          ///< pass the elements through and print nothing
  std::ostream* out = nullptr;  ///< where to draw; `nullptr` is `std::cerr`. Must outlive the stage's views.
  /// A bar redrawn in place (true) or periodic log lines (false). Default: a bar when writing to
  /// `std::cerr` and stderr is a terminal (`isatty`), log lines otherwise.
  std::optional<bool> terminal{};
  std::chrono::milliseconds redraw_interval{100};   ///< bar: at most one redraw per interval
  std::chrono::milliseconds log_interval{5000};     ///< log lines: one per interval, plus a final one
  std::function<clock_type::time_point()> clock{};  ///< `steady_clock::now` unless given (for tests)
  /// Read the clock every `check_every` elements; 0 adapts the stride (1 to 16384) so that the clock
  /// is read about once a millisecond to once every 20 ms, whatever the element rate.
  std::uint32_t check_every = 0;
};

/// The counter and renderer behind `progress`, usable on its own: `start()`, `tick()` per element,
/// `finish()` (or destruction) at the end. `tick()` costs an increment and a decrement-and-test;
/// the clock is read only every N ticks (see `progress_options::check_every`) and the output is
/// redrawn only when the interval has passed.
class progress_meter {
 public:
  using clock_type = progress_options::clock_type;
  using time_point = clock_type::time_point;

  explicit progress_meter(progress_options options = {}) : options_(std::move(options)) {
    const bool to_stderr = options_.out == nullptr;
    out_ = to_stderr ? &std::cerr : options_.out;
    bar_ = options_.terminal.value_or(to_stderr && ::isatty(STDERR_FILENO) == 1);
    if (!options_.clock) options_.clock = [] { return clock_type::now(); };
  }
  progress_meter(const progress_meter&) = delete;
  progress_meter& operator=(const progress_meter&) = delete;
  // The moved-from meter is inert: only the meter that started draws.
  progress_meter(progress_meter&& other) noexcept { take(other); }
  progress_meter& operator=(progress_meter&& other) noexcept {
    if (this != &other) {
      finish_quietly();
      take(other);
    }
    return *this;
  }
  /// Draws the final line if the meter started and did not finish (the consumer stopped early).
  ~progress_meter() { finish_quietly(); }

  /// Records the start time (and draws the empty bar). Later calls do nothing.
  void start() {
    if (started_) return;
    started_ = true;
    if (options_.silent) return;
    start_ = last_check_ = last_output_ = options_.clock();
    stride_ = options_.check_every != 0 ? options_.check_every : 1;
    countdown_ = stride_;
    if (bar_) draw(start_, false);
  }

  /// One more element.
  void tick() {
    ++count_;
    if (--countdown_ == 0) [[unlikely]]
      checkpoint();
  }

  /// Draws the final state (the bar's last redraw and a newline, or the final log line). Later
  /// calls do nothing.
  void finish() {
    if (!started_ || finished_) return;
    finished_ = true;
    if (options_.silent) return;
    draw(options_.clock(), true);
  }

  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }

 private:
  static constexpr std::uint32_t never = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t max_stride = 16384;

  void take(progress_meter& other) noexcept {
    options_ = std::move(other.options_);
    out_ = other.out_;
    bar_ = other.bar_;
    started_ = std::exchange(other.started_, false);
    finished_ = other.finished_;
    count_ = other.count_;
    countdown_ = other.countdown_;
    stride_ = other.stride_;
    start_ = other.start_;
    last_check_ = other.last_check_;
    last_output_ = other.last_output_;
  }

  void finish_quietly() noexcept {
    try {
      finish();
    } catch (...) {  // a throwing byte counter or clock must not escape a destructor
    }
  }

  [[gnu::noinline]] void checkpoint() {
    if (options_.silent || !started_ || finished_) {
      countdown_ = never;
      return;
    }
    const time_point now = options_.clock();
    if (options_.check_every == 0) {
      const auto since = now - last_check_;
      if (since < std::chrono::milliseconds(1))
        stride_ = std::min(stride_ * 2, max_stride);
      else if (since > std::chrono::milliseconds(20) && stride_ > 1)
        stride_ /= 2;
    }
    last_check_ = now;
    countdown_ = stride_;
    const auto interval = bar_ ? options_.redraw_interval : options_.log_interval;
    if (now - last_output_ >= interval) {
      last_output_ = now;
      draw(now, false);
    }
  }

  static std::string fixed1(double v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
  }
  static std::string duration(double seconds) {
    const auto s = static_cast<std::uint64_t>(std::max(seconds, 0.0));
    char buf[48];
    if (s >= 3600)
      std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                    static_cast<unsigned long long>(s / 60 % 60), static_cast<unsigned long long>(s % 60));
    else
      std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(s / 60),
                    static_cast<unsigned long long>(s % 60));
    return buf;
  }
  static std::string item_rate(double per_second) {
    if (per_second >= 1e6) return fixed1(per_second / 1e6) + "M it/s";
    if (per_second >= 1e4) return fixed1(per_second / 1e3) + "k it/s";
    return fixed1(per_second) + " it/s";
  }

  void draw(time_point now, bool final) {
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const bool by_bytes = static_cast<bool>(options_.bytes_done);
    const std::uint64_t bytes = by_bytes ? options_.bytes_done() : 0;
    const double done = by_bytes ? static_cast<double>(bytes) : static_cast<double>(count_);
    const double rate = elapsed > 0 ? done / elapsed : 0.0;
    std::optional<double> total;
    if (by_bytes && options_.total_bytes > 0)
      total = static_cast<double>(options_.total_bytes);
    else if (!by_bytes && options_.total)
      total = static_cast<double>(*options_.total);
    const std::string rate_text = by_bytes ? format_bytes(static_cast<std::uint64_t>(rate)) + "/s" : item_rate(rate);
    const std::string done_text = by_bytes ? format_bytes(bytes) : std::to_string(count_);
    const std::string eta = total && rate > 0 ? duration((*total - done) / rate) : std::string("?");
    const std::string prefix = options_.label.empty() ? std::string() : options_.label + ": ";

    std::string line = prefix;
    if (bar_) {
      if (total) {
        const double fraction = *total > 0 ? done / *total : 1.0;
        constexpr int width = 20;
        const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * width);
        char pct[16];
        std::snprintf(pct, sizeof pct, "%5.1f%%", fraction * 100.0);
        line += pct;
        line += " [" + std::string(static_cast<std::size_t>(filled), '#') +
                std::string(static_cast<std::size_t>(width - filled), ' ') + "] ";
        line += done_text + "/" + (by_bytes ? format_bytes(options_.total_bytes) : std::to_string(*options_.total));
        if (by_bytes) line += " | " + std::to_string(count_) + " it";
      } else {
        line += done_text + (by_bytes ? "" : " it");
        if (by_bytes) line += " | " + std::to_string(count_) + " it";
      }
      line += " | " + rate_text + " | ";
      line += final ? "done in " + duration(elapsed) : total ? "ETA " + eta : duration(elapsed);
      *out_ << '\r' << line << "\x1b[K";
      if (final) *out_ << '\n';
      out_->flush();
      return;
    }
    if (final) {
      line += "done, " + std::to_string(count_) + " items";
      // With a byte total, how much of it was read: 100% unless the consumer stopped early.
      if (by_bytes && total)
        line += " (" + done_text + "/" + format_bytes(options_.total_bytes) + ", " +
                fixed1(*total > 0 ? done / *total * 100.0 : 100.0) + "%)";
      else if (by_bytes)
        line += " (" + done_text + ")";
      line += " in " + duration(elapsed) + ", " + rate_text;
    } else if (total) {
      const double fraction = *total > 0 ? done / *total : 1.0;
      line += done_text + "/" + (by_bytes ? format_bytes(options_.total_bytes) : std::to_string(*options_.total)) +
              " (" + fixed1(fraction * 100.0) + "%), " + rate_text + ", ETA " + eta;
    } else {
      line += std::to_string(count_) + " items";
      if (by_bytes) line += " (" + done_text + ")";
      line += ", " + rate_text + ", elapsed " + duration(elapsed);
    }
    *out_ << line << '\n';
    out_->flush();
  }

  progress_options options_;
  std::ostream* out_ = nullptr;
  bool bar_ = false;
  bool started_ = false;
  bool finished_ = false;
  std::uint64_t count_ = 0;
  std::uint32_t countdown_ = never;
  std::uint32_t stride_ = 1;
  time_point start_{};
  time_point last_check_{};
  time_point last_output_{};
};

/// The view of `progress(options)`: the base range's elements, unchanged, counted by a
/// `progress_meter`.
template <std::ranges::input_range V>
  requires std::ranges::view<V>
class progress_view : public std::ranges::view_interface<progress_view<V>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;

 public:
  struct sentinel {
    base_sentinel end_{};
  };

  class iterator : public detail::input_iterator_facade<iterator, std::ranges::range_value_t<V>,
                                                        std::ranges::range_difference_t<V>> {
   public:
    iterator() = default;
    iterator(progress_meter* meter, base_iterator current) : meter_(meter), current_(std::move(current)) {}

    decltype(auto) operator*() const { return *current_; }
    iterator& operator++() {
      ++current_;
      meter_->tick();
      return *this;
    }

    // Reaching the end is where the final line is drawn.
    friend bool operator==(const iterator& it, const sentinel& s) {
      if (it.current_ == s.end_) {
        it.meter_->finish();
        return true;
      }
      return false;
    }

   private:
    progress_meter* meter_ = nullptr;
    base_iterator current_{};
  };

  progress_view(V base, progress_options options) : base_(std::move(base)), meter_(std::move(options)) {}

  iterator begin() {
    meter_.start();
    return {&meter_, std::ranges::begin(base_)};
  }
  sentinel end() { return {std::ranges::end(base_)}; }

  /// The elements counted so far.
  [[nodiscard]] std::uint64_t count() const noexcept { return meter_.count(); }

 private:
  V base_;
  progress_meter meter_;
};

/// The guide's `progress_generator(iterable, total)` as a stage: `range | progress({.total = n})`
/// passes the elements through unchanged and reports on stderr how many went by, the rate (items/s)
/// and, when the total (or `bytes_done` and `total_bytes`) is known, the percent and the ETA.
///
/// On a terminal, a bar redrawn in place at most 10 times a second
/// (`label:  42.0% [########            ] 420/1000 | 400.0 it/s | ETA 0:01`); otherwise a log line every 5 s
/// (`label: 420/1000 (42.0%), 400.0 it/s, ETA 0:01`), and a final line either way
/// (`label: done, 1000 items in 0:02, 500.0 it/s` in the log form; with bytes and their total,
/// `label: done, 1000 items (45.2 KiB/45.2 KiB, 100.0%) in 0:02, 22.6 KiB/s`). `silent` prints nothing.
/// The output stream and the clock are injectable (see `progress_options`).
///
/// Cost per element: an increment and a countdown (the clock is read every N elements, N adapted to
/// the rate); constant memory. The view counts an element when the consumer advances past it, and
/// draws the final line when the consumer reaches the end, or when the view is destroyed after a
/// consumer stopped early. The options' stream must outlive the view.
inline auto progress(progress_options options = {}) {
  return stage{[options = std::move(options)]<std::ranges::viewable_range R>(R&& range) {
    return progress_view<std::views::all_t<R>>(std::views::all(std::forward<R>(range)), options);
  }};
}

}  // namespace yieldpipe
