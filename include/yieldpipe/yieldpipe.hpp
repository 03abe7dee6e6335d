#pragma once
// Everything yieldpipe offers, one include.

#include "yieldpipe/core.hpp"
#include "yieldpipe/io.hpp"
#include "yieldpipe/iter.hpp"
