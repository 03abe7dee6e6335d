#include "yieldpipe/exec/csv_pieces.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <yieldpipe/io/file_pieces.hpp>

namespace yieldpipe::exec {

namespace {

// A reject held back until the pieces before it are known to be good.
struct held_reject {
  std::string path;
  std::uint64_t line;
  std::uint64_t offset;
  std::string text;
  std::string reason;
  std::string message;
};

constexpr std::uint64_t max_held_bytes = std::uint64_t{16} << 20;

}  // namespace

// One piece being read: its reader, where it ends, what it set aside.
struct piece_reading {
  piece_reading(const io::csv_reader& first, const io::csv_options& options, io::csv_position from, std::uint64_t end,
                bool fail, std::atomic<bool>& stop, std::atomic<std::uint64_t>& held_bytes,
                std::atomic<std::uint64_t>& rows_done, std::atomic<std::uint64_t>& bytes_done)
      : begin_(from.offset),
        end_(end),
        fail_(fail),
        stop_(stop),
        held_bytes_(held_bytes),
        rows_done_(rows_done),
        bytes_done_(bytes_done) {
    handler_ = [this](const io::rejected_record& record, std::string_view reason, std::string_view message) {
      return hold(record, reason, message);
    };
    io::csv_options mine = options;
    mine.on_reject = handler_;
    reader_.emplace(first.input().path(), *first.header(), from, std::move(mine));
  }

  piece_rows rows() noexcept { return piece_rows(*this); }

  const io::csv_row* next() {
    if (stop_.load(std::memory_order_relaxed)) return nullptr;
    const io::csv_row* row = reader_->next();
    if (row == nullptr) {
      if (!boundary_) boundary_ = reader_->position();
      publish();
      return nullptr;
    }
    if (row->offset() >= end_) {
      if (!boundary_) boundary_ = io::csv_position{row->offset(), row->line()};
      publish();
      return nullptr;
    }
    if ((++rows_ & 4095) == 0) publish();
    return row;
  }

  // The rows and bytes read so far, for the calling thread's progress.
  void publish() noexcept {
    rows_done_.store(rows_, std::memory_order_relaxed);
    const std::uint64_t read = reader_->input().bytes_read();
    bytes_done_.store(std::min(read, end_) - std::min(read, begin_), std::memory_order_relaxed);
  }

  // A bad record of this piece is held back; one that starts at or after its end is the next
  // piece's (which sees it too) and only marks where that piece starts.
  bool hold(const io::rejected_record& record, std::string_view reason, std::string_view message) {
    if (record.offset >= end_) {
      if (!boundary_) boundary_ = io::csv_position{record.offset, record.line};
      return true;
    }
    if (fail_) return false;
    const std::uint64_t bytes = record.text.size() + message.size() + 64;
    if (held_bytes_.fetch_add(bytes, std::memory_order_relaxed) + bytes > max_held_bytes) {
      stop_.store(true, std::memory_order_relaxed);
      return true;  // the run is abandoned anyway
    }
    held_.push_back({std::string(record.path), record.line, record.offset, std::string(record.text),
                     std::string(reason), std::string(message)});
    return true;
  }

