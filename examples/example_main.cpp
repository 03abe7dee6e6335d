// The main() of each example program: runs the examples linked into it.
#include "example.hpp"

int main() {
  for (const auto& e : yieldpipe::examples::all_examples()) e.run();
  return 0;
}
