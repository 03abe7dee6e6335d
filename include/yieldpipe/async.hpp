#pragma once
// The async layer: Asio's side of yieldpipe's coroutines.

#include "yieldpipe/async/run.hpp"
#include "yieldpipe/async/use_task.hpp"
