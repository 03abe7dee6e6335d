// exec/input_pieces.hpp: one input read in pieces gives the serial reader's records (lines, offsets),
// bad records (in file order) and first error, for CSV, lines, JSON lines and logs, from a plain file,
// gzip, zstd and a pipe, whatever the cuts hit.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <exception>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>
#include <yieldpipe/exec/input_pieces.hpp>
#include <yieldpipe/exec/parallel_reduce.hpp>
#include <yieldpipe/io/input.hpp>

#include "support/compress.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace yieldpipe;

struct seen {
  std::uint64_t line, offset;
  std::string text;
  bool operator==(const seen&) const = default;
};
struct seen_reject {
  std::uint64_t line, offset;
  std::string path, text, reason;
  bool operator==(const seen_reject&) const = default;
};

// The records of the pieces, in merge order.
struct collected {
  std::vector<seen> records;
  std::size_t pieces = 1;
  void merge(collected& later) {
    records.insert(records.end(), later.records.begin(), later.records.end());
    later.records.clear();
    pieces += later.pieces;
  }
};

seen as_seen(const io::csv_row& row) {
  std::string text;
  for (std::size_t i = 0; i < row.size(); ++i) (text += row[i]) += '|';
  return {row.line(), row.offset(), text};
}
seen as_seen(const exec::line_record& line) { return {line.line, line.offset, std::string(line.text)}; }
seen as_seen(const io::json_record& r) { return {r.line(), r.offset(), std::string(r.text())}; }
seen as_seen(const exec::log_line& l) {
  return {l.line, l.offset, std::string(io::to_string(l.record.level)) + ' ' + std::string(l.record.component)};
}

// What one run gave: the records, the rejects, and the error (empty: none).
struct outcome {
  std::vector<seen> records;
  std::vector<seen_reject> rejects;
  std::string error;
  std::size_t pieces = 0;  // the states merged (one more than the pieces)
  bool operator==(const outcome& o) const { return records == o.records && rejects == o.rejects && error == o.error; }
};

enum class source { plain, gzip, zstd, pipe };
std::string name(source s) {
  switch (s) {
    case source::plain: return "plain";
    case source::gzip: return "gzip";
    case source::zstd: return "zstd";
    case source::pipe: return "pipe";
  }
  return "?";
}

io::reject_handler collector(std::vector<seen_reject>& into) {
  return [&into](const io::rejected_record& r, std::string_view reason, std::string_view) {
    into.push_back({r.line, r.offset, std::string(r.path), std::string(r.text), std::string(reason)});
    return true;
  };
}

