#pragma once
// walk_directory: the guide's recursive directory walker, as a generator.

#include <sys/stat.h>
#include <sys/types.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "yieldpipe/core/generator.hpp"
#include "yieldpipe/iter/error_policy.hpp"

namespace yieldpipe {

/// The kind of a directory entry. With `follow_symlinks`, a symbolic link is reported as what it
/// points to; a dangling link, or one that would close a loop, stays a `symlink`.
enum class entry_type { file, directory, symlink, other };

/// `"file"`, `"dir"`, `"symlink"` or `"other"` (the guide's `('file', path)` / `('dir', path)`).
constexpr std::string_view to_string(entry_type type) noexcept {
  switch (type) {
    case entry_type::file: return "file";
    case entry_type::directory: return "dir";
    case entry_type::symlink: return "symlink";
    case entry_type::other: return "other";
  }
  return "other";
}

/// One entry of a walk.
struct walk_entry {
  std::filesystem::path path;  ///< the root joined with the names down to the entry
  entry_type type = entry_type::other;
  std::uintmax_t size = 0;  ///< a file's size in bytes (of its target when a followed link); 0 otherwise
  std::size_t depth = 0;    ///< 0 for the root's own entries, 1 below them, ...
};

/// What `walk_directory` yields and how far it goes.
struct walk_options {
  static constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();

  bool files = true;        ///< yield entries that are not directories (files, symlinks, others)
  bool directories = true;  ///< yield directories (before their contents)
  /// Follow symbolic links to directories (and report links as their targets). Off: links are
  /// reported as `symlink` and never followed.
  bool follow_symlinks = false;
  /// The deepest entries yielded: 0 lists the root only, 1 also its subdirectories' entries, ...
  std::size_t max_depth = unlimited;
  std::string extension{};  ///< if not empty (".py"), only non-directories with this extension
  /// Entries of each directory in name order (deterministic); off: in the order of readdir.
  bool sorted = true;
};

namespace detail {

struct dir_id {
  dev_t device;
  ino_t inode;
  friend bool operator==(const dir_id&, const dir_id&) = default;
};

struct walk_state {
  walk_options options;
  // The directories on the current path, root first: a followed link to one of them would loop.
  std::vector<dir_id> ancestors;
};

inline std::error_code identify(const std::filesystem::path& dir, dir_id& id) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return {errno, std::generic_category()};
  id = {st.st_dev, st.st_ino};
  return {};
}

// Hands a filesystem error to the policy; throws filesystem_error for on_error::fail.
template <class Sink>
void walk_error(const error_policy<Sink>& policy, const std::filesystem::path& path, std::error_code ec,
                std::string_view message = {}) {
  const std::string reason = ec.message();
  if (!policy.handle(path, path.string(), reason, message.empty() ? std::string_view(reason) : message))
    throw std::filesystem::filesystem_error("walk_directory", path, ec);
}

// One directory: its entries are read (and the directory closed) before the first is yielded, so a
// deep tree holds no file descriptor per level; its subdirectories are walked by delegation.
template <class Sink>
generator<walk_entry> walk_level(std::filesystem::path dir, std::size_t depth, walk_state* state,
                                 const error_policy<Sink>* policy) {
  namespace fs = std::filesystem;
  const walk_options& options = state->options;
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  {
    fs::directory_iterator it(dir, ec);
    if (ec) {
      walk_error(*policy, dir, ec);
      co_return;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      entries.push_back(*it);
    }
    if (ec) walk_error(*policy, dir, ec);  // what was read before the error is still walked
  }
  if (options.sorted) std::sort(entries.begin(), entries.end());

  for (fs::directory_entry& e : entries) {
    walk_entry entry{e.path(), entry_type::other, 0, depth};
    const fs::file_status own = e.symlink_status(ec);
    if (ec) {
      walk_error(*policy, entry.path, ec);
      continue;
    }
    fs::file_status target = own;
    if (fs::is_symlink(own)) {
      if (options.follow_symlinks) {
        target = e.status(ec);
        if (ec) target = own;  // dangling: reported as the link it is
      }
    }
    if (fs::is_symlink(target))
      entry.type = entry_type::symlink;
    else if (fs::is_directory(target))
      entry.type = entry_type::directory;
    else if (fs::is_regular_file(target))
      entry.type = entry_type::file;

    if (entry.type != entry_type::directory) {
      if (!options.files) continue;
      if (!options.extension.empty() && entry.path.extension() != options.extension) continue;
      if (entry.type == entry_type::file) {
        entry.size = e.file_size(ec);
        if (ec) {  // vanished or unreadable since the listing
          walk_error(*policy, entry.path, ec);
          continue;
        }
      }
      co_yield entry;
      continue;
    }

    const bool descend = depth < options.max_depth;
    dir_id id{};
    bool loop = false;
    if (descend) {
      if (std::error_code sec = identify(entry.path, id)) {
        walk_error(*policy, entry.path, sec);
        continue;
      }
      loop = std::find(state->ancestors.begin(), state->ancestors.end(), id) != state->ancestors.end();
      if (loop) {
        // Reported, not followed: the entry is the link (or bind mount) that leads back up.
        walk_error(*policy, entry.path, std::make_error_code(std::errc::too_many_symbolic_link_levels),
                   "filesystem loop: leads back to a directory above it");
        if (fs::is_symlink(own)) entry.type = entry_type::symlink;
      }
    }
    if (entry.type == entry_type::directory ? options.directories : options.files) co_yield entry;
    if (!descend || loop) continue;
    state->ancestors.push_back(id);
    co_yield yield_from(walk_level(std::move(entry.path), depth + 1, state, policy));
    state->ancestors.pop_back();
  }
}

template <class Sink>
generator<walk_entry> walk_root(std::filesystem::path root, walk_options options, error_policy<Sink> policy) {
  walk_state state{std::move(options), {}};
  dir_id id{};
  if (std::error_code ec = identify(root, id)) {
    walk_error(policy, root, ec);
    co_return;
  }
  state.ancestors.push_back(id);
  co_yield yield_from(walk_level(std::move(root), 0, &state, &policy));
}

}  // namespace detail

