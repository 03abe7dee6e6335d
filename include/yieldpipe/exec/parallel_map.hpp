#pragma once
// parallel_map: a pipe stage that applies a function to the elements of a range on several threads
// (oneTBB), with a bounded number of elements in flight, while the consumer pulls the results one by
// one on its own thread.
//
//   auto totals = lines | batched(1000) | exec::parallel_map(parse_chunk, {.threads = 4}) | chain_from();
//
// Design (why a `tbb::task_arena` with one task per element and not `tbb::parallel_pipeline`): a
// parallel_pipeline runs to completion inside one blocking call, and its input filter pulls the source
// on a TBB thread; the consumer of a yieldpipe pipeline is a pull-based iterator that may stop at any
// element (`take`, `break`) and must see the results on its own thread. So the consumer's thread does
// the pulling: whenever it asks for a result it first tops up the window (takes elements from the
// source and submits one task each into a private arena of `threads` slots, up to `max_in_flight`
// elements not yet consumed), then waits for the result it needs. The hand-off between the tasks and
// the consumer is our own mutex, condition variable and atomics (visible to ThreadSanitizer; oneTBB's
// internals are not instrumented), so TBB only supplies the threads. A task is short (one element), so
// a stage never holds a TBB thread while it waits for its consumer.

#include <atomic>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>
#include <vector>

#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe::exec {

/// How `parallel_map` runs. Written with designated initialisers:
/// `exec::parallel_map(fn, {.threads = 4, .ordered = false, .max_in_flight = 64})`.
struct parallel_options {
  /// Worker threads that run `fn`: 0 means one per core (oneTBB's default concurrency, which
  /// follows the process's CPU affinity). Negative values are an error.
  int threads = 0;
  /// True: results in the order of the input (Python's `Executor.map`). False: in the order they
  /// complete (`as_completed`), which keeps the threads busy when the costs of elements vary.
  bool ordered = true;
  /// The memory bound: at most this many elements are in flight (taken from the source, and their
  /// result not yet consumed). 0 means 4 × threads. Fewer than `threads` limits the parallelism to
  /// this many. Negative values are an error.
  int max_in_flight = 0;
};

namespace detail {

// Non-template parts, in src/exec/parallel_map.cpp.

// The thread count that `parallel_options::threads` asks for: `requested`, or the default
// concurrency when it is 0.
int resolve_threads(int requested);

// A private oneTBB arena of `threads` worker slots (none reserved for the calling thread, which never
// runs tasks) and `tasks` reusable tasks, task i running `run(context, i)`. oneTBB keeps one worker
// per core besides the main thread; when `threads` asks for more workers than the process allows,
// the arena raises the allowance (a `tbb::global_control`) while it lives, so that `threads = 2`
// means two workers on a two-core machine too. It never lowers it.
class worker_arena {
 public:
  worker_arena(int threads, std::size_t tasks, void (*run)(void*, std::size_t), void* context);
  worker_arena(const worker_arena&) = delete;
  worker_arena& operator=(const worker_arena&) = delete;
  // Does not wait: destroy it only once its tasks have finished.
  ~worker_arena();

  // Runs task `task` on one of the arena's threads, some time later; what the calling thread wrote
  // before is visible to it (release/acquire). Does not wait. A task must not be submitted again
  // before its run has finished.
  void submit(std::size_t task);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Checks the options and fills in the defaults; throws std::invalid_argument.
parallel_options resolve_options(parallel_options options);

// The state of one parallel_map view: the source, the function, the window of slots and the
// hand-off. It lives on the heap, so that moving the view moves a pointer: tasks and iterators keep
// their addresses.
//
// Who touches what:
// - the consumer's thread (the one that calls begin/++; one at a time): the source and its iterator,
//   the free list, the submission order, `current_`, the counters `submitted_` and `in_flight_`, and
//   a slot's `input` before it is submitted and its `result` after its status left `pending`;
// - a task: its slot's `input` (submit() releases, the task acquires), its `result`/`error` before it
//   publishes the status;
// - both, under `mutex_`: the statuses, the completion queue, `finished_tasks_`, `first_error_`,
//   `waiting_for_`.
// `stop_` is atomic: set (by a failing task or the consumer) to start no more elements.
template <class V, class F>
class parallel_map_state {
 public:
  using input = std::ranges::range_value_t<V>;
  using result = std::remove_cvref_t<std::invoke_result_t<const F&, input>>;