class input_pieces_test : public test::temp_dir_test {
 protected:
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }  // a pipe's writer after a failed read

  // Reads `bytes` from `s` with `threads` threads and pieces of `piece_bytes`; `with_policy(format,
  // handler)` sets the format's on_reject (to a collector, or leaves it empty: fail).
  template <class Format>
  outcome run(const std::string& bytes, source s, Format format, unsigned threads, std::uint64_t piece_bytes,
              bool collect = true, std::uint64_t max_held = std::uint64_t{16} << 20) {
    outcome out;
    if (collect) policy_of(format) = collector(out.rejects);
    const exec::pieces_options options{
        .threads = threads, .piece_bytes = piece_bytes, .file_piece_bytes = piece_bytes, .max_held_bytes = max_held};
    const auto make = [] { return collected{}; };
    const auto add = [](collected& c, const auto& record) { c.records.push_back(as_seen(record)); };
    try {
      if (s == source::pipe) {
        int fds[2];
        EXPECT_EQ(::pipe(fds), 0);
        std::thread writer([&bytes, fd = fds[1]] {
          for (std::size_t at = 0; at < bytes.size();) {
            const ssize_t n = ::write(fd, bytes.data() + at, bytes.size() - at);
            if (n <= 0) break;
            at += static_cast<std::size_t>(n);
          }
          ::close(fd);
        });
        struct closer {
          int fd;
          std::thread& writer;
          ~closer() {
            ::close(fd);
            writer.join();
          }
        } close_after{fds[0], writer};
        io::input in = io::input::from_fd(fds[0], "<pipe>", input_options_of(format));
        collected c = exec::parallel_reduce(std::move(in), format, make, add, options);
        out.records = std::move(c.records);
        out.pieces = c.pieces;
      } else {
        const std::string path = file_for(bytes, s);
        collected c = exec::parallel_reduce(path, format, make, add, options);
        out.records = std::move(c.records);
        out.pieces = c.pieces;
      }
    } catch (const std::exception& e) {
      out.error = e.what();
    }
    return out;
  }

  // Checks every thread count and piece size against the serial reader of the same source.
  template <class Format>
  void check(const std::string& bytes, const Format& format, const std::vector<std::uint64_t>& piece_sizes,
             const std::vector<source>& sources = {source::plain, source::pipe}, bool collect = true) {
    std::vector<seen> plain_records;
    for (const source s : sources) {
      const outcome serial = run(bytes, s, format, 1, 1 << 20, collect);
      if (s == sources.front())
        plain_records = serial.records;
      else
        EXPECT_EQ(serial.records, plain_records) << name(s) << " reads other records than " << name(sources.front());
      for (const unsigned threads : {2u, 3u, 8u})
        for (const std::uint64_t piece : piece_sizes) {
          SCOPED_TRACE(name(s) + ", threads " + std::to_string(threads) + ", pieces of " + std::to_string(piece));
          const outcome got = run(bytes, s, format, threads, piece, collect);
          ASSERT_EQ(got.error, serial.error);
          ASSERT_EQ(got.records, serial.records);
          ASSERT_EQ(got.rejects, serial.rejects);
          // Cuts happened: more than one piece was merged (into the result's own state).
          if (got.error.empty() && piece * 4 < bytes.size() && serial.records.size() > 8) {
            EXPECT_GT(got.pieces, 2u);
          }
        }
    }
  }

  // Every piece size from 1 to the input's size: a cut at every byte.
  static std::vector<std::uint64_t> every_size(const std::string& bytes) {
    std::vector<std::uint64_t> sizes;
    for (std::uint64_t k = 1; k <= bytes.size() + 1; ++k) sizes.push_back(k);
    return sizes;
  }

  std::string file_for(const std::string& bytes, source s) {
    switch (s) {
      case source::gzip: return write(test::gzip(bytes), "input.gz");
      case source::zstd: return write(test::zstd(bytes), "input.zst");
      default: return write(bytes, "input");
    }
  }

  static std::vector<source> all_sources() { return {source::plain, source::gzip, source::zstd, source::pipe}; }

  static io::reject_handler& policy_of(exec::csv_records& f) { return f.options.on_reject; }
  static io::reject_handler& policy_of(exec::jsonl_records& f) { return f.options.on_reject; }
  static io::reject_handler& policy_of(exec::log_records& f) { return f.on_reject; }
  static io::reject_handler& policy_of(exec::line_records&) {
    static io::reject_handler unused;
    return unused;
  }
  static io::input_options input_options_of(const exec::csv_records& f) { return f.options.input; }
  static io::input_options input_options_of(const exec::jsonl_records& f) { return f.options.input; }
  static io::input_options input_options_of(const exec::log_records& f) { return f.options.input; }
  static io::input_options input_options_of(const exec::line_records& f) { return f.options.input; }
};

// The formats with small input buffers: a piece opens its input (and the cutter the file) often.
template <class Format>
Format small(std::size_t buffer = 4096) {
  Format f;
  f.options.input.buffer_size = buffer;
  return f;
}

// Records straddle the chunks of the pieces' inputs too.
exec::csv_records small_chunks_csv() { return small<exec::csv_records>(16); }

// ---------------------------------------------------------------------------------------------
// Adversarial CSV: a cut at every byte.

TEST_F(input_pieces_test, a_quoted_line_break_and_a_doubled_quote_at_every_cut_give_the_serial_records) {
  const std::string csv = "id,text,n\n1,\"a\nb\",2\n2,\"x\"\"\ny\"\"\",3\n3,\"\"\"\",4\n4,\"\n\n\",5\n5,plain,6\n";
  check(csv, small<exec::csv_records>(), every_size(csv));
  check(csv, small_chunks_csv(), every_size(csv), {source::plain, source::pipe});
}

TEST_F(input_pieces_test, cr_cr_lf_lone_crs_and_blank_lines_give_the_serial_lines) {
  const std::string csv = "a,b\r\r\n1,2\r\r\n\r\n3,\"4\r\r\n5\"\r6,7\r\n\n8,9\r";
  check(csv, small<exec::csv_records>(), every_size(csv));
}

