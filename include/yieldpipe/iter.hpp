#pragma once
// The iter layer: lazy building blocks over any input range, composed with `|`.

#include "yieldpipe/iter/filter.hpp"
#include "yieldpipe/iter/map.hpp"
#include "yieldpipe/iter/pipe.hpp"
#include "yieldpipe/iter/sources.hpp"
#include "yieldpipe/iter/terminals.hpp"
