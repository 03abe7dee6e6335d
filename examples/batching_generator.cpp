// The guide, "8. Specialized Generator Patterns" › "Batching Generator".
//
// The data: 4,500 order records (id, customer, amount in cents) from a generator driven by a seeded
// xorshift64; tests/examples/python/batching_generator.py draws the same records with the same
// generator and runs the guide's code. The guide's `database` is a real one: an SQLite file in a
// temporary folder (or the database that YIELDPIPE_EXAMPLE_DB names, e.g. a PostgreSQL URI), the
// table read back with SQL at the end.
//
// The guide's batch_generator is `| batched(batch_size)`: the same batches, the last one short,
// built in one vector that is reused from batch to batch. Its database.bulk_insert is the db
// layer's `db::into` terminal, which inserts each batch of a range of batches in one transaction.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>
#include <yieldpipe/core.hpp>
#include <yieldpipe/db/database.hpp>
#include <yieldpipe/db/table_sink.hpp>
#include <yieldpipe/iter.hpp>

#include "example.hpp"
#include "example_database.hpp"

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

namespace db = yieldpipe::db;

// The guide's loop, as the stream of batches the database reads: the sink inserts each batch in one
// transaction, then asks for the next one, and only then is the batch reported.
template <class Stream>
yieldpipe::generator<std::vector<order>> reported_batches(Stream data_stream, long long batch_size) {
  for (std::vector<order>& batch : std::move(data_stream) | yieldpipe::batched(batch_size)) {
    co_yield batch;  // database.bulk_insert(batch)
    std::printf("Processed batch of %zu records\n", batch.size());
  }
}

// Database bulk operations: into the table "orders" of `database` (made anew), in batches.
template <class Stream>
std::uint64_t bulk_insert_processor(Stream data_stream, const std::string& database, long long batch_size = 1000) {
  return reported_batches(std::move(data_stream), batch_size) |
         db::into(database, {.table = "orders", .mode = db::load_mode::replace}, {"id", "customer", "amount_cents"},
                  [](const order& o) { return std::tuple(o.id, o.customer, o.amount_cents); });
}

}  // namespace

YIELDPIPE_EXAMPLE(241, batching_generator, "Batching Generator") {
  const yieldpipe::examples::example_database database("orders.db");
  bulk_insert_processor(order_stream(4500), database.target());

  // What the database holds: its load state counts the transactions, SQL the rows.
  const db::load_state state = db::open_database(database.target())->read_state("orders").value();
  const auto totals = database.row("SELECT count(*), min(id), max(id), sum(amount_cents) FROM orders");
  const long long total = std::stoll(totals[3]);
  std::printf("Database: %llu bulk inserts, %s rows, ids %s-%s, total amount %lld.%02lld\n",
              static_cast<unsigned long long>(state.batches), totals[0].c_str(), totals[1].c_str(), totals[2].c_str(),
              total / 100, total % 100);
  const auto last = database.row("SELECT id, customer, amount_cents FROM orders ORDER BY id DESC LIMIT 1");
  std::printf("Last row: %s %s %s cents\n", last[0].c_str(), last[1].c_str(), last[2].c_str());

  // Any batch size: 4500 records in batches of 2000 are 2000, 2000 and 500.
  std::printf("Batch sizes for 2000:");
  for (const auto& batch : order_stream(4500) | yieldpipe::batched(2000)) std::printf(" %zu", batch.size());
  std::printf("\n");
}