TEST_F(input_pieces_test, a_quote_in_the_middle_of_a_value_is_data_at_every_cut) {
  // `b"c` and `x"` hold quotes that open nothing: the line breaks after them end records.
  const std::string csv = "a,b\nb\"c,\"d\ne\"\nx\",1\n\"q\"r\"s,2\n3,\"t\"u\nv,4\n5,6\n";
  check(csv, small<exec::csv_records>(), every_size(csv));
  auto initial_space = small<exec::csv_records>();
  initial_space.options.skip_initial_space = true;
  initial_space.options.ragged = io::ragged_rows::keep;
  check("a,b\n1, \"x\ny\",2\n3,  z\"\n4,5\n", initial_space, every_size("a,b\n1, \"x\ny\",2\n3,  z\"\n4,5\n"));
}

TEST_F(input_pieces_test, a_byte_order_mark_and_a_quoted_header_are_read_as_serially) {
  const std::string csv = "\xEF\xBB\xBF\"id\",\"te\nxt\"\n\"1\",\"a\nb\"\n2,c\n";
  check(csv, small<exec::csv_records>(), every_size(csv));
}

TEST_F(input_pieces_test, a_last_line_without_a_line_break_is_a_record) {
  const std::string csv = "a,b\n1,2\n3,\"4\n5\"";
  check(csv, small<exec::csv_records>(), every_size(csv));
  check(std::string("a,b\n1,2\n3,4"), small<exec::csv_records>(), every_size("a,b\n1,2\n3,4"));
}

TEST_F(input_pieces_test, a_record_larger_than_a_piece_is_read_whole_by_one_piece) {
  std::string big = "\"";
  for (int i = 0; i < 3000; ++i) big += (i % 50 == 0) ? '\n' : 'x';
  const std::string csv = "a,b\n1," + big + "\"\n2,3\n4," + big + "\"\n5,6\n";
  check(csv, small<exec::csv_records>(), {1, 7, 100, 1000, 2999, 3001});
  check(csv, small_chunks_csv(), {1, 100, 4096});
}

TEST_F(input_pieces_test, empty_input_and_header_only_give_no_records) {
  for (const std::string csv : {"", "a,b", "a,b\n", "\n\na,b\r\n\n", "\xEF\xBB\xBF"}) {
    SCOPED_TRACE("input \"" + csv + "\"");
    check(csv, small<exec::csv_records>(), {1, 2, 5});
  }
}

TEST_F(input_pieces_test, columns_named_without_a_header_line_give_the_serial_records_at_every_cut) {
  // The first line is data; the byte order mark is removed by the first piece; a ragged row is rejected.
  const std::string csv =
      "\xEF\xBB\xBF"
      "1,\"a\nb\"\n2,c\n\n3\n4,\"\"\"\"\n5,e";
  auto named = small<exec::csv_records>();
  named.options.header = false;
  named.options.names = {"c1", "c2"};
  check(csv, named, every_size(csv));
}

TEST_F(input_pieces_test, comments_and_skipped_lines_give_the_serial_records_at_every_cut) {
  // A plain file is cut at line starts and each cut is confirmed by the piece before it; a stream
  // with a comment character or lines to skip is read on one thread.
  const std::string csv = "title \"q,\n\"x\nid,v\n# note, \"open\n1,\"a\n#b\"\n#\r\n2,c\n#,\"\n3,d\n";
  auto commented = small<exec::csv_records>();
  commented.options.comment = '#';
  commented.options.skip_lines = 2;
  check(csv, commented, every_size(csv), all_sources());
}

TEST_F(input_pieces_test, an_unterminated_quote_fails_as_serially_after_the_bad_records_before_it) {
  const std::string csv = "a,b\n1,2\n3\n4,5\n6,\"never closed\n7,8\n9,10\n";
  check(csv, small<exec::csv_records>(), every_size(csv));
}

TEST_F(input_pieces_test, under_fail_the_first_bad_record_is_the_serial_error) {
  const std::string csv = "a,b\n1,2\n3\n4,5\n6\n7,8\n";
  check(csv, small<exec::csv_records>(), every_size(csv), {source::plain, source::gzip, source::pipe}, false);
  const outcome serial = run(csv, source::plain, small<exec::csv_records>(), 1, 1, false);
  EXPECT_NE(serial.error.find(":3"), std::string::npos) << serial.error;  // line 3 is the first ragged row
}

