#pragma once
// A tiny registry so that each example is both its own program and a step of `yieldpipe demo`.

#include <vector>

namespace yieldpipe::examples {

struct example {
  int order;          // position in the guide, for the demo
  const char* name;   // the file's name, e.g. "generator_lifecycle"
  const char* title;  // the guide's heading
  void (*run)();      // prints the scenario's output to stdout
};

/// Every example linked into the program, sorted by `order`.
const std::vector<example>& all_examples();

struct example_registrar {
  explicit example_registrar(example e);
};

}  // namespace yieldpipe::examples

/// Defines an example: `YIELDPIPE_EXAMPLE(3, generator_lifecycle, "Generator Object Lifecycle") { ... }`
#define YIELDPIPE_EXAMPLE(order, name, title)                                                                 \
  static void name##_run();                                                                                   \
  static const ::yieldpipe::examples::example_registrar name##_registrar{{order, #name, title, &name##_run}}; \
  static void name##_run()
