// The cost of sniffing a CSV dialect (io/csv_sniffer.hpp) on a 64 KiB sample, the size commands sniff:
// - `sensors`: comma-separated numbers and timestamps, no quotes (two pairs parsed: ',' quoted and not);
// - `quoted`: comma-separated with quoted fields holding commas, quotes, apostrophes and line breaks
//   (three quote choices for ',');
// - `european`: semicolons and decimal commas (';' and ',' both consistent: the decimal-comma check runs);
// - `tab`: tab-separated with backslash escapes.
// Each sample is made once, untimed; bytes_per_second is the sample's size over the time. Run with
// `build/release/bench/yieldpipe_io_sniffer_bench`. Figures in docs/io.md.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <yieldpipe/io/csv_sniffer.hpp>

namespace {

namespace io = yieldpipe::io;

template <class Row>
std::string sample(const std::string& header, Row row) {
  std::string s = header + "\n";
  for (int i = 0; s.size() < io::csv_sniff_sample_size; ++i) s += row(i) + "\n";
  s.resize(io::csv_sniff_sample_size);  // the sample's end cuts a record, as it does in a large file
  return s;
}

std::string sensors() {
  return sample("id,timestamp,sensor,value,ok", [](int i) {
    return std::to_string(i) + ",2024-03-" + std::to_string(10 + i % 18) + " 12:" + std::to_string(10 + i % 50) +
           ":00,s-" + std::to_string(i % 8) + "," + std::to_string(i * 0.37 - 20) + (i % 3 ? ",true" : ",false");
  });
}

std::string quoted() {
  return sample("order_id,customer,amount,note", [](int i) {
    const char* notes[] = {"\"late, again\"", "ok", "\"it's \"\"fine\"\"\"", "\"two\nlines\"", "checked"};
    return std::to_string(10000 + i) + ",O'Brien " + std::to_string(i % 13) + "," + std::to_string(i * 1.5) + "," +
           notes[i % 5];
  });
}

std::string european() {
  return sample("Datum;Artikel;Menge;Preis;Summe", [](int i) {
    return std::to_string(10 + i % 18) + ".03.2024;Artikel " + std::to_string(i % 9) + ";" + std::to_string(i % 40) +
           ";" + std::to_string(i % 30) + "," + std::to_string(10 + i % 90) + ";" + std::to_string(i) + ",50";
  });
}

std::string tab() {
  return sample("id\tname\tnote", [](int i) {
    return std::to_string(i) + "\tname " + std::to_string(i % 17) + (i % 4 ? "\tline\\none\\ttab" : "\t\\N");
  });
}

template <std::string (*Make)()>
void sniff(benchmark::State& state) {
  const std::string text = Make();
  for (auto _ : state) {
    io::csv_sniff_result r = io::sniff_csv(text, false);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}

BENCHMARK_TEMPLATE(sniff, sensors)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(sniff, quoted)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(sniff, european)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(sniff, tab)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
