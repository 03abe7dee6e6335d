# Regular function - returns immediately
def regular_function():
    print("Start")
    return "Hello"
    print("This never executes")

# Generator function - becomes a generator object
def generator_function():
    print("Start")
    yield "Hello"
    print("Middle")
    yield "World"
    print("End")

# Comparison
result = regular_function()          # Executes immediately, prints "Start"
gen = generator_function()          # Returns generator object, nothing printed yet
print(type(gen))                    # <class 'generator'>
