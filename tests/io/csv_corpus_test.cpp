// The corpus of messy files that tests/io/messy_corpus.py writes (every delimiter, with and without a header,
// quoted and not, CRLF, byte order marks, UTF-16, Latin-1, ragged rows, a header alone, an empty file...):
// - the sniffer (io/csv_sniffer.hpp) finds each file's dialect, on every file where Python's csv.Sniffer
//   does and on more;
// - the reader (io/csv_reader.hpp) reads each file in its true dialect as Python's csv.reader does.
// tests/io/csv_corpus_oracle.py gives Python's side.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "yieldpipe/io/csv_reader.hpp"
#include "yieldpipe/io/csv_sniffer.hpp"
#include "yieldpipe/io/input.hpp"
#include "yieldpipe/io/jsonl.hpp"

namespace {

namespace fs = std::filesystem;
namespace io = yieldpipe::io;
using records = std::vector<std::vector<std::string>>;

// A guess of the three things csv.Sniffer guesses too.
struct guess {
  char delimiter = ',';
  std::optional<char> quote;
  bool header = true;
};

struct corpus_file {
  std::string name;
  io::csv_dialect truth;
  std::size_t skip_lines = 0;  // lines before the table
  std::string about;
  std::optional<guess> python;  // nullopt: csv.Sniffer raised python_error
  std::string python_error;
  std::string path;
  io::text_encoding encoding = io::text_encoding::automatic;  // what --encoding would say (UTF-16: its BOM)
  records python_rows;  // csv.reader in the true dialect, after the skip_lines lines
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The oracle's records: per record "<fields>\n", per field "<bytes>\n<bytes>".
records read_rows(const fs::path& path) {
  const std::string text = read_file(path);
  std::istringstream in(text);
  records rows;
  std::size_t fields = 0;
  while (in >> fields) {
    in.get();
    std::vector<std::string>& row = rows.emplace_back();
    for (std::size_t i = 0; i < fields; ++i) {
      std::size_t size = 0;
      in >> size;
      in.get();
      std::string field(size, '\0');
      in.read(field.data(), static_cast<std::streamsize>(size));
      row.push_back(std::move(field));
    }
  }
  return rows;
}

char one_char(const std::string& s) { return s.size() == 1 ? s[0] : '\0'; }

// What io::csv_reader reads from the file (transcoded to UTF-8 by io::input) in `dialect`, after its lines
// before the table (backslash escapes decoded; decimal
// commas change no text), the header as the first record; ragged rows kept, as Python does.
records read_with(const corpus_file& f, const io::csv_dialect& dialect) {
  io::csv_options options;
  io::apply(dialect, options);
  options.skip_lines = f.skip_lines;
  options.input.encoding = f.encoding;
  options.ragged = io::ragged_rows::keep;
  options.max_field_size = std::size_t{1} << 20;
  io::csv_reader reader(f.path, options);
  records rows;
  if (reader.header() != nullptr && reader.header()->size() > 0) rows.push_back(reader.header()->names());
  while (const io::csv_row* row = reader.next()) rows.emplace_back(row->fields().begin(), row->fields().end());
  return rows;
}

class csv_corpus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("yieldpipe_csv_corpus_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    const fs::path here = fs::path(__FILE__).parent_path();
    // python3 is a declared dependency of the test suite: its absence fails the tests.
    const std::string make = "python3 '" + (here / "messy_corpus.py").string() + "' '" + dir_.string() + "'";
    const std::string oracle = "python3 '" + (here / "csv_corpus_oracle.py").string() + "' '" + dir_.string() + "' " +
                               std::to_string(io::csv_sniff_sample_size) + " > '" + (dir_ / "python.jsonl").string() +
                               "'";
    for (const std::string& command : {make, oracle}) {
      if (std::system(command.c_str()) != 0) {
        setup_error_ = "failed: " + command;
        return;
      }
    }
    for (const io::json_record& r : io::read_jsonl((dir_ / "python.jsonl").string())) {
      corpus_file& f = files_.emplace_back();
      f.name = r.get<std::string>("file");
      f.about = r.get<std::string>("about");
      f.truth.delimiter = one_char(r.get<std::string>("delimiter"));
      if (auto quote = r.get_optional<std::string>("quote"))
        f.truth.quote = one_char(*quote);
      else
        f.truth.quote = std::nullopt;
      f.truth.header = r.get<bool>("header");
      f.truth.backslash_escapes = r.get<bool>("backslash_escapes");
      f.truth.decimal_comma = r.get<bool>("decimal_comma");
      f.skip_lines = static_cast<std::size_t>(r.get<std::int64_t>("skip_lines"));
      const io::json_value python = r.at("python");
      if (auto error = python.find("error")) {
        f.python_error = error->get<std::string>();
      } else {
        f.python = guess{one_char(python.get<std::string>("delimiter")), one_char(python.get<std::string>("quote")),
                         python.get<bool>("header")};
      }
      f.path = (dir_ / f.name).string();
      const std::string encoding = r.get<std::string>("encoding");
      if (encoding == "latin-1") f.encoding = io::text_encoding::latin1;
      if (encoding == "cp1252") f.encoding = io::text_encoding::cp1252;
      f.python_rows = read_rows(dir_ / "rows" / f.name);
    }
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  static inline fs::path dir_;
  static inline std::vector<corpus_file> files_;
  static inline std::string setup_error_;
};

std::string show(const guess& g) {
  std::string s = g.delimiter == '\t' ? "'\\t'" : std::string("'") + g.delimiter + "'";
  s += g.quote ? std::string(" quote '") + *g.quote + "'" : std::string(" no quote");
  return s + (g.header ? " header" : " no header");
}

// A guess is right when the file (after the lines before its table) reads with its delimiter and quote
// as with the true ones (a quote character that the file never uses reads as no quoting; a one-column
// file reads alike with any delimiter it does not hold), and it tells the header right (if there are
// records at all). csv.Sniffer knows no lines before a table: it is not asked to find them.
bool right(const corpus_file& f, const records& truth, const guess& g) {
  io::csv_dialect d = f.truth;
  d.delimiter = g.delimiter;
  d.quote = g.quote;
  d.header = false;
  try {
    if (read_with(f, d) != truth) return false;
  } catch (const std::exception&) {  // an unterminated quoted field, a delimiter the reader refuses
    return false;
  }
  return g.header == f.truth.header || truth.empty();
}

TEST_F(csv_corpus, the_sniffer_finds_every_dialect_and_every_one_python_finds) {
  ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  ASSERT_GE(files_.size(), 60u);
  std::size_t ours = 0;
  std::size_t full = 0;
  std::size_t python = 0;
  for (const corpus_file& f : files_) {
    io::csv_dialect no_header = f.truth;
    no_header.header = false;
    const records truth = read_with(f, no_header);
    // What a command sniffs: the start of the input, transcoded, as io::input::peek gives it.
    io::input in(f.path, {.encoding = f.encoding});
    const std::string_view sample = in.peek(io::csv_sniff_sample_size);
    const io::csv_sniff_result found = io::sniff_csv(sample, sample.size() < io::csv_sniff_sample_size);
    const io::csv_dialect& d = found.dialect;
    const bool ours_right = right(f, truth, {d.delimiter, d.quote, d.header});
    const bool python_right = f.python && right(f, truth, *f.python);
    ours += ours_right;
    python += python_right;
    const bool all_right = ours_right && d.backslash_escapes == f.truth.backslash_escapes &&
                           d.decimal_comma == f.truth.decimal_comma && found.preamble_lines == f.skip_lines;
    full += all_right;
    EXPECT_TRUE(all_right) << f.name << " (" << f.about << "): sniffed " << d.describe() << " (" << found.summary()
                           << ", " << found.preamble_lines << " lines before the table), written " << f.truth.describe()
                           << " after " << f.skip_lines << " lines";
    EXPECT_TRUE(ours_right || !python_right) << f.name << ": csv.Sniffer finds " << show(*f.python);
  }
  EXPECT_GE(ours, python);
  std::cout << "sniff_csv finds the delimiter, quote and header of " << ours << " of " << files_.size()
            << " files (the whole dialect of " << full << "); Python's csv.Sniffer of " << python << "\n";
  RecordProperty("files", static_cast<int>(files_.size()));
  RecordProperty("sniff_csv_right", static_cast<int>(ours));
  RecordProperty("python_sniffer_right", static_cast<int>(python));
}

TEST_F(csv_corpus, the_reader_reads_every_file_in_its_true_dialect_as_python_does) {
  ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  ASSERT_GE(files_.size(), 60u);
  for (const corpus_file& f : files_) {
    records expected = f.python_rows;
    // With a header the reader skips blank lines, as DictReader does.
    if (f.truth.header) std::erase_if(expected, [](const std::vector<std::string>& row) { return row.empty(); });
    EXPECT_EQ(read_with(f, f.truth), expected) << f.name << " (" << f.about << ")";
  }
}

}  // namespace
