#pragma once
// The core layer: Python's generator model as C++20 coroutines.

#include "yieldpipe/core/async_generator.hpp"
#include "yieldpipe/core/exceptions.hpp"
#include "yieldpipe/core/frame_allocator.hpp"
#include "yieldpipe/core/gen_state.hpp"
#include "yieldpipe/core/generator.hpp"
#include "yieldpipe/core/reiterable.hpp"
#include "yieldpipe/core/sync_wait.hpp"
#include "yieldpipe/core/task.hpp"
#include "yieldpipe/core/yield_from.hpp"
