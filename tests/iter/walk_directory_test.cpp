// walk_directory: the guide's recursive directory walker.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/error_policy.hpp>
#include <yieldpipe/iter/terminals.hpp>
#include <yieldpipe/iter/walk_directory.hpp>

namespace {

using namespace yieldpipe;
namespace fs = std::filesystem;

// A fresh directory under the system's temporary directory, removed at the end.
class walk_directory_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() / ("yieldpipe_walk_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ec;
    // Restore permissions a test took away, so that the tree can be removed.
    for (auto it = fs::recursive_directory_iterator(root_, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_directory(ec) && !it->is_symlink(ec)) fs::permissions(it->path(), fs::perms::owner_all, ec);
    fs::permissions(root_, fs::perms::owner_all, ec);
    fs::remove_all(root_, ec);
  }

  void write(const fs::path& rel, std::size_t bytes) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << std::string(bytes, 'x');
  }

  // The guide's tree: some files, nested directories, a link.
  void make_tree() {
    write("a/x.py", 3);
    write("a/y.txt", 5);
    write("b/c/deep.py", 7);
    write("top.py", 11);
    fs::create_directory(root_ / "empty");
  }

  // "type rel depth size" per entry: easy to compare as a whole.
  std::vector<std::string> describe(generator<walk_entry> walk) const {
    std::vector<std::string> out;
    for (const walk_entry& e : walk)
      out.push_back(std::string(to_string(e.type)) + " " + e.path.lexically_relative(root_).string() + " " +
                    std::to_string(e.depth) + " " + std::to_string(e.size));
    return out;
  }

  fs::path root_;
};

using lines = std::vector<std::string>;

TEST_F(walk_directory_test, yields_every_entry_below_the_root_in_preorder_and_name_order) {
  make_tree();
  EXPECT_EQ(describe(walk_directory(root_)),
            (lines{"dir a 0 0", "file a/x.py 1 3", "file a/y.txt 1 5", "dir b 0 0", "dir b/c 1 0",
                   "file b/c/deep.py 2 7", "dir empty 0 0", "file top.py 0 11"}));
}

TEST_F(walk_directory_test, the_guides_find_python_files_is_files_with_an_extension) {
  make_tree();
  EXPECT_EQ(describe(walk_directory(root_, {.directories = false, .extension = ".py"})),
            (lines{"file a/x.py 1 3", "file b/c/deep.py 2 7", "file top.py 0 11"}));
}

TEST_F(walk_directory_test, directories_only_and_a_maximum_depth) {
  make_tree();
  EXPECT_EQ(describe(walk_directory(root_, {.files = false})),
            (lines{"dir a 0 0", "dir b 0 0", "dir b/c 1 0", "dir empty 0 0"}));
  EXPECT_EQ(describe(walk_directory(root_, {.max_depth = 0})),
            (lines{"dir a 0 0", "dir b 0 0", "dir empty 0 0", "file top.py 0 11"}));
  EXPECT_EQ(describe(walk_directory(root_, {.files = false, .max_depth = 1})),
            (lines{"dir a 0 0", "dir b 0 0", "dir b/c 1 0", "dir empty 0 0"}));
}

TEST_F(walk_directory_test, symlinks_are_reported_and_not_followed_by_default) {
  make_tree();
  fs::create_directory_symlink(root_ / "a", root_ / "link");
  fs::create_symlink(root_ / "top.py", root_ / "link.py");
  EXPECT_EQ(describe(walk_directory(root_, {.max_depth = 0})),
            (lines{"dir a 0 0", "dir b 0 0", "dir empty 0 0", "symlink link 0 0", "symlink link.py 0 0",
                   "file top.py 0 11"}));
}

TEST_F(walk_directory_test, followed_symlinks_are_walked_as_their_targets) {
  make_tree();
  fs::create_directory_symlink(root_ / "a", root_ / "link");
  fs::create_symlink(root_ / "top.py", root_ / "link.py");
  fs::create_symlink(root_ / "nowhere", root_ / "dangling");
  EXPECT_EQ(describe(walk_directory(root_, {.follow_symlinks = true})),
            (lines{"dir a 0 0", "file a/x.py 1 3", "file a/y.txt 1 5", "dir b 0 0", "dir b/c 1 0",
                   "file b/c/deep.py 2 7", "symlink dangling 0 0", "dir empty 0 0", "dir link 0 0",
                   "file link/x.py 1 3", "file link/y.txt 1 5", "file link.py 0 11", "file top.py 0 11"}));
}

TEST_F(walk_directory_test, a_symlink_loop_is_detected_and_reported_not_walked_forever) {
  write("a/b/file", 1);
  fs::create_directory_symlink(root_, root_ / "a" / "b" / "up");    // back to the root
  fs::create_directory_symlink(root_ / "a", root_ / "a" / "self");  // back to its own directory
  auto policy = on_error::skip();
  EXPECT_EQ(describe(walk_directory(root_, {.follow_symlinks = true}, policy)),
            (lines{"dir a 0 0", "dir a/b 1 0", "file a/b/file 2 1", "symlink a/b/up 2 0", "symlink a/self 1 0"}));
  EXPECT_EQ(policy.counts().total(), 2u);
  EXPECT_EQ(policy.counts().count("Too many levels of symbolic links"), 2u);

  // Without following, the links are plain entries and nothing is reported.
  auto quiet = on_error::skip();
  EXPECT_EQ(walk_directory(root_, {}, quiet) | count(), 5u);
  EXPECT_EQ(quiet.counts().total(), 0u);
}

