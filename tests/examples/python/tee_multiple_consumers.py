# The guide's "Tee Generator (Multiple Consumers)", made runnable: the readings come from the same
# xorshift64 as examples/tee_multiple_consumers.cpp, the placeholders are defined as there, and the
# tee's buffer is measured the same way (readings pulled from the source minus readings read by
# the slowest consumer).
import itertools

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


class LagMeter:
    def __init__(self):
        self.pulled = 0
        self.consumed = [0, 0, 0]
        self.max_lag = 0

    def step(self, consumer):
        self.consumed[consumer] += 1
        self.max_lag = max(self.max_lag, self.pulled - min(self.consumed))


meter = LagMeter()


def large_data_generator(n=2000):
    rng = XorShift(5)
    for i in range(1, n + 1):
        sensor = f"sensor-{rng.below(4)}"
        r = {'id': i, 'sensor': sensor, 'value': rng.below(1000) / 10.0}
        meter.pulled += 1
        yield r


def calculate_analytics(item):
    return {'sensor': item['sensor'], 'value': item['value']}


def run_ml_prediction(item):
    return item['value'] >= 95.0


def generate_report(item):
    return item['sensor']


def tee_processor(data_stream, num_copies=2):
    """Split data stream for multiple consumers"""
    iterators = itertools.tee(data_stream, num_copies)
    return iterators

def multi_consumer_pipeline(data_source):
    """Process same data through multiple pipelines"""
    
    # Split stream into multiple iterators
    stream1, stream2, stream3 = tee_processor(data_source, 3)
    
    # Different processing for each stream
    def analytics_processor(stream):
        for item in stream:
            meter.step(0)
            yield calculate_analytics(item)
    
    def ml_processor(stream):
        for item in stream:
            meter.step(1)
            yield run_ml_prediction(item)
    
    def reporting_processor(stream):
        for item in stream:
            meter.step(2)
            yield generate_report(item)
    
    # Process streams independently
    analytics_results = analytics_processor(stream1)
    ml_results = ml_processor(stream2)
    reporting_results = reporting_processor(stream3)
    
    return analytics_results, ml_results, reporting_results


class Stores:
    def __init__(self):
        self.analytics = 0
        self.value_sum = 0.0
        self.predictions = 0
        self.anomalies = 0
        self.dashboard = {}

    def store_analytics(self, a):
        self.analytics += 1
        self.value_sum += a['value']

    def store_prediction(self, anomaly):
        self.predictions += 1
        self.anomalies += 1 if anomaly else 0

    def generate_dashboard(self, report):
        self.dashboard[report] = self.dashboard.get(report, 0) + 1

    def print(self):
        print(f"  analytics: {self.analytics} stored, mean value {self.value_sum / self.analytics:.3f}")
        print(f"  predictions: {self.predictions} stored, {self.anomalies} anomalies")
        print("  dashboard: " + " ".join(f"{s}={n}" for s, n in sorted(self.dashboard.items())))


# Multi-purpose data processing
s = Stores()
data_source = large_data_generator()
analytics, predictions, reports = multi_consumer_pipeline(data_source)

# Consume results independently
for analytic in analytics:
    s.store_analytics(analytic)

for prediction in predictions:
    s.store_prediction(prediction)

for report in reports:
    s.generate_dashboard(report)

print("Consumed one after the other (the guide's order):")
s.print()
print(f"  readings pulled: {meter.pulled}, most held by the tee at once: {meter.max_lag}")

meter = LagMeter()
s = Stores()
analytics, predictions, reports = multi_consumer_pipeline(large_data_generator())
for a, prediction, report in zip(analytics, predictions, reports):
    s.store_analytics(a)
    s.store_prediction(prediction)
    s.generate_dashboard(report)
print("Consumed in lockstep (zip):")
s.print()
print(f"  readings pulled: {meter.pulled}, most held by the tee at once: {meter.max_lag}")
