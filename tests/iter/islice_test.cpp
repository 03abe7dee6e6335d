// islice, take and drop: semantics 74-77.
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/islice.hpp>
#include <yieldpipe/iter/map.hpp>
#include <yieldpipe/iter/sources.hpp>
#include <yieldpipe/iter/terminals.hpp>

namespace {

using namespace yieldpipe;
using ints = std::vector<int>;

// 0, 1, …, n - 1, counting the elements pulled; sets *finished when its frame is destroyed (a
// `finally:` block).
generator<int> counting(int n, int* pulled, bool* finished = nullptr) {
  struct on_exit {
    bool* flag;
    ~on_exit() {
      if (flag != nullptr) *flag = true;
    }
  } guard{finished};
  for (int i = 0; i < n; ++i) {
    ++*pulled;
    co_yield i;
  }
}

template <class R>
std::string str(R&& r) {
  std::string out;
  for (char c : r) out += c;
  return out;
}

// The rest of a generator, read with next() (Python's list(it) after the islice).
ints rest(generator<int>& g) {
  ints out;
  while (auto v = g.next()) out.push_back(*v);
  return out;
}

template <class E, class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "no exception";
}

TEST(islice, semantics_74_islice_basics) {
  const std::string s = "ABCDEFG";
  EXPECT_EQ(str(s | islice(2)), "AB");
  EXPECT_EQ(str(s | islice(2, 4)), "CD");
  EXPECT_EQ(str(s | islice(2, std::nullopt)), "CDEFG");
  EXPECT_EQ(str(s | islice(0, std::nullopt, 2)), "ACEG");
  EXPECT_EQ(range(10) | islice(1, 6, 2) | to_vector(), (ints{1, 3, 5}));
  EXPECT_EQ(str(s | islice(5, 2)), "");
  EXPECT_EQ(str(s | islice(std::nullopt, std::nullopt, std::nullopt)), "ABCDEFG");
  EXPECT_EQ(str(s | islice(std::nullopt)), "ABCDEFG");
  EXPECT_EQ(str(s | islice(100)), "ABCDEFG");
  EXPECT_EQ(str(s | islice(3, 100, 3)), "DG");
}

constexpr const char* stop_message = "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.";
constexpr const char* indices_message = "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.";
constexpr const char* step_message = "Step for islice() must be a positive integer or None.";

template <class T>
concept islice_accepts = requires(T v) { islice(v); };

TEST(islice, semantics_75_islice_argument_errors_at_construction) {
  // No source is involved: the checks happen when the stage is made.
  EXPECT_EQ(error_of<std::invalid_argument>([] { (void)islice(-1); }), stop_message);
  EXPECT_EQ(error_of<std::invalid_argument>([] { (void)islice(0, -1); }), stop_message);
  // CPython's own quirk: only -1 gets the "Stop argument" message.
  EXPECT_EQ(error_of<std::invalid_argument>([] { (void)islice(-2); }), indices_message);
  EXPECT_EQ(error_of<std::invalid_argument>([] { (void)islice(-1, 3); }), indices_message);
  EXPECT_EQ(error_of<std::invalid_argument>([] { (void)islice(0, 3, 0); }), step_message);
  EXPECT_EQ(error_of<std::invalid_argument>([] { (void)islice(0, 3, -1); }), step_message);
  EXPECT_EQ(error_of<std::invalid_argument>([] { (void)take(-1); }), stop_message);
  EXPECT_EQ(error_of<std::invalid_argument>([] { (void)drop(-1); }), indices_message);
  // islice(x, 1.5) is Python's ValueError; here it does not compile.
  static_assert(islice_accepts<int>);
  static_assert(islice_accepts<std::size_t>);
  static_assert(!islice_accepts<double>);
  static_assert(!islice_accepts<float>);
}

