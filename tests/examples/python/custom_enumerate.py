# The guide's "Enumerate Generator", made runnable: the dataset and process_record are defined as in
# examples/custom_enumerate.cpp (same xorshift64). The last part is the C++ example's `progress`
# stage with a simulated clock (each record takes 1 ms): `progress` below is not the guide's code
# but a counterpart written for this comparison, printing the stage's log lines.
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


# Built-in enumerate is a generator
def custom_enumerate(iterable, start=0):
    """Custom implementation of enumerate"""
    index = start
    for item in iterable:
        yield index, item
        index += 1


rng = XorShift(1000)
large_dataset = [{'id': i, 'amount': rng.below(10000)} for i in range(5000)]
totals = {'records': 0, 'amount': 0}


def process_record(record):
    totals['records'] += 1
    totals['amount'] += record['amount']


# Big data usage
def process_with_progress(large_dataset):
    total = len(large_dataset)
    for index, record in enumerate(large_dataset):
        # Process record
        process_record(record)
        
        # Show progress every 1000 records
        if index % 1000 == 0:
            progress = (index / total) * 100
            print(f"Progress: {progress:.1f}%")


for index, item in custom_enumerate(["sensor-a", "sensor-b", "sensor-c"], 1):
    print(index, item)

process_with_progress(large_dataset)
print(f"Processed {totals['records']} records, total amount {totals['amount']}")


def minutes(seconds):
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


def progress(iterable, total, label, clock_ms, log, interval_ms=1000):
    start = last = clock_ms()
    count = 0
    for item in iterable:
        yield item
        count += 1
        now = clock_ms()
        if now - last >= interval_ms:
            last = now
            rate = count / ((now - start) / 1000)
            log.append(f"{label}: {count}/{total} ({count / total * 100:.1f}%), {rate:.1f} it/s, "
                       f"ETA {minutes((total - count) / rate)}")
    elapsed = (clock_ms() - start) / 1000
    log.append(f"{label}: done, {count} items in {minutes(elapsed)}, {count / elapsed:.1f} it/s")


now_ms = 0
log = []
amount = 0
for record in progress(large_dataset, len(large_dataset), "records", lambda: now_ms, log):
    amount += record['amount']
    now_ms += 1  # each record takes 1 ms
print("progress stage log:")
for line in log:
    print(f"  {line}")
print(f"Total amount {amount}")
