// output: buffered sink, atomic file replacement, write errors, closed pipes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/output.hpp>
#include <yieldpipe/io/writers.hpp>

namespace {

using namespace yieldpipe;
namespace fs = std::filesystem;

class output_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() / ("yieldpipe_output_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(root_, fs::perms::owner_all, ec);
    fs::remove_all(root_, ec);
  }

  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // The names in the directory (temporary files included).
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(root_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path root_;
};

TEST_F(output_test, a_file_appears_only_at_commit_and_whole) {
  const auto target = root_ / "out.csv";
  io::output out(target.string());
  EXPECT_TRUE(out.atomic());
  out.write("hello, ");
  out.put('w');
  out.write("orld\n");
  out.flush();
  EXPECT_FALSE(fs::exists(target));
  const auto names = entries();
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].rfind(".out.csv.tmp.", 0), 0u) << names[0];
  EXPECT_EQ(out.bytes_written(), 13u);

  out.commit();
  EXPECT_TRUE(out.committed());
  EXPECT_EQ(slurp(target), "hello, world\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.csv"});
}

TEST_F(output_test, an_exception_before_commit_leaves_the_target_untouched_and_no_temporary) {
  const auto target = root_ / "result.txt";
  std::ofstream(target) << "previous contents\n";
  try {
    io::output out(target.string(), {.buffer_size = 64});
    for (int i = 0; i < 1000; ++i) out.write("a line that goes to the temporary file\n");
    throw std::runtime_error("the pipeline failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(slurp(target), "previous contents\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"result.txt"});
}

