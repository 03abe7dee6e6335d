# The guide's "Zip Generator", made runnable: the three streams and the placeholders
# calculate_correlation and store_correlated_data are defined as in
# examples/multi_source_processor.cpp (same xorshift64).
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


def sensor_data_generator():
    rng = XorShift(11)
    for i in range(1000):
        sensor_id = rng.below(8)
        yield {'sensor_id': sensor_id, 'temperature': 15 + rng.below(200) / 10}


def weather_data_generator():
    rng = XorShift(22)
    for i in range(1000):
        air = 14 + rng.below(220) / 10
        yield {'air_temperature': air, 'humidity': rng.below(100)}


def location_data_generator():
    rng = XorShift(33)
    for i in range(750):
        site = f"site-{rng.below(12)}"
        yield {'site': site, 'altitude': rng.below(2000)}


def calculate_correlation(data1, data2, data3):
    agreement = max(0.0, 1 - abs(data1['temperature'] - data2['air_temperature']) / 10)
    return agreement * (1 - data3['altitude'] / 4000)


db = {'records': 0, 'score_sum': 0.0, 'strong': 0}


def store_correlated_data(combined):
    if db['records'] < 3:
        s, w, l = combined['sensor_data'], combined['weather_data'], combined['location_data']
        print(f"record {db['records']}: sensor {s['sensor_id']} {s['temperature']:.1f} C, "
              f"weather {w['air_temperature']:.1f} C {w['humidity']}%, {l['site']} at {l['altitude']} m "
              f"-> correlation {combined['correlation_score']:.3f}")
    db['records'] += 1
    db['score_sum'] += combined['correlation_score']
    if combined['correlation_score'] >= 0.8:
        db['strong'] += 1


# Zip multiple data sources
def multi_source_processor(source1, source2, source3):
    """Process data from multiple sources simultaneously"""
    for data1, data2, data3 in zip(source1, source2, source3):
        combined_record = {
            'sensor_data': data1,
            'weather_data': data2,
            'location_data': data3,
            'correlation_score': calculate_correlation(data1, data2, data3)
        }
        yield combined_record

# Process multiple streams efficiently
sensor_stream = sensor_data_generator()
weather_stream = weather_data_generator()
location_stream = location_data_generator()

for combined in multi_source_processor(sensor_stream, weather_stream, location_stream):
    store_correlated_data(combined)
print(f"Stored {db['records']} records (the location stream has 750)")
print(f"Mean correlation {db['score_sum'] / db['records']:.4f}; {db['strong']} records at 0.8 or above")
