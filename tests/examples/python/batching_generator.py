# The guide's "Batching Generator", made runnable: the orders come from the same xorshift64 as
# examples/batching_generator.cpp, and the guide's `database` is the same in-memory table (one
# bulk_insert call per batch).
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


class InMemoryDatabase:
    def __init__(self):
        self.inserts = 0
        self.rows = []

    def bulk_insert(self, batch):
        self.inserts += 1
        self.rows.extend(batch)


database = InMemoryDatabase()


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

total = sum(o['amount_cents'] for o in database.rows)
rows = database.rows
print(f"Database: {database.inserts} bulk inserts, {len(rows)} rows, ids {rows[0]['id']}-{rows[-1]['id']}, "
      f"total amount {total // 100}.{total % 100:02d}")
print(f"Last row: {rows[-1]['id']} {rows[-1]['customer']} {rows[-1]['amount_cents']} cents")
print("Batch sizes for 2000: " + " ".join(str(len(b)) for b in batch_generator(order_stream(4500), 2000)))
