# The guide's "Range and Enumerate", made runnable: fetch_data_for_date and process_daily_data are
# defined as in examples/date_range.cpp (same xorshift64), and the run prints what the C++ prints.
from datetime import datetime, timedelta
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


def show(date):
    return f"{date} ({date:%A})"


source = XorShift(365)


def fetch_data_for_date(date):
    records = 100 + source.below(900)
    errors = source.below(10)
    return {'date': date, 'records': records, 'errors': errors}


months = [{'days': 0, 'records': 0, 'errors': 0} for _ in range(12)]


def process_daily_data(daily):
    m = months[daily['date'].month - 1]
    m['days'] += 1
    m['records'] += daily['records']
    m['errors'] += daily['errors']


# Date range generator
def date_range(start_date, end_date):
    current = start_date
    while current <= end_date:
        yield current
        current += timedelta(days=1)

# Process daily data for a year
start = datetime(2024, 1, 1)
end = datetime(2024, 12, 31)

print(f"date_range(2024-01-01, 2024-12-31): {sum(1 for _ in date_range(start, end))} days (2024 is a leap year)")
for date in islice(date_range(start, end), 3):
    print(f"  {show(date)}")

for date in date_range(start, end):
    daily_data = fetch_data_for_date(date)
    process_daily_data(daily_data)

for m, totals in enumerate(months):
    print(f"2024-{m + 1:02d}: {totals['days']} days, {totals['records']} records, {totals['errors']} errors")
print(f"last day: {show(next(islice(date_range(start, end), 365, None)))}")
