// memory_report: current and peak resident set size.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <yieldpipe/iter/memory.hpp>

namespace {

using namespace yieldpipe;

TEST(memory, reports_a_current_and_a_peak_resident_size) {
  const std::uint64_t current = current_rss_bytes();
  const std::uint64_t peak = peak_rss_bytes();
  EXPECT_GT(current, 0u);
  EXPECT_GT(peak, 0u);
  EXPECT_EQ(peak % 1024, 0u);  // getrusage reports KiB: converted to bytes
}

TEST(memory, the_peak_grows_when_memory_is_touched_and_stays_after_it_is_freed) {
  constexpr std::size_t size = 64u << 20;
  const std::uint64_t before = peak_rss_bytes();
  {
    auto block = std::make_unique<unsigned char[]>(size);
    for (std::size_t i = 0; i < size; i += 4096) block[i] = static_cast<unsigned char>(i);
    EXPECT_GE(current_rss_bytes(), size);
    EXPECT_GE(peak_rss_bytes(), size);
  }
  const std::uint64_t after = peak_rss_bytes();
  EXPECT_GE(after, before);
  EXPECT_GE(after, size);
}

TEST(memory, formats_a_one_line_report) {
  const std::string report = memory_report();
  EXPECT_TRUE(report.starts_with("memory: current RSS ")) << report;
  const auto peak = report.find(", peak RSS ");
  ASSERT_NE(peak, std::string::npos) << report;
  EXPECT_TRUE(report.ends_with("iB") || report.ends_with(" B")) << report;
  EXPECT_EQ(report.find('\n'), std::string::npos);
}

TEST(memory, formats_byte_counts_for_people) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(5ull << 20), "5.0 MiB");
  EXPECT_EQ(format_bytes(3ull << 30), "3.0 GiB");
}

}  // namespace