  parallel_map_state(V base, F fn, parallel_options options)
      : base_(std::move(base)), fn_(std::move(fn)), options_(options) {}
  parallel_map_state(const parallel_map_state&) = delete;
  parallel_map_state& operator=(const parallel_map_state&) = delete;

  // Waits for the tasks in flight (they finish their element; queued ones skip theirs). Never calls
  // `fn` itself, and returns once the last task has published.
  ~parallel_map_state() { stop_and_drain(); }

  // The first begin() starts the stage and waits for the first result; later ones continue.
  void start() {
    if (started_) return;
    started_ = true;
    const auto window = static_cast<std::size_t>(options_.max_in_flight);
    slots_ = std::vector<slot>(window);
    free_.reserve(window);
    for (std::size_t i = window; i-- > 0;) free_.push_back(i);
    queue_.assign(window, 0);
    arena_.emplace(options_.threads, window, &run, this);
    try {
      current_it_.emplace(std::ranges::begin(base_));  // a generator runs to its first element here
    } catch (...) {
      finished_ = true;
      throw;
    }
    next();
  }

  bool at_end() const noexcept { return finished_; }
  result& current() noexcept { return *slots_[current_].result_; }

  void advance() {
    release_current();
    next();
  }

 private:
  enum class status : unsigned char { pending, done, failed, skipped };

  struct slot {
    std::optional<input> input_;
    std::optional<result> result_;
    std::exception_ptr error_;
    status status_ = status::pending;
  };

  // A fixed-capacity FIFO of slot indices: the submission order (ordered mode, consumer only) or the
  // completion order (unordered mode, under mutex_).
  void push(std::size_t s) {
    queue_[(queue_head_ + queue_size_) % queue_.size()] = s;
    ++queue_size_;
  }
  std::size_t pop() {
    const std::size_t s = queue_[queue_head_];
    queue_head_ = (queue_head_ + 1) % queue_.size();
    --queue_size_;
    return s;
  }

  static void run(void* self, std::size_t s) { static_cast<parallel_map_state*>(self)->work(s); }

  // On a worker thread: one element.
  void work(std::size_t s) {
    slot& sl = slots_[s];
    status outcome = status::skipped;
    if (!stop_.load(std::memory_order_acquire)) {
      try {
        sl.result_.emplace(std::invoke(fn_, std::move(*sl.input_)));
        outcome = status::done;
      } catch (...) {
        sl.error_ = std::current_exception();
        outcome = status::failed;
      }
    }
    sl.input_.reset();
    // The last touch of the state: the consumer may destroy it as soon as it sees finished_tasks_
    // (hence notify under the lock).
    std::lock_guard lock(mutex_);
    sl.status_ = outcome;
    if (outcome == status::failed && !first_error_) {
      first_error_ = sl.error_;
      stop_.store(true, std::memory_order_release);
    }
    if (!options_.ordered) push(s);
    ++finished_tasks_;
    // Wakes the consumer only for the event it waits for (a wake-up is a context switch).
    if (waiting_for_ == s || waiting_for_ == any_slot) done_.notify_one();
  }

  // Consumer: takes elements from the source and submits them until the window is full.
  void refill() {
    while (!exhausted_ && in_flight_ < slots_.size() && !stop_.load(std::memory_order_acquire)) {
      auto& it = *current_it_;
      // The source is advanced only when the next element is needed, so that it is pulled exactly
      // once per element taken (a generator's body runs no further than the stage has taken).
      try {
        if (taken_any_) ++it;
        taken_any_ = true;
        if (it == std::ranges::end(base_)) {
          exhausted_ = true;
          return;
        }
        slot& sl = slots_[free_.back()];
        sl.input_.emplace(*it);
      } catch (...) {
        // An exception from the source ends the input: it is raised after the results of the
        // elements taken before it.
        source_error_ = std::current_exception();
        exhausted_ = true;
        return;
      }
      const std::size_t s = free_.back();
      slot& sl = slots_[s];
      sl.status_ = status::pending;  // no task owns the slot: it was consumed (under the lock) or is new
      if (options_.ordered) push(s);
      try {
        arena_->submit(s);  // publishes the input (release)
      } catch (...) {
        // oneTBB could not queue the task (out of memory): the stage fails, as when fn throws.
        if (options_.ordered) --queue_size_;
        sl.input_.reset();
        stop_and_drain();
        finished_ = true;
        release_all();
        throw;
      }
      free_.pop_back();
      ++in_flight_;
      ++submitted_;
    }
  }

