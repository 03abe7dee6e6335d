class ManualIterator:
    """Manual implementation of what yield does automatically"""
    def __init__(self):
        self.state = 0
        self.local_vars = {}  # Simulate local variable preservation
    
    def __iter__(self):
        return self
    
    def __next__(self):
        if self.state == 0:
            self.local_vars['counter'] = 0
            self.state = 1
            return "First"
        elif self.state == 1:
            self.local_vars['counter'] += 1
            self.state = 2
            return f"Second (counter: {self.local_vars['counter']})"
        else:
            raise StopIteration("Done")

# Compare with generator
def auto_generator():
    counter = 0
    yield "First"
    counter += 1
    yield f"Second (counter: {counter})"
    return "Done"

# Both produce the same results
manual = ManualIterator()
auto = auto_generator()

print("Manual iterator:")
for item in manual:
    print(item)

print("\nGenerator (automatic):")  
for item in auto:
    print(item)
