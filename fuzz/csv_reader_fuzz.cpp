// Fuzz target: io::csv_reader. The first two bytes choose the dialect and the chunk size, the rest
// is the file. Every record must equal the scalar reference parser's (tests/support), whatever the
// chunk size, and typed access must agree between the padded fast path and the general parser.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "support/csv_reference.hpp"
#include "yieldpipe/io/csv_reader.hpp"

namespace {

using namespace yieldpipe;
using rows = std::vector<std::vector<std::string>>;

struct outcome {
  rows records;
  std::optional<std::string> error;  // io_error's reason
};

outcome read_all(fuzz::memory_file& file, std::string_view data, const io::csv_options& options) {
  outcome out;
  try {
    io::csv_reader reader(file.open(data, options.input), options);
    while (const io::csv_row* row = reader.next()) {
      out.records.emplace_back(row->fields().begin(), row->fields().end());
      for (std::size_t i = 0; i < row->size(); ++i) {
        // The padded fast path (row->get) and the general parser must agree on every field.
        const std::optional<double> general = io::parse_number<double>((*row)[i]);
        try {
          const double fast = row->get<double>(i);
          fuzz::check(general.has_value() && (fast == *general || (fast != fast && *general != *general)),
                      "get<double> disagrees with parse_number");
        } catch (const io::io_error&) {
          fuzz::check(!general.has_value(), "get<double> rejected a number parse_number reads");
        }
        (void)row->position(i);
      }
    }
  } catch (const io::io_error& e) {
    out.error = e.reason();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 2) return 0;
  static fuzz::memory_file file;
  const std::uint8_t a = bytes[0], b = bytes[1];
  const std::string_view data(reinterpret_cast<const char*>(bytes + 2), size - 2);

  io::csv_options options;
  test::csv_reference_dialect reference;
  options.header = false;
  options.ragged = io::ragged_rows::keep;
  options.strip_bom = false;
  options.max_field_size = 1 << 20;
  static constexpr char delimiters[] = {',', ';', '\t', '|'};
  options.delimiter = reference.delimiter = delimiters[a & 3];
  if (a & 4) {
    options.quoting = io::quote_style::none;
    reference.quote = std::nullopt;
  } else if (a & 8) {
    options.quote = '\'';
    reference.quote = '\'';
  }
  if (a & 16) options.escape = reference.escape = '\\';
  if (a & 32) options.double_quote = reference.double_quote = false;
  if (a & 64) options.skip_initial_space = reference.skip_initial_space = true;
  if (a & 128) options.strict = reference.strict = true;

  const test::csv_reference_result expected = test::csv_reference_parse(data, reference);
  options.input.buffer_size = 1 + (b & 63);
  const outcome small = read_all(file, data, options);
  options.input.buffer_size = 1 << 16;
  const outcome large = read_all(file, data, options);
  fuzz::check(small.records == large.records && small.error == large.error, "chunk size changes the result");

  if (expected.ended_in_quoted_field) {
    fuzz::check(large.error == "unterminated quoted field: the quote here is never closed",
                "an unterminated quote is not reported");
  } else if (expected.error) {
    fuzz::check(large.error == *expected.error, "a different error than the reference's");
    fuzz::check(large.records == expected.rows, "records before the error differ from the reference");
  } else {
    fuzz::check(!large.error, "an error the reference does not raise");
    fuzz::check(large.records == expected.rows, "records differ from the reference");
  }

  // With a header and the defaults (typed access by name, ragged rows rejected), nothing but
  // io_error may escape.
  io::csv_options with_header;
  with_header.input.buffer_size = 1 + (b & 63);
  try {
    io::csv_reader reader(file.open(data, with_header.input), with_header);
    while (const io::csv_row* row = reader.next())
      if (const io::csv_header* h = reader.header(); h != nullptr && h->size() > 0)
        (void)row->get_optional<std::int64_t>(0);
  } catch (const io::io_error&) {
  }
  return 0;
}
