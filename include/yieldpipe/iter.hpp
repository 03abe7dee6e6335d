#pragma once
// The iter layer: lazy building blocks over any input range, composed with `|`.

#include "yieldpipe/iter/coroutines.hpp"
#include "yieldpipe/iter/error_policy.hpp"
#include "yieldpipe/iter/filter.hpp"
#include "yieldpipe/iter/graph.hpp"
#include "yieldpipe/iter/map.hpp"
#include "yieldpipe/iter/memory.hpp"
#include "yieldpipe/iter/moving_average.hpp"
#include "yieldpipe/iter/pipe.hpp"
#include "yieldpipe/iter/progress.hpp"
#include "yieldpipe/iter/rolling_stats.hpp"
#include "yieldpipe/iter/running_stats.hpp"
#include "yieldpipe/iter/sources.hpp"
#include "yieldpipe/iter/terminals.hpp"
#include "yieldpipe/iter/walk_directory.hpp"
#include "yieldpipe/iter/zscore_anomalies.hpp"
