// The non-template parts of exec::parallel_map: the thread count and the oneTBB arena.
#include "yieldpipe/exec/parallel_map.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <optional>
#include <stdexcept>

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

struct worker_arena::impl {
  // oneTBB's worker pool has (allowed parallelism - 1) threads, the "- 1" being the main thread that
  // joins parallel algorithms. Our arena reserves no slot for an external thread, so it needs
  // `threads` workers: the allowance is raised to threads + 1 while the arena lives, if it is lower.
  // (The active value of max_allowed_parallelism is the smallest among the live global_controls, so
  // a user's own lower limit still wins.)
  std::optional<tbb::global_control> allowance;
  tbb::task_arena arena;

  explicit impl(int threads) : arena(threads, 0) {
    const auto wanted = static_cast<std::size_t>(threads) + 1;
    if (tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) < wanted)
      allowance.emplace(tbb::global_control::max_allowed_parallelism, wanted);
    arena.initialize();
  }
};

worker_arena::worker_arena(int threads) : impl_(std::make_unique<impl>(threads)) {}

worker_arena::~worker_arena() = default;

void worker_arena::submit(void (*task)(void*, std::size_t), void* context, std::size_t argument) {
  impl_->arena.enqueue([task, context, argument] { task(context, argument); });
}

}  // namespace yieldpipe::exec::detail
