#pragma once
// yieldpipe::async::followed_lines: the lines of many growing files, followed at once on an Asio
// executor as `tail -F` follows one, merged as they arrive (the guide's `async_log_processor`, live).
//
//   asio::io_context ctx;
//   std::stop_source stop;
//   auto lines = async::followed_lines(ctx.get_executor(), {"app1.log", "app2.log"}, {.stop = stop.get_token()});
//   async::run(ctx, [&]() -> task<void> {
//     while (auto l = co_await lines.next()) std::cout << l->file << ": " << l->text << '\n';
//   }());

// Before Asio: see detail/before_asio.hpp.
#include "yieldpipe/async/detail/before_asio.hpp"
// (its own block, so that include sorting keeps it first)

#include <asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "yieldpipe/core/async_generator.hpp"

namespace yieldpipe::async {

/// A line of one of the followed files.
struct followed_line {
  std::size_t file = 0;      // the file's index in the paths given
  std::string text;          // without its "\n" or "\r\n"
  std::uint64_t number = 0;  // its line number, from 1 (restarting with a rotated or truncated file)
  std::uint64_t offset = 0;  // the byte offset where it starts in its file
};

/// How `followed_lines` watches its files.
struct follow_options {
  /// Watch the files with inotify where the system allows it; false: check every file every
  /// `poll_interval` (also what happens when inotify cannot be started or a watch cannot be added).
  bool use_inotify = true;
  /// How often every file is checked when it cannot be watched with inotify.
  std::chrono::milliseconds poll_interval{200};
  /// How often every file is checked even when inotify watches them all: a safety net for a
  /// rotation that raced with the watches being moved, and for file systems whose writes inotify
  /// does not see (NFS, FUSE: another machine's appends).
  std::chrono::milliseconds safety_interval{1000};
  /// A path missing at the start: an `io_error` naming it (false), or waited for, and read from
  /// its start once it appears (true). A path that exists but cannot be read, or is a directory,
  /// is always an `io_error`.
  bool wait_for_missing = false;
  /// Once stop is requested (from any thread), the generator ends: at once if it is waiting for
  /// lines, else after the line it is handing out.
  std::stop_token stop{};
  /// Called each time every line available has been handed out and the generator is about to
  /// wait, if it handed out a line since the last call; the first call comes after the files'
  /// existing content. It runs inside a `next()` of the generator, which it must not use. For a
  /// consumer that acts on batches (`yieldpipe logs --follow --by` writes the changed counts).
  std::function<void()> on_caught_up{};
};

/// An async generator of the lines of `paths`, followed as `io::file_follower` follows one file
/// (complete lines only, rotation, truncation, a missing path tried again), on `executor`:
/// first every file's existing lines, file after file in the order given; then the lines appended
/// to any of them, merged in the order they arrive (the files whose changes were seen first are
/// read first, at most 256 lines of a file at a time while others wait). It never ends by itself:
/// it ends when `options.stop` is requested, or when the consumer closes (`aclose()`) or destroys
/// it; destroying it closes the inotify descriptor and cancels the timer at once.
///
/// How: an inotify descriptor (`asio::posix::stream_descriptor`) watches each file (IN_MODIFY:
/// appended or truncated; IN_MOVE_SELF, IN_DELETE_SELF) and each file's directory (IN_CREATE,
/// IN_MOVED_TO, IN_MOVED_FROM, IN_DELETE: rotation; the new file is then watched), and a
/// `steady_timer` checks every file every `safety_interval`, or every `poll_interval` where
/// inotify is not available or a watch could not be added. Only the files that changed are read.
///
/// Errors: the paths are opened when the first `next()` runs; a missing path (unless
/// `wait_for_missing`), an unreadable file or a directory is an `io::io_error` naming it from that
/// `next()`, as is a failed read later; the generator is then closed.
///
/// Cost: a line is copied into its `std::string` (one allocation for a line longer than the
/// small-string buffer). Memory: per file, `io::file_follower`'s buffer (1 MiB once it has read,
/// plus an unfinished line); the inotify descriptor's events are read 64 KiB at a time.
///
/// Lifetime: the executor's execution context (its `io_context`) must outlive the generator. The
/// generator must be consumed on the executor's thread, and the executor run by one thread (as
/// `async::run` does), since the watches' handlers and the generator share its state unlocked.
async_generator<followed_line> followed_lines(asio::any_io_executor executor, std::vector<std::string> paths,
                                              follow_options options = {});

}  // namespace yieldpipe::async
