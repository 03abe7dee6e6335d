// A column's finite number: empty is missing, anything else that is not a finite number is a bad record.
#include <gtest/gtest.h>

#include <string>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/io/input.hpp>
#include <yieldpipe/query/finite_number.hpp>

namespace {

using namespace yieldpipe;

TEST(finite_number, reads_a_number_and_gives_nothing_for_an_empty_field) {
  io::csv_reader reader(io::input::from_memory(std::string("k,v\na,2.5\nb,\nc,-1e3\n"), "in.csv"));
  std::vector<std::optional<double>> got;
  while (const io::csv_row* row = reader.next()) got.push_back(query::finite_number(*row, 1, {}));
  EXPECT_EQ(got, (std::vector<std::optional<double>>{2.5, std::nullopt, -1000.0}));
}

TEST(finite_number, text_nan_and_inf_are_bad_numbers_for_the_policy_or_an_error) {
  const std::string csv = "k,v\na,x\nb,nan\nc,-inf\n";
  io::csv_reader reader(io::input::from_memory(csv, "in.csv"));
  std::vector<std::string> messages;
  const io::reject_handler keep = [&](const io::rejected_record& r, std::string_view reason, std::string_view message) {
    EXPECT_EQ(reason, "bad number");
    messages.push_back(std::to_string(r.line) + " " + std::string(message));
    return true;
  };
  while (const io::csv_row* row = reader.next()) EXPECT_FALSE(query::finite_number(*row, 1, keep));
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_NE(messages[1].find("in.csv:3:3: column 'v': not a finite number: \"nan\""), std::string::npos) << messages[1];

  io::csv_reader strict(io::input::from_memory(csv, "in.csv"));
  EXPECT_THROW(query::finite_number(*strict.next(), 1, {}), io::io_error);
  const io::reject_handler refuse = [](const io::rejected_record&, std::string_view, std::string_view) {
    return false;
  };
  EXPECT_THROW(query::finite_number(*strict.next(), 1, refuse), io::io_error);
}

}  // namespace
