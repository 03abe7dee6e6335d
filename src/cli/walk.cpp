// `yieldpipe walk`: the guide's recursive directory walker (iter's walk_directory) as a command.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/iter/walk_directory.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace yieldpipe::cli {
namespace {

struct walk_settings {
  std::string root;
  std::vector<std::string> extensions;  // ".py", "py" or ".py,.txt"; repeatable
  std::vector<std::string> types;       // file, dir, link, other; repeatable or a comma list
  bool follow_symlinks = false;
  int max_depth = -1;
};

std::vector<std::string> split_commas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    std::size_t start = 0;
    while (start <= v.size()) {
      const std::size_t comma = std::min(v.find(',', start), v.size());
      if (comma > start) out.emplace_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

void run_walk(const walk_settings& s, const common_options& common) {
  std::vector<std::string> extensions;
  for (std::string e : split_commas(s.extensions)) extensions.push_back(e.front() == '.' ? e : "." + e);
  bool want[4] = {false, false, false, false};  // indexed by entry_type
  const std::vector<std::string> types = split_commas(s.types);
  for (const std::string& t : types) {
    if (t == "file")
      want[static_cast<int>(entry_type::file)] = true;
    else if (t == "dir")
      want[static_cast<int>(entry_type::directory)] = true;
    else if (t == "link")
      want[static_cast<int>(entry_type::symlink)] = true;
    else if (t == "other")
      want[static_cast<int>(entry_type::other)] = true;
    else
      throw usage_error("--type: expected file, dir, link or other, got '" + t + "'");
  }
  if (types.empty()) std::fill(std::begin(want), std::end(want), true);

  walk_options options;
  options.follow_symlinks = s.follow_symlinks;
  if (s.max_depth >= 0) options.max_depth = static_cast<std::size_t>(s.max_depth);
  // Directories are always walked; listing them is the caller's choice.
  options.directories = want[static_cast<int>(entry_type::directory)];
  options.files = want[static_cast<int>(entry_type::file)] || want[static_cast<int>(entry_type::symlink)] ||
                  want[static_cast<int>(entry_type::other)];
  if (extensions.size() == 1) options.extension = extensions.front();

  // Every filesystem error of the walk goes through --on-error as a record named by its path:
  // fail stops at the first (exit 1), skip counts, dead-letter=FILE also writes path and reason.
  rejects rejected(common.on_error);
  const io::reject_handler on_reject = rejected.handler();
  auto sink = [&on_reject](const std::filesystem::path& path, std::string_view message) {
    const std::string text = path.string();
    const io::rejected_record record{text, 0, 0, text};
    if (!on_reject || !on_reject(record, message, text + ": " + std::string(message)))
      throw io::io_error(text, std::string(message));
  };

  result_output out(common, {"path", "type", "size", "depth"});
  command_progress progress(common, "walk");
  for (const walk_entry& e : walk_directory(s.root, options, on_error::dead_letter(sink))) {
    progress.tick();
    if (!want[static_cast<int>(e.type)]) continue;
    if (extensions.size() > 1 && e.type != entry_type::directory) {
      const std::string ext = e.path.extension().string();
      if (std::find(extensions.begin(), extensions.end(), ext) == extensions.end()) continue;
    }
    const std::string path = e.path.string();
    const std::string_view type = e.type == entry_type::symlink ? "link" : to_string(e.type);
    out.write_row({path, type, static_cast<std::uint64_t>(e.size), static_cast<std::uint64_t>(e.depth)});
  }
  finish_command("walk", progress, rejected, out);
}

}  // namespace

void add_walk_command(CLI::App& app) {
  auto settings = std::make_shared<walk_settings>();
  auto common = std::make_shared<common_options>();
  auto* cmd = app.add_subcommand("walk", "The guide's recursive directory walker: every entry below a directory");
  cmd->add_option("dir", settings->root, "The directory to walk")->required();
  cmd->add_option("--ext", settings->extensions, "Only files with this extension (.py); repeatable or a comma list")
      ->allow_extra_args(false);
  cmd->add_option("--type", settings->types, "Only these entries: file, dir, link, other; repeatable or a comma list")
      ->allow_extra_args(false);
  cmd->add_flag("--follow-symlinks", settings->follow_symlinks,
                "Walk links to directories as those directories (a link back up the path is reported, not followed)");
  cmd->add_option("--max-depth", settings->max_depth, "The deepest level listed: 0 is the directory's own entries");
  add_common_options(*cmd, *common);
  cmd->footer(
      "Examples:\n"
      "  yieldpipe walk src --ext .py --type file\n"
      "  yieldpipe walk /var/log --ext .log,.gz --on-error skip --format table\n"
      "\n"
      "Output: path,type,size,depth; a directory before its contents, each directory's entries in name\n"
      "order. type is file, dir, link (not followed without --follow-symlinks) or other; size is a file's\n"
      "size in bytes (0 otherwise); depth is 0 for DIR's own entries.\n"
      "An unreadable directory, a vanished entry or a symlink loop goes to --on-error (fail: exit 1 naming\n"
      "it; skip or dead-letter=FILE: counted, summed up at the end).\n"
      "Memory: the names of the entries of the directories on the current path.");
  cmd->callback([settings, common] { run_command("walk", *common, [&] { run_walk(*settings, *common); }); });
}

YIELDPIPE_COMMAND(70, add_walk_command);

}  // namespace yieldpipe::cli
