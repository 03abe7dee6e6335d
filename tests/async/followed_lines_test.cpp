// Following many files at once on an io_context: existing lines in file order, appended lines in
// arrival order, rotation, truncation, unfinished lines, late files, the polling fallback, stopping
// and the errors.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#include <yieldpipe/async/followed_lines.hpp>
#include <yieldpipe/async/run.hpp>
#include <yieldpipe/core/task.hpp>
#include <yieldpipe/io/error.hpp>

#include "support/temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using yieldpipe::async_generator;
using yieldpipe::task;
using yieldpipe::async::follow_options;
using yieldpipe::async::followed_line;
using yieldpipe::async::followed_lines;
namespace fs = std::filesystem;

// (file index, text): what most tests compare.
using seen = std::vector<std::pair<std::size_t, std::string>>;

seen texts(const std::vector<followed_line>& lines) {
  seen out;
  for (const followed_line& l : lines) out.emplace_back(l.file, l.text);
  return out;
}

// The next `n` lines, fewer if the generator ends.
task<std::vector<followed_line>> take(async_generator<followed_line>& lines, std::size_t n) {
  std::vector<followed_line> got;
  while (got.size() < n) {
    auto l = co_await lines.next();
    if (!l) break;
    got.push_back(std::move(*l));
  }
  co_return got;
}

// Every line until the generator ends.
task<std::vector<followed_line>> take_all(async_generator<followed_line>& lines) {
  std::vector<followed_line> got;
  while (auto l = co_await lines.next()) got.push_back(std::move(*l));
  co_return got;
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

class followed_lines_test : public yieldpipe::test::temp_dir_test {
 protected:
  void SetUp() override {
    temp_dir_test::SetUp();
    // A test that goes wrong ends its generator (and fails on what it got) instead of hanging.
    watchdog_.expires_after(20s);
    watchdog_.async_wait([this](const asio::error_code& ec) {
      if (!ec) stop_.request_stop();
    });
  }

  void append(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
  }
  std::vector<std::string> files(std::initializer_list<const char*> names) {
    std::vector<std::string> paths;
    for (const char* name : names) paths.push_back((dir_ / name).string());
    return paths;
  }
  async_generator<followed_line> follow(std::vector<std::string> paths, follow_options options = {}) {
    options.stop = stop_.get_token();
    return followed_lines(ctx_.get_executor(), std::move(paths), std::move(options));
  }
  std::vector<followed_line> take(async_generator<followed_line>& lines, std::size_t n) {
    return yieldpipe::async::run(ctx_, ::take(lines, n));
  }
  // Runs `fn` on the io_context after `delay`: while the generator waits for changes.
  void after(std::chrono::milliseconds delay, std::function<void()> fn) {
    auto timer = std::make_shared<asio::steady_timer>(ctx_, delay);
    timer->async_wait([timer, fn = std::move(fn)](const asio::error_code& ec) {
      if (!ec) fn();
    });
  }

  asio::io_context ctx_;
  std::stop_source stop_;
  asio::steady_timer watchdog_{ctx_};
};

TEST_F(followed_lines_test, existing_lines_come_file_after_file_then_appended_lines_in_the_order_they_arrive) {
  const auto paths = files({"app1.log", "app2.log", "app3.log", "app4.log"});
  for (std::size_t i = 0; i < 4; ++i)
    write("a" + std::to_string(i) + "\nb" + std::to_string(i) + "\n", "app" + std::to_string(i + 1) + ".log");
  auto lines = follow(paths, {.safety_interval = 1h});  // inotify alone
  EXPECT_EQ(texts(take(lines, 8)),
            (seen{{0, "a0"}, {0, "b0"}, {1, "a1"}, {1, "b1"}, {2, "a2"}, {2, "b2"}, {3, "a3"}, {3, "b3"}}));
  after(20ms, [&] {
    append(paths[2], "c2\n");
    append(paths[0], "c0\n");
    append(paths[3], "c3\nd3\n");
    append(paths[1], "c1\n");
  });
  const auto got = take(lines, 5);
  EXPECT_EQ(texts(got), (seen{{2, "c2"}, {0, "c0"}, {3, "c3"}, {3, "d3"}, {1, "c1"}}));
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[2].number, 3u);
  EXPECT_EQ(got[2].offset, 6u);
  EXPECT_EQ(got[3].number, 4u);
  EXPECT_EQ(got[3].offset, 9u);
}

