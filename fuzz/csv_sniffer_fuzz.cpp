// Fuzz target: io::sniff_csv. The input is a sample, sniffed as a whole input and as the start of a
// longer one (its first half too). Checks: the counts agree (consistent records <= records, at least
// one column); describe() and summary() are printable ASCII whatever the bytes; and the whole input,
// read with the dialect sniffed from it (ragged rows kept), reads without an error: the sniffer never
// takes a quote character that leaves a field open at the end.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "yieldpipe/io/csv_reader.hpp"
#include "yieldpipe/io/csv_sniffer.hpp"

namespace {

using namespace yieldpipe;

bool printable(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

io::csv_sniff_result sniff_checked(std::string_view sample, bool whole) {
  const io::csv_sniff_result r = io::sniff_csv(sample, whole);
  fuzz::check(r.consistent_records <= r.records, "consistent_records > records");
  fuzz::check(r.columns >= 1, "no column");
  fuzz::check(r.delimiter_found || r.columns == 1, "one column without a delimiter");
  fuzz::check(printable(r.dialect.describe()), "describe() is not printable ASCII");
  fuzz::check(printable(r.summary()), "summary() is not printable ASCII");
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sniff_checked(text.substr(0, size / 2), false);
  sniff_checked(text, false);
  const io::csv_sniff_result whole = sniff_checked(text, true);

  io::csv_options options;
  io::apply(whole.dialect, options);
  options.ragged = io::ragged_rows::keep;
  options.max_field_size = size + 1;
  try {
    io::csv_reader reader(io::input::from_memory(std::span<const char>(text.data(), text.size()), "<fuzz>"), options);
    while (reader.next() != nullptr) {
    }
  } catch (const io::io_error&) {
    fuzz::check(false, "the input does not read with the dialect sniffed from it");
  }
  return 0;
}
