#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <span>
#include <stdexcept>
#include <thread>
#include <utility>

#include "yieldpipe/exec/detail/piece_engine.hpp"
#include "yieldpipe/io/file_pieces.hpp"

namespace yieldpipe::exec::detail {

// ---------------------------------------------------------------------------------------------
// piece_reading

piece_reading::piece_reading(const piece& p, const io::reject_handler& policy, bool direct, std::uint64_t max_held,
                             const std::atomic<bool>& stop)
    : end_(p.end), policy_(policy), direct_(direct), max_held_(max_held), stop_(stop) {
  handler_ = [this](const io::rejected_record& record, std::string_view reason, std::string_view message) {
    return hold(record, reason, message);
  };
}

bool piece_reading::hold(const io::rejected_record& record, std::string_view reason, std::string_view message) {
  if (record.offset >= end_) {  // the next piece's, which sees it too
    found_boundary({record.offset, record.line});
    return true;
  }
  if (replay_until_) return record.offset < *replay_until_;  // delivered already; then the refused one
  if (!policy_) return false;  // fail: the reader throws, and the error waits for its turn
  if (direct_) return policy_(record, reason, message);
  const std::uint64_t bytes = record.text.size() + record.path.size() + reason.size() + message.size() + 64;
  if (held_bytes_ + bytes > max_held_) {
    over_limit_ = true;  // the piece stops and is read again in its turn
    return true;
  }
  held_bytes_ += bytes;
  held_.push_back({std::string(record.path), record.line, record.offset, std::string(record.text), std::string(reason),
                   std::string(message)});
  return true;
}

// Hands the piece's held bad records to the policy, up to one it refuses: then its offset (the
// serial reader would have thrown there).
std::optional<std::uint64_t> deliver(piece_reading& reading, const io::reject_handler& policy) {
  for (const piece_reading::held_reject& h : reading.held_)
    if (!policy({h.path, h.line, h.offset, h.text}, h.reason, h.message)) return h.offset;
  reading.held_.clear();
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Counting line breaks

namespace {

// `\n` only (how io::line_reader numbers lines).
std::uint64_t count_newlines(std::span<const char> bytes) noexcept {
  std::uint64_t n = 0;
  for (const char c : bytes) n += c == '\n';  // vectorised by the compiler
  return n;
}

// As io::count_line_breaks counts them (the CSV reader's lines): `\n`, `\r\n` and a lone `\r`; a
// `\r` at the end counts (a block ends at a record end, or is the last).
std::uint64_t count_csv_breaks(std::span<const char> bytes) noexcept {
  std::uint64_t n = count_newlines(bytes);
  if (std::memchr(bytes.data(), '\r', bytes.size()) == nullptr) return n;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    n += bytes[i] == '\r' && (i + 1 == bytes.size() || bytes[i + 1] != '\n');
  return n;
}

std::uint64_t count_file_newlines(const std::string& path, std::uint64_t begin, std::uint64_t end,
                                  const io::input_options& options) {
  io::input_options at = options;
  at.start_offset = begin;
  io::input in(path, at);
  std::uint64_t n = 0;
  for (std::span<const char> chunk = in.next_chunk(); !chunk.empty() && begin < end; chunk = in.next_chunk()) {
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), end - begin));
    n += count_newlines(chunk.first(take));
    begin += take;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// A plain file: byte ranges cut at line starts.

class file_cutter final : public piece_cutter {
 public:
  file_cutter(std::string path, std::uint64_t size, const cut_options& options)
      : path_(std::move(path)), size_(size), options_(options) {
    if (options_.csv) {
      io::csv_options probe = options_.csv_options;
      probe.on_reject = {};
      const io::csv_reader reader(path_, probe);  // reads the header: its errors are the serial reader's
      header_ = *reader.header();
      const io::csv_position start = reader.position();
      at_ = counted_from_ = start.offset;
      line_ = start.line;
    }
    // Each piece of a plain file costs opening it three times (to find the cut, to count the line
    // breaks, to read), which at 8 MiB a piece took more time than the parsing (measured on a
    // 2-core VM); their memory does not grow with their size. So: about four pieces a thread, but
    // at most 64 MiB, so that a huge file's progress and merges (and a stop) still come often.
    const std::uint64_t threads = std::max(options_.threads, 1u);
    step_ = options_.file_piece_bytes != 0
                ? options_.file_piece_bytes
                : std::clamp<std::uint64_t>((size_ - std::min(size_, at_) + 4 * threads - 1) / (4 * threads),
                                            std::uint64_t{1} << 20, std::uint64_t{64} << 20);
  }

  std::optional<piece> next() override {
    if (done_) return std::nullopt;
    // The line breaks of the previous piece, counted only now: that piece is being read meanwhile.
    // Unless lines are not counted: then a piece after the first is read from line 1, and its true
    // lines come from the pieces before it when its turn comes (run_pieces).
    const bool relative = !options_.count_lines && !first_;
    if (!relative && counted_from_ < at_) {
      line_ += options_.csv ? io::count_line_breaks(path_, counted_from_, at_, options_.input)
                            : count_file_newlines(path_, counted_from_, at_, options_.input);
      counted_from_ = at_;
    }
    piece p;
    p.begin = at_;
    p.line = relative ? 1 : line_;
    p.relative_lines = relative;
    p.guessed = options_.csv && !first_;
    first_ = false;
    const std::uint64_t step = step_;
    io::input_options probe = options_.input;
    probe.buffer_size = std::min<std::size_t>(probe.buffer_size, 64 << 10);  // a line start is near
    const std::uint64_t cut = size_ - at_ > step ? io::next_line_start(path_, at_ + step - 1, probe) : size_;
    if (cut >= size_) {
      done_ = true;
      return p;  // the last: to the end of the file
    }
    p.end = cut;
    at_ = cut;
    return p;
  }
  const std::string& path() const noexcept override { return path_; }
  const std::string& file() const noexcept override { return path_; }

 private:
  std::string path_;
  std::uint64_t size_;
  cut_options options_;
  std::uint64_t step_ = 1;          // the size of a piece
  std::uint64_t at_ = 0;            // where the next piece starts
  std::uint64_t line_ = 1;          // the line at counted_from_
  std::uint64_t counted_from_ = 0;  // the line breaks before here are counted
  bool first_ = true;
  bool done_ = false;
};

// ---------------------------------------------------------------------------------------------
// A stream: blocks that end where a record ends.

class stream_cutter final : public piece_cutter {
 public:
  stream_cutter(io::input in, const cut_options& options)
      : in_(std::move(in)),
        options_(options),
        quoting_(options.csv && options.csv_options.quoting != io::quote_style::none),
        // A record this much longer than the reader's maximum after a block's target size is cut
        // there: the block's reader meets the record's end or its error (the maximum) before its own.
        guard_(2 * static_cast<std::uint64_t>(options.max_record) +
               4 * static_cast<std::uint64_t>(std::max<std::size_t>(options.input.buffer_size, 1)) + 4096) {
    step_ = static_cast<std::size_t>(std::max<std::uint64_t>(options_.piece_bytes, 1));
  }

  std::optional<piece> next() override {
    while (!done_) {
      if (started_ || start()) {
        if (const std::size_t cut = find_cut(); cut != npos) return block(cut);
        if (failed_) return fail();
        if (eof_) {
          done_ = true;
          if (pending_.size() == begin_ && emitted_) return std::nullopt;
          return block(pending_.size());
        }
        if (pending_.size() - std::min(pending_.size(), target_) > guard_) {
          done_ = true;  // a record far longer than the maximum: its reader fails on it
          piece p = block(pending_.size());
          p.truncated = true;
          p.end = no_end;
          return p;
        }
      }
      read_more();
    }
    return std::nullopt;
  }
  const std::string& path() const noexcept override { return in_.path(); }
  const std::string& file() const noexcept override { return in_.path(); }

  void read_header() override {
    if (!options_.csv) return;
    while (!started_ && !start()) read_more();
    // The stream failed before the header's end: the serial reader fails reading it.
    if (failed_ && !emitted_ && pending_.size() == begin_) std::rethrow_exception(failed_);
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  void read_more() {
    if (eof_ || failed_) return;
    try {
      const std::span<const char> chunk = in_.next_chunk();
      if (chunk.empty())
        eof_ = true;
      else
        pending_.append(chunk.data(), chunk.size());
      if (options_.on_bytes_read) options_.on_bytes_read(in_.bytes_read());
    } catch (...) {
      failed_ = std::current_exception();
    }
  }

  // Before the first block: skips a byte order mark for the scan (the reader removes it), and
  // with CSV finds the header. True once the blocks can start.
  bool start() {
    if (!initialized_) {
      if (pending_.size() < 3 && !eof_ && !failed_) {
        read_more();
        return false;
      }
      if (options_.csv && options_.csv_options.strip_bom && pending_.starts_with("\xEF\xBB\xBF")) origin_ = 3;
      scanned_ = origin_;
      target_ = step_;
      initialized_ = true;
      if (!options_.csv) return started_ = true;
    }
    // The header is the first record that is not blank: find a record end, then let a reader of
    // the bytes before it read the header, as the serial reader would.
    const std::size_t cut = failed_ || eof_ ? pending_.size() : find_record_end(0);
    if (cut == npos) {
      if (pending_.size() - origin_ > guard_)
        throw io::io_error(in_.path(),
                           "record longer than the maximum of " + std::to_string(options_.max_record) + " bytes",
                           {.offset = origin_, .line = 1, .column = 1});
      read_more();
      return false;
    }
    io::csv_options probe = options_.csv_options;
    probe.on_reject = {};
    probe.input = options_.input;
    const io::csv_reader reader(io::input::from_memory({pending_.data(), cut}, in_.path(), probe.input), probe);
    if (reader.header()->size() == 0 && !eof_ && !failed_) {
      next_record_from_ = cut;  // only blank lines so far
      return false;
    }
    header_ = *reader.header();
    const io::csv_position data = reader.position();
    begin_ = static_cast<std::size_t>(data.offset);
    line_ = data.line;
    target_ = begin_ + step_;
    return started_ = true;
  }

  // The first record end at or after target_, as an index into pending_ just after it; npos when
  // the bytes read so far do not tell.
  std::size_t find_cut() {
    if (!options_.csv) {
      if (pending_.size() <= target_) return npos;
      const void* nl = std::memchr(pending_.data() + target_, '\n', pending_.size() - target_);
      if (nl == nullptr) return npos;
      return static_cast<std::size_t>(static_cast<const char*>(nl) - pending_.data()) + 1;
    }
    return find_record_end(target_);
  }

  // The CSV scan: from scanned_ (whose state quoted_ says whether it is inside a quoted field), the
  // first record end at or after `from`. A quote opens a quoted field only at the start of a field
  // (after a delimiter, a line break, the start of a record, and with skip_initial_space spaces);
  // inside one, a quote followed by a quote is data with doublequote, and any other quote closes
  // it; outside quoted fields every `\n`, and every `\r` not followed by `\n`, ends a record.
  std::size_t find_record_end(std::size_t from) {
    from = std::max(from, next_record_from_);
    const char* b = pending_.data();
    const std::size_t n = pending_.size();
    const char quote = options_.csv_options.quote;
    std::size_t i = scanned_;
    while (i < n) {
      if (!quoted_) {
        const void* q = quoting_ ? std::memchr(b + i, quote, n - i) : nullptr;
        const std::size_t stop = q != nullptr ? static_cast<std::size_t>(static_cast<const char*>(q) - b) : n;
        for (std::size_t j = std::max(i, from); j < stop; ++j) {
          if (b[j] == '\n') {
            scanned_ = j + 1;
            return j + 1;
          }
          if (b[j] == '\r') {
            if (j + 1 == n) {  // a \r\n or a lone \r: the next byte tells
              scanned_ = j;
              return eof_ ? n : npos;
            }
            if (b[j + 1] != '\n') {
              scanned_ = j + 1;
              return j + 1;
            }
          }
        }
        if (q == nullptr) {
          i = n;
          break;
        }
        if (at_field_start(stop)) quoted_ = true;
        i = stop + 1;
      } else {
        const void* q = std::memchr(b + i, quote, n - i);
        if (q == nullptr) {
          i = n;
          break;
        }
        const auto j = static_cast<std::size_t>(static_cast<const char*>(q) - b);
        if (j + 1 == n && !eof_) {  // what follows the quote decides
          i = j;
          break;
        }
        if (j + 1 < n && b[j + 1] == quote && options_.csv_options.double_quote) {
          i = j + 2;
          continue;
        }
        quoted_ = false;
        i = j + 1;
      }
    }
    scanned_ = i;
    return npos;
  }

  bool at_field_start(std::size_t q) const noexcept {
    const char* b = pending_.data();
    std::size_t k = q;
    if (options_.csv_options.skip_initial_space)
      while (k > origin_ && b[k - 1] == ' ') --k;
    if (k == origin_) return true;
    const char c = b[k - 1];
    return c == options_.csv_options.delimiter || c == '\n' || c == '\r';
  }

  // The block of pending_ from begin_ to `cut`; pending_ then starts at `cut`.
  piece block(std::size_t cut) {
    piece p;
    p.begin = offset_ + begin_;
    p.line = line_;
    p.end = cut == pending_.size() && (eof_ || failed_) ? no_end : p.begin + (cut - begin_);
    std::shared_ptr<std::string> bytes;
    if (begin_ == 0) {
      // The block takes pending_'s buffer; only the bytes after the cut (less than a chunk) move.
      std::string rest;
      rest.reserve(std::min<std::size_t>(step_, std::size_t{64} << 20) + options_.input.buffer_size);
      rest.assign(pending_, cut);
      pending_.resize(cut);
      bytes = std::make_shared<std::string>(std::move(pending_));
      pending_ = std::move(rest);
    } else {
      bytes = std::make_shared<std::string>(pending_, begin_, cut - begin_);
      pending_.erase(0, cut);
    }
    line_ += options_.csv ? count_csv_breaks(*bytes) : count_newlines(*bytes);
    p.block = std::move(bytes);
    offset_ += cut;
    scanned_ -= std::min(scanned_, cut);
    next_record_from_ = 0;
    origin_ = 0;
    begin_ = 0;
    target_ = step_;
    emitted_ = true;
    return p;
  }

  // The input failed: the records whose end was read before the failure, then the failure.
  std::optional<piece> fail() {
    if (!flushed_) {
      flushed_ = true;
      std::size_t last = begin_;
      if (!options_.csv) {
        const std::span<const char> rest(pending_.data() + begin_, pending_.size() - begin_);
        for (std::size_t i = rest.size(); i > 0; --i)
          if (rest[i - 1] == '\n') {
            last = begin_ + i;
            break;
          }
      } else {
        scanned_ = begin_;  // a record start
        quoted_ = false;
        for (std::size_t at = target_ = begin_; (at = find_record_end(target_)) != npos;) last = target_ = at;
      }
      if (last > begin_) {
        piece p = block(last);
        p.end = p.begin + p.block->size();
        return p;
      }
    }
    done_ = true;
    piece p;
    p.begin = offset_;
    p.line = line_;
    p.failure = failed_;
    return p;
  }

  io::input in_;
  cut_options options_;
  bool quoting_;
  std::uint64_t guard_;
  std::size_t step_ = 1;
  std::string pending_;               // the bytes read and not yet cut, from offset_
  std::uint64_t offset_ = 0;          // of pending_'s first byte in the stream
  std::uint64_t line_ = 1;            // of the next block's first byte
  std::size_t begin_ = 0;             // where the next block starts in pending_ (after the header)
  std::size_t origin_ = 0;            // where the scan started: a record start
  std::size_t scanned_ = 0;           // the scan's position, in state quoted_
  std::size_t target_ = 0;            // the next cut is at the first record end from here
  std::size_t next_record_from_ = 0;  // no record end before here is a header's
  bool quoted_ = false;
  bool initialized_ = false;
  bool started_ = false;
  bool eof_ = false;
  bool done_ = false;
  bool emitted_ = false;
  bool flushed_ = false;
  std::exception_ptr failed_;
};

}  // namespace

std::unique_ptr<piece_cutter> make_cutter(const std::string& path, io::input& in, const cut_options& options) {
  const io::csv_options& csv = options.csv_options;
  if (options.csv && !csv.header && csv.names.empty()) return nullptr;
  if (path != "-" && in.compression() == io::compression::none && !in.transcoded() && in.total_bytes())
    return std::make_unique<file_cutter>(path, *in.total_bytes(), options);
  // The stream's cuts follow quotes; an escape, a comment or a skipped line can hide one.
  if (options.csv && (csv.escape || csv.comment || csv.skip_lines > 0)) return nullptr;
  return std::make_unique<stream_cutter>(std::move(in), options);
}

io::input open_piece(const piece_cutter& cutter, const piece& p, const io::input_options& options) {
  io::input_options at = options;
  at.start_offset = p.begin;
  at.start_line = p.line;
  if (p.block) return io::input::from_memory(*p.block, cutter.path(), at);
  return io::input(cutter.file(), at);
}

// ---------------------------------------------------------------------------------------------
// run_pieces

namespace {

// A piece in flight.
struct job {
  piece p;
  std::size_t slot;
  std::unique_ptr<piece_reading> reading;
  bool done = false;  // guarded by the pool's mutex
};

// Worker threads that read the pieces handed to them, in order.
class pool {
 public:
  pool(unsigned threads, const read_piece_fn& read) : read_(read) {
    workers_.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) workers_.emplace_back([this] { work(); });
  }
  ~pool() {
    {
      const std::lock_guard lock(mutex_);
      closing_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  void submit(job* j) {
    {
      const std::lock_guard lock(mutex_);
      queue_.push_back(j);
    }
    wake_.notify_one();
  }
  void wait(job* j) {
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [&] { return j->done; });
  }

 private:
  void work() {
    for (;;) {
      job* j = nullptr;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;
        j = queue_.front();
        queue_.pop_front();
      }
      run(*j);
      {
        const std::lock_guard lock(mutex_);
        j->done = true;
      }
      finished_.notify_all();
    }
  }

 public:
  void run(job& j) {
    try {
      read_(j.p, j.slot, *j.reading);
    } catch (...) {
      j.reading->error = std::current_exception();
    }
  }

 private:
  const read_piece_fn& read_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable finished_;
  std::deque<job*> queue_;
  bool closing_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace

void run_pieces(piece_cutter& cutter, unsigned threads, std::size_t window, const io::reject_handler& policy,
                std::uint64_t max_held, const read_piece_fn& read, const commit_fn& commit,
                const commit_fn& commit_before_error) {
  window = std::max<std::size_t>(window, 1);
  std::atomic<bool> stop{false};
  std::deque<job> flight;  // in file order; deque: its elements stay put
  std::size_t next_slot = 0;
  std::optional<io::csv_position> previous;  // where the last committed piece's reader ended
  std::uint64_t previous_line = 1;           // its true line
  bool more = true;

  pool workers(std::max(threads, 1u), read);
  // The workers stop early when this thread leaves with an error (the pool's destructor joins them).
  struct stopper {
    std::atomic<bool>& stop;
    ~stopper() { stop.store(true, std::memory_order_relaxed); }
  } stop_on_exit{stop};

  for (;;) {
    while (more && flight.size() < window) {
      std::optional<piece> p = cutter.next();
      if (!p) {
        more = false;
        break;
      }
      job& j = flight.emplace_back();
      j.p = std::move(*p);
      j.slot = next_slot++ % window;
      j.reading = std::make_unique<piece_reading>(j.p, policy, false, max_held, stop);
      if (j.p.failure) {
        j.done = true;  // nothing to read: its turn rethrows the failure
      } else {
        workers.submit(&j);
      }
      if (j.p.failure) break;  // nothing after a failure
    }
    if (flight.empty()) return;
    job& head = flight.front();
    if (!head.p.failure) workers.wait(&head);
    if (head.p.failure) std::rethrow_exception(head.p.failure);

    // Read it again here, in turn, when its start was wrong or it stopped early; or when it was read
    // from a relative line 1 and anything it hands on names a line (bad records, an error).
    const bool wrong_start = head.p.guessed && previous && (previous->offset != head.p.begin);
    const bool relative = head.p.relative_lines;
    std::uint64_t read_from = head.p.line;  // the line its reader started at
    if (relative) {
      head.p.line = previous_line;  // the true line where it starts: the previous piece's end
      head.p.relative_lines = false;
    }
    if (wrong_start || !head.reading->complete ||
        (relative && (head.reading->holds_rejects() || head.reading->error))) {
      if (wrong_start) {
        head.p.begin = previous->offset;
        head.p.line = previous_line;
      }
      read_from = head.p.line;
      head.reading = std::make_unique<piece_reading>(head.p, policy, true, max_held, stop);
      workers.run(head);
    }
    if (const std::optional<std::uint64_t> refused = deliver(*head.reading, policy)) {
      // The policy refused a bad record: read the piece again up to it, so that the error raised is
      // the reader's own (or the worker's) for that record, as on one thread.
      head.reading = std::make_unique<piece_reading>(head.p, policy, false, max_held, stop);
      head.reading->replay_until(*refused);
      workers.run(head);
      if (head.reading->error) {
        if (commit_before_error) commit_before_error(head.slot);
        std::rethrow_exception(head.reading->error);
      }
      throw std::logic_error("yieldpipe::exec: a bad record the policy refused did not fail when read again");
    }
    piece_reading& r = *head.reading;
    if (r.error) {
      if (commit_before_error) commit_before_error(head.slot);
      std::rethrow_exception(r.error);
    }
    if (!r.complete) throw std::logic_error("yieldpipe::exec: a piece read in turn did not reach its end");
    if (head.p.truncated)
      throw std::logic_error("yieldpipe::exec: a record longer than the maximum was read without an error");
    previous = r.boundary;
    // The true line of the next piece's start: this piece's reader started at `read_from` (1 when
    // its lines were relative) at true line head.p.line.
    if (previous) previous_line = head.p.line + (previous->line - read_from);
    commit(head.slot);
    flight.pop_front();
  }
}

}  // namespace yieldpipe::exec::detail
