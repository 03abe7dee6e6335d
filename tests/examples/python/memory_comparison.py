import sys
import tracemalloc

def memory_comparison():
    """Compare memory usage of different approaches"""
    
    # Approach 1: Return list (high memory)
    def create_list(n):
        return [x**2 for x in range(n)]
    
    # Approach 2: Generator (low memory)
    def create_generator(n):
        for x in range(n):
            yield x**2
    
    # Approach 3: Generator with state (minimal memory)
    def create_stateful_generator(n):
        current = 0
        while current < n:
            yield current**2
            current += 1
    
    n = 100000
    
    # Measure memory for list
    tracemalloc.start()
    list_data = create_list(n)
    current, peak = tracemalloc.get_traced_memory()
    list_memory = peak
    tracemalloc.stop()
    
    # Measure memory for generator
    tracemalloc.start()
    gen_data = create_generator(n)
    current, peak = tracemalloc.get_traced_memory()
    gen_memory = peak
    tracemalloc.stop()
    
    print(f"List memory usage: {list_memory / 1024 / 1024:.2f} MB")
    print(f"Generator memory usage: {gen_memory / 1024:.2f} KB")
    print(f"Memory savings: {(list_memory - gen_memory) / list_memory * 100:.1f}%")
    
    # Demonstrate lazy evaluation
    print(f"\nList size in memory: {sys.getsizeof(list_data)} bytes")
    print(f"Generator size in memory: {sys.getsizeof(gen_data)} bytes")

memory_comparison()