TEST_F(input_pieces_test, a_policy_that_refuses_a_bad_record_gets_the_serial_error_for_it) {
  std::string csv = "a,b\n";
  for (int i = 0; i < 300; ++i) csv += (i % 7 == 3) ? std::to_string(i) + "\n" : std::to_string(i) + ",x\n";
  const std::string path = write(csv, "refused.csv");
  const auto read = [&](unsigned threads, std::uint64_t piece) {
    outcome out;
    auto f = small<exec::csv_records>();
    f.options.on_reject = [&out](const io::rejected_record& r, std::string_view reason, std::string_view) {
      out.rejects.push_back({r.line, r.offset, std::string(r.path), std::string(r.text), std::string(reason)});
      return out.rejects.size() < 20;  // the 20th is refused: the reader throws
    };
    try {
      out.records = exec::parallel_reduce(
                        path, f, [] { return collected{}; },
                        [](collected& c, const io::csv_row& row) { c.records.push_back(as_seen(row)); },
                        {.threads = threads, .piece_bytes = piece, .file_piece_bytes = piece})
                        .records;
    } catch (const std::exception& e) {
      out.error = e.what();
    }
    return out;
  };
  const outcome serial = read(1, 1);
  ASSERT_EQ(serial.rejects.size(), 20u);
  ASSERT_NE(serial.error, "");
  for (const unsigned threads : {2u, 3u, 8u})
    for (const std::uint64_t piece : {10u, 100u, 1000u}) EXPECT_EQ(read(threads, piece), serial);
}

