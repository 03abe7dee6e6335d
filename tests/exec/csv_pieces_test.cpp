// exec::read_csv_in_pieces (exec/csv_pieces.hpp): one file read on several threads gives exactly the rows
// and the rejects of one reader, in file order, whatever the cuts hit (quoted line breaks, blank
// lines, CRLF), and gives up (returning false, delivering nothing) when it cannot be exact.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <string>
#include <vector>
#include <yieldpipe/exec/csv_pieces.hpp>
#include <yieldpipe/io/csv_reader.hpp>

#include "support/compress.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace yieldpipe;
using exec::piece_rows;
using exec::read_csv_in_pieces;

struct seen_row {
  std::uint64_t line, offset;
  std::vector<std::string> fields;
  bool operator==(const seen_row&) const = default;
};
struct seen_reject {
  std::uint64_t line, offset;
  std::string text, reason;
  bool operator==(const seen_reject&) const = default;
};

// A file whose records often hold quoted line breaks (so that cuts land inside quotes), with blank
// lines, CRLF, a few ragged rows and doubled quotes.
std::string awkward_csv(std::uint32_t seed, int rows) {
  std::minstd_rand rng(seed);
  std::string out = "id,text,value\n";
  for (int i = 0; i < rows; ++i) {
    const auto pick = static_cast<unsigned>(rng() % 20);
    out += std::to_string(i) + ',';
    if (pick < 8) {
      out += "\"line one\nline two";
      for (auto k = static_cast<unsigned>(rng() % 40); k > 0; --k) out += (k % 9 == 0) ? "\n" : "x";
      out += "\"";
    } else if (pick < 10) {
      out += "\"say \"\"hi\"\"\"";
    } else {
      out += "plain";
    }
    if (pick != 19) out += ',' + std::to_string(rng() % 1000);  // 19: ragged
    out += (pick % 3 == 0) ? "\r\n" : "\n";
    if (pick == 5) out += "\n";  // a blank line
  }
  return out;
}

class csv_pieces_test : public test::temp_dir_test {
 protected:
  // Every row and reject, read on one thread.
  void read_serially(const std::string& path, std::vector<seen_row>& rows, std::vector<seen_reject>& rejects) {
    io::csv_options options;
    options.on_reject = collector(rejects);
    io::csv_reader reader(path, options);
    while (const io::csv_row* row = reader.next()) rows.push_back(seen(*row));
  }
  static seen_row seen(const io::csv_row& row) {
    seen_row s{row.line(), row.offset(), {}};
    for (std::size_t i = 0; i < row.size(); ++i) s.fields.emplace_back(row[i]);
    return s;
  }
  static io::reject_handler collector(std::vector<seen_reject>& into) {
    return [&into](const io::rejected_record& r, std::string_view reason, std::string_view) {
      into.push_back({r.line, r.offset, std::string(r.text), std::string(reason)});
      return true;
    };
  }
};

TEST_F(csv_pieces_test, pieces_give_the_rows_and_rejects_of_one_reader_in_file_order) {
  const std::string path = write(awkward_csv(7, 20000), "awkward.csv");
  std::vector<seen_row> expected_rows;
  std::vector<seen_reject> expected_rejects;
  read_serially(path, expected_rows, expected_rejects);
  ASSERT_GT(expected_rejects.size(), 100u);

  for (const unsigned threads : {2u, 3u, 5u, 8u}) {
    for (const std::uint64_t min_piece : {std::uint64_t{1}, std::uint64_t{4096}, std::uint64_t{100000}}) {
      SCOPED_TRACE("threads " + std::to_string(threads) + ", pieces of at least " + std::to_string(min_piece));
      std::vector<seen_reject> rejects;
      io::csv_options options;
      const io::reject_handler handler = collector(rejects);
      options.on_reject = handler;
      io::csv_reader reader(path, options);
      std::vector<std::vector<seen_row>> pieces(threads);
      const bool done = read_csv_in_pieces(
          reader, options, threads, handler,
          [&](std::size_t k, piece_rows& rows) {
            pieces[k].clear();
            while (const io::csv_row* row = rows.next()) pieces[k].push_back(seen(*row));
          },
          min_piece);
      ASSERT_TRUE(done);
      std::vector<seen_row> all;
      std::size_t used = 0;
      for (const auto& p : pieces) {
        all.insert(all.end(), p.begin(), p.end());
        used += !p.empty();
      }
      EXPECT_GE(used, 2u);
      EXPECT_EQ(all, expected_rows);
      EXPECT_EQ(rejects, expected_rejects);
    }
  }
}