TEST_F(followed_lines_test, a_busy_file_hands_out_at_most_256_lines_in_a_row_while_another_waits) {
  const auto paths = files({"busy.log", "quiet.log"});
  write("", "busy.log");
  write("", "quiet.log");
  auto lines = follow(paths, {.safety_interval = 1h});
  std::string many;
  for (int i = 0; i < 1000; ++i) many += std::to_string(i) + "\n";
  after(20ms, [&] {
    append(paths[0], many);
    append(paths[1], "quiet\n");
  });
  const auto got = take(lines, 1001);
  ASSERT_EQ(got.size(), 1001u);
  EXPECT_EQ(got[256].file, 1u);
  EXPECT_EQ(got[256].text, "quiet");
  for (std::size_t i = 0, k = 0; i < got.size(); ++i) {
    if (i == 256) continue;
    EXPECT_EQ(got[i].text, std::to_string(k++));  // the busy file's lines in order
  }
}

TEST_F(followed_lines_test, a_rotated_file_is_read_to_its_end_then_its_successor_from_its_start) {
  const auto paths = files({"app.log", "other.log"});
  write("one\n", "app.log");
  write("", "other.log");
  auto lines = follow(paths, {.safety_interval = 1h});
  EXPECT_EQ(texts(take(lines, 1)), (seen{{0, "one"}}));
  fs::rename(paths[0], paths[0] + ".1");
  append(paths[0] + ".1", "two\nunfinished");
  write("new\n", "app.log");
  const auto got = take(lines, 3);
  EXPECT_EQ(texts(got), (seen{{0, "two"}, {0, "unfinished"}, {0, "new"}}));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].number, 1u);                       // the new file's first line
  after(20ms, [&] { append(paths[0], "newer\n"); });  // seen through the successor's own watch
  EXPECT_EQ(texts(take(lines, 1)), (seen{{0, "newer"}}));
  after(20ms, [&] {
    append(paths[0] + ".1", "late\n");  // the old file is done with
    append(paths[0], "newest\n");
  });
  EXPECT_EQ(texts(take(lines, 1)), (seen{{0, "newest"}}));
}

TEST_F(followed_lines_test, a_truncated_file_is_read_again_from_its_start) {
  const auto paths = files({"app.log"});
  write("first line\nsecond line\n", "app.log");
  auto lines = follow(paths, {.safety_interval = 1h});
  EXPECT_EQ(take(lines, 2).size(), 2u);
  after(20ms, [&] { write("x\n", "app.log"); });  // copytruncate: the same file, shorter
  const auto got = take(lines, 1);
  EXPECT_EQ(texts(got), (seen{{0, "x"}}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].number, 1u);
  EXPECT_EQ(got[0].offset, 0u);
}

TEST_F(followed_lines_test, an_unfinished_line_is_handed_out_once_its_end_is_written) {
  const auto paths = files({"a.log", "b.log"});
  write("whole\npart", "a.log");
  write("", "b.log");
  auto lines = follow(paths, {.safety_interval = 1h});
  EXPECT_EQ(texts(take(lines, 1)), (seen{{0, "whole"}}));
  after(20ms, [&] { append(paths[1], "from b\n"); });
  EXPECT_EQ(texts(take(lines, 1)), (seen{{1, "from b"}}));  // "part" is not a line yet
  after(20ms, [&] { append(paths[0], "ial\r\n"); });
  const auto got = take(lines, 1);
  EXPECT_EQ(texts(got), (seen{{0, "partial"}}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].offset, 6u);
}

TEST_F(followed_lines_test, a_file_created_after_the_start_is_read_from_its_start) {
  const auto paths = files({"present.log", "later.log"});
  write("here\n", "present.log");
  auto lines = follow(paths, {.safety_interval = 1h, .wait_for_missing = true});
  EXPECT_EQ(texts(take(lines, 1)), (seen{{0, "here"}}));
  after(20ms, [&] { write("born\nwith two lines\n", "later.log"); });
  EXPECT_EQ(texts(take(lines, 2)), (seen{{1, "born"}, {1, "with two lines"}}));
  after(20ms, [&] { append(paths[1], "and more\n"); });
  EXPECT_EQ(texts(take(lines, 1)), (seen{{1, "and more"}}));
}

