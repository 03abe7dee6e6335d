// exec::parallel_reduce: states merged in file order give the serial result; a worker's own rejects
// are held in order with the reader's; the first error in file order wins; inputs that cannot be
// cut are read on one thread with the same result.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <yieldpipe/exec/parallel_reduce.hpp>
#include <yieldpipe/io/input.hpp>

#include "support/compress.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace yieldpipe;

// A merge that is not commutative: the ids in the order the states were merged.
struct ids {
  std::string text;
  void merge(const ids& later) { text += later.text; }
};

// A mergeable aggregate, as stats keeps per group.
struct total {
  double sum = 0;
  std::uint64_t rows = 0;
  void merge(const total& later) {
    sum += later.sum;
    rows += later.rows;
  }
};

std::string numbered_csv(int rows) {
  std::string out = "id,value\n";
  for (int i = 0; i < rows; ++i) out += std::to_string(i) + ',' + std::to_string(i % 7) + ".5\n";
  return out;
}

class parallel_reduce_test : public test::temp_dir_test {
 protected:
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }

  static exec::csv_records csv() {
    exec::csv_records f;
    f.options.input.buffer_size = 4096;
    return f;
  }
  static exec::pieces_options pieces(unsigned threads, std::uint64_t piece_bytes = 500) {
    return {.threads = threads, .piece_bytes = piece_bytes, .file_piece_bytes = piece_bytes};
  }
  static ids concatenate(const std::string& path, unsigned threads, exec::csv_records f = csv()) {
    return exec::parallel_reduce(
        path, f, [] { return ids{}; }, [](ids& s, const io::csv_row& row) { (s.text += row[0]) += ' '; },
        pieces(threads));
  }
};

TEST_F(parallel_reduce_test, states_merged_in_file_order_give_the_serial_result) {
  const std::string text = numbered_csv(3000);
  for (const std::string& path : {write(text, "n.csv"), write(test::gzip(text), "n.csv.gz")}) {
    const ids serial = concatenate(path, 1);
    EXPECT_EQ(serial.text.substr(0, 6), "0 1 2 ");
    for (const unsigned threads : {2u, 3u, 8u}) EXPECT_EQ(concatenate(path, threads).text, serial.text) << path;
  }
}

TEST_F(parallel_reduce_test, an_aggregate_over_the_pieces_equals_the_serial_one) {
  const std::string path = write(numbered_csv(5000), "sum.csv");
  const auto sum = [&](unsigned threads) {
    return exec::parallel_reduce(
        path, csv(), [] { return total{}; },
        [](total& t, const io::csv_row& row) {
          t.sum += row.get<double>(1);
          ++t.rows;
        },
        pieces(threads, 1000));
  };
  const total serial = sum(1);
  EXPECT_EQ(serial.rows, 5000u);
  for (const unsigned threads : {0u, 2u, 3u}) {
    const total t = sum(threads);
    EXPECT_EQ(t.rows, serial.rows);
    EXPECT_DOUBLE_EQ(t.sum, serial.sum);
  }
}

TEST_F(parallel_reduce_test, records_an_add_sets_aside_itself_are_held_in_order_with_the_readers) {
  std::string text = "id,value\n";
  for (int i = 0; i < 2000; ++i) text += i % 13 == 0 ? std::to_string(i) + "\n" : std::to_string(i) + ",v\n";
  const std::string path = write(text, "own.csv");
  const auto run = [&](unsigned threads) {
    std::vector<std::string> got;
    exec::csv_records f = csv();
    f.options.on_reject = [&got](const io::rejected_record& r, std::string_view reason, std::string_view) {
      got.push_back(std::to_string(r.line) + ':' + std::string(reason));
      return true;
    };
    exec::parallel_reduce(
        path, f, [] { return total{}; },
        [](total&, const io::csv_row& row, const io::reject_handler& handler) {
          if (row.line() % 10 == 0 && !handler({row.path(), row.line(), row.offset(), row.text()}, "mine", "mine"))
            throw std::runtime_error("refused");
        },
        pieces(threads));
    return got;
  };
  const std::vector<std::string> serial = run(1);
  ASSERT_GT(serial.size(), 300u);
  for (const unsigned threads : {2u, 3u, 8u}) EXPECT_EQ(run(threads), serial);
}

