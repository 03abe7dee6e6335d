import inspect

def sample_generator():
    print("Step 1")
    yield 1
    print("Step 2") 
    yield 2
    print("Step 3")
    return "Done"

# Create generator object
gen = sample_generator()
print(f"Generator state: {inspect.getgeneratorstate(gen)}")  # GEN_CREATED

# First call to next()
value1 = next(gen)  # Prints "Step 1", returns 1
print(f"Value: {value1}")
print(f"Generator state: {inspect.getgeneratorstate(gen)}")  # GEN_SUSPENDED

# Second call to next()
value2 = next(gen)  # Prints "Step 2", returns 2
print(f"Value: {value2}")
print(f"Generator state: {inspect.getgeneratorstate(gen)}")  # GEN_SUSPENDED

# Third call to next() - StopIteration raised
try:
    value3 = next(gen)  # Prints "Step 3", raises StopIteration("Done")
except StopIteration as e:
    print(f"Generator finished with value: {e.value}")
    print(f"Generator state: {inspect.getgeneratorstate(gen)}")  # GEN_CLOSED
