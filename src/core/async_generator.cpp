#include "yieldpipe/core/async_generator.hpp"

namespace yieldpipe {
namespace {

async_generator_finalizer& finalizer_hook() noexcept {
  thread_local async_generator_finalizer hook;
  return hook;
}

}  // namespace

async_generator_finalizer set_async_generator_finalizer(async_generator_finalizer hook) {
  return std::exchange(finalizer_hook(), std::move(hook));
}

namespace detail {

bool async_frame::wants_finalizer() const noexcept { return started_ && !finished(); }

bool async_frame::finalize() noexcept {
  const async_generator_finalizer& hook = finalizer_hook();
  if (!hook) return false;
  hook(abandoned_async_generator{this});  // noexcept: a hook that throws terminates
  return true;
}

void async_frame::dispose_orphan() noexcept {
  if (wants_finalizer() && finalize()) return;
  handle_.destroy();
}

}  // namespace detail
}  // namespace yieldpipe
