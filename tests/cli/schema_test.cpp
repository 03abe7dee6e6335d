// `yieldpipe schema`: how a file is read and what each column holds, from a sample or the whole file.
#include <gtest/gtest.h>

#include <string>

#include "support/cli_fixture.hpp"

namespace {

class schema_test : public yieldpipe::test::cli_fixture {};

TEST_F(schema_test, each_column_gets_its_type_empty_share_and_an_example) {
  write("mixed.csv",
        "zip,count,price,ok,day,seen,name\n"
        "007,1,2.5,true,2024-03-01,2024-03-01 10:00:00,ann\n"
        "012,,3,FALSE,2024-03-02,2024-03-02T11:00:00Z,\n"
        "100,3,4,true,,2024-03-03,bob\n"
        "999,4,,false,2024-03-04,,\n");
  ASSERT_EQ(yieldpipe("schema mixed.csv --format csv"), 0) << err();
  EXPECT_EQ(out(),
            "column,type,empty,example\n"
            "zip,text,0.0%,007\n"  // leading zeros: an identifier
            "count,integer,25.0%,1\n"
            "price,real,25.0%,2.5\n"
            "ok,boolean,0.0%,true\n"
            "day,date,25.0%,2024-03-01\n"
            "seen,timestamp,25.0%,2024-03-01 10:00:00\n"
            "name,text,50.0%,ann\n");
  EXPECT_NE(err().find("mixed.csv: delimiter ',', quote '\"', header (delimiter, quoting, header detected: 7 columns "
                       "in 5 of 5 records); 4 rows (the whole input)"),
            std::string::npos)
      << err();
}

TEST_F(schema_test, a_sample_is_the_first_rows_and_full_reads_all_of_them_on_any_thread_count) {
  std::string text = "id,v\n";
  for (int i = 0; i < 30000; ++i) text += std::to_string(i) + "," + std::to_string(i) + "\n";
  text += "30000,late text\n";
  write("big.csv", text);
  ASSERT_EQ(yieldpipe("schema big.csv --rows 100 --format csv"), 0) << err();
  EXPECT_EQ(out(), "column,type,empty,example\nid,integer,0.0%,0\nv,integer,0.0%,0\n");
  EXPECT_NE(err().find("100 rows (the first ones: --full reads them all)"), std::string::npos) << err();
  for (const char* threads : {"1", "2", "3"}) {
    ASSERT_EQ(yieldpipe(std::string("schema big.csv --full --format csv --threads ") + threads), 0) << err();
    EXPECT_EQ(out(), "column,type,empty,example\nid,integer,0.0%,0\nv,text,0.0%,0\n") << threads;
  }
}

TEST_F(schema_test, dialect_flags_apply_and_a_headerless_file_has_columns_c1_c2) {
  write("eu.txt", "# export\n1;2,5\n2;3\n");
  ASSERT_EQ(yieldpipe("schema - --no-header --delimiter ';' --comment '#' --format jsonl", (root_ / "eu.txt").string()),
            0)
      << err();
  EXPECT_EQ(out(),
            "{\"column\":\"c1\",\"type\":\"integer\",\"empty\":\"0.0%\",\"example\":\"1\"}\n"
            "{\"column\":\"c2\",\"type\":\"text\",\"empty\":\"0.0%\",\"example\":\"2,5\"}\n");
  EXPECT_NE(err().find("no header (columns c1..c2)"), std::string::npos) << err();
}

TEST_F(schema_test, bad_rows_follow_the_error_policy) {
  write("ragged.csv", "a,b\n1,2\n3\n4,5\n");
  EXPECT_EQ(yieldpipe("schema ragged.csv"), 1);
  EXPECT_NE(err().find("ragged.csv:3:"), std::string::npos) << err();
  ASSERT_EQ(yieldpipe("schema ragged.csv --on-error skip --format csv"), 0) << err();
  EXPECT_EQ(out(), "column,type,empty,example\na,integer,0.0%,1\nb,integer,0.0%,2\n");
}

}  // namespace
