# The guide's "Conditional Generator Expressions", made runnable: sensor_stream() generates the same
# readings as examples/conditional_generator_expressions.cpp (same xorshift64), as dicts where a
# missing value is None (temperature, humidity) or a missing key (sensor_status, quality_score).
from itertools import islice

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


def sensor_stream():
    rng = XorShift(2024)
    for id in range(1, 2001):
        r = {'id': id}
        r['temperature'] = (rng.below(2000) - 800) / 10 if rng.below(20) != 0 else None
        r['humidity'] = (rng.below(1300) - 100) / 10 if rng.below(20) != 0 else None
        status = rng.below(10)
        if status < 7:
            r['sensor_status'] = 'active'
        elif status == 7:
            r['sensor_status'] = 'inactive'
        elif status == 8:
            r['sensor_status'] = 'maintenance'
        if rng.below(10) != 0:
            r['quality_score'] = rng.below(101) / 100
        yield r


# Data quality filtering
def quality_filter(data_stream, min_quality=0.8):
    """Filter data based on quality score"""
    return (
        record for record in data_stream 
        if record.get('quality_score', 0) >= min_quality
    )

# Multi-condition filtering
def sensor_data_filter(sensor_stream):
    """Complex filtering for sensor data"""
    return (
        reading for reading in sensor_stream
        if (
            reading['temperature'] is not None and
            -50 <= reading['temperature'] <= 100 and
            reading['humidity'] is not None and
            0 <= reading['humidity'] <= 100 and
            reading.get('sensor_status') == 'active'
        )
    )


def summarise(name, first_eight, total):
    ids = ", ".join(str(r['id']) for r in first_eight)
    print(f"{name}: {total} readings; first ids: {ids}")


print(f"sensor_stream: {sum(1 for _ in sensor_stream())} readings")
summarise("quality_filter(min_quality=0.8)", islice(quality_filter(sensor_stream()), 8),
          sum(1 for _ in quality_filter(sensor_stream())))
summarise("sensor_data_filter", islice(sensor_data_filter(sensor_stream()), 8),
          sum(1 for _ in sensor_data_filter(sensor_stream())))
summarise("quality_filter(sensor_data_filter(...), 0.9)",
          islice(quality_filter(sensor_data_filter(sensor_stream()), 0.9), 8),
          sum(1 for _ in quality_filter(sensor_data_filter(sensor_stream()), 0.9)))
