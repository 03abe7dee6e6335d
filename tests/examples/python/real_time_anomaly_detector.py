# The guide's "Advanced Coroutine: Real-time Data Processor", made runnable: live_sensor_feed() and
# trigger_alert() are defined as in examples/real_time_anomaly_detector.cpp (same xorshift64). The
# guide's loop reads `analysis = next(detector)`, which is always None: it is run as written, then
# reading the analysis from send(). `zscore_anomalies` is the Python counterpart of the C++ stage,
# built on the guide's coroutine.
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


def live_sensor_feed():
    rng = XorShift(314)
    for i in range(600):
        reading = 45.0 + rng.below(41) / 4
        if i == 150 or i == 420:
            reading += 25
        if i == 300 or i == 301:
            reading -= 20
        if i == 555:
            reading += 40
        yield reading


def trigger_alert(index, value, z_score, mean, std_dev):
    print(f"  ALERT at reading {index}: value {value:.2f}, z-score {z_score:.2f} (mean {mean:.2f}, std_dev {std_dev:.2f})")


def real_time_anomaly_detector(threshold=2.0):
    """Coroutine for real-time anomaly detection"""
    data_history = []
    
    while True:
        # Receive new data point
        new_value = yield
        
        if new_value is not None:
            data_history.append(new_value)
            
            # Keep only last 100 points for moving statistics
            if len(data_history) > 100:
                data_history.pop(0)
            
            # Calculate z-score for anomaly detection
            if len(data_history) > 10:
                mean = sum(data_history) / len(data_history)
                variance = sum((x - mean) ** 2 for x in data_history) / len(data_history)
                std_dev = variance ** 0.5
                
                if std_dev > 0:
                    z_score = abs(new_value - mean) / std_dev
                    is_anomaly = z_score > threshold
                    
                    result = {
                        'value': new_value,
                        'z_score': z_score,
                        'is_anomaly': is_anomaly,
                        'mean': mean,
                        'std_dev': std_dev
                    }
                    
                    anomaly_result = yield result

# Real-time processing
detector = real_time_anomaly_detector(threshold=2.5)
next(detector)  # Prime

alerts = 0
for sensor_reading in live_sensor_feed():
    detector.send(sensor_reading)
    analysis = next(detector)
    
    if analysis and analysis['is_anomaly']:
        alerts += 1
print(f"The guide's loop (analysis = next(detector)): {alerts} alerts")

print("Alerts from the coroutine (the analysis is what send() returns):")
detector = real_time_anomaly_detector(threshold=2.5)
next(detector)  # Prime
analysed = 0
alerts = 0
for index, sensor_reading in enumerate(live_sensor_feed()):
    analysis = detector.send(sensor_reading)
    next(detector)
    if analysis:
        analysed += 1
    if analysis and analysis['is_anomaly']:
        trigger_alert(index, analysis['value'], analysis['z_score'], analysis['mean'], analysis['std_dev'])
        alerts += 1
print(f"{analysed} readings analysed, {alerts} alerts")


def zscore_anomalies(stream, threshold):
    detector = real_time_anomaly_detector(threshold)
    next(detector)
    for index, value in stream:
        analysis = detector.send(value)
        next(detector)
        if analysis and analysis['is_anomaly']:
            yield index, analysis


print("Alerts from | zscore_anomalies(100, 2.5):")
alerts = 0
for index, a in zscore_anomalies(enumerate(live_sensor_feed()), 2.5):
    trigger_alert(index, a['value'], a['z_score'], a['mean'], a['std_dev'])
    alerts += 1
print(f"{alerts} alerts")
