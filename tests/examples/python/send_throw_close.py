def advanced_generator():
    try:
        print("Generator started")
        received = None
        
        while True:
            print(f"About to yield, last received: {received}")
            received = yield f"Current state: {received}"
            
            if received == "stop":
                break
                
    except GeneratorExit:
        print("Generator is being closed")
        return "Cleanup completed"
    except Exception as e:
        print(f"Exception received: {e}")
        yield f"Handled exception: {e}"
    finally:
        print("Generator cleanup")

gen = advanced_generator()

# Initialize
result1 = next(gen)
print(f"1. {result1}")

# Send values
result2 = gen.send("Hello")
print(f"2. {result2}")

result3 = gen.send("World")  
print(f"3. {result3}")

# Throw exception
try:
    result4 = gen.throw(ValueError("Test error"))
    print(f"4. {result4}")
except StopIteration:
    pass

# Close generator
gen.close()
print("Generator closed")
