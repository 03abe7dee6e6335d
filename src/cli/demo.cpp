// `yieldpipe demo`: runs the guide's scenarios end to end, with timing and peak memory.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <yieldpipe/iter/memory.hpp>

#include "commands.hpp"
#include "example.hpp"

namespace yieldpipe::cli {

void add_demo_command(CLI::App& app) {
  auto* demo = app.add_subcommand("demo", "Run the guide's scenarios end to end, with timing and peak memory");
  demo->footer("Example:\n  yieldpipe demo");
  demo->callback([] {
    const auto& all = examples::all_examples();
    const auto start = std::chrono::steady_clock::now();
    for (const auto& e : all) {
      std::cout << "\n=== " << e.title << " (examples/" << e.name << ") ===\n" << std::flush;
      const auto t0 = std::chrono::steady_clock::now();
      e.run();
      std::cout << std::flush;
      const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - t0;
      std::printf("--- %.2f ms\n", took.count());
    }
    const std::chrono::duration<double> total = std::chrono::steady_clock::now() - start;
    std::printf("\nyieldpipe demo: %zu scenarios in %.3f s, peak memory %.1f MB\n", all.size(), total.count(),
                static_cast<double>(yieldpipe::peak_rss_bytes()) / (1024.0 * 1024.0));
    std::fflush(stdout);
  });
}

YIELDPIPE_COMMAND(20, add_demo_command);

}  // namespace yieldpipe::cli
