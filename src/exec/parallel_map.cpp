// The non-template parts of exec::parallel_map: the options, and the oneTBB arena with its tasks.
#include "yieldpipe/exec/parallel_map.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <vector>

namespace yieldpipe::exec::detail {

int resolve_threads(int requested) {
  if (requested < 0) throw std::invalid_argument("parallel_map: threads must be at least 0 (0: one per core)");
  if (requested > 0) return requested;
  const int cores = tbb::info::default_concurrency();
  return cores > 0 ? cores : 1;
}

parallel_options resolve_options(parallel_options options) {
  options.threads = resolve_threads(options.threads);
  if (options.max_in_flight < 0)
    throw std::invalid_argument("parallel_map: max_in_flight must be at least 0 (0: 4 x threads)");
  if (options.max_in_flight == 0) options.max_in_flight = 4 * options.threads;
  return options;
}

namespace {

// One reusable oneTBB task per slot, owned by the arena, rather than `task_arena::enqueue(lambda)`.
// Why: `enqueue(lambda)` constructs a task object from TBB's small-object pool on the submitting
// thread and destroys it on the worker, in template code compiled into our (instrumented) objects,
// while the hand-over and the pool's recycling happen inside libtbb, which ThreadSanitizer cannot
// see: TSan then reports a race on every recycled task object (seen with oneTBB 2021.8, GCC 12).
// Our own task object is written once, before its first submission; `arm()` (release) and the
// acquire at the top of `execute` make each submission visible to TSan, and oneTBB does not touch
// a task after its `execute` returns (its own enqueue_task deletes itself inside `execute`), so the
// slot's next submission cannot overlap the previous one. This uses oneTBB's `d1::task` and
// `r1::enqueue`, the layer under `task_arena::enqueue`, which oneTBB keeps binary compatible.
class slot_task final : public tbb::detail::d1::task {
 public:
  slot_task(void (*run)(void*, std::size_t), void* context, std::size_t argument)
      : run_(run), context_(context), argument_(argument) {}

  // Publishes everything the submitting thread wrote so far to the run of this task.
  void arm() noexcept { armed_.fetch_add(1, std::memory_order_release); }

  tbb::detail::d1::task* execute(tbb::detail::d1::execution_data&) override {
    (void)armed_.load(std::memory_order_acquire);
    run_(context_, argument_);
    return nullptr;
  }
  // Only if the arena's context were cancelled, which nothing does (run_ throws nothing): run
  // anyway, so that the state always sees its task finish.
  tbb::detail::d1::task* cancel(tbb::detail::d1::execution_data& ed) override { return execute(ed); }

 private:
  void (*run_)(void*, std::size_t);
  void* context_;
  std::size_t argument_;
  std::atomic<unsigned> armed_{0};
};

}  // namespace

struct worker_arena::impl {
  // oneTBB's worker pool has (allowed parallelism - 1) threads, the "- 1" being the main thread that
  // joins parallel algorithms. Our arena reserves no slot for an external thread, so it needs
  // `threads` workers: the allowance is raised to threads + 1 while the arena lives, if it is lower.
  // (The active value of max_allowed_parallelism is the smallest among the live global_controls, so
  // a user's own lower limit still wins.)
  std::optional<tbb::global_control> allowance;
  tbb::task_arena arena;
  std::vector<std::unique_ptr<slot_task>> tasks;

  impl(int threads, std::size_t count, void (*run)(void*, std::size_t), void* context) : arena(threads, 0) {
    const auto wanted = static_cast<std::size_t>(threads) + 1;
    if (tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) < wanted)
      allowance.emplace(tbb::global_control::max_allowed_parallelism, wanted);
    arena.initialize();
    tasks.reserve(count);
    for (std::size_t i = 0; i < count; ++i) tasks.push_back(std::make_unique<slot_task>(run, context, i));
  }
};

worker_arena::worker_arena(int threads, std::size_t tasks, void (*run)(void*, std::size_t), void* context)
    : impl_(std::make_unique<impl>(threads, tasks, run, context)) {}

worker_arena::~worker_arena() = default;

void worker_arena::submit(std::size_t task) {
  slot_task& t = *impl_->tasks[task];
  t.arm();
  tbb::detail::r1::enqueue(t, &impl_->arena);
}

}  // namespace yieldpipe::exec::detail
