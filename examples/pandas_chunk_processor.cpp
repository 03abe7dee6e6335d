// The guide, "Integration with Other Tools" › "Pandas Integration".
//
// The guide reads the CSV with pandas in chunks of 10,000 rows, groups each chunk by category and
// concatenates the partial results. yieldpipe's query layer does the whole group-by in one pass, in
// memory per group rather than per chunk: a condition compiled once against the header, a group-by
// table whose aggregate states merge (the engine of `yieldpipe stats`), rows read as views. The
// query is the benchmark's T1: `yieldpipe stats FILE --where 'status == "active" and quality_score >=
// 0.8' --by category --agg count,mean:value,max:temperature` computes the same table.
//
// The data: the sensor CSV of process_large_csv (sensor_csv.hpp).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/output.hpp>
#include <yieldpipe/io/writers.hpp>
#include <yieldpipe/query/expression.hpp>
#include <yieldpipe/query/group_by.hpp>

#include "example.hpp"
#include "sensor_csv.hpp"

YIELDPIPE_EXAMPLE(410, pandas_chunk_processor, "Pandas Integration") {
  using namespace yieldpipe;
  const examples::temp_file file{std::filesystem::temp_directory_path() /
                                 ("yieldpipe_pandas_chunks_" + std::to_string(::getpid()) + ".csv")};
  examples::write_sensor_csv(file.path);

  // T1: the active, good-quality readings per category.
  io::csv_range rows = io::read_csv(file.path.string());
  const auto good = query::expression::compile_condition("status == 'active' and quality_score >= 0.8", *rows.header());
  query::group_by per_category(*rows.header(), {"category"},
                               query::parse_aggregates("count,mean:value,max:temperature"));
  for (const io::csv_row& row : rows)
    if (good.matches(row)) per_category.add(row);

  std::fflush(stdout);  // the table goes to standard output after what the example printed before
  io::output out("-");
  io::table_writer table(out, per_category.columns());
  per_category.for_each_sorted([&](std::span<const io::field> record) { table.write_row(record); });
  table.finish();
  out.commit();
}
