# The guide's "Basic Coroutine", made runnable: it prints what send() and next() return (the
# guide's comments expect 10.0 and 15.0 from next(); Python gives None), then streams the same feed
# as examples/data_accumulator.cpp (same xorshift64) through the coroutine.
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


def live_sensor_feed(n):
    rng = XorShift(99)
    for i in range(n):
        yield 20.0 + rng.below(40) / 4


def data_accumulator():
    """Coroutine that accumulates data and provides statistics"""
    total = 0
    count = 0
    
    while True:
        # Receive data
        value = yield
        if value is not None:
            total += value
            count += 1
        
        # Send back current average
        average = total / count if count > 0 else 0
        result = yield average

# Usage
accumulator = data_accumulator()
next(accumulator)  # Prime the coroutine

# Send data and get results
sent1 = accumulator.send(10)
avg1 = next(accumulator)  # 10.0
print(f"accumulator.send(10) -> {sent1}; avg1 = next(accumulator) -> {avg1}")

sent2 = accumulator.send(20)
avg2 = next(accumulator)  # 15.0
print(f"accumulator.send(20) -> {sent2}; avg2 = next(accumulator) -> {avg2}")

feed_accumulator = data_accumulator()
next(feed_accumulator)
for index, reading in enumerate(live_sensor_feed(1000), 1):
    average = feed_accumulator.send(reading)
    next(feed_accumulator)
    if index % 200 == 0:
        print(f"after {index} readings: average {average:.4f}")
