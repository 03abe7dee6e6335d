#pragma once
// Included first by every header that includes Asio. asio/detail/config.hpp (1.22) chooses between
// aligned_alloc/free and operator new/delete for the memory of handlers by libstdc++'s
// _GLIBCXX_HAVE_ALIGNED_ALLOC, which the first standard header defines: a translation unit that
// includes Asio before any standard header frees with the other function than one that does not
// (AddressSanitizer: alloc-dealloc-mismatch, as handler memory is recycled between them).

#include <cstddef>
