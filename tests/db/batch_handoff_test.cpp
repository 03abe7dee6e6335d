#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <yieldpipe/db/batch_handoff.hpp>

#include "support/row_batches.hpp"

namespace {

using namespace yieldpipe;

TEST(batch_handoff, batches_arrive_in_order_classified_and_the_reader_gets_empty_ones_back) {
  db::batch_handoff handoff;
  std::thread reader([&] {
    db::row_batch batch({"n"});
    for (int i = 1; i <= 5; ++i) {
      batch.add_row({static_cast<std::uint64_t>(i), 0, "x"});
      batch.set(0, db::field_kind::inferred, std::to_string(i));
      handoff.put(batch);
      EXPECT_TRUE(batch.empty());
      EXPECT_EQ(batch.names(), std::vector<std::string>{"n"});
    }
    handoff.close(nullptr);
  });
  db::row_batch batch;
  std::vector<std::int64_t> seen;
  while (handoff.take(batch)) {
    ASSERT_TRUE(batch.classified());
    seen.push_back(batch.integer_at(0, 0));
  }
  reader.join();
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
}

TEST(batch_handoff, the_readers_exception_reaches_the_loader_after_the_batches_before_it) {
  db::batch_handoff handoff;
  std::thread reader([&] {
    db::row_batch batch({"n"});
    batch.add_row({1, 0, "1"});
    handoff.put(batch);
    handoff.close(std::make_exception_ptr(std::runtime_error("bad input")));
  });
  db::row_batch batch;
  EXPECT_TRUE(handoff.take(batch));
  EXPECT_THROW(handoff.take(batch), std::runtime_error);
  reader.join();
}

TEST(batch_handoff, a_cancelled_handoff_stops_a_reader_that_waits_for_room) {
  db::batch_handoff handoff;
  bool stopped = false;
  std::thread reader([&] {
    db::row_batch batch({"n"});
    try {
      for (;;) {  // two fit; the third waits until the loader gives up
        batch.add_row({1, 0, "1"});
        handoff.put(batch);
      }
    } catch (const db::batch_handoff::cancelled&) {
      stopped = true;
    }
    handoff.close(nullptr);
  });
  handoff.cancel();
  reader.join();
  EXPECT_TRUE(stopped);
}

}  // namespace
