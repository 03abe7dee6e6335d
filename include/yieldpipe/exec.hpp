#pragma once
// The exec layer: running a pipeline's work on all cores (oneTBB).

#include "yieldpipe/exec/parallel_map.hpp"
