#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <vector>
#include <yieldpipe/db/db_error.hpp>
#include <yieldpipe/db/sqlite_database.hpp>
#include <yieldpipe/db/table_sink.hpp>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/jsonl.hpp>
#include <yieldpipe/iter/batched.hpp>

#include "support/temp_dir.hpp"

namespace {

using namespace yieldpipe;
using db::column;
using db::column_type;

struct order {
  long long id;
  std::string customer;
  double amount;
};

class table_sink_test : public test::temp_dir_test {
 protected:
  std::string path() const { return (dir_ / "shop.db").string(); }
};

TEST_F(table_sink_test, tuples_load_with_the_types_of_their_fields_and_nulls) {
  std::vector<std::tuple<int, std::string, std::optional<double>, bool>> rows{
      {1, "007", 2.0, true}, {2, "b", std::nullopt, false}, {3, "c", 0.5, true}};
  db::sqlite_database shop(path());
  const std::uint64_t n = rows | db::into(shop, {.table = "t"}, {"id", "code", "x", "ok"}, std::identity{}, 2);
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(shop.columns_of("t"), (std::vector<column>{{"id", column_type::integer},
                                                       {"code", column_type::text},
                                                       {"x", column_type::real},
                                                       {"ok", column_type::integer}}));
  EXPECT_EQ(shop.read_state("t")->batches, 2u);
  EXPECT_TRUE(shop.read_state("t")->complete);
}

TEST_F(table_sink_test, structs_load_through_a_projection_and_batches_are_one_transaction_each) {
  std::vector<order> orders;
  for (long long i = 1; i <= 10; ++i)
    orders.push_back({i, "customer-" + std::to_string(i % 3), static_cast<double>(i) * 1.5});
  const auto as_row = [](const order& o) { return std::tuple(o.id, o.customer, o.amount); };
  const std::uint64_t n =
      orders | batched(4) | db::sqlite_sink(path(), {.table = "orders"}, {"id", "customer", "amount"}, as_row);
  EXPECT_EQ(n, 10u);
  db::sqlite_database shop(path());
  EXPECT_EQ(shop.read_state("orders")->batches, 3u);  // 4 + 4 + 2
  EXPECT_EQ(shop.read_state("orders")->rows, 10u);
}

TEST_F(table_sink_test, an_empty_range_makes_an_empty_table_and_an_existing_one_needs_a_mode) {
  const std::vector<std::array<int, 2>> none;
  db::sqlite_database shop(path());
  EXPECT_EQ(none | db::into(shop, {.table = "t"}, {"a", "b"}), 0u);
  EXPECT_TRUE(shop.columns_of("t"));
  const std::vector<std::array<int, 2>> one{{1, 2}};
  EXPECT_THROW(one | db::into(shop, {.table = "t"}, {"a", "b"}), db::db_error);
  EXPECT_EQ(one | db::into(shop, {.table = "t", .mode = db::load_mode::append}, {"a", "b"}), 1u);
}

TEST_F(table_sink_test, csv_rows_and_json_records_load_with_inferred_types) {
  const std::string csv = write("id,zip,price\n1,02134,2\n2,10001,2.5\n", "in.csv");
  const std::string jsonl = write("{\"id\": 1, \"code\": \"12\"}\n{\"id\": 2, \"x\": 1.0}\n", "in.jsonl");
  db::sqlite_database shop(path());
  EXPECT_EQ(io::read_csv(csv) | db::into(shop, {.table = "csv"}, {}), 2u);
  EXPECT_EQ(
      shop.columns_of("csv"),
      (std::vector<column>{{"id", column_type::integer}, {"zip", column_type::text}, {"price", column_type::real}}));
  EXPECT_EQ(io::read_jsonl(jsonl) | db::into(shop, {.table = "json"}, {}), 2u);
  EXPECT_EQ(shop.columns_of("json"),
            (std::vector<column>{{"id", column_type::integer}, {"code", column_type::text}, {"x", column_type::real}}));
  EXPECT_EQ(shop.read_state("csv")->source.path, csv);
}

}  // namespace
