#pragma once
// Starts tests/support/http_test_server.py (YIELDPIPE_HTTP_TEST_SERVER, set by tests/CMakeLists.txt for the
// support and async tests) on 127.0.0.1 for the lifetime of an object; the routes are listed at the top of
// the script.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#ifndef YIELDPIPE_HTTP_TEST_SERVER
#error "YIELDPIPE_HTTP_TEST_SERVER must name tests/support/http_test_server.py (see tests/CMakeLists.txt)"
#endif

extern char** environ;

namespace yieldpipe::test {

/// A running http_test_server.py: `python3` from PATH, started by the constructor, stopped by `stop()` or the
/// destructor. The server binds 127.0.0.1 on a port the kernel chooses, and also exits by itself when the
/// test program does (even if it crashes). Neither copyable nor movable: hold it in a fixture, a
/// `std::optional` or a `std::unique_ptr`. Starting it costs a Python start-up (50 to 150 ms): share one
/// server between the tests of a suite where they do not need a fresh one (the flaky routes count per key, so
/// tests that use distinct keys can share it).
class http_test_server {
 public:
  /// Starts the server with the script's options `args` (e.g. {"--verbose"}) and waits up to `timeout` for the
  /// "PORT N" line it prints once it listens. Throws std::runtime_error, after stopping the process, when
  /// python3 cannot be started or does not print that line in time (the reason is in the message, and
  /// the script's own error on the test's standard error).
  explicit http_test_server(std::vector<std::string> args = {},
                            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(message("pipe", errno));
    std::vector<std::string> argv_strings{"python3", YIELDPIPE_HTTP_TEST_SERVER};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC
    posix_spawnattr_init(&attributes);
    // Its own process group, so that stop() also reaches whatever python3 is behind a wrapper (pyenv's
    // shims), and a Ctrl-C meant for the test does not stop it first.
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    const int spawned = ::posix_spawnp(&pid_, "python3", &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(fds[1]);
    if (spawned != 0) {
      ::close(fds[0]);
      pid_ = -1;
      throw std::runtime_error(message("cannot start python3 " YIELDPIPE_HTTP_TEST_SERVER, spawned));
    }
    try {
      port_ = read_port(fds[0], timeout);
    } catch (...) {
      ::close(fds[0]);
      stop();
      throw;
    }
    ::close(fds[0]);  // the script writes nothing more to its standard output
  }

  http_test_server(const http_test_server&) = delete;
  http_test_server& operator=(const http_test_server&) = delete;

  /// Stops the server (see stop()).
  ~http_test_server() { stop(); }

  /// The port it listens on, on 127.0.0.1.
  std::uint16_t port() const noexcept { return port_; }

  /// "http://127.0.0.1:PORT" followed by `path` ("/json/1"; a missing leading slash is added).
  std::string url(std::string_view path = "/") const {
    std::string u = "http://127.0.0.1:" + std::to_string(port_);
    if (path.empty() || path.front() != '/') u += '/';
    u += path;
    return u;
  }

  /// Whether the process is still running (it ends after GET /stop, or when stopped).
  bool running() { return !reap(false); }

  /// Waits up to `timeout` for the process to end by itself (after GET /stop); whether it has.
  bool wait_for_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reap(false)) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  /// Stops the server: SIGTERM (the script then exits with status 0), SIGKILL if it is still running 2 s later,
  /// and waits for it. Its exit status as the shell reports it (0 after SIGTERM or /stop, 128 + N when killed
  /// by signal N). Calling it again returns the same status.
  int stop() noexcept {
    if (reap(false)) return status_;
    ::kill(-pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!reap(false)) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(-pid_, SIGKILL);
        reap(true);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status_;
  }

 private:
  static std::string message(const std::string& what, int error) {
    return "http_test_server: " + what + ": " + std::strerror(error);
  }

  /// Whether the process has ended (and was waited for): `block` waits for it.
  bool reap(bool block) noexcept {
    if (pid_ <= 0) return true;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    if (r == 0) return false;
    if (r == pid_) status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
    return true;
  }

  std::uint16_t read_port(int fd, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string line;
    char buffer[256];
    while (line.find('\n') == std::string::npos) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        throw std::runtime_error("http_test_server: python3 " YIELDPIPE_HTTP_TEST_SERVER
                                 " printed no 'PORT N' line within " +
                                 std::to_string(timeout.count()) + " ms");
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno != EINTR) throw std::runtime_error(message("poll", errno));
      if (ready <= 0) continue;
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno != EINTR) throw std::runtime_error(message("read", errno));
      if (n == 0) {
        reap(true);
        throw std::runtime_error("http_test_server: python3 " YIELDPIPE_HTTP_TEST_SERVER " exited (status " +
                                 std::to_string(status_) + ") before printing its port; its error is above");
      }
      if (n > 0) line.append(buffer, static_cast<std::size_t>(n));
    }
    line.resize(line.find('\n'));
    unsigned long port = 0;
    if (line.rfind("PORT ", 0) == 0) port = std::strtoul(line.c_str() + 5, nullptr, 10);
    if (port == 0 || port > 65535)
      throw std::runtime_error("http_test_server: expected 'PORT N' as the server's first line, got '" + line + "'");
    return static_cast<std::uint16_t>(port);
  }

  pid_t pid_ = -1;
  int status_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace yieldpipe::test
