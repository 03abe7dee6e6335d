// SIGINT and SIGTERM on every data command: exit 128 + the signal, whole rows on standard output, no
// file (not even a temporary one) left by -o or a dead-letter file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;

// Whether process `pid` has a handler for `sig` (/proc/PID/status, SigCgt: a hex mask, bit sig - 1).
bool catches(pid_t pid, int sig) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("SigCgt:")) return (std::stoull(line.substr(7), nullptr, 16) >> (sig - 1)) & 1;
  return false;
}

// `yieldpipe ARGS` in `dir`, reading its standard input from a pipe this object writes to, its
// standard output to `dir/stdout`.
class fed_command {
 public:
  fed_command(const fs::path& dir, std::vector<std::string> args) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      if (::chdir(dir.c_str()) != 0) ::_exit(126);
      // A shell starts background jobs (a CI runner's too) with SIGINT ignored, and the command keeps
      // an ignored signal ignored: start it as a terminal would.
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      ::dup2(fds[0], 0);
      ::close(fds[0]);
      ::close(fds[1]);
      const int out = ::open("stdout", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open("stderr", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(out, 1);
      ::dup2(err, 2);
      std::string exe = YIELDPIPE_CLI;
      std::vector<char*> argv{exe.data()};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[0]);
    fd_ = fds[1];
  }
  fed_command(const fed_command&) = delete;
  fed_command& operator=(const fed_command&) = delete;
  ~fed_command() {
    if (fd_ >= 0) ::close(fd_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Writes `bytes` to the command's input, or what it still reads of them (it may have stopped).
  void feed(const std::string& bytes) {
    const auto old = ::signal(SIGPIPE, SIG_IGN);
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;  // EPIPE: the command is gone
      done += static_cast<std::size_t>(n);
    }
    ::signal(SIGPIPE, old);
  }
  // Waits (at most 10 s) until the command has its signal handlers.
  bool wait_for_handlers() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (catches(pid_, SIGINT) && catches(pid_, SIGTERM)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
  void signal(int sig) const { ::kill(pid_, sig); }
  // Closes the command's input and returns its exit status (-1 if it did not exit normally).
  int finish() {
    ::close(fd_);
    fd_ = -1;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
};

std::string rows(int from, int to) {
  std::string text;
  for (int i = from; i < to; ++i)
    text += std::to_string(i) + ",s" + std::to_string(i % 7) + "," + std::to_string(i % 100) + ".5\n";
  return text;
}

class interrupt_test : public yieldpipe::test::cli_fixture {
 protected:
  // Runs ARGS on a stream of rows interrupted by `sig` halfway; the exit status.
  int interrupted_run(const std::vector<std::string>& args, int sig) {
    fed_command run(root_, args);
    EXPECT_TRUE(run.wait_for_handlers());
    run.feed("id,sensor,value\n" + rows(0, 5000));
    run.signal(sig);
    run.feed(rows(5000, 10000));  // the command reads on and stops at its next row
    return run.finish();
  }
  // The files of the test's directory other than stdout and stderr.
  std::vector<std::string> files_left() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(root_))
      if (entry.path().filename() != "stdout" && entry.path().filename() != "stderr")
        names.push_back(entry.path().filename().string());
    return names;
  }
};

TEST_F(interrupt_test, every_data_command_exits_130_on_sigint_and_leaves_no_output_file) {
  const std::vector<std::vector<std::string>> commands = {
      {"filter", "-", "--where", "value > 10", "-o", "out.csv"},
      {"stats", "-", "--by", "sensor", "--agg", "count,mean:value", "-o", "out.csv"},
      {"anomalies", "-", "--key", "sensor", "--column", "value", "--window", "20", "-o", "out.csv"},
      {"moving-average", "-", "--key", "sensor", "--column", "value", "--window", "3", "-o", "out.csv"},
      {"filter", "-", "--on-error", "dead-letter=bad.csv", "-o", "out.csv"},
  };
  for (const auto& args : commands) {
    EXPECT_EQ(interrupted_run(args, SIGINT), 130) << args[0] << ": " << err();
    EXPECT_NE(err().find("yieldpipe " + args[0] + ": interrupted"), std::string::npos) << err();
    EXPECT_EQ(files_left(), std::vector<std::string>{}) << args[0];
  }
}

TEST_F(interrupt_test, sigterm_exits_143) {
  EXPECT_EQ(interrupted_run({"stats", "-", "--by", "sensor"}, SIGTERM), 143) << err();
}

TEST_F(interrupt_test, standard_output_keeps_whole_rows) {
  EXPECT_EQ(interrupted_run({"filter", "-", "--select", "id,sensor,value", "--flush-each"}, SIGINT), 130) << err();
  const std::string text = out();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "id,sensor,value");
  while (std::getline(lines, line)) {
    const auto first = line.find(','), second = line.find(',', first + 1);
    ASSERT_NE(second, std::string::npos) << line;
    EXPECT_TRUE(line.ends_with(".5")) << line;
  }
}

std::string log_lines(int from, int to) {
  std::string text;
  for (int i = from; i < to; ++i)
    text += "2024-03-01 12:00:00 " + std::string(i % 3 == 0 ? "ERROR" : "INFO") + " api: request " + std::to_string(i) +
            "\n";
  return text;
}

TEST_F(interrupt_test, logs_read_in_pieces_exits_128_plus_the_signal_with_whole_records) {
  for (const int sig : {SIGINT, SIGTERM}) {
    fed_command run(root_, {"logs", "-", "--threads", "2", "--format", "csv"});
    ASSERT_TRUE(run.wait_for_handlers());
    run.feed(log_lines(0, 20000));
    run.signal(sig);
    run.feed(log_lines(20000, 40000));  // the pieces stop at their next line
    EXPECT_EQ(run.finish(), 128 + sig) << err();
    std::istringstream lines(out());
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line, "timestamp,level,component,message,file,line");
    while (std::getline(lines, line)) EXPECT_TRUE(line.starts_with("2024-03-01 12:00:00,")) << line;
  }
}

TEST_F(interrupt_test, gen_to_a_file_leaves_no_partial_file) {
  // gen writes as fast as it can: the signal lands mid-run (a few MB in) whatever the machine.
  fed_command run(root_, {"gen", "sensors", "--size", "2GB", "-o", "big.csv"});
  ASSERT_TRUE(run.wait_for_handlers());
  run.signal(SIGINT);
  EXPECT_EQ(run.finish(), 130) << err();
  EXPECT_EQ(files_left(), std::vector<std::string>{});
}

}  // namespace