TEST_F(input_pieces_test, a_piece_over_its_held_limit_is_read_again_in_turn_with_the_same_rejects) {
  std::string csv = "a,b\n";
  for (int i = 0; i < 400; ++i) csv += (i % 3 == 0) ? std::to_string(i) + "\n" : std::to_string(i) + ",x\n";
  const outcome serial = run(csv, source::plain, small<exec::csv_records>(), 1, 1 << 20);
  for (const source s : {source::plain, source::pipe}) {
    const outcome got = run(csv, s, small<exec::csv_records>(), 3, 300, true, 200);
    EXPECT_EQ(got.records, serial.records);
    ASSERT_EQ(got.rejects.size(), serial.rejects.size());
    for (std::size_t i = 0; i < got.rejects.size(); ++i) {
      EXPECT_EQ(got.rejects[i].line, serial.rejects[i].line);
      EXPECT_EQ(got.rejects[i].offset, serial.rejects[i].offset);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Random files, fixed seeds.

// Quoted line breaks, doubled quotes, quotes inside values, CRLF, lone CRs, blank lines, ragged rows.
std::string random_csv(std::uint32_t seed, int rows) {
  std::minstd_rand rng(seed);
  std::string out = "id,text,value\n";
  for (int i = 0; i < rows; ++i) {
    const auto pick = static_cast<unsigned>(rng() % 24);
    out += std::to_string(i) + ',';
    if (pick < 7) {
      out += "\"line one\nline two";
      for (auto k = static_cast<unsigned>(rng() % 30); k > 0; --k) out += (k % 9 == 0) ? "\r\n" : "x";
      out += "\"";
    } else if (pick < 9) {
      out += "\"say \"\"hi\"\"\"";
    } else if (pick < 11) {
      out += "in\"side";
    } else {
      out += "plain";
    }
    if (pick != 19) out += ',' + std::to_string(rng() % 1000);  // 19: ragged
    out += (pick % 3 == 0) ? "\r\n" : (pick == 23 ? "\r" : "\n");
    if (pick == 5) out += "\n";  // a blank line
  }
  return out;
}

TEST_F(input_pieces_test, random_csv_files_give_the_serial_records_and_rejects) {
  for (const std::uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    check(random_csv(seed, 600), small<exec::csv_records>(), {1, 64, 333, 4096}, all_sources());
  }
  check(random_csv(4, 600), small_chunks_csv(), {97, 2048}, {source::plain, source::zstd, source::pipe});
}

std::string random_lines(std::uint32_t seed, int lines) {
  std::minstd_rand rng(seed);
  std::string out;
  for (int i = 0; i < lines; ++i) {
    const auto pick = static_cast<unsigned>(rng() % 10);
    if (pick == 0) {
      out += "\n";
      continue;
    }
    out += "line " + std::to_string(i) + std::string(rng() % 40, 'y');
    if (pick == 1) out += "\rmid";  // a lone \r stays in the line
    out += pick < 4 ? "\r\n" : "\n";
  }
  out += "no line break at the end";
  return out;
}

TEST_F(input_pieces_test, random_line_files_give_the_serial_lines) {
  for (const std::uint32_t seed : {1u, 2u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    check(random_lines(seed, 800), small<exec::line_records>(), {1, 50, 777, 4096}, all_sources());
  }
  check(random_lines(3, 300), small<exec::line_records>(32), {10, 500});
}

std::string random_jsonl(std::uint32_t seed, int lines) {
  std::minstd_rand rng(seed);
  std::string out = "\xEF\xBB\xBF";
  for (int i = 0; i < lines; ++i) {
    switch (rng() % 8) {
      case 0: out += "{\"broken\": \n"; break;
      case 1: out += "[1, 2]\r\n"; break;
      case 2: out += "   \n"; break;
      default: out += "{\"id\": " + std::to_string(i) + ", \"text\": \"a\\nb\"}\n";
    }
  }
  return out;
}

TEST_F(input_pieces_test, random_json_lines_give_the_serial_records_and_rejects) {
  for (const std::uint32_t seed : {1u, 2u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    check(random_jsonl(seed, 500), small<exec::jsonl_records>(), {1, 100, 1000, 4096}, all_sources());
  }
  check(random_jsonl(3, 200), small<exec::jsonl_records>(), {1, 300}, {source::plain, source::pipe}, false);
}

std::string random_logs(std::uint32_t seed, int lines) {
  std::minstd_rand rng(seed);
  const char* levels[] = {"INFO", "ERROR", "WARN", "DEBUG"};
  std::string out;
  for (int i = 0; i < lines; ++i) {
    switch (rng() % 9) {
      case 0: out += "not a log line\n"; break;
      case 1: out += "\n"; break;
      default:
        out += "2024-03-01 12:" + std::to_string(10 + rng() % 50) + ":00 " + levels[rng() % 4] + " db.pool" +
               std::to_string(rng() % 3) + ": message " + std::to_string(i) + "\r\n";
    }
  }
  return out;
}

TEST_F(input_pieces_test, random_logs_give_the_serial_records_and_rejects) {
  for (const std::uint32_t seed : {1u, 2u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    check(random_logs(seed, 500), small<exec::log_records>(), {1, 100, 1000, 4096}, all_sources());
  }
  check(random_logs(3, 200), small<exec::log_records>(), {1, 300}, {source::plain, source::gzip, source::pipe}, false);
}

TEST_F(input_pieces_test, a_line_longer_than_the_maximum_fails_as_serially) {
  auto f = small<exec::line_records>();
  f.options.max_line_length = 50;
  f.options.input.buffer_size = 8;
  const std::string text = "short\nshort\n" + std::string(400, 'z') + "\nshort\n";
  check(text, f, {1, 5, 20, 100});
}

TEST_F(input_pieces_test, a_truncated_gzip_stream_fails_as_serially_after_the_records_before_it) {
  const std::string csv = random_csv(9, 3000);
  std::string gz = test::gzip(csv);
  gz.resize(gz.size() / 2);
  const std::string path = write(gz, "truncated.csv.gz");
  const auto read = [&](unsigned threads, std::uint64_t piece) {
    outcome out;
    auto f = small<exec::csv_records>();
    f.options.on_reject = collector(out.rejects);
    try {
      exec::parallel_reduce(
          path, f, [] { return collected{}; }, [](collected&, const io::csv_row&) {},
          {.threads = threads, .piece_bytes = piece, .file_piece_bytes = piece});
    } catch (const std::exception& e) {
      out.error = e.what();
    }
    return out;
  };
  const outcome serial = read(1, 1);
  ASSERT_NE(serial.error, "");
  ASSERT_FALSE(serial.rejects.empty());
  for (const std::uint64_t piece : {1000u, 65536u}) EXPECT_EQ(read(3, piece), serial);
}

}  // namespace