TEST_F(output_test, a_replaced_file_keeps_its_mode) {
  const auto target = root_ / "data.csv";
  std::ofstream(target) << "old";
  fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  io::output out(target.string());
  out.write("new");
  out.commit();
  EXPECT_EQ(slurp(target), "new");
  EXPECT_EQ(fs::status(target).permissions(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST_F(output_test, a_symbolic_link_is_followed_and_stays_a_link) {
  const auto real = root_ / "real.txt";
  const auto link = root_ / "link.txt";
  std::ofstream(real) << "old";
  fs::create_symlink(real, link);
  io::output out(link.string());
  out.write("new");
  out.commit();
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(slurp(real), "new");
}

TEST_F(output_test, writes_of_every_size_arrive_in_order) {
  const auto target = root_ / "mixed.bin";
  std::string expected;
  {
    io::output out(target.string(), {.buffer_size = 100});
    for (int i = 0; i < 500; ++i) {
      const std::string chunk(static_cast<std::size_t>(i % 257), static_cast<char>('a' + i % 26));
      out.write(chunk);
      expected += chunk;
      out.put('|');
      expected += '|';
      char* at = out.reserve(3);
      at[0] = '1';
      at[1] = '2';
      out.advance(2);
      expected += "12";
    }
    EXPECT_EQ(out.bytes_written(), expected.size());
    out.commit();
  }
  EXPECT_EQ(slurp(target), expected);
}

TEST_F(output_test, reserving_more_than_the_buffer_is_an_error) {
  io::output out((root_ / "x").string(), {.buffer_size = 64});
  EXPECT_THROW((void)out.reserve(65), std::length_error);
}

TEST_F(output_test, writing_after_commit_is_a_logic_error_and_a_second_commit_does_nothing) {
  io::output out((root_ / "x").string());
  out.write("a");
  out.commit();
  EXPECT_NO_THROW(out.commit());
  EXPECT_THROW(out.write("b"), std::logic_error);
  EXPECT_THROW(out.put('b'), std::logic_error);
  EXPECT_EQ(slurp(root_ / "x"), "a");
}

TEST_F(output_test, fsync_option_commits_the_same_bytes) {
  io::output out((root_ / "durable").string(), {.fsync = true});
  out.write("safe");
  out.commit();
  EXPECT_EQ(slurp(root_ / "durable"), "safe");
}

TEST_F(output_test, a_full_device_is_an_io_error_naming_the_path_and_the_reason) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  io::output out("/dev/full");
  EXPECT_FALSE(out.atomic());
  out.write("some bytes");
  try {
    out.commit();
    FAIL() << "expected an io_error";
  } catch (const io::broken_pipe&) {
    FAIL() << "a full disk is not a broken pipe";
  } catch (const io::io_error& e) {
    EXPECT_EQ(e.path(), "/dev/full");
    EXPECT_NE(e.reason().find("No space left on device"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("/dev/full"), std::string::npos) << e.what();
    EXPECT_EQ(e.offset(), 0u);
  }
  // The failure sticks: nothing later pretends to succeed.
  EXPECT_THROW(out.write(std::string(2 << 20, 'x')), io::io_error);
  EXPECT_THROW(out.commit(), io::io_error);
}

TEST_F(output_test, a_full_device_fails_on_the_first_full_buffer_not_only_at_commit) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  io::output out("/dev/full", {.buffer_size = 4096});
  EXPECT_THROW(
      {
        for (int i = 0; i < 10000; ++i) out.write("0123456789");
      },
      io::io_error);
}

TEST_F(output_test, a_missing_directory_is_an_io_error_naming_the_path) {
  const auto target = root_ / "no" / "such" / "dir" / "out.csv";
  try {
    io::output out(target.string());
    FAIL() << "expected an io_error";
  } catch (const io::io_error& e) {
    EXPECT_EQ(e.path(), target.string());
    EXPECT_NE(e.reason().find("No such file or directory"), std::string::npos) << e.what();
  }
}

TEST_F(output_test, a_directory_is_not_an_output) { EXPECT_THROW(io::output(root_.string()), io::io_error); }

TEST_F(output_test, an_unwritable_directory_is_an_io_error) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write into a read-only directory";
  const auto dir = root_ / "locked";
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(io::output((dir / "out").string()), io::io_error);
  fs::permissions(dir, fs::perms::owner_all);
}

TEST_F(output_test, a_path_under_a_regular_file_is_an_io_error_even_for_root) {
  std::ofstream(root_ / "file") << "x";
  try {
    io::output out((root_ / "file" / "out.csv").string());
    FAIL() << "expected an io_error";
  } catch (const io::io_error& e) {
    EXPECT_NE(e.reason().find("Not a directory"), std::string::npos) << e.what();
  }
}

TEST_F(output_test, dev_null_is_written_in_place) {
  io::output out("/dev/null");
  EXPECT_FALSE(out.atomic());
  out.write("discarded");
  EXPECT_NO_THROW(out.commit());
}

// Points standard output at `fd` for the lifetime of the guard. Nothing may print meanwhile.
class stdout_redirect {
 public:
  explicit stdout_redirect(int fd) : saved_(::dup(STDOUT_FILENO)) {
    std::fflush(stdout);
    ::dup2(fd, STDOUT_FILENO);
  }
  ~stdout_redirect() {
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};

TEST_F(output_test, dash_writes_to_standard_output) {
  const auto file = root_ / "stdout.txt";
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  std::string path;
  bool atomic = true;
  {
    stdout_redirect redirect(fd);
    io::output out("-");
    path = out.path();
    atomic = out.atomic();
    out.write("to stdout\n");
    out.commit();
  }
  ::close(fd);
  EXPECT_EQ(path, "<stdout>");
  EXPECT_FALSE(atomic);
  EXPECT_EQ(slurp(file), "to stdout\n");
}

TEST_F(output_test, a_closed_pipe_on_stdout_is_a_broken_pipe_and_does_not_kill_the_process) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);  // the reader is gone, as when `head` has read enough
  bool threw_broken_pipe = false;
  std::string what;
  {
    stdout_redirect redirect(fds[1]);
    try {
      io::output out("-");
      out.write("first record\n");
      out.commit();
    } catch (const io::broken_pipe& e) {
      threw_broken_pipe = true;
      what = e.what();
    } catch (...) {
    }
  }
  ::close(fds[1]);
  EXPECT_TRUE(threw_broken_pipe);
  EXPECT_NE(what.find("<stdout>"), std::string::npos) << what;
  // No SIGPIPE left pending, blocked or ignored behind our back.
  sigset_t pending;
  sigemptyset(&pending);
  ASSERT_EQ(::sigpending(&pending), 0);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);
  sigset_t mask;
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, nullptr, &mask), 0);
  EXPECT_EQ(sigismember(&mask, SIGPIPE), 0);
  struct sigaction action {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &action), 0);
  EXPECT_EQ(action.sa_handler, SIG_DFL);
}

TEST_F(output_test, a_fifo_whose_reader_left_is_a_broken_pipe) {
  const auto fifo = root_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  io::output out(fifo.string());
  EXPECT_FALSE(out.atomic());
  ::close(reader);
  out.write("lost");
  try {
    out.flush();
    FAIL() << "expected broken_pipe";
  } catch (const io::broken_pipe& e) {
    EXPECT_EQ(e.path(), fifo.string());
  }
  EXPECT_THROW(out.commit(), io::broken_pipe);  // the failure sticks, with its type
}

TEST(output_in_memory, keeps_every_byte_written_until_taken_then_starts_empty) {
  io::output out(io::to_memory, {.buffer_size = 64});
  std::string expected;
  for (int i = 0; i < 100; ++i) {  // past the 64-byte buffer many times
    const std::string piece = "row " + std::to_string(i) + "\n";
    out.write(piece);
    expected += piece;
  }
  out.put('!');
  expected += '!';
  EXPECT_EQ(out.bytes_written(), expected.size());
  EXPECT_EQ(out.take(), expected);
  EXPECT_EQ(out.take(), "");
  io::csv_writer csv(out);
  csv.write_row({"a,b", 1.5});
  EXPECT_EQ(out.take(), "\"a,b\",1.5\r\n");
}

}  // namespace
