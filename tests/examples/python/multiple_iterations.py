# The guide's "2. Multiple Iterations", made runnable, with prints. The last part is the Python
# counterpart of yieldpipe::reiterable: an iterable whose __iter__ calls the generator function anew.

# ❌ Bad - Generator exhausted
gen = (x**2 for x in range(1000))
sum1 = sum(gen)  # Works
sum2 = sum(gen)  # Returns 0
print(f"Bad:  sum1 = {sum1}, sum2 = {sum2}")

# ✅ Good - Create generator function
def squares_generator():
    return (x**2 for x in range(1000))

sum1 = sum(squares_generator())
sum2 = sum(squares_generator())
print(f"Good: sum1 = {sum1}, sum2 = {sum2}")


def squares(n):
    for x in range(n):
        yield x * x


class Reiterable:
    def __init__(self, fn, *args):
        self.fn = fn
        self.args = args

    def __iter__(self):
        return self.fn(*self.args)


squares_again = Reiterable(squares, 1000)
sum1 = sum(squares_again)
sum2 = sum(squares_again)
count = sum(1 for _ in squares_again)
print(f"reiterable(squares, 1000): sum1 = {sum1}, sum2 = {sum2}, a third pass sees {count} items")
