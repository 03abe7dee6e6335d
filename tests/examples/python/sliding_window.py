# The guide's "Sliding Window Generator", made runnable: the readings come from the same xorshift64
# as examples/sliding_window.cpp, and the placeholders calculate_trend and predict_next_value are
# written as the C++ writes them (explicit loops, so the floating-point sums are the same).
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


def temperature_stream(hours):
    rng = XorShift(2024)
    for i in range(hours):
        yield (200 + 3 * i + rng.below(41) - 20) / 10.0


def mean(window):
    total = 0.0
    for y in window:
        total += y
    return total / len(window)


def calculate_trend(window):
    n = len(window)
    x_mean = (n - 1) / 2
    y_mean = mean(window)
    num = 0.0
    den = 0.0
    for i, y in enumerate(window):
        dx = i - x_mean
        num += dx * (y - y_mean)
        den += dx * dx
    return num / den


def predict_next_value(window):
    n = len(window)
    return mean(window) + calculate_trend(window) * (n - (n - 1) / 2)


def sliding_window(iterable, window_size):
    """Create sliding window over data stream"""
    from collections import deque
    
    window = deque(maxlen=window_size)
    
    for item in iterable:
        window.append(item)
        if len(window) == window_size:
            yield list(window)

# Time series analysis
def analyze_time_series(data_stream, window_size=10):
    for window in sliding_window(data_stream, window_size):
        trend = calculate_trend(window)
        yield {
            'window': window,
            'trend': trend,
            'prediction': predict_next_value(window)
        }


print("window, trend per hour, prediction for the next hour:")
for i, a in enumerate(analyze_time_series(temperature_stream(30)), start=1):
    values = " ".join(f"{v:.1f}" for v in a['window'])
    print(f"{i:2d} [{values}] trend {a['trend']:+.3f} next {a['prediction']:.2f}")

print("moving mean and range over 5 hours:")
for i, w in enumerate(sliding_window(temperature_stream(12), 5), start=1):
    print(f"{i:2d} mean {mean(w):.2f} min {min(w):.1f} max {max(w):.1f}")