TEST(islice, semantics_76_consumes_exactly_max_of_start_and_stop) {
  int pulled = 0;
  {
    auto it = counting(10, &pulled);
    EXPECT_EQ(it | islice(1, 6, 2) | to_vector(), (ints{1, 3, 5}));
    EXPECT_EQ(pulled, 6);
    EXPECT_EQ(it.next(), 6);
  }
  {
    auto it = counting(10, &pulled);
    EXPECT_EQ(it | islice(0, 7, 3) | to_vector(), (ints{0, 3, 6}));
    EXPECT_EQ(it.next(), 7);
  }
  {
    auto it = counting(10, &pulled);
    EXPECT_EQ(it | islice(5, 2) | to_vector(), ints{});
    EXPECT_EQ(it.next(), 5);
  }
  {
    pulled = 0;
    auto it = counting(10, &pulled);
    EXPECT_EQ(it | islice(0) | to_vector(), ints{});
    EXPECT_EQ(pulled, 0);
    EXPECT_EQ(it.next(), 0);
  }
  {
    auto it = counting(10, &pulled);
    EXPECT_EQ(it | islice(3) | to_vector(), (ints{0, 1, 2}));
    EXPECT_EQ(rest(it), (ints{3, 4, 5, 6, 7, 8, 9}));
  }
  {
    // A source shorter than stop: everything is read, nothing more is asked for.
    auto it = counting(5, &pulled);
    EXPECT_EQ(it | islice(2, 8) | to_vector(), (ints{2, 3, 4}));
    EXPECT_TRUE(it.done());
  }
}

TEST(islice, semantics_77_pulls_only_what_it_needs_and_never_closes_the_source) {
  int pulled = 0;
  bool finished = false;
  auto gen = counting(1000, &pulled, &finished);
  auto first_two = gen | islice(2);
  EXPECT_EQ(pulled, 0);  // lazy: nothing at creation
  EXPECT_EQ(first_two | to_vector(), (ints{0, 1}));
  EXPECT_EQ(pulled, 2);
  EXPECT_EQ(gen.state(), gen_state::suspended);
  EXPECT_FALSE(finished);  // its `finally` has not run
  EXPECT_EQ(gen.next(), 2);
}

TEST(islice, reads_each_element_only_when_it_is_asked_for) {
  int pulled = 0;
  auto gen = counting(100, &pulled);
  auto view = gen | islice(10, 40, 10);
  auto it = view.begin();
  EXPECT_EQ(*it, 10);
  EXPECT_EQ(pulled, 11);
  ++it;
  EXPECT_EQ(*it, 20);
  EXPECT_EQ(pulled, 21);
  ++it;
  ++it;
  EXPECT_TRUE(it == std::default_sentinel);
  EXPECT_EQ(pulled, 40);
}

TEST(take_and_drop, are_the_common_cases_of_islice) {
  EXPECT_EQ(range(10) | take(3) | to_vector(), (ints{0, 1, 2}));
  EXPECT_EQ(range(10) | drop(7) | to_vector(), (ints{7, 8, 9}));
  EXPECT_EQ(range(3) | take(10) | to_vector(), (ints{0, 1, 2}));
  EXPECT_EQ(range(3) | drop(10) | to_vector(), ints{});
  EXPECT_EQ(range(3) | take(0) | to_vector(), ints{});
  // Over an endless source, and composed before a source is known.
  auto page = drop(20) | take(3);
  EXPECT_EQ(count(0) | page | to_vector(), (ints{20, 21, 22}));
  EXPECT_EQ(count(0) | islice(0, std::nullopt, 5) | take(3) | to_vector(), (ints{0, 5, 10}));
  int pulled = 0;
  auto gen = counting(10, &pulled);
  EXPECT_EQ(gen | drop(8) | to_vector(), (ints{8, 9}));
  EXPECT_EQ(pulled, 10);
}

TEST(take_and_drop, an_owned_source_lives_in_the_view) {
  int pulled = 0;
  auto view = counting(10, &pulled) | map([](int x) { return x * 2; }) | take(2);
  EXPECT_EQ(view | to_vector(), (ints{0, 2}));
  EXPECT_EQ(pulled, 2);
}

TEST(take_and_drop, elements_are_passed_by_reference) {
  std::vector<std::string> words{"a", "b", "c"};
  for (std::string& w : words | drop(1)) w += "!";
  EXPECT_EQ(words, (std::vector<std::string>{"a", "b!", "c!"}));
}

}  // namespace
