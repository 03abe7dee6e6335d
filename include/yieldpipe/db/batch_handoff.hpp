#pragma once
// Row batches handed from a reading thread to the thread that loads them.

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "yieldpipe/db/row_batch.hpp"

namespace yieldpipe::db {

/// Batches from a reading thread to the loading one (`yieldpipe load --threads 2`): the reader
/// parses, builds and classifies the next batch while the database takes the one before. At most two
/// full batches wait; loaded ones come back to be filled again, so memory stays at four batches.
///
///   reader thread: fill batch; handoff.put(batch); ...; handoff.close(nullptr or the exception)
///   loading thread: row_batch batch; while (handoff.take(batch)) loader.load(batch);
///                   on an error: handoff.cancel(), join the reader
///
/// Thread-safe between one reader and one loader.
class batch_handoff {
 public:
  // Reader: hands `batch` over and leaves an empty one, with the same columns, in its place. Throws
  // `cancelled` once the loader has stopped.
  struct cancelled {};
  void put(row_batch& batch) {
    batch.classify();  // the per-value work, on this thread
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return full_.size() < 2 || cancelled_; });
    if (cancelled_) throw cancelled{};
    std::vector<std::string> names = batch.names();
    full_.push_back(std::move(batch));
    if (empty_.empty()) {
      batch = row_batch(std::move(names));
    } else {
      batch = std::move(empty_.back());
      empty_.pop_back();
      batch.reset(std::move(names));
    }
    changed_.notify_all();
  }
  // Reader: done, with the exception that ended it, if any.
  void close(std::exception_ptr error) {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    error_ = std::move(error);
    changed_.notify_all();
  }
  // Loader: the next batch into `batch` (the one given back to be filled again); false at the end.
  // Rethrows the reader's exception.
  bool take(row_batch& batch) {
    std::unique_lock lock(mutex_);
    if (!batch.names().empty() || !batch.empty()) empty_.push_back(std::move(batch));
    changed_.wait(lock, [&] { return !full_.empty() || closed_; });
    if (!full_.empty()) {
      batch = std::move(full_.front());
      full_.pop_front();
      changed_.notify_all();
      return true;
    }
    if (error_) std::rethrow_exception(error_);
    return false;
  }
  // Loader: it stopped; the reader stops at its next batch.
  void cancel() {
    const std::lock_guard lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<row_batch> full_;
  std::vector<row_batch> empty_;
  bool closed_ = false;
  bool cancelled_ = false;
  std::exception_ptr error_;
};

}  // namespace yieldpipe::db