TEST_F(walk_directory_test, a_loop_is_logged_with_its_path) {
  write("a/keep", 1);
  fs::create_directory_symlink(root_, root_ / "a" / "up");
  std::ostringstream log;
  EXPECT_EQ(walk_directory(root_, {.follow_symlinks = true}, on_error::log(log)) | count(), 3u);
  EXPECT_EQ(log.str(),
            "error: " + (root_ / "a" / "up").string() +
                ": filesystem loop: leads back to a directory above it [Too many levels of symbolic links]\n");
}

TEST_F(walk_directory_test, two_links_to_one_directory_are_both_walked_only_loops_are_cut) {
  write("shared/f", 1);
  fs::create_directory_symlink(root_ / "shared", root_ / "l1");
  fs::create_directory_symlink(root_ / "shared", root_ / "l2");
  auto policy = on_error::skip();
  EXPECT_EQ(
      describe(walk_directory(root_, {.follow_symlinks = true}, policy)),
      (lines{"dir l1 0 0", "file l1/f 1 1", "dir l2 0 0", "file l2/f 1 1", "dir shared 0 0", "file shared/f 1 1"}));
  EXPECT_EQ(policy.counts().total(), 0u);
}

TEST_F(walk_directory_test, a_directory_removed_during_the_walk_goes_to_the_error_policy) {
  make_tree();
  std::ostringstream log;
  auto policy = on_error::log(log);
  lines seen;
  for (const walk_entry& e : walk_directory(root_, {}, policy)) {
    seen.push_back(e.path.lexically_relative(root_).string());
    // A directory is listed when the walk resumes after yielding it: remove it before that.
    if (e.path == root_ / "b") fs::remove_all(e.path);
  }
  EXPECT_EQ(seen, (lines{"a", "a/x.py", "a/y.txt", "b", "empty", "top.py"}));
  EXPECT_EQ(policy.counts().count("No such file or directory"), 1u);
  EXPECT_EQ(log.str(), "error: " + (root_ / "b").string() + ": No such file or directory\n");
}

TEST_F(walk_directory_test, an_unreadable_directory_goes_to_the_error_policy) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: permission checks do not apply, chmod 000 cannot fail a read";
  make_tree();
  fs::permissions(root_ / "b", fs::perms::none);
  std::vector<std::pair<std::string, std::string>> dead;
  auto policy = on_error::dead_letter(
      [&](const fs::path& p, std::string_view why) { dead.emplace_back(p.string(), std::string(why)); });
  EXPECT_EQ(describe(walk_directory(root_, {}, policy)), (lines{"dir a 0 0", "file a/x.py 1 3", "file a/y.txt 1 5",
                                                                "dir b 0 0", "dir empty 0 0", "file top.py 0 11"}));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].first, (root_ / "b").string());
  EXPECT_EQ(dead[0].second, "Permission denied");
  EXPECT_EQ(policy.counts().count("Permission denied"), 1u);
}

TEST_F(walk_directory_test, a_missing_root_is_an_error_for_the_policy_not_an_exception) {
  auto policy = on_error::skip();
  EXPECT_EQ(walk_directory(root_ / "missing", {}, policy) | count(), 0u);
  EXPECT_EQ(policy.counts().count("No such file or directory"), 1u);
  // A file is not a directory to walk.
  write("plain", 1);
  EXPECT_EQ(walk_directory(root_ / "plain", {}, policy) | count(), 0u);
  EXPECT_EQ(policy.counts().count("Not a directory"), 1u);
}

TEST_F(walk_directory_test, the_fail_policy_throws_a_filesystem_error_with_the_path) {
  auto walk = walk_directory(root_ / "missing", {}, on_error::fail());
  try {
    for (const walk_entry& e : walk) (void)e;
    FAIL() << "expected filesystem_error";
  } catch (const fs::filesystem_error& e) {
    EXPECT_EQ(e.path1(), root_ / "missing");
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
  }
}

TEST_F(walk_directory_test, is_lazy_a_directory_is_listed_only_when_the_walk_reaches_it) {
  make_tree();
  auto walk = walk_directory(root_);
  fs::remove_all(root_ / "b");  // before the walk started: never seen, no error
  write("late.txt", 2);
  auto first = walk.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->path, root_ / "a");
  EXPECT_EQ(describe(std::move(walk)),
            (lines{"file a/x.py 1 3", "file a/y.txt 1 5", "dir empty 0 0", "file late.txt 0 2", "file top.py 0 11"}));
}

TEST_F(walk_directory_test, a_deep_tree_holds_no_file_descriptor_per_level) {
  fs::path p = root_;
  for (int i = 0; i < 200; ++i) p /= "d";
  fs::create_directories(p);
  std::ofstream(p / "bottom.txt") << "x";
  std::size_t deepest = 0;
  std::size_t n = 0;
  for (const walk_entry& e : walk_directory(root_)) {
    deepest = std::max(deepest, e.depth);
    ++n;
  }
  EXPECT_EQ(n, 201u);
  EXPECT_EQ(deepest, 200u);
}

TEST_F(walk_directory_test, an_empty_directory_yields_nothing) { EXPECT_EQ(walk_directory(root_) | count(), 0u); }

}  // namespace
