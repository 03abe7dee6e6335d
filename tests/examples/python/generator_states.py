import inspect

def demonstrate_states():
    yield "First"
    yield "Second" 
    return "Final"

gen = demonstrate_states()

# State 1: GEN_CREATED
print(f"1. Created: {inspect.getgeneratorstate(gen)}")

# State 2: GEN_SUSPENDED (after first yield)
next(gen)
print(f"2. Suspended: {inspect.getgeneratorstate(gen)}")

# State 3: GEN_RUNNING (briefly, during execution)
# We can't easily capture this state as it's transient

# State 4: GEN_CLOSED (after StopIteration)
next(gen)  # Second yield
try:
    next(gen)  # Raises StopIteration
except StopIteration:
    pass
print(f"3. Closed: {inspect.getgeneratorstate(gen)}")

# Additional methods available on generators
print(f"\nGenerator methods:")
print(f"gi_frame: {gen.gi_frame}")  # None when closed
print(f"gi_running: {gen.gi_running}")  # False when not executing
print(f"gi_code: {gen.gi_code.co_name}")  # Function name
