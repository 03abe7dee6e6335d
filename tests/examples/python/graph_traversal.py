# The guide's "Graph Traversal Generator", made runnable: its social graph, with its placeholder
# analyze_connection defined as examples/graph_traversal.cpp defines it. The last line shows the
# recursive DFS hitting Python's recursion limit on a long chain (yieldpipe::dfs walks it); that
# line is not compared.
import itertools
import sys

def depth_first_search(graph, start_node, visited=None):
    """DFS traversal using generator"""
    if visited is None:
        visited = set()
    
    visited.add(start_node)
    yield start_node
    
    for neighbor in graph.get(start_node, []):
        if neighbor not in visited:
            yield from depth_first_search(graph, neighbor, visited)

def breadth_first_search(graph, start_node):
    """BFS traversal using generator"""
    from collections import deque
    
    queue = deque([start_node])
    visited = {start_node}
    
    while queue:
        current = queue.popleft()
        yield current
        
        for neighbor in graph.get(current, []):
            if neighbor not in visited:
                visited.add(neighbor)
                queue.append(neighbor)

# Social network analysis
social_graph = {
    'Alice': ['Bob', 'Charlie'],
    'Bob': ['Alice', 'David'],
    'Charlie': ['Alice', 'Eve'],
    'David': ['Bob'],
    'Eve': ['Charlie']
}

step = 0


def analyze_connection(person):
    global step
    step += 1
    friends = social_graph[person]
    print(f"  {step}. {person} knows {len(friends)}: {', '.join(friends)}")


# Find all connections from Alice
print("depth_first_search(social_graph, 'Alice'):")
for person in depth_first_search(social_graph, 'Alice'):
    analyze_connection(person)

print("breadth_first_search(social_graph, 'Alice'):")
step = 0
for person in breadth_first_search(social_graph, 'Alice'):
    analyze_connection(person)

first_three = list(itertools.islice(breadth_first_search(social_graph, 'Eve'), 3))
print(f"First three reached from Eve (BFS): {', '.join(first_three)}")

n = 200000
chain = {node: [node + 1] for node in range(n - 1)}
try:
    visited = 0
    last = -1
    for node in depth_first_search(chain, 0):
        visited += 1
        last = node
    print(f"DFS along a chain of {n} nodes: {visited} visited, deepest {last}")
except RecursionError as e:
    print(f"DFS along a chain of {n} nodes: RecursionError: {e} (limit {sys.getrecursionlimit()})")
