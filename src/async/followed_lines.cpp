// Before Asio: see yieldpipe/async/detail/before_asio.hpp.
#include <yieldpipe/async/detail/before_asio.hpp>
// (its own block, so that include sorting keeps it first)

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <cerrno>
#include <coroutine>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <yieldpipe/async/followed_lines.hpp>
#include <yieldpipe/io/file_follower.hpp>

namespace yieldpipe::async {
namespace {

// Lines of one file handed out in a row while other files wait, once the existing content is read.
constexpr std::size_t turn_lines = 256;
constexpr std::size_t event_buffer_bytes = std::size_t{64} << 10;

constexpr std::uint32_t file_events = IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF;
constexpr std::uint32_t dir_events = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR;

// What the generator and the watches' handlers share, on the executor's one thread. The generator's
// frame owns it; the handlers hold weak pointers, so that destroying the generator releases it
// (closing the inotify descriptor, cancelling the timer) whatever is still queued on the executor.
class follow_state : public std::enable_shared_from_this<follow_state> {
 public:
  follow_state(const asio::any_io_executor& executor, std::vector<std::string> paths, const follow_options& options)
      : executor_(executor),
        timer_(executor),
        paths_(std::move(paths)),
        names_(paths_.size()),
        followers_(paths_.size()),
        queued_(paths_.size(), false),
        options_(options) {
    for (std::size_t i = 0; i < paths_.size(); ++i) names_[i] = std::filesystem::path(paths_[i]).filename().string();
  }

  // Opens the files (an io_error for one that cannot be followed), starts the watches, and queues
  // every file in order for its existing content. The watches come first: a line appended while
  // the existing content is read is seen.
  void start() {
    for (std::size_t i = 0; i < paths_.size(); ++i) {
      if (options_.wait_for_missing)
        (void)follower(i);
      else
        followers_[i].emplace(paths_[i]);
    }
    if (options_.use_inotify) start_inotify();
    if (!inotify_) degraded_ = true;
    arm_timer();
    for (std::size_t i = 0; i < paths_.size(); ++i) mark(i);
  }

  // The follower of file `i`, opened now if its path has appeared; null while it is missing.
  io::file_follower* follower(std::size_t i) {
    if (followers_[i]) return &*followers_[i];
    struct stat st {};
    if (::stat(paths_[i].c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) return nullptr;
    followers_[i].emplace(paths_[i]);  // an io_error if it cannot be read
    add_file_watch(i);
    return &*followers_[i];
  }

  // The next file to read, in the order their changes were seen.
  bool next_file(std::size_t& i) {
    if (queue_.empty()) return false;
    i = queue_.front();
    queue_.pop_front();
    queued_[i] = false;
    return true;
  }

  void mark(std::size_t i) {
    if (queued_[i]) return;
    queued_[i] = true;
    queue_.push_back(i);
  }

  [[nodiscard]] bool stopping() const noexcept { return stopping_; }

  void request_stop() {
    stopping_ = true;
    close_watches();
    wake();
  }

  // `co_await state.changes()`: until a file is queued or a stop is requested.
  struct changes_awaiter {
    follow_state* state;
    bool await_ready() const noexcept { return state->stopping_ || !state->queue_.empty(); }
    void await_suspend(std::coroutine_handle<> waiter) const noexcept { state->waiter_ = waiter; }
    void await_resume() const noexcept {}
  };
  changes_awaiter changes() noexcept { return {this}; }

 private:
  void start_inotify() {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return;  // ENOSYS, EMFILE (the per-user instance limit): polling
    inotify_.emplace(executor_, fd);
    events_ = std::make_unique<char[]>(event_buffer_bytes);
    for (std::size_t i = 0; i < paths_.size(); ++i) {
      add_dir_watch(i);
      if (followers_[i]) add_file_watch(i);
    }
    arm_inotify();
  }

  // A watch that cannot be added (ENOSPC: the per-user watch limit; a directory that does not
  // exist): every file is polled at `poll_interval` from then on.
  void degrade() {
    if (degraded_) return;
    degraded_ = true;
    arm_timer();  // sooner: expires_after cancels the slow wait
  }

  void add_file_watch(std::size_t i) {
    if (!inotify_) return;
    const int wd = ::inotify_add_watch(inotify_->native_handle(), paths_[i].c_str(), file_events);
    if (wd < 0) {
      if (errno != ENOENT) degrade();  // ENOENT: gone again; its directory's watch sees it come back
      return;
    }
    add_to(file_watches_[wd], i);
  }

  void add_dir_watch(std::size_t i) {
    std::filesystem::path dir = std::filesystem::path(paths_[i]).parent_path();
    if (dir.empty()) dir = ".";
    const int wd = ::inotify_add_watch(inotify_->native_handle(), dir.c_str(), dir_events);
    if (wd < 0) {
      degrade();
      return;
    }
    add_to(dir_watches_[wd], i);
  }

  static void add_to(std::vector<std::size_t>& files, std::size_t i) {
    for (const std::size_t f : files)
      if (f == i) return;
    files.push_back(i);
  }

  void arm_inotify() {
    inotify_->async_wait(asio::posix::descriptor_base::wait_read,
                         [weak = weak_from_this()](const asio::error_code& ec) {
                           const std::shared_ptr<follow_state> self = weak.lock();
                           if (!self || ec || self->stopping_ || !self->inotify_) return;
                           if (self->read_events()) self->arm_inotify();
                           self->wake();
                         });
  }

  void arm_timer() {
    timer_.expires_after(degraded_ ? options_.poll_interval : options_.safety_interval);
    timer_.async_wait([weak = weak_from_this()](const asio::error_code& ec) {
      const std::shared_ptr<follow_state> self = weak.lock();
      if (!self || ec || self->stopping_) return;
      for (std::size_t i = 0; i < self->paths_.size(); ++i) self->mark(i);
      self->arm_timer();
      self->wake();
    });
  }

  // Queues the files the pending events are about; false if the descriptor failed (then polling).
  bool read_events() {
    const int fd = inotify_->native_handle();
    while (true) {
      const ssize_t n = ::read(fd, events_.get(), event_buffer_bytes);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return true;
        inotify_.reset();
        degrade();
        return false;
      }
      for (std::size_t at = 0; at < static_cast<std::size_t>(n);) {
        inotify_event e{};
        std::memcpy(&e, events_.get() + at, sizeof e);
        const char* name = events_.get() + at + sizeof e;
        at += sizeof e + e.len;
        on_event(e, e.len != 0 ? std::string_view(name) : std::string_view());
      }
    }
  }

