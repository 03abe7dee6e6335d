def data_processor():
    """Coroutine that processes data and maintains running statistics"""
    count = 0
    total = 0
    values = []
    
    # Initialize - first yield for priming
    result = yield None
    
    try:
        while True:
            # Receive data
            data = yield {
                'count': count,
                'average': total / count if count > 0 else 0,
                'last_values': values[-5:],  # Last 5 values
                'status': 'processing'
            }
            
            if data is not None:
                count += 1
                total += data
                values.append(data)
                
    except GeneratorExit:
        yield {
            'count': count,
            'average': total / count if count > 0 else 0,
            'all_values': values,
            'status': 'completed'
        }

# Usage example
processor = data_processor()
next(processor)  # Prime the coroutine

# Send data and receive statistics
stats1 = processor.send(10)
print(f"After sending 10: {stats1}")

stats2 = processor.send(20)
print(f"After sending 20: {stats2}")

stats3 = processor.send(30)
print(f"After sending 30: {stats3}")

# Close and get final statistics
processor.close()
