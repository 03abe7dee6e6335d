// The guide, "How Yield Works Internally" › "Generator States in Detail".
#include <cxxabi.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <typeinfo>
#include <yieldpipe/core.hpp>

#include "example.hpp"

namespace {

yieldpipe::generator<std::string, void, std::string> demonstrate_states() {
  co_yield "First";
  co_yield "Second";
  co_return "Final";
}

// inspect.getgeneratorstate's spelling: GEN_CREATED, GEN_RUNNING, GEN_SUSPENDED, GEN_CLOSED.
std::string state_name(const auto& gen) {
  std::string s = "GEN_" + std::string(yieldpipe::to_string(gen.state()));
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string demangle(const std::type_info& type) {
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status),
                                                         &std::free);
  return status == 0 ? name.get() : type.name();
}

}  // namespace

YIELDPIPE_EXAMPLE(70, generator_states, "Generator States in Detail") {
  auto gen = demonstrate_states();

  // State 1: GEN_CREATED
  std::printf("1. Created: %s\n", state_name(gen).c_str());

  // State 2: GEN_SUSPENDED (after first yield)
  gen.next();
  std::printf("2. Suspended: %s\n", state_name(gen).c_str());

  // State 3: GEN_RUNNING (briefly, during execution)
  // We can't easily capture this state as it's transient

  // State 4: GEN_CLOSED (after the end: next() returns an empty optional, Python's StopIteration)
  gen.next();  // Second yield
  gen.next();  // Ends the generator
  std::printf("3. Closed: %s\n", state_name(gen).c_str());

  // What a generator tells about itself. C++ has no frame or code objects: gi_frame's
  // counterpart is done() (the frame has finished), gi_code's the coroutine function's type.
  std::printf("\nGenerator methods:\n");
  std::printf("gi_frame: done() == %s\n", gen.done() ? "true" : "false");
  std::printf("gi_running: %s\n", gen.state() == yieldpipe::gen_state::running ? "True" : "False");
  std::printf("gi_code: %s\n", demangle(typeid(demonstrate_states)).c_str());
}
