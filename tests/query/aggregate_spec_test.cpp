// Parsing an aggregate list: functions, columns, percentiles, and what is refused.
#include <gtest/gtest.h>

#include <string>
#include <yieldpipe/query/aggregate_spec.hpp>
#include <yieldpipe/query/query_error.hpp>

namespace {

using namespace yieldpipe;
using namespace yieldpipe::query;

// ---- --agg ----

TEST(parse_aggregates, reads_functions_columns_and_percentiles) {
  const auto specs =
      parse_aggregates("count, sum:value,mean:value,p90:temperature,p99.9:t,count_distinct:sensor,count:h");
  ASSERT_EQ(specs.size(), 7u);
  EXPECT_EQ(specs[0].kind, aggregate_kind::count);
  EXPECT_EQ(specs[0].output_name(), "count");
  EXPECT_EQ(specs[1].output_name(), "sum_value");
  EXPECT_EQ(specs[2].kind, aggregate_kind::mean);
  EXPECT_EQ(specs[3].kind, aggregate_kind::percentile);
  EXPECT_EQ(specs[3].percentile, 90);
  EXPECT_EQ(specs[3].output_name(), "p90_temperature");
  EXPECT_EQ(specs[4].percentile, 99.9);
  EXPECT_EQ(specs[4].output_name(), "p99.9_t");
  EXPECT_EQ(specs[5].output_name(), "count_distinct_sensor");
  EXPECT_EQ(specs[6].text(), "count:h");
}

TEST(parse_aggregates, rejects_what_it_cannot_compute) {
  for (const char* bad :
       {"", "count,", "median:x", "mean", "mean:", "p101:x", "p-1:x", "px:x", "p:x", "sum:v,sum:v", "count,count"})
    EXPECT_THROW(parse_aggregates(bad), query_error) << bad;
  try {
    parse_aggregates("avg:value");
    FAIL();
  } catch (const query_error& e) {
    EXPECT_NE(std::string(e.what()).find("'avg'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("mean"), std::string::npos) << e.what();
  }
}

}  // namespace
