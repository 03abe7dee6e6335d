# The guide's "Directory Tree Walker", made runnable: the same tree as examples/walk_directory.cpp is
# created in a temporary directory. os.listdir's order is arbitrary, so the walk's output is sorted
# by path components, which is the preorder that yieldpipe::walk_directory produces (each directory
# in name order). The last part is yieldpipe's default walk (links reported, not followed), written
# here with os.path.islink for the comparison.
import os
import shutil
import tempfile
from pathlib import PurePath

def walk_directory_tree(path):
    """Recursively walk directory tree using generator"""
    for item in os.listdir(path):
        item_path = os.path.join(path, item)
        
        if os.path.isfile(item_path):
            yield ('file', item_path)
        elif os.path.isdir(item_path):
            yield ('dir', item_path)
            # Recursive call
            yield from walk_directory_tree(item_path)

# Find all Python files
def find_python_files(root_directory):
    for item_type, path in walk_directory_tree(root_directory):
        if item_type == 'file' and path.endswith('.py'):
            yield path


def make_project_tree(root):
    for d in ["data/raw", "docs", "src/yieldpipe_demo/utils", "tests"]:
        os.makedirs(os.path.join(root, d))
    for f in ["setup.py", "README.txt", "data/sales_2024.csv", "data/raw/sensors.csv", "data/raw/notes.txt",
              "docs/guide.txt", "src/yieldpipe_demo/__init__.py", "src/yieldpipe_demo/pipeline.py",
              "src/yieldpipe_demo/utils/io.py", "src/yieldpipe_demo/utils/stats.py", "tests/test_pipeline.py",
              "tests/data.csv"]:
        with open(os.path.join(root, f), "w") as out:
            out.write(f"# {f}\n")
    os.symlink("src/yieldpipe_demo", os.path.join(root, "current"), target_is_directory=True)


def in_walk_order(path):
    return PurePath(path).parts


def walk_without_following(path, depth=0):
    for item in sorted(os.listdir(path)):
        item_path = os.path.join(path, item)
        if os.path.islink(item_path):
            yield ('symlink', item_path, depth)
        elif os.path.isdir(item_path):
            yield ('dir', item_path, depth)
            yield from walk_without_following(item_path, depth + 1)
        else:
            yield ('file', item_path, depth)


root = tempfile.mkdtemp()
try:
    make_project_tree(root)

    print("walk_directory_tree(project):")
    for item_type, path in sorted(walk_directory_tree(root), key=lambda item: in_walk_order(item[1])):
        print(f"  {item_type:<4} {os.path.relpath(path, root)}")

    print("find_python_files(project):")
    python_files = 0
    for path in sorted(find_python_files(root), key=in_walk_order):
        print(f"  {os.path.relpath(path, root)}")
        python_files += 1
    print(f"{python_files} Python files")

    print("walk_directory(project) with the default options:")
    for item_type, path, depth in walk_without_following(root):
        print(f"  {item_type:<7} depth {depth}  {os.path.relpath(path, root)}")
finally:
    shutil.rmtree(root)
