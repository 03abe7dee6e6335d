# The guide's "2. Error Handling", made runnable: the same items as examples/robust_generator.cpp,
# the placeholders process_item, ProcessingError, logger and cleanup_resources defined as there (a
# logging handler counts the errors, as the C++'s error policy does). The last part of the C++
# (yieldpipe's try_map stage and its log format) has no Python counterpart: those lines are ignored.
import logging
import sys

logging.basicConfig(stream=sys.stdout, format="%(levelname)s: %(message)s")
logger = logging.getLogger("robust")


class ErrorCounter(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.errors = 0

    def emit(self, record):
        if record.levelno == logging.ERROR:
            self.errors += 1


counter = ErrorCounter()
logger.addHandler(counter)


class ProcessingError(Exception):
    pass


def cleanup_resources():
    print("Cleaning up resources")


def process_item(item):
    try:
        celsius = float(item)
    except ValueError:
        raise ProcessingError(f"not a number: '{item}'")
    if celsius < -273.15:
        raise ProcessingError(f"below absolute zero: {item}")
    return celsius * 9 / 5 + 32


def robust_generator(data_source):
    """Generator with proper error handling"""
    try:
        for item in data_source:
            try:
                processed = process_item(item)
                yield processed
            except ProcessingError as e:
                logger.error(f"Error processing item: {e}")
                continue
    except Exception as e:
        logger.critical(f"Critical error: {e}")
        raise
    finally:
        cleanup_resources()


def flaky_readings():
    yield "18.5"
    yield "bad"
    yield "19.5"
    raise ConnectionError("connection lost after 3 items")


items = ["21.5", "19.0", "n/a", "22.4", "-400", "23.1", "", "20.8"]

print("Processing 8 readings:")
for fahrenheit in robust_generator(iter(items)):
    print(f"  {fahrenheit:.1f} F")
print(f"Errors: {counter.errors}, items skipped")

print("Processing a stream that fails:")
try:
    for fahrenheit in robust_generator(flaky_readings()):
        print(f"  {fahrenheit:.1f} F")
except ConnectionError as e:
    print(f"Stopped: {e}")
print(f"Errors: {counter.errors}, items skipped")

# yieldpipe's try_map stage: no counterpart in the guide (lines ignored in the comparison).
print("As a stage: yieldpipe only")
for _ in range(3):
    print("error: yieldpipe only")
print("Sum of the good readings: yieldpipe only")