  // Consumer: positions current_ on the next result, or ends, or rethrows.
  void next() {
    if (finished_) return;
    refill();
    std::size_t s = 0;
    status outcome = status::pending;
    {
      std::unique_lock lock(mutex_);
      if (options_.ordered) {
        if (queue_size_ == 0) {
          lock.unlock();
          end_of_input();
          return;
        }
        s = queue_[queue_head_];
        waiting_for_ = s;
        done_.wait(lock, [&] { return slots_[s].status_ != status::pending; });
        waiting_for_ = no_slot;
        pop();
      } else {
        if (in_flight_ == 0) {
          lock.unlock();
          end_of_input();
          return;
        }
        waiting_for_ = any_slot;
        done_.wait(lock, [&] { return queue_size_ > 0; });
        waiting_for_ = no_slot;
        s = pop();
      }
      outcome = slots_[s].status_;
    }
    if (outcome == status::done) {
      current_ = s;
      has_current_ = true;
      return;
    }
    // A failed element, or (ordered) one skipped because a later element had failed: no result
    // follows. The error is the element's own when it failed, else the first failure's.
    std::exception_ptr error;
    {
      std::lock_guard lock(mutex_);
      error = outcome == status::failed ? slots_[s].error_ : first_error_;
    }
    stop_and_drain();
    finished_ = true;
    release_all();
    std::rethrow_exception(error);
  }

  void end_of_input() {
    finished_ = true;
    if (source_error_) std::rethrow_exception(std::exchange(source_error_, nullptr));
  }

  void release_current() {
    if (!has_current_) return;
    has_current_ = false;
    slots_[current_].result_.reset();
    free_.push_back(current_);
    --in_flight_;
  }

  // Results not delivered (after a failure), destroyed on the consumer's thread.
  void release_all() {
    for (slot& sl : slots_) {
      sl.result_.reset();
      sl.error_ = nullptr;
    }
  }

  void stop_and_drain() {
    stop_.store(true, std::memory_order_release);
    std::unique_lock lock(mutex_);
    waiting_for_ = any_slot;
    done_.wait(lock, [&] { return finished_tasks_ == submitted_; });
    waiting_for_ = no_slot;
  }

  V base_;
  const F fn_;
  const parallel_options options_;

  // Consumer only.
  bool started_ = false;
  bool taken_any_ = false;
  bool exhausted_ = false;
  bool finished_ = false;
  bool has_current_ = false;
  std::size_t current_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t submitted_ = 0;
  std::exception_ptr source_error_;
  std::optional<std::ranges::iterator_t<V>> current_it_;
  std::vector<std::size_t> free_;

  // Shared (see above).
  std::vector<slot> slots_;
  std::vector<std::size_t> queue_;
  std::size_t queue_head_ = 0;
  std::size_t queue_size_ = 0;
  std::mutex mutex_;
  std::condition_variable done_;
  std::size_t finished_tasks_ = 0;
  std::exception_ptr first_error_;
  // What the consumer is blocked on: a slot, any completion, or nothing.
  static constexpr std::size_t any_slot = static_cast<std::size_t>(-1);
  static constexpr std::size_t no_slot = static_cast<std::size_t>(-2);
  std::size_t waiting_for_ = no_slot;
  std::atomic<bool> stop_{false};

  // Declared last, so destroyed first: after the destructor's body has waited for its tasks.
  std::optional<worker_arena> arena_;
};

}  // namespace detail

/// The view of `parallel_map(fn, options)`: `fn(x)` for each `x` of the base range, computed on
/// worker threads and delivered on the consumer's thread. Single-pass and move-only; an iterator is
/// a pointer to the view's state, so it stays valid when the view is moved. Nothing runs before
/// the first `begin()`, which waits for the first result.
template <std::ranges::input_range V, std::move_constructible F>
  requires std::ranges::view<V> && std::is_object_v<F> &&
           std::constructible_from<std::ranges::range_value_t<V>, std::ranges::range_reference_t<V>> &&
           std::invocable<const F&, std::ranges::range_value_t<V>>
class parallel_map_view : public std::ranges::view_interface<parallel_map_view<V, F>> {
  using state = detail::parallel_map_state<V, F>;
  using result = typename state::result;
  static_assert(!std::is_void_v<result>,
                "parallel_map: fn returns void; a stage yields results (return a value, or use a loop)");

