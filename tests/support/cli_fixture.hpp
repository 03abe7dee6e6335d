#pragma once
// A fixture for tests that run the built `yieldpipe` (YIELDPIPE_CLI, set by tests/CMakeLists.txt):
// a fresh directory per test, files written into it, and the command run there with its standard
// output and error captured.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace yieldpipe::test {

class cli_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = std::filesystem::temp_directory_path() / ("yieldpipe_" + std::string(info->test_suite_name()) + "_" +
                                                      std::to_string(::getpid()) + "_" + info->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  static std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  /// Writes `text` to `name` in the test's directory; its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = root_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  /// The exit status of `sh -c command` (-1 if it did not exit normally).
  static int shell(const std::string& command) {
    const int status = std::system(command.c_str());
    return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  /// Runs `yieldpipe ARGS` in the test's directory, standard output and error to files (`out()`,
  /// `err()`), standard input from `stdin_from` if given (ARGS may redirect it too); its exit status.
  int yieldpipe(const std::string& args, const std::string& stdin_from = "") {
    return shell("cd '" + root_.string() + "' && " + std::string(YIELDPIPE_CLI) + " " + args +
                 (stdin_from.empty() ? "" : " <" + stdin_from) + " >'" + (root_ / "stdout").string() + "' 2>'" +
                 (root_ / "stderr").string() + "'");
  }
  std::string out() const { return slurp(root_ / "stdout"); }
  std::string err() const { return slurp(root_ / "stderr"); }

  std::filesystem::path root_;
};

}  // namespace yieldpipe::test