TEST_F(parallel_reduce_test, when_the_policy_refuses_a_record_an_add_set_aside_the_add_throws_as_serially) {
  const std::string path = write(numbered_csv(3000), "refuse.csv");
  const auto run = [&](unsigned threads) {
    std::vector<std::uint64_t> seen_lines;
    std::string error;
    exec::csv_records f = csv();
    f.options.on_reject = [&seen_lines](const io::rejected_record& r, std::string_view, std::string_view) {
      seen_lines.push_back(r.line);
      return seen_lines.size() < 50;
    };
    try {
      exec::parallel_reduce(
          path, f, [] { return total{}; },
          [](total&, const io::csv_row& row, const io::reject_handler& handler) {
            if (row.line() % 17 == 0 && !handler({row.path(), row.line(), row.offset(), row.text()}, "mine", "mine"))
              throw std::runtime_error("refused at line " + std::to_string(row.line()));
          },
          pieces(threads));
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
    return std::make_pair(seen_lines, error);
  };
  const auto serial = run(1);
  EXPECT_EQ(serial.second, "refused at line 850");
  for (const unsigned threads : {2u, 3u, 8u}) EXPECT_EQ(run(threads), serial);
}

TEST_F(parallel_reduce_test, the_first_exception_in_file_order_is_the_one_raised) {
  const std::string path = write(numbered_csv(4000), "throws.csv");
  for (const unsigned threads : {1u, 2u, 3u, 8u}) {
    try {
      exec::parallel_reduce(
          path, csv(), [] { return total{}; },
          [](total&, const io::csv_row& row) {
            if (row[0] == "500" || row[0] == "3900") throw std::runtime_error("bad id " + std::string(row[0]));
          },
          pieces(threads));
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "bad id 500") << threads << " threads";
    }
  }
}

TEST_F(parallel_reduce_test, merge_before_error_merges_the_records_before_the_error_first) {
  // A result written out as it is merged: with merge_before_error, what was written when the error
  // comes is what the serial loop saw before it, whether `add` or the reader (a ragged row) fails.
  std::string ragged = numbered_csv(4000);
  ragged.insert(ragged.find("\n500,") + 1, "1,2,3\n");
  const std::string throwing = write(numbered_csv(4000), "throws.csv");
  const std::string bad_row = write(ragged, "ragged.csv");
  std::string expected;
  for (int i = 0; i < 500; ++i) expected += std::to_string(i) + ' ';
  struct shown {
    std::string* out;
    std::string text;
    void merge(const shown& later) { *out += later.text; }
  };
  for (const std::string& path : {throwing, bad_row}) {
    for (const unsigned threads : {2u, 3u, 8u}) {
      SCOPED_TRACE(path + ", " + std::to_string(threads) + " threads");
      std::string written;
      exec::pieces_options options = pieces(threads);
      options.merge_before_error = true;
      EXPECT_ANY_THROW(exec::parallel_reduce(
          path, csv(),
          [&] {
            return shown{&written, {}};
          },
          [](shown& s, const io::csv_row& row) {
            if (row[0] == "500" && row.size() == 2) throw std::runtime_error("bad id 500");
            (s.text += row[0]) += ' ';
          },
          options));
      EXPECT_EQ(written, expected);
    }
  }
}

TEST_F(parallel_reduce_test, without_lines_for_add_the_bad_records_and_errors_still_name_their_lines) {
  // add_reads_lines = false: no pass counting line breaks; pieces with bad records are read again
  // in turn from their true line, so the policy and the errors see the serial lines.
  std::string text = numbered_csv(6000);
  for (const char* at : {"\n700,", "\n2500,", "\n2501,", "\n5100,"}) text.insert(text.find(at) + 1, "x\n");
  text.insert(text.find("\n4000,") + 1, "\"quoted\nline break\",1\n");  // a record over two lines
  const std::string path = write(text, "lines.csv");
  const auto run = [&](unsigned threads, bool lines) {
    std::vector<std::string> seen;
    exec::csv_records f = csv();
    f.options.on_reject = [&](const io::rejected_record& r, std::string_view, std::string_view message) {
      seen.push_back(std::to_string(r.line) + " " + std::to_string(r.offset) + " " + std::string(message));
      return true;
    };
    exec::pieces_options options = pieces(threads);
    options.add_reads_lines = lines;
    const total t = exec::parallel_reduce(
        path, f, [] { return total{}; }, [](total& s, const io::csv_row&) { ++s.rows; }, options);
    seen.push_back(std::to_string(t.rows) + " rows");
    std::string error;
    try {
      exec::parallel_reduce(
          path, csv(), [] { return total{}; }, [](total&, const io::csv_row&) {}, options);
    } catch (const io::io_error& e) {
      error = e.what();
    }
    seen.push_back(error);
    return seen;
  };
  const auto serial = run(1, true);
  ASSERT_EQ(serial.size(), 6u);
  EXPECT_EQ(serial[4], "6001 rows");
  EXPECT_NE(serial[5].find("lines.csv:702:"), std::string::npos) << serial[5];
  for (const unsigned threads : {2u, 3u, 8u}) EXPECT_EQ(run(threads, false), serial) << threads << " threads";
}

TEST_F(parallel_reduce_test, an_exception_from_make_is_raised) {
  const std::string path = write(numbered_csv(2000), "make.csv");
  EXPECT_THROW(exec::parallel_reduce(
                   path, csv(), []() -> total { throw std::length_error("no state"); },
                   [](total&, const io::csv_row&) {}, pieces(3)),
               std::length_error);
}

// A state that finds its column by name in the header it is made with.
struct named_sum {
  std::size_t column;
  double sum = 0;
  named_sum(const io::csv_header& header, std::string_view name) : column(header.find(name).value()) {}
  void merge(const named_sum& later) { sum += later.sum; }
};

