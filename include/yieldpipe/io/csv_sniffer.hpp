#pragma once
// Guessing a CSV file's dialect (delimiter, quote character, header, text-format escapes, decimal
// comma) from its first bytes, as DuckDB's sniffer and Python's csv.Sniffer do.
//
//   std::string_view sample = /* the input's first csv_sniff_sample_size bytes, or all of a shorter one */;
//   const io::csv_sniff_result found = io::sniff_csv(sample, /*sample_is_whole_input=*/ended);
//   io::csv_options options;
//   io::apply(found, options);   // then the user's --delimiter, --no-header... on top

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "yieldpipe/io/csv_reader.hpp"

namespace yieldpipe::io {

/// How much of an input `sniff_csv` is meant to see: the first 64 KiB (the caller reads them; a
/// stream is sniffed from the bytes it buffers anyway, without seeking).
inline constexpr std::size_t csv_sniff_sample_size = std::size_t{64} << 10;

/// A CSV dialect as the sniffer finds it: what produced the file.
struct csv_dialect {
  char delimiter = ',';
  /// The quote character; nullopt when the file uses no quoting (a quote character is then data).
  std::optional<char> quote = '"';
  /// The first record names the columns.
  bool header = true;
  /// Tab-separated "text format", as PostgreSQL's COPY and MySQL's dumps write it: no quoting, and
  /// `\t` `\n` `\r` `\\` (and `\N` for null) stand for the characters they name.
  bool backslash_escapes = false;
  /// Numbers are written with a decimal comma (`1,5`, `1.234,5`): the common export of European
  /// spreadsheets, with `;` as the delimiter.
  bool decimal_comma = false;

  /// For `--verbose` and messages: `delimiter ';', quote '"', header, decimal comma`; a tab is
  /// written `'\t'`, another unprintable byte `'\xNN'`.
  std::string describe() const;

  friend bool operator==(const csv_dialect&, const csv_dialect&) = default;
};

/// What `sniff_csv` found, and how sure it is: enough for a message after a wrong guess ("sniffed
/// delimiter ';' from 812 records (3 columns in 810); --delimiter overrules it").
struct csv_sniff_result {
  csv_dialect dialect;
  /// Complete, non-blank records of the sample parsed with the dialect (a last record cut off by
  /// the end of a sample that is not the whole input is not counted).
  std::size_t records = 0;
  /// The number of fields most records have (1 when no delimiter splits the sample).
  std::size_t columns = 0;
  /// The records that have `columns` fields; the rest are ragged.
  std::size_t consistent_records = 0;
  /// False when no candidate delimiter splits the records: one column (`sniff_csv` says which
  /// delimiter reads it).
  bool delimiter_found = false;
  /// Lines before the table that are no part of it (blank lines among them counted): leading
  /// records of at most half the table's fields, such as a title or `# exported by ...`, before a
  /// record of the table's width. The header is decided from the record after them; a
  /// reader must skip them (`--skip-rows`). 0 when there are none.
  std::size_t preamble_lines = 0;
  /// Another delimiter that splits the sample almost as well, if any: the likeliest wrong guess.
  std::optional<char> runner_up{};
  /// True when the header was decided by column types (a text first record over numbers or dates,
  /// or a first record of the same types as the rest); false when the evidence was weaker
  /// (uniqueness and repetition in all-text columns, or the default for a single record).
  bool header_from_types = false;

  /// `3 columns in 810 of 812 records` (or `no delimiter found in 812 records`).
  std::string summary() const;
};

/// Guesses the dialect of the CSV text `sample`, the start of an input (up to about
/// `csv_sniff_sample_size` bytes, UTF-8 or any ASCII-compatible encoding; a UTF-8 byte order mark at
/// its start is skipped; a UTF-16 input must be transcoded first). `sample_is_whole_input` says
/// whether the input ends with the sample: if not, a last record cut off by the sample's end is not
/// used, and a sample that ends inside a quoted field is no evidence against that quote.
///
/// The rules:
/// - **Delimiter and quote**: `,` `;` `\t` `|` are tried first, with the quote characters `"` and
///   `'` where they occur and without quoting; each pair parses the sample with the reader's rules
///   (a quote opens a field only at its start, `""` inside is data, a line break inside quotes does
///   not end the record) and is scored by how many records have the most common number of fields.
///   A quote character is taken when it opens and cleanly closes fields (the closing quote followed
///   by the delimiter or the end of the line) and parses the records at least about as consistently
///   as no quoting; `"` is preferred to `'` and to none when the sample cannot tell. Among
///   delimiters the most consistent wins (a few ragged rows are tolerated: 60% of the records must
///   agree), then the one with more columns, then the one whose fields less often start with a
///   space (`Smith, John`); a `;` (or `\t`, `|`) whose fields hold commas only as
///   decimal commas beats `,`. A file too ragged for that gets the one that splits 90% of its
///   records into two fields or more. Other
///   punctuation bytes (`:` `^` `~` `!` `#` ...) are tried only when none of the four splits the
///   records, and must split every record into as many fields. When nothing splits the records the
///   input is one column, read with `,` or, if the sample holds commas, with the first of `\t` `;`
///   `|` that it does not hold (so that a comma in a sentence splits nothing).
/// - **Header**: for each column whose values below the first record are mostly of one type
///   (integer, real, date or time, boolean; empty and `NA`-like values are not counted), the first
///   record's value votes for a header if it is not of that type and against if it is; the majority
///   decides (a tie: header). When no column is typed, the first record is a header if its fields
///   are non-empty, unique, not numbers or dates, none of them is found in its column below, and no
///   more columns look like data than like a header (a column of values of one length looks like
///   data if the first value has that length too, and like a header if not; a column of repeated
///   values, a category, looks like a header when the first value is not one of them). A single
///   record is a header if its fields are non-empty, unique and not numbers or dates.
/// - **Lines before the table** (`preamble_lines`): up to ten leading records of at most half the
///   fields of a table of several columns, followed by a record of the table's width and one more.
/// - **Backslash escapes**: a tab-separated sample without quoting that holds backslash escapes
///   (`\t` `\n` `\r` `\\` `\N`) and no other backslash.
/// - **Decimal comma**: a delimiter other than `,` and number columns written `1,5` or `1.234,5`
///   (and no number written `1.5`).
///
/// Cost: a parse of the sample per candidate pair (each common delimiter the sample holds, without
/// quoting and with each quote character that occurs where a field starts) that stops only at delimiters, quotes and
/// line breaks
/// (`memchr` inside quoted fields), and a typing pass over the first 500
/// records of the chosen parse: about 0.1 ms of CPU for 64 KiB (docs/io.md). Memory: a few words
/// per record of the sample.
csv_sniff_result sniff_csv(std::string_view sample, bool sample_is_whole_input);

/// Sets `options` to read `dialect`: the delimiter; the quote, or `quote_style::none` when there is
/// none; `header`; backslash escapes as `csv_options::tsv_text()` reads them (`escape` '\\' and
/// `escape_sequences`; without them, escape sequences off); `decimal_comma`. A header-less dialect
/// leaves `names` empty: the caller names the columns (`c1`, `c2`, ... as `--no-header` does).
void apply(const csv_dialect& dialect, csv_options& options);
/// `apply(found.dialect, options)`, and `skip_lines` set to `found.preamble_lines`.
void apply(const csv_sniff_result& found, csv_options& options);

}  // namespace yieldpipe::io
