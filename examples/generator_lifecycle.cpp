// The guide, "How Yield Works Internally" › "Generator Object Lifecycle".
#include <cctype>
#include <cstdio>
#include <string>
#include <yieldpipe/core.hpp>

#include "example.hpp"

namespace {

yieldpipe::generator<int, void, std::string> sample_generator() {
  std::puts("Step 1");
  co_yield 1;
  std::puts("Step 2");
  co_yield 2;
  std::puts("Step 3");
  co_return "Done";
}

std::string state_name(const auto& gen) {
  return "GEN_" + [&] {
    std::string s(yieldpipe::to_string(gen.state()));
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }();
}

}  // namespace

YIELDPIPE_EXAMPLE(20, generator_lifecycle, "Generator Object Lifecycle") {
  auto gen = sample_generator();
  std::printf("Generator state: %s\n", state_name(gen).c_str());

  auto value1 = gen.next();
  std::printf("Value: %d\n", *value1);
  std::printf("Generator state: %s\n", state_name(gen).c_str());

  auto value2 = gen.next();
  std::printf("Value: %d\n", *value2);
  std::printf("Generator state: %s\n", state_name(gen).c_str());

  if (!gen.next()) {
    std::printf("Generator finished with value: %s\n", gen.return_value().c_str());
    std::printf("Generator state: %s\n", state_name(gen).c_str());
  }
}
