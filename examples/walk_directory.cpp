// The guide, "6. Recursive Generators" › "Directory Tree Walker".
//
// The data: a small project tree (Python sources, text and CSV files, nested directories and a
// symbolic link to a directory) created under the system's temporary directory and removed at the
// end. tests/examples/python/walk_directory.py builds the same tree and runs the guide's code on it.
//
// The guide's walk_directory_tree is yieldpipe::walk_directory. Two differences are choices of the
// library, shown here:
// - os.listdir returns names in no particular order; walk_directory lists each directory in name
//   order, so the walk is deterministic (the Python counterpart sorts its output by path
//   components, which gives the same preorder).
// - os.path.isdir follows symbolic links, so the guide walks a linked directory as a directory (and
//   would follow a link back up forever). walk_directory does so only with `follow_symlinks`, and
//   then cuts loops; by default it reports a link as a `symlink` and does not descend.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

namespace fs = std::filesystem;

// The tree: every file with a line of content (its size is not part of the output).
void make_project_tree(const fs::path& root) {
  for (const char* dir : {"data/raw", "docs", "src/yieldpipe_demo/utils", "tests"}) fs::create_directories(root / dir);
  for (const char* file :
       {"setup.py", "README.txt", "data/sales_2024.csv", "data/raw/sensors.csv", "data/raw/notes.txt", "docs/guide.txt",
        "src/yieldpipe_demo/__init__.py", "src/yieldpipe_demo/pipeline.py", "src/yieldpipe_demo/utils/io.py",
        "src/yieldpipe_demo/utils/stats.py", "tests/test_pipeline.py", "tests/data.csv"}) {
    std::ofstream out(root / file);
    out << "# " << file << '\n';
    if (!out) throw std::runtime_error("cannot write " + (root / file).string());
  }
  // A link to a directory: walked by the guide's code (isdir follows it), reported by default here.
  fs::create_directory_symlink("src/yieldpipe_demo", root / "current");
}

// Removes the temporary tree however the example ends.
struct temp_tree {
  fs::path root;
  ~temp_tree() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
};

/// Recursively walk directory tree using generator: the guide's walk_directory_tree, whose
/// os.path.isdir follows symbolic links.
auto walk_directory_tree(const fs::path& path) { return yieldpipe::walk_directory(path, {.follow_symlinks = true}); }

// Find all Python files
auto find_python_files(const fs::path& root_directory) {
  return yieldpipe::walk_directory(root_directory, {.directories = false, .follow_symlinks = true, .extension = ".py"});
}

}  // namespace

YIELDPIPE_EXAMPLE(200, walk_directory, "Directory Tree Walker") {
  const temp_tree tree{fs::temp_directory_path() / ("yieldpipe_walk_" + std::to_string(::getpid()))};
  fs::create_directory(tree.root);
  make_project_tree(tree.root);
  const fs::path& root = tree.root;

  std::puts("walk_directory_tree(project):");
  for (const yieldpipe::walk_entry& item : walk_directory_tree(root))
    std::printf("  %-4s %s\n", std::string(yieldpipe::to_string(item.type)).c_str(),
                item.path.lexically_relative(root).c_str());

  std::puts("find_python_files(project):");
  int python_files = 0;
  for (const yieldpipe::walk_entry& item : find_python_files(root)) {
    std::printf("  %s\n", item.path.lexically_relative(root).c_str());
    ++python_files;
  }
  std::printf("%d Python files\n", python_files);

  // yieldpipe's default: links are reported, not followed (no loop is possible).
  std::puts("walk_directory(project) with the default options:");
  for (const yieldpipe::walk_entry& item : yieldpipe::walk_directory(root))
    std::printf("  %-7s depth %zu  %s\n", std::string(yieldpipe::to_string(item.type)).c_str(), item.depth,
                item.path.lexically_relative(root).c_str());
}
