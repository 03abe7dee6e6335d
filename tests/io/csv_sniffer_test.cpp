// io/csv_sniffer.hpp: one test per rule and edge case of sniff_csv; the corpus of messy files and the
// comparison with Python's csv.Sniffer are in csv_corpus_test.cpp.
#include "yieldpipe/io/csv_sniffer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>

namespace {

using yieldpipe::io::apply;
using yieldpipe::io::csv_dialect;
using yieldpipe::io::csv_options;
using yieldpipe::io::csv_reader;
using yieldpipe::io::csv_sniff_result;
using yieldpipe::io::input;
using yieldpipe::io::io_error;
using yieldpipe::io::quote_style;
using yieldpipe::io::ragged_rows;
using yieldpipe::io::sniff_csv;

csv_sniff_result sniff(std::string_view text) { return sniff_csv(text, true); }

// A table of `rows` records under `header` (none if empty), each made by `row(i)`, joined by `delimiter`.
template <class Row>
std::string table(std::string_view header, int rows, Row row, std::string_view line_end = "\n") {
  std::string s;
  if (!header.empty()) (s += header) += line_end;
  for (int i = 0; i < rows; ++i) (s += row(i)) += line_end;
  return s;
}

std::string sensors(char d, bool header, int rows = 40) {
  const std::string sep(1, d);
  return table(header ? "id" + sep + "sensor" + sep + "value" + sep + "when" : "", rows, [&](int i) {
    return std::to_string(i + 1) + sep + "s-" + std::to_string(i % 7) + sep + std::to_string(i * 0.25 - 3) + sep +
           "2024-03-" + std::to_string(10 + i % 18) + " 12:" + std::to_string(10 + i % 50) + ":00";
  });
}

// --- edge cases ----------------------------------------------------------------------------------

TEST(csv_sniffer, an_empty_input_is_one_column_of_the_default_dialect) {
  const csv_sniff_result r = sniff("");
  EXPECT_EQ(r.dialect, csv_dialect{});
  EXPECT_FALSE(r.delimiter_found);
  EXPECT_EQ(r.records, 0u);
  EXPECT_EQ(r.summary(), "no delimiter found in 0 records");
}

TEST(csv_sniffer, a_header_alone_is_a_header) {
  const csv_sniff_result r = sniff("id;name;value\n");
  EXPECT_EQ(r.dialect.delimiter, ';');
  EXPECT_TRUE(r.dialect.header);
  EXPECT_EQ(r.records, 1u);
  EXPECT_EQ(r.columns, 3u);
}

TEST(csv_sniffer, a_single_record_of_numbers_is_no_header) {
  const csv_sniff_result r = sniff("1;2.5;2024-01-02\n");
  EXPECT_EQ(r.dialect.delimiter, ';');
  EXPECT_FALSE(r.dialect.header);
}

TEST(csv_sniffer, one_column_keeps_the_comma) {
  const csv_sniff_result r = sniff("name\nAnna\nBen\nChloe\nDavid\n");
  EXPECT_EQ(r.dialect.delimiter, ',');
  EXPECT_FALSE(r.delimiter_found);
  EXPECT_EQ(r.columns, 1u);
  EXPECT_EQ(r.records, 5u);
}

TEST(csv_sniffer, one_column_of_sentences_with_commas_gets_a_delimiter_it_does_not_hold) {
  const std::string text =
      "It rained, then it stopped\nNothing to report\nLate, again, as usual\nAll good\nFine, thanks\n"
      "No comment\nCold, wet, windy, dark\n";
  const csv_sniff_result r = sniff(text);
  EXPECT_FALSE(r.delimiter_found);
  EXPECT_EQ(r.dialect.delimiter, '\t');  // reading with ',' would split the sentences
}

TEST(csv_sniffer, a_byte_order_mark_is_skipped) {
  // Left in, the mark would make "1" a text field over numbers: a header.
  const csv_sniff_result r = sniff(
      "\xEF\xBB\xBF"
      "1,2\n3,4\n5,6\n");
  EXPECT_EQ(r.dialect.delimiter, ',');
  EXPECT_FALSE(r.dialect.header);
}

TEST(csv_sniffer, crlf_or_a_lone_cr_ends_a_record_once) {
  const csv_sniff_result r = sniff(table(
      "a,b,c", 20, [](int i) { return std::to_string(i) + ",x,1.5"; }, "\r\n"));
  EXPECT_EQ(r.records, 21u);
  EXPECT_EQ(r.consistent_records, 21u);
  EXPECT_TRUE(r.dialect.header);
  const csv_sniff_result lone_cr = sniff("a,b\r1,2\r3,4\r");  // classic Mac OS
  EXPECT_EQ(lone_cr.records, 3u);
  EXPECT_EQ(lone_cr.columns, 2u);
}

TEST(csv_sniffer, blank_lines_are_no_records) {
  const csv_sniff_result r = sniff("a,b\n\n1,2\n\n\n3,4\n");
  EXPECT_EQ(r.records, 3u);
  EXPECT_EQ(r.consistent_records, 3u);
}

TEST(csv_sniffer, a_sample_of_commas_alone_is_one_record_of_as_many_fields) {
  const std::string commas(65535, ',');
  const csv_sniff_result r = sniff(commas);
  EXPECT_EQ(r.dialect.delimiter, ',');
  EXPECT_EQ(r.records, 1u);
  EXPECT_EQ(r.columns, 65536u);
  EXPECT_FALSE(r.dialect.header);  // empty names
  const csv_sniff_result lines = sniff_csv(std::string(600, '\n') + commas.substr(0, 30000) + "\n" + "x\n", true);
  EXPECT_EQ(lines.records, 2u);
}

TEST(csv_sniffer, random_bytes_give_a_dialect_without_reading_past_the_sample) {
  std::mt19937 random(12);
  std::string bytes(100000, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  for (bool whole : {true, false}) {
    const csv_sniff_result r = sniff_csv(std::string_view(bytes).substr(0, 65536), whole);
    EXPECT_LE(r.consistent_records, r.records);
    EXPECT_NE(r.dialect.describe(), "");
  }
}

TEST(csv_sniffer, a_whole_input_reads_with_its_sniffed_dialect_without_an_open_quote_and_describes_in_ascii) {
  // Random CSV-like inputs: the reader, with the dialect the sniffer gives a whole input, never meets a
  // quoted field still open at the end (an io_error), and the description is printable ASCII.
  std::mt19937 random(2026);
  constexpr std::string_view alphabet = ",;\t|\"'\n\r a1:\\\xc3\xa9";
  std::size_t quoted = 0;
  for (int n = 0; n < 5000; ++n) {
    std::string text(random() % 120, ' ');
    for (char& c : text) c = alphabet[random() % alphabet.size()];
    const csv_sniff_result r = sniff_csv(text, true);
    EXPECT_LE(r.consistent_records, r.records);
    for (char c : r.dialect.describe()) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << r.dialect.describe();
    csv_options options;
    apply(r.dialect, options);
    options.ragged = ragged_rows::keep;
    quoted += r.dialect.quote.has_value();
    try {
      csv_reader reader(input::from_memory(std::span<const char>(text.data(), text.size()), "random"), options);
      while (reader.next() != nullptr) {
      }
    } catch (const io_error& e) {
      ADD_FAILURE() << e.what() << " reading " << ::testing::PrintToString(text) << " as " << r.dialect.describe();
    }
  }
  EXPECT_GT(quoted, 0u);
}

// --- delimiters ----------------------------------------------------------------------------------

TEST(csv_sniffer, each_common_delimiter_is_found_with_and_without_a_header) {
  for (char d : {',', ';', '\t', '|'}) {
    for (bool header : {true, false}) {
      const csv_sniff_result r = sniff(sensors(d, header));
      EXPECT_EQ(r.dialect.delimiter, d) << d << header;
      EXPECT_EQ(r.dialect.header, header) << d << header;
      EXPECT_EQ(r.columns, 4u);
      EXPECT_TRUE(r.delimiter_found);
    }
  }
}

TEST(csv_sniffer, other_punctuation_is_tried_when_the_common_delimiters_split_nothing) {
  const std::string passwd =
      "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
      "bin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\n";
  const csv_sniff_result r = sniff(passwd);
  EXPECT_EQ(r.dialect.delimiter, ':');
  EXPECT_EQ(r.columns, 7u);
  EXPECT_FALSE(r.dialect.header);
}

TEST(csv_sniffer, colons_of_times_do_not_beat_a_comma) {
  // ':' splits every record into more fields than ',' does, but the common delimiters come first.
  const csv_sniff_result r = sniff(table(
      "start,end", 30, [](int i) { return "10:" + std::to_string(10 + i) + ":00,11:00:" + std::to_string(10 + i); }));
  EXPECT_EQ(r.dialect.delimiter, ',');
  EXPECT_EQ(r.columns, 2u);
  EXPECT_TRUE(r.dialect.header);
}

TEST(csv_sniffer, more_columns_win_at_equal_consistency) {
  // Both ';' and '|' split every record alike; ';' into more fields.
  const csv_sniff_result r = sniff(table("", 20, [](int i) { return "a;b|c;" + std::to_string(i); }));
  EXPECT_EQ(r.dialect.delimiter, ';');
  EXPECT_EQ(r.columns, 3u);
  EXPECT_EQ(r.runner_up, '|');
}

TEST(csv_sniffer, a_few_ragged_rows_are_tolerated) {
  const csv_sniff_result r = sniff(table("id;name;value", 50, [](int i) {
    return i % 10 == 3 ? std::to_string(i) + ";x" : std::to_string(i) + ";x;" + std::to_string(i * 2);
  }));
  EXPECT_EQ(r.dialect.delimiter, ';');
  EXPECT_EQ(r.columns, 3u);
  EXPECT_EQ(r.records, 51u);
  EXPECT_EQ(r.consistent_records, 46u);
  EXPECT_EQ(r.summary(), "3 columns in 46 of 51 records");
}

TEST(csv_sniffer, a_very_ragged_file_still_gets_the_delimiter_that_splits_every_record) {
  const csv_sniff_result r = sniff(table("", 30, [](int i) {
    std::string row = "x";
    for (int k = 0; k < 1 + i % 4; ++k) (row += '|') += std::to_string(k);
    return row;
  }));
  EXPECT_EQ(r.dialect.delimiter, '|');
  EXPECT_TRUE(r.delimiter_found);
}

TEST(csv_sniffer, a_comma_inside_a_text_field_does_not_make_a_delimiter) {
  const csv_sniff_result r = sniff(table("name;city;age", 30, [](int i) {
    return (i % 2 ? "Smith, John;" : "Anna;") + std::string("Paris;") + std::to_string(20 + i);
  }));
  EXPECT_EQ(r.dialect.delimiter, ';');
}

TEST(csv_sniffer, a_comma_followed_by_a_space_loses_a_tie) {
  // Without a header, ',' and ';' both split every record in two; the comma is the one inside names.
  const csv_sniff_result r = sniff("Müller, Anna;42\nSmith, John;33\nDoe, Jane;25\nRoe, Rich;61\n");
  EXPECT_EQ(r.dialect.delimiter, ';');
  EXPECT_EQ(r.runner_up, ',');
  EXPECT_FALSE(r.dialect.header);
}

TEST(csv_sniffer, a_last_record_cut_off_by_the_sample_is_not_counted) {
  const std::string text = table("a,b,c", 10, [](int i) { return std::to_string(i) + ",2,3"; }) + "99,1";
  const csv_sniff_result part = sniff_csv(text, false);
  EXPECT_EQ(part.records, 11u);
  EXPECT_EQ(part.consistent_records, 11u);
  const csv_sniff_result whole = sniff_csv(text, true);
  EXPECT_EQ(whole.records, 12u);
  EXPECT_EQ(whole.consistent_records, 11u);
}

TEST(csv_sniffer, title_lines_before_the_table_are_counted_and_the_header_is_the_record_after_them) {
  const csv_sniff_result r = sniff("Sales report\n\n# exported 2024-03-01\nid,name,value\n1,a,1.5\n2,b,2.5\n3,c,3.5\n");
  EXPECT_EQ(r.dialect.delimiter, ',');
  EXPECT_EQ(r.preamble_lines, 3u);
  EXPECT_TRUE(r.dialect.header);
  EXPECT_TRUE(r.header_from_types);
  const csv_sniff_result crlf =
      sniff("Umsätze\r\n\r\nDatum;Betrag\r\n01.03.2024;1,5\r\n02.03.2024;2,5\r\n03.03.2024;3\r\n");
  EXPECT_EQ(crlf.dialect.delimiter, ';');
  EXPECT_EQ(crlf.preamble_lines, 2u);
  EXPECT_TRUE(crlf.dialect.header);
  EXPECT_TRUE(crlf.dialect.decimal_comma);
}

TEST(csv_sniffer, a_table_without_title_lines_has_none) {
  EXPECT_EQ(sniff(sensors(',', true)).preamble_lines, 0u);
  EXPECT_EQ(sniff("name\nAnna\nBen\n").preamble_lines, 0u);  // one column: nothing to tell
  EXPECT_EQ(sniff("title\na,b\n").preamble_lines, 0u);       // a table needs two records
}

// --- quotes --------------------------------------------------------------------------------------

TEST(csv_sniffer, quoted_delimiters_and_line_breaks_do_not_split_records) {
  const csv_sniff_result r = sniff(table("id,note,value", 20, [](int i) {
    return std::to_string(i) + (i % 2 ? ",\"late, again\nand again\"," : ",\"fine, \"\"ok\"\"\",") + "1.5";
  }));
  EXPECT_EQ(r.dialect.delimiter, ',');
  EXPECT_EQ(r.dialect.quote, '"');
  EXPECT_EQ(r.records, 21u);
  EXPECT_EQ(r.consistent_records, 21u);
  EXPECT_TRUE(r.dialect.header);
}

TEST(csv_sniffer, single_quotes_are_found_when_they_quote_fields) {
  const csv_sniff_result r =
      sniff(table("id,note", 20, [](int i) { return std::to_string(i) + (i % 3 ? ",'a, b'" : ",'it''s'"); }));
  EXPECT_EQ(r.dialect.quote, '\'');
  EXPECT_EQ(r.consistent_records, 21u);
}

TEST(csv_sniffer, double_quotes_win_over_single_quotes_when_both_quote_fields) {
  const csv_sniff_result r = sniff(table("id,note,who", 20, [](int i) { return std::to_string(i) + ",\"a, b\",'x'"; }));
  EXPECT_EQ(r.dialect.quote, '"');
}

TEST(csv_sniffer, an_apostrophe_inside_text_is_no_quote) {
  const csv_sniff_result r =
      sniff(table("name,town", 20, [](int i) { return "O'Brien" + std::to_string(i) + ",Saint-Jean-d'Angely"; }));
  EXPECT_EQ(r.dialect.quote, '"');
  EXPECT_EQ(r.columns, 2u);
}

TEST(csv_sniffer, a_sample_without_quotes_gets_the_double_quote) {
  EXPECT_EQ(sniff(sensors(',', true)).dialect.quote, '"');
}

TEST(csv_sniffer, quotes_that_do_not_close_before_a_delimiter_mean_no_quoting) {
  // A field that starts with a quote and goes on after its closing quote: quoting would change it.
  const csv_sniff_result r =
      sniff(table("id\tsize\tnote", 20, [](int i) { return std::to_string(i) + "\t\"12\" pipe\tok"; }));
  EXPECT_EQ(r.dialect.delimiter, '\t');
  EXPECT_EQ(r.dialect.quote, std::nullopt);
}

TEST(csv_sniffer, a_quoted_field_longer_than_the_sample_is_no_evidence_against_its_quote) {
  std::string text = "id,text,value\n1,short,1.5\n2,\"";
  while (text.size() < 70000) text += "words, more words\nand lines, ";
  const std::string sample = text.substr(0, 65536);
  const csv_sniff_result r = sniff_csv(sample, false);
  EXPECT_EQ(r.dialect.delimiter, ',');
  EXPECT_EQ(r.dialect.quote, '"');
  EXPECT_EQ(r.records, 2u);
  EXPECT_TRUE(r.dialect.header);
}

TEST(csv_sniffer, a_quote_still_open_at_the_end_of_the_whole_input_is_not_taken) {
  // Reading with '"' would fail ("unterminated quoted field"); without quoting it reads.
  const csv_sniff_result r = sniff("a,b\n1,\"x\n2,y\n3,z\n");
  EXPECT_EQ(r.dialect.delimiter, ',');
  EXPECT_EQ(r.dialect.quote, std::nullopt);
  EXPECT_EQ(r.consistent_records, 4u);
}

TEST(csv_sniffer, one_column_of_quoted_sentences_with_commas_is_one_column) {
  const csv_sniff_result r = sniff(table(
      "comment", 20, [](int i) { return i % 2 ? std::string("\"Late, again\"") : "On time " + std::to_string(i); }));
  EXPECT_FALSE(r.delimiter_found);
  EXPECT_EQ(r.dialect.quote, '"');
  EXPECT_EQ(r.columns, 1u);
}

// --- header --------------------------------------------------------------------------------------

TEST(csv_sniffer, text_over_numbers_is_a_header) {
  const csv_sniff_result r =
      sniff(table("x,y", 10, [](int i) { return std::to_string(i) + ",-" + std::to_string(i) + ".5"; }));
  EXPECT_TRUE(r.dialect.header);
  EXPECT_TRUE(r.header_from_types);
}

TEST(csv_sniffer, numbers_over_numbers_is_no_header) {
  const csv_sniff_result r = sniff(table("", 10, [](int i) { return std::to_string(i) + ",1e" + std::to_string(i); }));
  EXPECT_FALSE(r.dialect.header);
  EXPECT_TRUE(r.header_from_types);
}

TEST(csv_sniffer, text_over_dates_times_and_booleans_is_a_header) {
  const csv_sniff_result r = sniff(table("day,at,active", 10, [](int i) {
    return "2024-01-1" + std::to_string(i) + ",09:3" + std::to_string(i) + (i % 2 ? ",true" : ",False");
  }));
  EXPECT_TRUE(r.dialect.header);
  const csv_sniff_result european = sniff(table("Datum;Zeit", 10, [](int i) {
    return std::to_string(10 + i) + ".03.2024;2024-03-01T10:00:0" + std::to_string(i) + "+01:00";
  }));
  EXPECT_TRUE(european.dialect.header);
}

TEST(csv_sniffer, an_unnamed_index_column_does_not_hide_a_header) {
  const csv_sniff_result r = sniff(table(",a,b", 10, [](int i) { return std::to_string(i) + ",1.5,2"; }));
  EXPECT_TRUE(r.dialect.header);
}

TEST(csv_sniffer, missing_values_below_do_not_make_a_column_text) {
  const csv_sniff_result r = sniff(table("", 20, [](int i) {
    return std::to_string(i) + (i % 4 == 0 ? ",NA" : i % 4 == 1 ? "," : ",3.25");
  }));
  EXPECT_FALSE(r.dialect.header);
}

TEST(csv_sniffer, text_columns_whose_first_values_repeat_below_have_no_header) {
  const char* colours[] = {"red", "green", "blue"};
  const csv_sniff_result r =
      sniff(table("", 30, [&](int i) { return std::string("name") + std::to_string(i) + "," + colours[i % 3]; }));
  EXPECT_FALSE(r.dialect.header);
  EXPECT_FALSE(r.header_from_types);
}

TEST(csv_sniffer, unique_names_over_text_columns_are_a_header) {
  const char* colours[] = {"red", "green", "blue"};
  const csv_sniff_result r = sniff(
      table("name,colour", 30, [&](int i) { return std::string("name") + std::to_string(i) + "," + colours[i % 3]; }));
  EXPECT_TRUE(r.dialect.header);
}

TEST(csv_sniffer, a_first_record_with_an_empty_or_repeated_field_over_text_is_no_header) {
  EXPECT_FALSE(sniff("a,,c\nx,y,z\nu,v,w\n").dialect.header);
  EXPECT_FALSE(sniff("a,a,c\nx,y,z\nu,v,w\n").dialect.header);
}

TEST(csv_sniffer, codes_of_one_length_under_a_name_of_another_length_are_a_header) {
  const csv_sniff_result r = sniff(
      table("code,label", 20, [](int i) { return "AB-" + std::to_string(1000 + i) + ",thing " + std::to_string(i); }));
  EXPECT_TRUE(r.dialect.header);
  const csv_sniff_result no_header =
      sniff(table("", 20, [](int i) { return "AB-" + std::to_string(1000 + i) + ",thing " + std::to_string(i); }));
  EXPECT_FALSE(no_header.dialect.header);
}

// --- decimal commas and backslash escapes ----------------------------------------------------------

TEST(csv_sniffer, a_semicolon_file_of_decimal_commas_beats_the_comma_that_splits_its_numbers) {
  // Every row has two decimal commas: ',' splits every record into 3 fields too, alike.
  const auto row = [](int i) { return "Käse" + std::to_string(i) + ";1," + std::to_string(i % 10) + "5;12,50"; };
  const csv_sniff_result r = sniff(table("", 20, row));
  EXPECT_EQ(r.dialect.delimiter, ';');
  EXPECT_TRUE(r.dialect.decimal_comma);
  EXPECT_FALSE(r.dialect.header);
  EXPECT_EQ(r.columns, 3u);
  EXPECT_EQ(r.runner_up, ',');
  const csv_sniff_result with_header = sniff(table("Artikel;Preis;Summe", 20, row));
  EXPECT_EQ(with_header.dialect.delimiter, ';');
  EXPECT_TRUE(with_header.dialect.decimal_comma);
  EXPECT_TRUE(with_header.dialect.header);
}

TEST(csv_sniffer, thousands_dots_and_a_decimal_comma_are_a_decimal_comma) {
  const csv_sniff_result r = sniff(table("", 20, [](int i) {
    return "order" + std::to_string(i) + ";" + std::to_string(1 + i) + ".234,56;" + std::to_string(i);
  }));
  EXPECT_TRUE(r.dialect.decimal_comma);
  EXPECT_FALSE(r.dialect.header);
}

TEST(csv_sniffer, numbers_with_a_decimal_point_are_no_decimal_comma) {
  EXPECT_FALSE(sniff(sensors(';', true)).dialect.decimal_comma);
  EXPECT_FALSE(sniff(sensors(',', true)).dialect.decimal_comma);
}

TEST(csv_sniffer, a_tab_file_with_backslash_escapes_is_the_text_format) {
  const csv_sniff_result r = sniff(table(
      "", 20, [](int i) { return std::to_string(i) + (i % 3 ? "\tline\\none\\ttab" : "\t\\N") + "\tC:\\\\temp"; }));
  EXPECT_EQ(r.dialect.delimiter, '\t');
  EXPECT_TRUE(r.dialect.backslash_escapes);
  EXPECT_EQ(r.dialect.quote, std::nullopt);
  EXPECT_EQ(r.dialect.describe(), "delimiter '\\t', no quoting, no header, backslash escapes");
}

TEST(csv_sniffer, windows_paths_are_no_backslash_escapes) {
  const csv_sniff_result r = sniff(table("id\tpath", 20, [](int i) {
    return std::to_string(i) + "\tC:\\Users\\anna\\file" + std::to_string(i) + ".txt";
  }));
  EXPECT_EQ(r.dialect.delimiter, '\t');
  EXPECT_FALSE(r.dialect.backslash_escapes);
}

// --- describing and applying -----------------------------------------------------------------------

TEST(csv_sniffer, a_dialect_describes_itself_for_verbose_output) {
  csv_dialect d;
  EXPECT_EQ(d.describe(), "delimiter ',', quote '\"', header");
  d.delimiter = ';';
  d.decimal_comma = true;
  d.header = false;
  EXPECT_EQ(d.describe(), "delimiter ';', quote '\"', no header, decimal comma");
  d.delimiter = '\x1f';
  d.quote = std::nullopt;
  EXPECT_EQ(d.describe(), "delimiter '\\x1f', no quoting, no header, decimal comma");
}

TEST(csv_sniffer, apply_sets_the_reader_options) {
  csv_options options;
  csv_dialect d;
  d.delimiter = '|';
  d.quote = '\'';
  d.header = false;
  apply(d, options);
  EXPECT_EQ(options.delimiter, '|');
  EXPECT_EQ(options.quote, '\'');
  EXPECT_EQ(options.quoting, quote_style::minimal);
  EXPECT_FALSE(options.header);

  d.quote = std::nullopt;
  apply(d, options);
  EXPECT_EQ(options.quoting, quote_style::none);
  d.quote = '"';
  apply(d, options);
  EXPECT_EQ(options.quoting, quote_style::minimal);
  EXPECT_EQ(options.quote, '"');
  EXPECT_FALSE(options.escape_sequences);
  EXPECT_FALSE(options.decimal_comma);

  d.delimiter = ';';
  d.decimal_comma = true;
  apply(d, options);
  EXPECT_TRUE(options.decimal_comma);
}

TEST(csv_sniffer, apply_reads_backslash_escapes_as_the_text_format_and_skips_the_lines_before_the_table) {
  const csv_sniff_result found = sniff("Export\n\nid\tnote\n1\tline\\none\n2\t\\N\n");
  ASSERT_TRUE(found.dialect.backslash_escapes);
  ASSERT_EQ(found.preamble_lines, 2u);
  csv_options options;
  apply(found, options);
  const csv_options text = csv_options::tsv_text();
  EXPECT_EQ(options.delimiter, text.delimiter);
  EXPECT_EQ(options.quoting, text.quoting);
  EXPECT_EQ(options.escape, text.escape);
  EXPECT_TRUE(options.escape_sequences);
  EXPECT_EQ(options.skip_lines, 2u);
  EXPECT_TRUE(options.header);

  csv_dialect plain;
  apply(plain, options);  // back to CSV: no escapes
  EXPECT_FALSE(options.escape_sequences);
  EXPECT_EQ(options.escape, std::nullopt);
  EXPECT_EQ(options.quoting, quote_style::minimal);
}

}  // namespace