TEST_F(parallel_reduce_test, a_factory_that_takes_the_header_gets_the_inputs_header_on_every_thread) {
  std::string text = "id,other,value\n";
  for (int i = 0; i < 3000; ++i) text += std::to_string(i) + ",x," + std::to_string(i % 5) + "\n";
  for (const std::string& path : {write(text, "h.csv"), write(test::gzip(text), "h.csv.gz")}) {
    for (const unsigned threads : {1u, 2u, 3u}) {
      const named_sum got = exec::parallel_reduce(
          path, csv(), [](const io::csv_header& header) { return named_sum(header, "value"); },
          [](named_sum& s, const io::csv_row& row) { s.sum += row.get<double>(s.column); }, pieces(threads));
      EXPECT_EQ(got.column, 2u) << path;
      EXPECT_EQ(got.sum, 6000.0) << path << " threads " << threads;
    }
  }
}

TEST_F(parallel_reduce_test, a_factory_that_refuses_the_header_fails_before_any_record_is_added) {
  const std::string text = numbered_csv(3000);
  for (const std::string& path : {write(text, "no_col.csv"), write(test::gzip(text), "no_col.csv.gz")}) {
    for (const unsigned threads : {1u, 3u}) {
      std::atomic<int> added{0};
      EXPECT_THROW(exec::parallel_reduce(
                       path, csv(), [](const io::csv_header& header) { return named_sum(header, "missing"); },
                       [&](named_sum&, const io::csv_row&) { ++added; }, pieces(threads)),
                   std::bad_optional_access);
      EXPECT_EQ(added.load(), 0) << path << " threads " << threads;
    }
  }
}

TEST_F(parallel_reduce_test, standard_input_is_read_in_blocks) {
  const std::string text = numbered_csv(3000);
  const ids serial = concatenate(write(text, "stdin.csv"), 1);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    for (std::size_t at = 0; at < text.size();) {
      const ssize_t n = ::write(fds[1], text.data() + at, text.size() - at);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
  });
  const int saved = ::dup(STDIN_FILENO);
  ::dup2(fds[0], STDIN_FILENO);
  ::close(fds[0]);
  ids got;
  try {
    got = concatenate("-", 3);
  } catch (...) {
    ::dup2(saved, STDIN_FILENO);
    writer.join();
    throw;
  }
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  writer.join();
  EXPECT_EQ(got.text, serial.text);
}

TEST_F(parallel_reduce_test, inputs_that_cannot_be_cut_are_read_on_one_thread_with_the_same_result) {
  // An escape character in a stream, and CSV without a header.
  std::string text = "id,v\n";
  for (int i = 0; i < 2000; ++i) text += std::to_string(i) + ",a\\\nb\n";
  exec::csv_records escaped = csv();
  escaped.options.escape = '\\';
  const std::string gz = write(test::gzip(text), "escaped.csv.gz");
  EXPECT_EQ(concatenate(gz, 3, escaped).text, concatenate(gz, 1, escaped).text);
  const std::string plain = write(text, "escaped.csv");  // a plain file is cut, and the cuts checked
  EXPECT_EQ(concatenate(plain, 3, escaped).text, concatenate(gz, 1, escaped).text);
  exec::csv_records headerless = csv();
  headerless.options.header = false;
  const std::string numbers = write(numbered_csv(2000), "headerless.csv");
  EXPECT_EQ(concatenate(numbers, 3, headerless).text, concatenate(numbers, 1, headerless).text);
}

TEST_F(parallel_reduce_test, every_format_reduces_in_pieces) {
  std::string lines, jsonl, logs;
  for (int i = 0; i < 1000; ++i) {
    lines += "line " + std::to_string(i) + "\n";
    jsonl += "{\"id\": " + std::to_string(i) + "}\n";
    logs += "2024-03-01 12:00:07 " + std::string(i % 3 ? "INFO" : "ERROR") + " db.pool: message\n";
  }
  const auto count = [](auto format, const std::string& path, unsigned threads) {
    return exec::parallel_reduce(
               path, format, [] { return total{}; }, [](total& t, const auto&) { ++t.rows; }, pieces(threads, 300))
        .rows;
  };
  const std::string l = write(lines, "l.txt"), j = write(jsonl, "j.jsonl"), g = write(logs, "g.log");
  for (const unsigned threads : {1u, 2u, 3u}) {
    EXPECT_EQ(count(exec::line_records{}, l, threads), 1000u);
    EXPECT_EQ(count(exec::jsonl_records{}, j, threads), 1000u);
    EXPECT_EQ(count(exec::log_records{}, g, threads), 1000u);
  }
  const auto errors = exec::parallel_reduce(
      g, exec::log_records{}, [] { return total{}; },
      [](total& t, const exec::log_line& line) { t.rows += line.record.level == io::log_level::error; },
      pieces(3, 300));
  EXPECT_EQ(errors.rows, 334u);
}

}  // namespace
