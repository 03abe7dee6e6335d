import sys

def nested_generator():
    def inner_function():
        return "Inner executed"
    
    print("Outer function start")
    local_var = "preserved"
    
    # Stack frame is preserved here
    yield inner_function()
    
    # Local variables still accessible after yield
    print(f"Local variable after yield: {local_var}")
    yield "Second value"

gen = nested_generator()

# Inspect stack frame information
frame = gen.gi_frame
print(f"Frame locals before first next(): {frame.f_locals}")

first = next(gen)  # Prints "Outer function start"
print(f"First yield: {first}")
print(f"Frame locals after first yield: {frame.f_locals}")

second = next(gen)  # Prints "Local variable after yield: preserved"
print(f"Second yield: {second}")