TEST_F(followed_lines_test, a_file_in_a_directory_created_later_is_polled_until_it_appears) {
  const auto paths = std::vector<std::string>{(dir_ / "a.log").string(), (dir_ / "sub" / "b.log").string()};
  write("", "a.log");
  auto lines = follow(paths, {.poll_interval = 20ms, .wait_for_missing = true});
  after(20ms, [&] { append(paths[0], "a\n"); });
  EXPECT_EQ(texts(take(lines, 1)), (seen{{0, "a"}}));
  after(20ms, [&] {
    fs::create_directory(dir_ / "sub");
    write("b\n", "sub/b.log");
  });
  EXPECT_EQ(texts(take(lines, 1)), (seen{{1, "b"}}));
}

TEST_F(followed_lines_test, the_polling_fallback_follows_appends_rotation_and_truncation) {
  const auto paths = files({"a.log", "b.log"});
  write("a1\n", "a.log");
  write("b1\n", "b.log");
  auto lines = follow(paths, {.use_inotify = false, .poll_interval = 20ms});
  EXPECT_EQ(texts(take(lines, 2)), (seen{{0, "a1"}, {1, "b1"}}));
  const std::size_t fds = open_descriptors();
  append(paths[1], "b2\n");
  EXPECT_EQ(texts(take(lines, 1)), (seen{{1, "b2"}}));
  fs::rename(paths[0], paths[0] + ".1");
  write("a-new\n", "a.log");
  EXPECT_EQ(texts(take(lines, 1)), (seen{{0, "a-new"}}));
  write("cut\n", "b.log");  // shorter than what was read: truncated
  EXPECT_EQ(texts(take(lines, 1)), (seen{{1, "cut"}}));
  EXPECT_EQ(open_descriptors(), fds);  // no inotify descriptor, and the rotated file's closed
}

TEST_F(followed_lines_test, on_caught_up_is_called_after_the_existing_lines_and_after_each_batch) {
  const auto paths = files({"a.log", "b.log"});
  write("1\n2\n", "a.log");
  write("3\n", "b.log");
  std::vector<std::size_t> calls;  // lines seen at each call
  std::size_t seen_lines = 0;
  auto lines = follow(paths, {.on_caught_up = [&] { calls.push_back(seen_lines); }});
  const auto count = [](async_generator<followed_line>& g, std::size_t n, std::size_t* counter) -> task<void> {
    for (std::size_t i = 0; i < n; ++i)
      if (co_await g.next()) ++*counter;
  };
  yieldpipe::async::run(ctx_, count(lines, 3, &seen_lines));
  EXPECT_TRUE(calls.empty());  // not before the generator runs out of lines
  after(20ms, [&] {
    append(paths[0], "4\n");
    append(paths[1], "5\n");
  });
  yieldpipe::async::run(ctx_, count(lines, 2, &seen_lines));
  EXPECT_EQ(calls, (std::vector<std::size_t>{3}));  // once, after the existing lines
  after(30ms, [this] { stop_.request_stop(); });
  yieldpipe::async::run(ctx_, count(lines, 1, &seen_lines));
  EXPECT_EQ(calls, (std::vector<std::size_t>{3, 5}));  // after the batch, before waiting again
  EXPECT_EQ(seen_lines, 5u);
}

TEST_F(followed_lines_test, a_stop_request_ends_a_waiting_generator_and_releases_its_descriptors) {
  const auto paths = files({"a.log", "b.log"});
  write("a\n", "a.log");
  write("b\n", "b.log");
  const std::size_t before = open_descriptors();
  auto lines = follow(paths);
  EXPECT_EQ(take(lines, 2).size(), 2u);
  EXPECT_GT(open_descriptors(), before);  // two files and inotify
  after(30ms, [this] { stop_.request_stop(); });
  EXPECT_TRUE(yieldpipe::async::run(ctx_, take_all(lines)).empty());
  EXPECT_EQ(lines.state(), yieldpipe::gen_state::closed);
  EXPECT_EQ(open_descriptors(), before);
}

TEST_F(followed_lines_test, a_stop_requested_on_another_thread_ends_the_generator) {
  const auto paths = files({"a.log"});
  write("a\n", "a.log");
  auto lines = follow(paths);
  EXPECT_EQ(take(lines, 1).size(), 1u);
  std::thread other([this] {
    std::this_thread::sleep_for(30ms);
    stop_.request_stop();
  });
  const auto rest = yieldpipe::async::run(ctx_, take_all(lines));
  other.join();
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(lines.state(), yieldpipe::gen_state::closed);
}

