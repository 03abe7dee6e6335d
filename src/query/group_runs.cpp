#include <fcntl.h>

#include <cerrno>
#include <cstring>
#ifdef __linux__
#include <linux/falloc.h>
#endif
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/query/detail/byte_codec.hpp>
#include <yieldpipe/query/detail/group_runs.hpp>

namespace yieldpipe::query::detail {

namespace {

[[noreturn]] void fail(const std::string& directory, const std::string& doing, int error) {
  std::string reason = doing + ": " + std::strerror(error);
  if (error == ENOSPC || error == EFBIG || error == EDQUOT)
    reason +=
        " (the group-by spills its groups here when they pass --max-memory: free space, give "
        "--temp-dir another folder, or raise --max-memory)";
  throw io::io_error(directory, reason);
}

}  // namespace

temp_file::temp_file(const std::string& directory) : directory_(directory) {
#ifdef O_TMPFILE
  fd_ = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
  if (fd_ < 0) {  // no O_TMPFILE here (or not on this file system): a name, removed at once
    std::string name = directory + "/yieldpipe-spill-XXXXXX";
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) fail(directory, "cannot make a temporary file", errno);
    ::unlink(name.c_str());
  }
}

temp_file::~temp_file() {
  if (fd_ >= 0) ::close(fd_);
}

void temp_file::append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(size_));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(directory_, "cannot write a temporary file", errno);
    }
    size_ += static_cast<std::uint64_t>(n);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void temp_file::release(std::uint64_t offset, std::uint64_t size) noexcept {
#if defined(FALLOC_FL_PUNCH_HOLE) && defined(FALLOC_FL_KEEP_SIZE)
  if (size > 0)
    (void)::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                      static_cast<off_t>(size));
#else
  (void)offset;
  (void)size;
#endif
}

