// The guide, "How Yield Works Internally" › "Iterator Protocol Implementation".
#include <cstdio>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <yieldpipe/core.hpp>

#include "example.hpp"

namespace {

/// Manual implementation of what co_yield does automatically.
class manual_iterator {
 public:
  // Python's __next__: the next element, or nothing at the end (StopIteration).
  std::optional<std::string> next() {
    if (state_ == 0) {
      local_vars_["counter"] = 0;
      state_ = 1;
      return "First";
    } else if (state_ == 1) {
      local_vars_["counter"] += 1;
      state_ = 2;
      return "Second (counter: " + std::to_string(local_vars_["counter"]) + ")";
    } else {
      return std::nullopt;
    }
  }

  // Python's __iter__ returns self; range-for needs begin(), end() and an iterator type as well,
  // more code that a generator gets for free.
  class iterator {
   public:
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    explicit iterator(manual_iterator* owner) : owner_(owner), current_(owner->next()) {}

    const std::string& operator*() const { return *current_; }
    iterator& operator++() {
      current_ = owner_->next();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return !it.current_; }

   private:
    manual_iterator* owner_ = nullptr;
    std::optional<std::string> current_;
  };

  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() const { return {}; }

 private:
  int state_ = 0;
  std::map<std::string, int> local_vars_;  // Simulate local variable preservation
};

// Compare with generator
yieldpipe::generator<std::string, void, std::string> auto_generator() {
  int counter = 0;
  co_yield "First";
  counter += 1;
  co_yield "Second (counter: " + std::to_string(counter) + ")";
  co_return "Done";
}

}  // namespace

YIELDPIPE_EXAMPLE(50, manual_iterator_vs_generator, "Iterator Protocol Implementation") {
  // Both produce the same results
  manual_iterator manual;
  auto automatic = auto_generator();

  std::puts("Manual iterator:");
  for (const auto& item : manual) std::puts(item.c_str());

  std::puts("\nGenerator (automatic):");
  for (const auto& item : automatic) std::puts(item.c_str());
}
