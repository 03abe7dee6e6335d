# The guide's "3. Premature Optimization", made runnable: complex_processing is defined as in
# examples/premature_optimization.cpp, and both versions are used the same way as there.


def complex_processing(i):
    return i * i * i - 7 * i


# ❌ Bad - Unnecessary complexity for small datasets
def small_data_generator():
    for i in range(10):  # Small dataset
        yield complex_processing(i)

# ✅ Good - Use list for small datasets
def small_data_processor():
    return [complex_processing(i) for i in range(10)]


gen = small_data_generator()
print("Generator: " + " ".join(str(v) for v in gen))
print(f"  no size, no indexing; a second pass sees {sum(1 for _ in gen)} items")

results = small_data_processor()
print("List: " + " ".join(str(v) for v in results))
print(f"  {len(results)} items, [3] = {results[3]}, a second pass sees {len(list(results))} items, sum {sum(results)}")
results.sort(reverse=True)
print(f"  sorted, largest first: {results[0]} {results[1]} {results[2]}")
