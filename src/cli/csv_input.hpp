#pragma once
// The CSV input of a command (stats, filter, anomalies, moving-average, graph): the dialect flags,
// the dialect they leave open found from the start of the input, and the input itself, opened once
// (standard input cannot be read twice).

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <yieldpipe/exec/parallel_reduce.hpp>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/input.hpp>

namespace yieldpipe::cli {

/// The dialect flags, as parsed.
struct dialect_flags {
  std::string delimiter;        ///< --delimiter C (empty: not given)
  bool tsv = false;             ///< --tsv: the text format (tabs, \t \n \\ escapes, \N null, no quoting)
  std::string quote;            ///< --quote C
  bool no_quote = false;        ///< --no-quote
  bool header = false;          ///< --header: the first line names the columns (not sniffed)
  bool no_header = false;       ///< --no-header: columns c1, c2, ...
  std::uint64_t skip_rows = 0;  ///< --skip-rows N
  std::string comment;          ///< --comment C
  std::string encoding;         ///< --encoding NAME (empty: automatic)
  bool decimal_comma = false;   ///< --decimal-comma
  bool verbose = false;         ///< --verbose: print the dialect read
};

/// Adds --delimiter, --tsv, --quote, --no-quote, --no-header, --skip-rows, --comment, --encoding,
/// --decimal-comma and --verbose to `cmd`, writing into `flags` (which must outlive the parse).
void add_dialect_options(CLI::App& cmd, dialect_flags& flags);

/// A command's CSV input, with the dialect to read it in: the flags given, and what they leave open
/// (delimiter, quoting, header) sniffed from the first 64 KiB (io::sniff_csv); without a header the
/// field count of the first record names the columns c1..cN. Standard input is opened here and read
/// by `reduce`/`reader`; other paths are opened again there (a plain file in byte ranges). When
/// something was sniffed, an error of the run is followed by a note saying what was guessed and
/// which flags say otherwise (set_error_note).
///
/// Errors: a flag that cannot work (two characters for --delimiter, --tsv with --quote, an unknown
/// --encoding) is a usage_error; an input that cannot be opened, an io_error.
class csv_input {
 public:
  csv_input(std::string path, const dialect_flags& flags, std::string_view command);

  /// The reader's options: the dialect and the encoding (set `on_reject` on a copy).
  const io::csv_options& options() const noexcept { return options_; }
  /// The dialect in words, for --verbose and for notes after errors: "delimiter ';', quote '\"', header".
  const std::string& description() const noexcept { return description_; }
  const std::string& path() const noexcept { return path_; }

  /// exec::parallel_reduce over the input with `options` (from options(), with on_reject set).
  template <class Make, class Add>
  auto reduce(const io::csv_options& options, Make make, Add add, const exec::pieces_options& pieces) {
    exec::csv_records format{options};
    if (stdin_) return exec::parallel_reduce(take_stdin(), format, std::move(make), std::move(add), pieces);
    return exec::parallel_reduce(path_, format, std::move(make), std::move(add), pieces);
  }
  /// A serial reader of the input with `options`.
  io::csv_reader reader(const io::csv_options& options);

 private:
  io::input take_stdin();

  std::string path_;
  io::csv_options options_;
  std::string description_;
  std::string sniffed_;  // what the sniffer saw: "3 columns in 810 of 812 records"
  std::string hint_;     // a flag the sniffer suggests (--decimal-comma)
  std::optional<io::input> stdin_;
};

}  // namespace yieldpipe::cli