std::size_t temp_file::read_at(std::uint64_t offset, char* into, std::size_t size) const {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd_, into + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(directory_, "cannot read a temporary file", errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

huge_block::huge_block(std::size_t at_least) {
  constexpr std::size_t huge = std::size_t{2} << 20;
  size = (at_least + huge - 1) / huge * huge;
  data = static_cast<char*>(std::aligned_alloc(huge, size));
  if (data == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  ::madvise(data, size, MADV_HUGEPAGE);  // advice: without it (or THP off) ordinary pages serve
#endif
}

huge_block::~huge_block() { std::free(data); }

sorted_run::sorted_run() = default;

sorted_run::sorted_run(std::shared_ptr<temp_file> file) : file_(std::move(file)) {
  start_ = end_ = file_->size();
  buffer_.reserve(buffer_bytes);
  memory_ = buffer_.capacity();
}

sorted_run::~sorted_run() {
  if (file_) file_->release(start_, end_ - start_);
}

namespace {

// The longest head: three sizes of up to 10 bytes each.
constexpr std::size_t most_head = 30;

char* put_varint(char* at, std::uint64_t v) {
  for (; v >= 0x80; v >>= 7) *at++ = static_cast<char>(v | 0x80);
  *at++ = static_cast<char>(v);
  return at;
}

bool get_varint(std::string_view& in, std::uint64_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= std::uint64_t{byte & 0x7fu} << shift;
    if (byte < 0x80) return true;
  }
  return false;
}

}  // namespace

// A record: the bytes its key shares with the previous record's key, the size of the rest of the
// key and of the states (each a LEB128 number), the rest of the key, the states. Keys in order share
// long prefixes (ids, timestamps): a run is about a third smaller than with whole keys. A marked
// record shares nothing, so that a reader can start there.
// A mark's position: in a file, the offset; in memory, the block's number (high 32 bits) and the
// offset in it.
void sorted_run::add(std::string_view key, std::string_view states) {
  const bool marked = records_++ % mark_every == 0;
  std::size_t shared = 0;
  if (!marked) {
    const std::size_t most = std::min(key.size(), last_key_.size());
    while (shared < most && key[shared] == last_key_[shared]) ++shared;
  }
  const std::string_view rest = key.substr(shared);
  char head[most_head];
  char* end = put_varint(head, shared);
  end = put_varint(end, rest.size());
  end = put_varint(end, states.size());
  const auto head_size = static_cast<std::size_t>(end - head);
  const std::size_t whole = head_size + rest.size() + states.size();
  char* at = nullptr;
  std::uint64_t position = 0;
  if (file_) {
    const std::size_t was = buffer_.size();
    position = end_ + was;
    buffer_.resize(was + whole);
    at = buffer_.data() + was;
  } else {
    if (blocks_.empty() || blocks_.back().size - blocks_.back().used < whole) {
      blocks_.emplace_back(whole);
      memory_ += blocks_.back().size;
    }
    huge_block& block = blocks_.back();
    position = (std::uint64_t{blocks_.size() - 1} << 32) | block.used;
    at = block.data + block.used;
    block.used += whole;
  }
  if (marked) {
    marks_.push_back({std::string(key), position});
    const std::size_t bytes = sizeof(mark) + (key.size() > 15 ? key.size() + 1 : 0);
    marks_bytes_ += bytes;
    memory_ += bytes;
  }
  last_key_.resize(shared);
  last_key_.append(rest);
  std::memcpy(at, head, head_size);
  if (!rest.empty()) std::memcpy(at + head_size, rest.data(), rest.size());
  if (!states.empty()) std::memcpy(at + head_size + rest.size(), states.data(), states.size());
  if (file_ && buffer_.size() >= buffer_bytes) {
    file_->append(buffer_);
    end_ = file_->size();
    buffer_.clear();
  }
}

void sorted_run::close() {
  if (!file_) return;
  file_->append(buffer_);
  end_ = file_->size();
  std::string().swap(buffer_);
  memory_ = marks_bytes_;
}

void sorted_run::move_to_disk(std::shared_ptr<temp_file> file) {
  if (file_) return;
  start_ = file->size();
  std::vector<std::uint64_t> block_start;  // each block's offset in the file, for the marks
  for (const huge_block& block : blocks_) {
    block_start.push_back(file->size());
    file->append({block.data, block.used});
  }
  for (mark& m : marks_) m.position = block_start[m.position >> 32] + (m.position & 0xffffffffu);
  end_ = file->size();
  file_ = std::move(file);
  blocks_.clear();
  memory_ = marks_bytes_;
}

sorted_run::reader::reader(const sorted_run& run, std::size_t window, std::uint64_t from)
    : run_(&run), window_bytes_(window), consumed_(from != 0 ? from : run.start_) {
  if (run.file_ || run.blocks_.empty()) return;
  block_ = static_cast<std::size_t>(from >> 32);
  const huge_block& b = run.blocks_[block_];
  const auto offset = static_cast<std::size_t>(from & 0xffffffffu);
  rest_ = {b.data + offset, b.used - offset};
}

bool sorted_run::reader::fill(std::size_t need) {
  if (rest_.size() >= need) return true;
  if (!run_->file_) {  // records are whole in a block: the next block, if this one is done
    if (!rest_.empty() || block_ + 1 >= run_->blocks_.size()) return false;
    const huge_block& next = run_->blocks_[++block_];
    rest_ = {next.data, next.used};
    return rest_.size() >= need;
  }
  // The window moves on to the first byte not read, and holds at least `need` bytes (a record
  // larger than the buffer gets a window of its size).
  const std::uint64_t size = run_->end_;
  if (consumed_ >= size) return false;
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(size - consumed_, std::max(need, window_bytes_)));
  window_.resize(want);
  const std::size_t got = run_->file_->read_at(consumed_, window_.data(), want);
  window_.resize(got);
  rest_ = window_;
  return got >= need;
}

bool sorted_run::reader::next() {
  fill(most_head);  // fewer at the end of a file
  if (rest_.empty()) return false;
  std::string_view at = rest_;
  std::uint64_t shared = 0, key_rest = 0, states_size = 0;
  if (!get_varint(at, shared) || !get_varint(at, key_rest) || !get_varint(at, states_size) || shared > key_.size())
    throw query_error("a group-by's run is damaged (a record's head)");
  const auto head = static_cast<std::size_t>(at.data() - rest_.data());
  const std::size_t whole = head + static_cast<std::size_t>(key_rest + states_size);
  if (!fill(whole)) throw query_error("a group-by's run ends inside a record");
  key_.resize(static_cast<std::size_t>(shared));
  key_.append(rest_.substr(head, static_cast<std::size_t>(key_rest)));
  states_ = rest_.substr(head + static_cast<std::size_t>(key_rest), static_cast<std::size_t>(states_size));
  rest_.remove_prefix(whole);
  consumed_ += whole;
  return true;
}

}  // namespace yieldpipe::query::detail
