// The guide, "8. Specialized Generator Patterns" › "Batching Generator".
//
// The data: 4,500 order records (id, customer, amount in cents) from a generator driven by a seeded
// xorshift64; tests/examples/python/batching_generator.py draws the same records with the same
// generator and runs the guide's code. The guide's `database` is an in-memory table here, in both
// languages: bulk_insert appends a batch in one call and counts the calls (the db layer's SQLite
// sink will take its place, with a transaction per batch).
//
// The guide's batch_generator is `| batched(batch_size)`: the same batches, the last one short,
// built in one vector that is reused from batch to batch.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"

namespace {

class xorshift {
 public:
  explicit xorshift(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  long long below(long long n) { return static_cast<long long>(next() % static_cast<std::uint64_t>(n)); }

 private:
  std::uint64_t state_;
};

struct order {
  long long id;
  std::string customer;
  long long amount_cents;
};

// The data stream: orders, one at a time.
yieldpipe::generator<order> order_stream(long long n) {
  xorshift rng(99);
  for (long long id = 1; id <= n; ++id) {
    order o{id, "customer-" + std::to_string(rng.below(300)), 100 + rng.below(50000)};
    co_yield o;
  }
}

// An in-memory table standing in for the database: one call per batch.
class in_memory_database {
 public:
  void bulk_insert(const std::vector<order>& batch) {
    ++inserts_;
    rows_.insert(rows_.end(), batch.begin(), batch.end());
  }
  long long inserts() const { return inserts_; }
  const std::vector<order>& rows() const { return rows_; }

 private:
  long long inserts_ = 0;
  std::vector<order> rows_;
};

in_memory_database database;

// Database bulk operations
template <class Stream>
void bulk_insert_processor(Stream data_stream, long long batch_size = 1000) {
  for (const std::vector<order>& batch : std::move(data_stream) | yieldpipe::batched(batch_size)) {
    database.bulk_insert(batch);
    std::printf("Processed batch of %zu records\n", batch.size());
  }
}

}  // namespace

YIELDPIPE_EXAMPLE(241, batching_generator, "Batching Generator") {
  database = {};  // empty, however often the demo runs this
  bulk_insert_processor(order_stream(4500));

  long long total = 0;
  for (const order& o : database.rows()) total += o.amount_cents;
  const auto& rows = database.rows();
  std::printf("Database: %lld bulk inserts, %zu rows, ids %lld-%lld, total amount %lld.%02lld\n", database.inserts(),
              rows.size(), rows.front().id, rows.back().id, total / 100, total % 100);
  std::printf("Last row: %lld %s %lld cents\n", rows.back().id, rows.back().customer.c_str(), rows.back().amount_cents);

  // Any batch size: 4500 records in batches of 2000 are 2000, 2000 and 500.
  std::printf("Batch sizes for 2000:");
  for (const auto& batch : order_stream(4500) | yieldpipe::batched(2000)) std::printf(" %zu", batch.size());
  std::printf("\n");
}
