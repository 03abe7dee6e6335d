# The guide's "Advanced: Async Stream Processor" (section 5): async_log_processor and
# real_time_monitoring, made runnable. The four log files app1.log .. app4.log are generated here with
# the same xorshift64 as examples/real_time_monitoring.cpp, into a temporary directory that the
# guide's code runs in (its file names are relative); send_alert_async and update_dashboard_async,
# which the guide leaves out, and the printing around them are the C++ example's. The guide reads
# each file to its end with aiofiles, where the C++ follows the files while they are written: the
# same lines, since the C++'s applications write file after file. Needs Debian's python3-aiofiles.
import asyncio
import os
import shutil
import tempfile
from datetime import datetime, timedelta

import aiofiles

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


COMPONENTS = ["auth", "db", "api", "cache", "scheduler"]
INFO = ["request served", "user logged in", "job finished"]
WARNING = ["slow response", "retrying connection", "disk 85% full"]
ERROR = ["connection refused", "timeout after 30s", "invalid token"]


def write_log_files(directory):
    rng = XorShift(2024)
    start = datetime(2024, 3, 15)
    for k in range(4):
        with open(os.path.join(directory, f"app{k + 1}.log"), "w") as out:
            t = k * 3600
            for i in range(400):
                t += rng.below(30)
                r = rng.below(100)
                component = COMPONENTS[rng.below(len(COMPONENTS))]
                if r < 60:
                    level, messages = "INFO", INFO
                elif r < 92:
                    level, messages = "WARNING", WARNING
                else:
                    level, messages = "ERROR", ERROR
                message = messages[rng.below(len(messages))]
                stamp = (start + timedelta(seconds=t)).strftime("%Y-%m-%d %H:%M:%S")
                out.write(f"{stamp} {level} {component}: {message}\n")


# The guide's code.
async def async_log_processor(log_files):
    """Process multiple log files asynchronously"""
    tasks = []
    
    async def process_single_file(filename):
        async with aiofiles.open(filename, 'r') as file:
            async for line in file:
                if 'ERROR' in line:
                    yield {
                        'filename': filename,
                        'line': line.strip(),
                        'timestamp': line[:19]
                    }
    
    # Process all files concurrently
    for filename in log_files:
        async for error_data in process_single_file(filename):
            yield error_data

async def real_time_monitoring():
    """Real-time log monitoring system"""
    log_files = ['app1.log', 'app2.log', 'app3.log', 'app4.log']
    
    async for error in async_log_processor(log_files):
        # Process errors in real-time
        await send_alert_async(error)
        await update_dashboard_async(error)


# What the monitor does with an error: an alert for the first five, a dashboard of errors per file.
alerts = 0
dashboard = {}


async def send_alert_async(error):
    global alerts
    alerts += 1
    if alerts <= 5:
        print(f"ALERT {error['filename']} at {error['timestamp']}: {error['line']}")


async def update_dashboard_async(error):
    count, _ = dashboard.get(error['filename'], (0, None))
    dashboard[error['filename']] = (count + 1, error['timestamp'])


directory = tempfile.mkdtemp()
cwd = os.getcwd()
try:
    write_log_files(directory)
    os.chdir(directory)
    print("Monitoring app1.log, app2.log, app3.log, app4.log")
    asyncio.run(real_time_monitoring())
    print("Dashboard:")
    for name in sorted(dashboard):
        count, last = dashboard[name]
        print(f"  {name}: {count} errors, last at {last}")
    print(f"Total: {alerts} alerts")
finally:
    os.chdir(cwd)
    shutil.rmtree(directory)
