#pragma once
// The exec layer: running a pipeline's work on all cores (parallel_map on oneTBB; parallel_reduce
// over the pieces of one input).

#include "yieldpipe/exec/parallel_map.hpp"
#include "yieldpipe/exec/parallel_reduce.hpp"
