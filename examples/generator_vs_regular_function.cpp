// The guide, "How Yield Works Internally" › "Generator Function vs Regular Function".
#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <typeinfo>
#include <yieldpipe/core.hpp>

#include "example.hpp"

namespace {

// Regular function - returns immediately
std::string regular_function() {
  std::puts("Start");
  return "Hello";
  std::puts("This never executes");
}

// Generator function - becomes a generator object
yieldpipe::generator<std::string> generator_function() {
  std::puts("Start");
  co_yield "Hello";
  std::puts("Middle");
  co_yield "World";
  std::puts("End");
}

// Python's `type(gen)`: the C++ type of the generator object, as the compiler names it.
template <class T>
std::string type_name(const T& object) {
  const char* mangled = typeid(object).name();
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                                              &std::free);
  return status == 0 ? demangled.get() : mangled;
}

}  // namespace

YIELDPIPE_EXAMPLE(10, generator_vs_regular_function, "Generator Function vs Regular Function") {
  // Comparison
  [[maybe_unused]] auto result = regular_function();  // Executes immediately, prints "Start"
  auto gen = generator_function();                    // Returns generator object, nothing printed yet
  std::printf("<class '%s'>\n", type_name(gen).c_str());
}
