def stateful_generator():
    # Local variables are preserved across yields
    counter = 0
    data_buffer = []
    
    while counter < 5:
        print(f"Counter: {counter}, Buffer: {data_buffer}")
        
        # Receive input and pause execution
        received = yield counter
        
        # Resume here with preserved state
        if received is not None:
            data_buffer.append(received)
        
        counter += 1
    
    return f"Final buffer: {data_buffer}"

# Demonstrate state preservation
gen = stateful_generator()

# Initialize generator
print("Initializing:")
first_value = next(gen)  # Counter: 0, Buffer: []

# Send data and observe state preservation
print("\nSending 'A':")
second_value = gen.send('A')  # Counter: 1, Buffer: ['A']

print("\nSending 'B':")
third_value = gen.send('B')   # Counter: 2, Buffer: ['A', 'B']

print(f"Values received: {first_value}, {second_value}, {third_value}")