TEST_F(csv_pieces_test, progress_ends_with_every_row_and_byte_after_the_header) {
  std::string text = "a,b\n";
  for (int i = 0; i < 50000; ++i) text += std::to_string(i) + ",x\n";
  const std::string path = write(text, "progress.csv");
  io::csv_reader reader(path);
  std::uint64_t last_bytes = 0, last_rows = 0, calls = 0;
  ASSERT_TRUE(read_csv_in_pieces(
      reader, {}, 4, {},
      [](std::size_t, piece_rows& rows) {
        while (rows.next() != nullptr) {
        }
      },
      1000,
      [&](std::uint64_t bytes, std::uint64_t rows) {
        EXPECT_GE(rows, last_rows) << "never backwards";
        last_bytes = bytes;
        last_rows = rows;
        ++calls;
      }));
  EXPECT_GE(calls, 1u);
  EXPECT_EQ(last_rows, 50000u);
  EXPECT_EQ(last_bytes, text.size() - 4);
}

TEST_F(csv_pieces_test, rejects_that_the_worker_sets_aside_itself_are_held_in_order_too) {
  const std::string path = write(awkward_csv(11, 5000), "own.csv");
  std::vector<seen_reject> expected;
  {
    io::csv_options options;
    options.ragged = io::ragged_rows::keep;
    io::csv_reader reader(path, options);
    while (const io::csv_row* row = reader.next())
      if (row->line() % 10 == 0) expected.push_back({row->line(), row->offset(), std::string(row->text()), "mine"});
  }
  std::vector<seen_reject> got;
  io::csv_options options;
  options.ragged = io::ragged_rows::keep;
  const io::reject_handler handler = collector(got);
  io::csv_reader reader(path, options);
  ASSERT_TRUE(read_csv_in_pieces(
      reader, options, 4, handler,
      [](std::size_t, piece_rows& rows) {
        while (const io::csv_row* row = rows.next())
          if (row->line() % 10 == 0) rows.handler()({row->path(), row->line(), row->offset(), row->text()}, "mine", "");
      },
      1000));
  EXPECT_EQ(got, expected);
}

TEST_F(csv_pieces_test, with_fail_a_bad_record_stops_the_run_and_nothing_is_delivered) {
  const std::string path = write(awkward_csv(3, 5000), "fail.csv");
  io::csv_reader reader(path);
  std::atomic<bool> worked{false};  // set by every piece's thread
  EXPECT_FALSE(read_csv_in_pieces(
      reader, {}, 4, {},
      [&](std::size_t, piece_rows& rows) {
        worked = true;
        while (rows.next() != nullptr) {
        }
      },
      1000));
  EXPECT_TRUE(worked);
  // The caller then reads on one thread, from the first row, and meets the error as it would have.
  EXPECT_NE(reader.next(), nullptr);
  EXPECT_THROW(
      {
        while (reader.next() != nullptr) {
        }
      },
      io::io_error);
}

TEST_F(csv_pieces_test, an_exception_in_a_worker_stops_the_run) {
  std::string text = "a,b\n";
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + ",x\n";
  const std::string path = write(text, "throws.csv");
  io::csv_reader reader(path);
  EXPECT_FALSE(read_csv_in_pieces(
      reader, {}, 3, [](const io::rejected_record&, std::string_view, std::string_view) { return true; },
      [](std::size_t k, piece_rows& rows) {
        while (rows.next() != nullptr)
          if (k == 1) throw std::runtime_error("worker failed");
      },
      1000));
}

TEST_F(csv_pieces_test, standard_input_compressed_and_small_files_are_not_read_in_pieces) {
  std::string text = "a,b\n";
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + ",x\n";
  const auto never = [](std::size_t, piece_rows&) { FAIL() << "read in pieces"; };
  {
    io::csv_reader reader(write(test::gzip(text), "data.csv.gz"));
    EXPECT_FALSE(read_csv_in_pieces(reader, {}, 4, {}, never, 1));
  }
  {
    io::csv_reader reader(write(text, "small.csv"));  // about 150 kB: less than 1 MiB a piece
    EXPECT_FALSE(read_csv_in_pieces(reader, {}, 4, {}, never));
    EXPECT_FALSE(read_csv_in_pieces(reader, {}, 1, {}, never, 1));
  }
}

}  // namespace
