# The guide's "Memory Efficient Processing", made runnable: it measures what the guide's comments
# claim (sys.getsizeof of each object, tracemalloc for the list with its int objects) and sums both.
import sys
import tracemalloc

# Memory efficient vs list comprehension
numbers = range(1000000)

# ❌ List comprehension - loads all in memory
tracemalloc.start()
squares_list = [x**2 for x in numbers]  # ~76MB
list_memory, _ = tracemalloc.get_traced_memory()
tracemalloc.stop()

# ✅ Generator expression - lazy evaluation
squares_gen = (x**2 for x in numbers)   # ~0.1KB

print(f"squares_list: {len(squares_list)} items, {sys.getsizeof(squares_list)} bytes")
print(f"squares_list memory: {list_memory / 1024 / 1024:.2f} MB")
print(f"squares_gen: {sys.getsizeof(squares_gen)} bytes")

print(f"sum(squares_list) = {sum(squares_list)}")
print(f"sum(squares_gen) = {sum(squares_gen)}")