 public:
  // A single-pass input iterator, like the iter views' (written out here rather than borrowing iter's
  // detail::input_iterator_facade: exec does not reach into another layer's detail).
  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using value_type = result;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    explicit iterator(state* s) : state_(s) {}

    /// The current result, an lvalue owned by the stage until the iterator moves on (so a
    /// move-only result can be moved out).
    result& operator*() const { return state_->current(); }
    /// Releases the current result and waits for the next one; rethrows an exception of `fn` or of
    /// the source (see `parallel_map`).
    iterator& operator++() {
      state_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }

    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.state_->at_end(); }

   private:
    state* state_ = nullptr;
  };

  parallel_map_view(V base, F fn, parallel_options options)
      : state_(std::make_unique<state>(std::move(base), std::move(fn), detail::resolve_options(options))) {}

  iterator begin() {
    state_->start();
    return iterator(state_.get());
  }
  std::default_sentinel_t end() const noexcept { return std::default_sentinel; }

 private:
  std::unique_ptr<state> state_;
};

/// A stage that applies `fn` to each element on `options.threads` worker threads (oneTBB), like
/// Python's `concurrent.futures.ThreadPoolExecutor.map` with a bounded window:
///
///   for (auto& r : chunks | exec::parallel_map(process_chunk, {.threads = 4})) ...
///
/// - The source is pulled on the consumer's thread only, one element at a time, when the consumer
///   asks for a result and the window has room; each element is copied (moved, when the source
///   yields rvalues) into the stage, and `fn` receives it as an rvalue. Results reach the consumer
///   on its own thread through the iterator: input order when `options.ordered`, else completion
///   order.
/// - `fn` is called concurrently from several threads through a `const F&`: it must be safe to call
///   so (a `mutable` lambda does not compile). It must return a value (a move-only one works; a
///   reference is copied into the result); a `void` fn is not supported.
/// - Memory: at most `max_in_flight` elements (default 4 × threads) exist at once, counting inputs
///   waiting or being processed and results not yet consumed, plus a slot array of that size.
/// - Cost per element: a copy of the input, a oneTBB task submission, two short critical sections
///   and the thread wake-ups they cause (measured at 1–6 µs of CPU, see docs/exec.md): worth it when
///   `fn` costs well over 10 µs — batch cheap elements (`batched(n)`, then `chain_from()`).
/// - Exceptions: an exception from `fn` stops the stage: no further element is started (elements
///   already queued are skipped), the elements being processed finish, and then the consumer's `++`
///   (or `begin`) rethrows the same exception object. It is raised at the failing element's place
///   in the output: in ordered mode the results before it that were computed come first (as
///   `Executor.map` raises at the failing element); if an earlier element was skipped, the
///   exception is raised in its place. An exception from the source is raised after the results of
///   the elements taken before it. Afterwards the view is at its end.
/// - Early stop (`take`, `break`, an exception in the consumer): the source is not pulled again
///   once the consumer stops asking (it has been pulled at most consumed + max_in_flight times).
///   Destroying the view skips the queued elements and waits only for those being processed; `fn`
///   is never called after that. Keeping the view alive after the consumer stops leaves at most
///   `max_in_flight` elements computed and held until it is destroyed.
/// - Lifetime: an rvalue source (a generator, a container) is moved into the view; an lvalue one is
///   borrowed and must outlive it. `fn` is copied into the view. Do not call a parallel_map inside
///   `fn` of another one: a blocked worker does not run other tasks.
/// Throws std::invalid_argument for negative `threads` or `max_in_flight`.
template <class F>
auto parallel_map(F fn, parallel_options options = {}) {
  options = detail::resolve_options(options);
  return stage{[fn = std::move(fn), options]<std::ranges::viewable_range R>(R&& range) {
    return parallel_map_view<std::views::all_t<R>, F>(std::views::all(std::forward<R>(range)), fn, options);
  }};
}

}  // namespace yieldpipe::exec