  void on_event(const inotify_event& e, std::string_view name) {
    if ((e.mask & IN_Q_OVERFLOW) != 0) {  // events were lost: look at every file
      for (std::size_t i = 0; i < paths_.size(); ++i) mark(i);
      return;
    }
    if (const auto f = file_watches_.find(e.wd); f != file_watches_.end()) {
      for (const std::size_t i : f->second) mark(i);
      if ((e.mask & IN_IGNORED) != 0) file_watches_.erase(f);  // the file was deleted
      return;
    }
    const auto d = dir_watches_.find(e.wd);
    if (d == dir_watches_.end()) return;
    if ((e.mask & IN_IGNORED) != 0) {  // the directory was removed
      for (const std::size_t i : d->second) mark(i);
      dir_watches_.erase(d);
      degrade();
      return;
    }
    for (const std::size_t i : d->second) {
      if (names_[i] != name) continue;
      mark(i);
      if ((e.mask & (IN_CREATE | IN_MOVED_TO)) != 0) add_file_watch(i);  // the rotated file's successor
    }
  }

  void close_watches() {
    asio::error_code ignored;
    timer_.cancel();
    if (inotify_) inotify_->close(ignored);
    inotify_.reset();
  }

  void wake() {
    if (waiter_) std::exchange(waiter_, nullptr).resume();
  }

  asio::any_io_executor executor_;
  asio::steady_timer timer_;
  std::optional<asio::posix::stream_descriptor> inotify_;
  std::unique_ptr<char[]> events_;
  std::unordered_map<int, std::vector<std::size_t>> file_watches_;  // watch → the files it is (was) at
  std::unordered_map<int, std::vector<std::size_t>> dir_watches_;   // watch → the files in that directory
  std::vector<std::string> paths_;
  std::vector<std::string> names_;  // each path's last component, as directory events name it
  std::vector<std::optional<io::file_follower>> followers_;
  std::vector<bool> queued_;
  std::deque<std::size_t> queue_;  // files to read, in the order their changes were seen
  follow_options options_;
  std::coroutine_handle<> waiter_;  // the generator, waiting in changes()
  bool degraded_ = false;           // some file is not watched: poll every file at poll_interval
  bool stopping_ = false;
};

}  // namespace

async_generator<followed_line> followed_lines(asio::any_io_executor executor, std::vector<std::string> paths,
                                              follow_options options) {
  const auto state = std::make_shared<follow_state>(executor, std::move(paths), options);
  // A stop requested on another thread reaches the state on the executor's thread.
  const std::stop_callback on_stop(options.stop, [weak = std::weak_ptr<follow_state>(state), executor] {
    asio::post(executor, [weak] {
      if (const std::shared_ptr<follow_state> s = weak.lock()) s->request_stop();
    });
  });
  state->start();

  io::file_follower::line line;
  bool initial = true;  // reading the existing content: each file to its end, in order
  bool fresh = true;    // lines were handed out since on_caught_up was last called (or never was)
  while (true) {
    if (state->stopping() || options.stop.stop_requested()) co_return;
    std::size_t i = 0;
    if (!state->next_file(i)) {
      initial = false;
      if (fresh && options.on_caught_up) {
        fresh = false;
        options.on_caught_up();
      }
      co_await state->changes();
      continue;
    }
    io::file_follower* f = state->follower(i);
    if (f == nullptr) continue;  // still missing
    for (std::size_t n = 0; f->next(line);) {
      followed_line out{i, std::string(line.text), line.number, line.offset};
      co_yield std::move(out);
      fresh = true;
      if (state->stopping() || options.stop.stop_requested()) co_return;
      if (!initial && ++n == turn_lines) {  // others may be waiting: this file goes to the back
        state->mark(i);
        break;
      }
    }
  }
}

}  // namespace yieldpipe::async
