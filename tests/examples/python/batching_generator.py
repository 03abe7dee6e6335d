# The guide's "Batching Generator", made runnable: the orders come from the same xorshift64 as
# examples/batching_generator.cpp, and the guide's `database` is an SQLite file in a temporary folder
# (bulk_insert: one transaction per batch), read back with SQL at the end, as the C++ does.
import os
import sqlite3
import tempfile

M64 = (1 << 64) - 1


class XorShift:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        x = self.state
        x ^= (x << 13) & M64
        x ^= x >> 7
        x ^= (x << 17) & M64
        self.state = x
        return x

    def below(self, n):
        return self.next() % n


def order_stream(n):
    rng = XorShift(99)
    for id in range(1, n + 1):
        customer = f"customer-{rng.below(300)}"
        yield {'id': id, 'customer': customer, 'amount_cents': 100 + rng.below(50000)}


class Database:
    def __init__(self, path):
        self.connection = sqlite3.connect(path)
        self.connection.execute("CREATE TABLE orders (id INTEGER, customer TEXT, amount_cents INTEGER)")
        self.inserts = 0

    def bulk_insert(self, batch):
        with self.connection:  # one transaction
            self.connection.executemany("INSERT INTO orders VALUES (:id, :customer, :amount_cents)", batch)
        self.inserts += 1


folder = tempfile.TemporaryDirectory()
database = Database(os.path.join(folder.name, "orders.db"))


def batch_generator(iterable, batch_size):
    """Group items into batches"""
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    
    if batch:
        yield batch

# Database bulk operations
def bulk_insert_processor(data_stream, batch_size=1000):
    for batch in batch_generator(data_stream, batch_size):
        database.bulk_insert(batch)
        print(f"Processed batch of {len(batch)} records")


bulk_insert_processor(order_stream(4500))

count, first, last_id, total = database.connection.execute(
    "SELECT count(*), min(id), max(id), sum(amount_cents) FROM orders").fetchone()
print(f"Database: {database.inserts} bulk inserts, {count} rows, ids {first}-{last_id}, "
      f"total amount {total // 100}.{total % 100:02d}")
last = database.connection.execute("SELECT id, customer, amount_cents FROM orders ORDER BY id DESC LIMIT 1").fetchone()
print(f"Last row: {last[0]} {last[1]} {last[2]} cents")
print("Batch sizes for 2000: " + " ".join(str(len(b)) for b in batch_generator(order_stream(4500), 2000)))
database.connection.close()
folder.cleanup()
