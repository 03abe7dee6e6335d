# The guide's "Advanced: Stateful Generator with Memory", made runnable: live_sensor_stream() and
# trigger_alert() are defined as in examples/moving_average_generator.cpp (same xorshift64, same
# readings). The script ends as the guide's loop does in Python 3: next(avg_gen) returns None and
# `None > threshold` raises TypeError.
import itertools
from collections import deque

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


def live_sensor_stream():
    rng = XorShift(7)
    for i in range(60):
        warm = 6.0 if 30 <= i < 38 else 0.0
        yield 18.0 + rng.below(25) / 4 + warm


threshold = 25.0


def trigger_alert(index, reading, average):
    print(f"  ALERT at reading {index}: {reading:.2f}, moving average {average:.2f} > {threshold:.1f}")


def show(v):
    return "None" if v is None else f"{v:.2f}"


def moving_average_generator(window_size=10):
    """Calculate moving average for streaming data"""
    data_window = []
    
    while True:
        # Receive new value
        new_value = yield
        data_window.append(new_value)
        
        if len(data_window) > window_size:
            data_window.pop(0)
        
        # Calculate and yield moving average
        average = sum(data_window) / len(data_window)
        yield average


print("The guide's protocol, call by call:")
avg_gen = moving_average_generator(5)
next(avg_gen)  # Initialize
stream = live_sensor_stream()
for i in range(3):
    sensor_reading = next(stream)
    sent = avg_gen.send(sensor_reading)
    after = next(avg_gen)
    print(f"  avg_gen.send({sensor_reading:.2f}) -> {show(sent)}; next(avg_gen) -> {show(after)}")

print("Alerts from the coroutine (the average is what send() returns):")
avg_gen = moving_average_generator(5)
next(avg_gen)  # Initialize
alerts = 0
for index, sensor_reading in enumerate(live_sensor_stream()):
    current_avg = avg_gen.send(sensor_reading)
    next(avg_gen)
    if current_avg > threshold:
        trigger_alert(index, sensor_reading, current_avg)
        alerts += 1
print(f"{alerts} alerts")


# Python's counterpart of the `| moving_average(5)` stage.
def moving_average(stream, window):
    data_window = deque(maxlen=window)
    for x in stream:
        data_window.append(x)
        yield sum(data_window) / len(data_window)


print("Alerts from | moving_average(5):")
readings, for_average = itertools.tee(live_sensor_stream(), 2)
alerts = 0
for index, (sensor_reading, current_avg) in enumerate(zip(readings, moving_average(for_average, 5))):
    if current_avg > threshold:
        trigger_alert(index, sensor_reading, current_avg)
        alerts += 1
print(f"{alerts} alerts")

print("The guide's loop as written:")
# Usage for real-time data processing
avg_gen = moving_average_generator(5)
next(avg_gen)  # Initialize

# Stream processing
for sensor_reading in live_sensor_stream():
    avg_gen.send(sensor_reading)
    current_avg = next(avg_gen)
    if current_avg > threshold:
        trigger_alert()