  std::optional<io::csv_reader> reader_;
  std::uint64_t begin_ = 0;
  std::uint64_t end_;
  std::uint64_t rows_ = 0;
  bool fail_;
  std::atomic<bool>& stop_;
  std::atomic<std::uint64_t>& held_bytes_;
  std::atomic<std::uint64_t>& rows_done_;
  std::atomic<std::uint64_t>& bytes_done_;
  io::reject_handler handler_;
  std::optional<io::csv_position> boundary_;
  std::vector<held_reject> held_;
};

const io::csv_row* piece_rows::next() { return reading_.next(); }
const io::reject_handler& piece_rows::handler() const noexcept { return reading_.handler_; }

bool read_csv_in_pieces(const io::csv_reader& reader, const io::csv_options& options, unsigned threads,
                        const io::reject_handler& handler, const piece_work& work, std::uint64_t min_piece_bytes,
                        const piece_progress& progress) {
  const io::input& in = reader.input();
  if (threads < 2 || in.path() == "-" || in.compression() != io::compression::none || !in.total_bytes() ||
      reader.header() == nullptr || reader.records() != 0)
    return false;
  const std::string& path = in.path();
  const io::csv_position start = reader.position();
  const std::uint64_t size = *in.total_bytes();
  if (start.offset >= size) return false;
  const std::uint64_t bytes = size - start.offset;
  const auto pieces =
      static_cast<std::size_t>(std::min<std::uint64_t>(threads, bytes / std::max<std::uint64_t>(min_piece_bytes, 1)));
  if (pieces < 2) return false;

  // Cuts at line starts; a cut that lands where the previous one did merges the two pieces.
  std::vector<std::uint64_t> cuts{start.offset};
  for (std::size_t k = 1; k < pieces; ++k) {
    const std::uint64_t cut = io::next_line_start(path, start.offset + bytes / pieces * k);
    if (cut > cuts.back() && cut < size) cuts.push_back(cut);
  }
  const std::size_t n = cuts.size();
  if (n < 2) return false;
  cuts.push_back(size);

  // Runs f(k) for every piece, one thread each; the first exception stops the run. Meanwhile the
  // calling thread calls `waiting()` about every 50 ms.
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::mutex mutex;  // guards failure and finished
  std::condition_variable one_finished;
  std::size_t finished = 0;
  const auto in_parallel = [&](const auto& f, const auto& waiting) {
    finished = 0;
    std::vector<std::jthread> pool;
    pool.reserve(n);
    for (std::size_t k = 0; k < n; ++k)
      pool.emplace_back([&, k] {
        std::exception_ptr error;
        try {
          f(k);
        } catch (...) {
          stop.store(true);
          error = std::current_exception();
        }
        const std::lock_guard lock(mutex);
        if (error && !failure) failure = error;
        ++finished;
        one_finished.notify_one();
      });
    std::unique_lock lock(mutex);
    while (!one_finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished == n; })) {
      lock.unlock();
      waiting();
      lock.lock();
    }
  };
  const auto nothing = [] {};

  // The line of each cut: the line breaks before it.
  std::vector<std::uint64_t> breaks(n, 0);
  in_parallel(
      [&](std::size_t k) {
        if (k + 1 < n) breaks[k] = io::count_line_breaks(path, cuts[k], cuts[k + 1]);
      },
      nothing);
  if (failure) std::rethrow_exception(failure);  // the file could not be read: the same on one thread
  std::vector<io::csv_position> starts{start};
  for (std::size_t k = 1; k < n; ++k) starts.push_back({cuts[k], starts.back().line + breaks[k - 1]});

  std::atomic<std::uint64_t> held_bytes{0};
  const bool fail = !handler;
  std::vector<std::optional<piece_reading>> readings(n);
  // Each piece's rows and bytes so far (its reading object is made on its own thread).
  std::vector<std::atomic<std::uint64_t>> rows_done(n), bytes_done(n);
  const auto report = [&] {
    if (!progress) return;
    std::uint64_t rows_so_far = 0, bytes_so_far = 0;
    for (std::size_t k = 0; k < n; ++k) {
      rows_so_far += rows_done[k].load(std::memory_order_relaxed);
      bytes_so_far += bytes_done[k].load(std::memory_order_relaxed);
    }
    progress(bytes_so_far, rows_so_far);
  };
  const auto read_piece = [&](std::size_t k, io::csv_position from) {
    readings[k].reset();
    rows_done[k] = bytes_done[k] = 0;
    piece_reading& r =
        readings[k].emplace(reader, options, from, cuts[k + 1], fail, stop, held_bytes, rows_done[k], bytes_done[k]);
    piece_rows rows = r.rows();
    work(k, rows);
    while (rows.next() != nullptr) {
    }  // to its end, so that its boundary is known
  };
  in_parallel([&](std::size_t k) { read_piece(k, starts[k]); }, report);
  if (failure || stop) return false;

  // A piece whose start was a guess that its predecessor's reader does not confirm is read again
  // from the true start (then its own end may move, and so on).
  for (std::size_t k = 1; k < n; ++k) {
    const io::csv_position truth = *readings[k - 1]->boundary_;
    if (truth.offset == starts[k].offset) continue;
    starts[k] = truth;
    try {
      read_piece(k, truth);
    } catch (...) {
      return false;
    }
    if (stop) return false;
  }

  report();
  for (const auto& r : readings)
    for (const held_reject& h : r->held_) handler({h.path, h.line, h.offset, h.text}, h.reason, h.message);
  return true;
}

}  // namespace yieldpipe::exec
