// Consumer of yieldpipe: a generator co_yields a few values and the program prints their sum.
#include <iostream>
#include <yieldpipe/core.hpp>

namespace {

yieldpipe::generator<int> first_numbers(int n) {
  for (int i = 1; i <= n; ++i) co_yield i;
}

}  // namespace

int main() {
  int sum = 0;
  for (int x : first_numbers(4)) sum += x;
  std::cout << "yieldpipe consumer: sum=" << sum << '\n';
  return sum == 10 ? 0 : 1;
}
