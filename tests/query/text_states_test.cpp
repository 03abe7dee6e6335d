// first and last: the text as written, merged in input order.
#include <gtest/gtest.h>

#include <string>
#include <yieldpipe/query/text_states.hpp>

namespace {

using namespace yieldpipe;
using namespace yieldpipe::query;

TEST(aggregate_states, first_and_last_keep_the_text) {
  first_state f;
  last_state l;
  for (const char* t : {"a", "a long text that does not fit a small string", "c"}) {
    f.add(t);
    l.add(t);
  }
  EXPECT_EQ(f.result(), "a");
  EXPECT_EQ(l.result(), "c");
}

}  // namespace