TEST_F(followed_lines_test, a_consumer_that_stops_early_releases_the_files_and_the_watches) {
  const auto paths = files({"a.log", "b.log", "c.log", "d.log"});
  for (const char* name : {"a.log", "b.log", "c.log", "d.log"}) write("1\n2\n3\n", name);
  const std::size_t before = open_descriptors();
  {
    auto lines = follow(paths);
    EXPECT_EQ(take(lines, 2).size(), 2u);
    EXPECT_EQ(open_descriptors(), before + 5);  // four files and inotify
  }                                             // destroyed while suspended at a co_yield
  EXPECT_EQ(open_descriptors(), before);
  {
    auto lines = follow(paths);
    EXPECT_EQ(take(lines, 12).size(), 12u);
    const auto close = [](async_generator<followed_line>& g) -> task<void> { co_await g.aclose(); };
    yieldpipe::async::run(ctx_, close(lines));  // Python's aclose(): generator_exit at the co_yield
    EXPECT_EQ(lines.state(), yieldpipe::gen_state::closed);
    EXPECT_EQ(open_descriptors(), before);
  }
  ctx_.poll();  // the cancelled waits complete, finding nothing to act on
  EXPECT_EQ(open_descriptors(), before);
}

TEST_F(followed_lines_test, a_missing_path_is_an_io_error_naming_it_unless_waited_for) {
  const auto paths = files({"here.log", "missing.log"});
  write("x\n", "here.log");
  auto lines = follow(paths);
  try {
    (void)take(lines, 1);
    FAIL() << "no io_error";
  } catch (const yieldpipe::io::io_error& e) {
    EXPECT_NE(std::string(e.what()).find(paths[1]), std::string::npos) << e.what();
  }
  EXPECT_EQ(lines.state(), yieldpipe::gen_state::closed);
}

TEST_F(followed_lines_test, a_path_that_never_appears_is_waited_for_while_the_others_are_followed) {
  const auto paths = files({"here.log", "never.log"});
  write("x\n", "here.log");
  auto lines = follow(paths, {.safety_interval = 20ms, .wait_for_missing = true});
  EXPECT_EQ(texts(take(lines, 1)), (seen{{0, "x"}}));
  after(20ms, [&] { append(paths[0], "y\n"); });
  EXPECT_EQ(texts(take(lines, 1)), (seen{{0, "y"}}));
  after(100ms, [this] { stop_.request_stop(); });  // several safety checks of the missing path
  EXPECT_TRUE(yieldpipe::async::run(ctx_, take_all(lines)).empty());
}

TEST_F(followed_lines_test, a_directory_is_an_io_error_naming_it) {
  fs::create_directory(dir_ / "logs");
  const auto paths = files({"logs"});
  for (const bool wait : {false, true}) {
    auto lines = follow(paths, {.wait_for_missing = wait});
    try {
      (void)take(lines, 1);
      FAIL() << "no io_error";
    } catch (const yieldpipe::io::io_error& e) {
      EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
    }
  }
}

TEST_F(followed_lines_test, an_unreadable_file_is_an_io_error_naming_it) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: chmod 000 cannot fail an open";
  const auto paths = files({"locked.log"});
  write("x\n", "locked.log");
  fs::permissions(paths[0], fs::perms::none);
  auto lines = follow(paths, {.wait_for_missing = true});
  try {
    (void)take(lines, 1);
    FAIL() << "no io_error";
  } catch (const yieldpipe::io::io_error& e) {
    EXPECT_NE(std::string(e.what()).find(paths[0]), std::string::npos) << e.what();
  }
}

TEST_F(followed_lines_test, a_file_that_becomes_unreadable_ends_the_generator_with_an_io_error) {
  // Root can read a chmod 000 file, but no one can read a directory: the path replaced by one
  // makes the follower open it at the rotation check, and its read fails (EISDIR).
  const auto paths = files({"app.log"});
  write("x\n", "app.log");
  auto lines = follow(paths);
  EXPECT_EQ(take(lines, 1).size(), 1u);
  fs::remove(paths[0]);
  fs::create_directory(paths[0]);
  EXPECT_THROW((void)take(lines, 1), yieldpipe::io::io_error);
  EXPECT_EQ(lines.state(), yieldpipe::gen_state::closed);
}

}  // namespace
