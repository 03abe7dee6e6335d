# The guide's "Big Data Scenario: CSV File Processor", made runnable: the CSV is generated here with
# the same xorshift64 as examples/process_large_csv.cpp, into a temporary file, and the guide's
# placeholders transform_record and save_to_database are defined as the C++ defines them:
# save_to_database inserts the batch into an SQLite file in one transaction, read back at the end.
import os
import sqlite3
import tempfile
from datetime import datetime, timedelta

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


ROWS = 3500
CATEGORIES = ["indoor", "outdoor", "industrial", "lab"]
HEADER = "id,timestamp,sensor,category,value,temperature,humidity,status,quality_score"


def write_sensor_csv(path):
    rng = XorShift(20240101)
    start = datetime(2024, 1, 1)
    with open(path, "w") as out:
        out.write(HEADER + "\n")
        for i in range(ROWS):
            sensor = f"sensor-{rng.below(16):02d}"
            category = CATEGORIES[rng.below(4)]
            value = rng.below(100000) / 100
            temperature = (rng.below(18000) - 6000) / 100
            humidity = (rng.below(11500) - 500) / 100
            s = rng.below(10)
            status = "active" if s < 8 else "inactive" if s == 8 else "maintenance"
            quality = rng.below(101) / 100
            ts = (start + timedelta(seconds=i * 37)).strftime("%Y-%m-%dT%H:%M:%S")
            out.write(f"{i + 1},{ts},{sensor},{category},{value:.2f},{temperature:.2f},{humidity:.2f},"
                      f"{status},{quality:.2f}\n")


def process_large_csv(filename, chunk_size=1000):
    """Process massive CSV files without loading into memory"""
    import csv
    with open(filename, 'r') as file:
        reader = csv.DictReader(file)
        batch = []
        
        for row in reader:
            batch.append(row)
            if len(batch) >= chunk_size:
                yield batch
                batch = []
        
        if batch:  # Yield remaining records
            yield batch


def transform_record(record):
    return {
        'id': int(record['id']),
        'category': record['category'],
        'value': float(record['value']),
        'temperature_f': float(record['temperature']) * 9 / 5 + 32,
        'active': record['status'] == 'active',
    }


folder = tempfile.TemporaryDirectory()
db = sqlite3.connect(os.path.join(folder.name, "readings.db"))
db.execute("CREATE TABLE readings (id INTEGER, category TEXT, value REAL, temperature_f REAL, active INTEGER)")
batches = 0


def save_to_database(batch):
    global batches
    with db:  # one transaction
        db.executemany("INSERT INTO readings VALUES (:id, :category, :value, :temperature_f, :active)", batch)
    batches += 1
    value_sum = 0
    temperature_sum = 0
    active = 0
    for r in batch:
        value_sum += r['value']
        temperature_sum += r['temperature_f']
        active += 1 if r['active'] else 0
    n = len(batch)
    print(f"Saved batch {batches}: {n} records (ids {batch[0]['id']}-{batch[-1]['id']}), {active} active, "
          f"mean value {value_sum / n:.2f}, mean temperature {temperature_sum / n:.2f} F")


fd, path = tempfile.mkstemp(suffix=".csv")
os.close(fd)
try:
    write_sensor_csv(path)
    print(f"Wrote massive_data.csv: {ROWS} rows")

    # Process 100GB CSV file efficiently
    for batch in process_large_csv(path):
        # Process each batch of 1000 records
        processed_batch = [transform_record(record) for record in batch]
        save_to_database(processed_batch)

    records, active = db.execute("SELECT count(*), sum(active) FROM readings").fetchone()
    print(f"Total: {records} records in {batches} batches, {active} active")
    for c in CATEGORIES:
        count, = db.execute("SELECT count(*) FROM readings WHERE category = ?", (c,)).fetchone()
        print(f"  {c}: {count} records")
finally:
    os.remove(path)
    db.close()
    folder.cleanup()