/// The guide's `walk_directory_tree(path)`: every entry below `root` (not `root` itself), a
/// directory before its contents (preorder), each directory's entries in name order (see
/// `walk_options::sorted`). Yields `walk_entry{path, type, size, depth}`; `options` choose files
/// and/or directories, a maximum depth, an extension (the guide's `find_python_files` is
/// `walk_directory(root, {.directories = false, .extension = ".py"})`) and whether symbolic links
/// are followed.
///
/// Symbolic links are not followed by default: they are reported as `symlink`. With
/// `follow_symlinks`, a link to a directory is walked as that directory, except one that leads back
/// to a directory on the current path (a loop): that link is reported as `symlink`, not followed,
/// and handed to the policy (reason "Too many levels of symbolic links"). Two links to the same
/// directory elsewhere are both walked (as `find -L` does); only loops are cut. The same check
/// stops a bind mount of a directory into itself.
///
/// A directory that cannot be read (permission denied, removed during the walk), an entry that
/// vanished, or a root that does not exist, goes to `policy` with its path and the
/// `std::error_code` message, and the walk goes on. The default policy is `on_error::skip()`, as
/// Python's `os.walk` ignores such errors; pass `on_error::log()` to see them, a policy you keep to
/// read its counts, or `on_error::fail()` to stop at the first with `std::filesystem::filesystem_error`.
///
/// Lazy: a directory is listed when the walk reaches it, so work and I/O follow what is consumed.
/// Recursion by `yield_from`: one coroutine frame per directory on the current path (the depth of a
/// filesystem is bounded by PATH_MAX), and delegation is flat, so an entry costs the same at any
/// depth. Memory: the names of the entries of the directories on the current path (a directory's
/// listing is read whole and closed before it is walked, so no file descriptor is held per level)
/// plus the (device, inode) of those directories. Arguments are taken by value; the policy's sink
/// and log stream must outlive the generator.
template <class Sink = detail::no_sink>
generator<walk_entry> walk_directory(std::filesystem::path root, walk_options options = {},
                                     error_policy<Sink> policy = on_error::skip()) {
  return detail::walk_root(std::move(root), std::move(options), std::move(policy));
}

}  // namespace yieldpipe
