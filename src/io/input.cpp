#include "yieldpipe/io/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <new>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace yieldpipe::io {

namespace detail {

namespace {

std::string os_reason(int err) { return std::generic_category().message(err); }

// Chunk buffers start on a page boundary, like the page cache that read() copies from. malloc
// serves a 1 MiB block with mmap, 16 bytes past a page boundary, and the kernel's copy into it was
// twice as slow (1 MiB reads of a cached 537 MB file on an AMD EPYC: 62 ms against 29 ms), most
// likely because each of its loads then falls 16 bytes after one of its stores modulo 4 KiB.
constexpr std::align_val_t buffer_alignment{4096};

struct aligned_delete {
  void operator()(char* p) const noexcept { ::operator delete[](p, buffer_alignment); }
};
using buffer_ptr = std::unique_ptr<char[], aligned_delete>;

// A chunk buffer with `chunk_padding` readable bytes after it, for SIMD scanners. Zeroed, so that
// no scan reads uninitialised bytes.
buffer_ptr padded_buffer(std::size_t size) {
  const std::size_t bytes = size + input::chunk_padding;
  buffer_ptr buf(static_cast<char*>(::operator new[](bytes, buffer_alignment)));
  std::memset(buf.get(), 0, bytes);
  return buf;
}

// The file end of an input: the descriptor, the read buffer, the count of bytes read. Built (and
// its first bytes read, to detect the compression) before the decoder that will own it.
class raw_file {
 public:
  raw_file(int fd, bool owned, std::string name, input_options options)
      : fd_(fd), owned_(owned), name_(std::move(name)), chunk_(options.buffer_size) {
    if (chunk_ == 0) {
      close_fd();
      throw std::invalid_argument("yieldpipe::io::input: buffer_size must be at least 1");
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail_and_close("cannot read: " + os_reason(errno));
    if (S_ISDIR(st.st_mode)) fail_and_close("cannot read: is a directory");
    if (S_ISREG(st.st_mode)) {
      size_ = static_cast<std::uint64_t>(st.st_size);
      ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    if (options.start_offset != 0) seek_to(options.start_offset);
    // The magic bytes need 4 bytes even when tests ask for 1-byte chunks.
    buf_ = padded_buffer(std::max<std::size_t>(chunk_, 4));
    try {
      while (filled_ < 4 && !eof_)
        filled_ += read_some(buf_.get() + filled_, std::max<std::size_t>(chunk_, 4) - filled_);
    } catch (...) {
      close_fd();
      throw;
    }
  }
  raw_file(raw_file&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)),
        owned_(other.owned_),
        eof_(other.eof_),
        name_(std::move(other.name_)),
        chunk_(other.chunk_),
        buf_(std::move(other.buf_)),
        filled_(other.filled_),
        offset_(other.offset_),
        size_(other.size_),
        started_late_(other.started_late_) {}
  raw_file& operator=(raw_file&&) = delete;
  ~raw_file() { close_fd(); }

  // The encoding of the bytes read at construction.
  io::compression detect() const noexcept {
    if (started_late_) return io::compression::none;  // seek_to made sure of it
    const auto* b = reinterpret_cast<const unsigned char*>(buf_.get());
    if (filled_ >= 2 && b[0] == 0x1f && b[1] == 0x8b) return io::compression::gzip;
    if (filled_ >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) return io::compression::zstd;
    return io::compression::none;
  }

  // Reads up to n bytes; 0 only at the end of the file. Retries interrupted reads.
  std::size_t read_some(char* out, std::size_t n) {
    if (eof_) return 0;
    for (;;) {
      const ssize_t got = ::read(fd_, out, n);
      if (got > 0) {
        offset_ += static_cast<std::uint64_t>(got);
        return static_cast<std::size_t>(got);
      }
      if (got == 0) {
        eof_ = true;
        return 0;
      }
      if (errno != EINTR) throw io_error(name_, "read failed: " + os_reason(errno), {.offset = offset_});
    }
  }
  // Refills the read buffer from its start (its previous bytes must all be consumed).
  std::size_t refill() { return filled_ = read_some(buf_.get(), chunk_); }

  char* data() const noexcept { return buf_.get(); }
  std::size_t filled() const noexcept { return filled_; }
  std::size_t chunk() const noexcept { return chunk_; }
  bool eof() const noexcept { return eof_; }
  std::uint64_t offset() const noexcept { return offset_; }
  std::optional<std::uint64_t> size() const noexcept { return size_; }
  const std::string& name() const noexcept { return name_; }

 private:
  // Positions a plain regular file at `offset`; the compression is told by the file's first bytes,
  // not by the bytes found there.
  void seek_to(std::uint64_t offset) {
    const std::string where = "cannot start reading at byte " + std::to_string(offset) + ": ";
    if (!size_) fail_and_close(where + "not a regular file");
    char magic[4] = {};
    const ssize_t got = ::pread(fd_, magic, sizeof magic, 0);
    if (got < 0) fail_and_close("read failed: " + os_reason(errno));
    const auto* m = reinterpret_cast<const unsigned char*>(magic);
    if ((got >= 2 && m[0] == 0x1f && m[1] == 0x8b) ||
        (got >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd))
      fail_and_close(where + "a compressed file is read from its start");
    if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) fail_and_close(where + os_reason(errno));
    offset_ = offset;
    started_late_ = true;
  }
  [[noreturn]] void fail_and_close(std::string reason) {
    close_fd();
    throw io_error(name_, std::move(reason));
  }
  void close_fd() noexcept {
    if (owned_ && fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  int fd_;
  bool owned_;
  bool eof_ = false;
  std::string name_;
  std::size_t chunk_;
  buffer_ptr buf_;
  std::size_t filled_ = 0;  // bytes of buf_ holding data
  std::uint64_t offset_ = 0;
  std::optional<std::uint64_t> size_;
  bool started_late_ = false;  // options.start_offset was not 0
};

}  // namespace

class input_source {
 public:
  input_source(std::string name, input_options options)
      : name_(std::move(name)), start_offset_(options.start_offset), start_line_(options.start_line) {}
  input_source(const input_source&) = delete;
  input_source& operator=(const input_source&) = delete;
  virtual ~input_source() = default;

  virtual std::span<const char> next_chunk() = 0;
  // Bytes of the file the decoder has consumed (read but not yet decoded bytes excluded).
  virtual std::uint64_t bytes_consumed() const noexcept = 0;
  virtual io::compression kind() const noexcept = 0;
  virtual std::optional<std::uint64_t> size() const noexcept = 0;

  const std::string& name() const noexcept { return name_; }
  std::uint64_t start_offset() const noexcept { return start_offset_; }
  std::uint64_t start_line() const noexcept { return start_line_; }

 private:
  std::string name_;
  std::uint64_t start_offset_;
  std::uint64_t start_line_;
};

namespace {

// A source that reads a file descriptor.
class file_source : public input_source {
 public:
  explicit file_source(raw_file file, input_options options)
      : input_source(file.name(), options), file_(std::move(file)) {}
  std::optional<std::uint64_t> size() const noexcept final { return file_.size(); }

 protected:
  raw_file file_;
};

class plain_source final : public file_source {
 public:
  using file_source::file_source;

  std::span<const char> next_chunk() override {
    if (prefetched_) {  // the bytes read to detect the compression
      prefetched_ = false;
      return {file_.data(), file_.filled()};
    }
    return {file_.data(), file_.refill()};
  }
  std::uint64_t bytes_consumed() const noexcept override { return file_.offset(); }
  io::compression kind() const noexcept override { return io::compression::none; }

 private:
  bool prefetched_ = true;
};

class gzip_source final : public file_source {
 public:
  gzip_source(raw_file file, input_options options)
      : file_source(std::move(file), options),
        out_size_(static_cast<uInt>(std::min<std::size_t>(file_.chunk(), UINT_MAX))),
        out_(padded_buffer(out_size_)) {
    zs_.next_in = reinterpret_cast<Bytef*>(file_.data());
    zs_.avail_in = static_cast<uInt>(file_.filled());
    // 16 + MAX_WBITS: gzip framing only (the magic bytes said gzip).
    const int ret = ::inflateInit2(&zs_, 16 + MAX_WBITS);
    if (ret == Z_MEM_ERROR) throw std::bad_alloc();
    if (ret != Z_OK) throw io_error(file_.name(), std::string("cannot start zlib: ") + ::zError(ret));
  }
  ~gzip_source() override { ::inflateEnd(&zs_); }

  std::span<const char> next_chunk() override {
    if (done_) return {};
    zs_.next_out = reinterpret_cast<Bytef*>(out_.get());
    zs_.avail_out = out_size_;
    while (zs_.avail_out == out_size_) {
      if (zs_.avail_in == 0 && !file_.eof()) {
        zs_.avail_in = static_cast<uInt>(std::min<std::size_t>(file_.refill(), UINT_MAX));
        zs_.next_in = reinterpret_cast<Bytef*>(file_.data());
      }
      if (!in_member_) {
        if (zs_.avail_in == 0) {  // the end of the file, between members
          done_ = true;
          break;
        }
        // Another member follows (as `gzip -c a b` writes; zlib checks the rest of its header).
        if (*zs_.next_in != 0x1f) fail("unexpected data after the end of the gzip stream");
        ::inflateReset(&zs_);
        in_member_ = true;
      }
      const bool starved = zs_.avail_in == 0;  // only at the end of the file
      const int ret = ::inflate(&zs_, Z_NO_FLUSH);
      if (ret == Z_STREAM_END) {
        in_member_ = false;
      } else if (ret == Z_OK || ret == Z_BUF_ERROR) {
        // Without input, zlib can only flush output it holds: none means the data stops mid-stream.
        if (starved && zs_.avail_out == out_size_) fail("truncated gzip stream (the file ends inside compressed data)");
      } else if (ret == Z_MEM_ERROR) {
        throw std::bad_alloc();
      } else {
        fail(std::string("corrupt gzip stream (zlib: ") + (zs_.msg != nullptr ? zs_.msg : ::zError(ret)) + ")");
      }
    }
    return {out_.get(), out_size_ - zs_.avail_out};
  }
  std::uint64_t bytes_consumed() const noexcept override { return file_.offset() - zs_.avail_in; }
  io::compression kind() const noexcept override { return io::compression::gzip; }

 private:
  [[noreturn]] void fail(std::string reason) const {
    throw io_error(file_.name(), std::move(reason), {.offset = bytes_consumed()});
  }

  z_stream zs_{};
  uInt out_size_;
  buffer_ptr out_;
  bool in_member_ = true;
  bool done_ = false;
};

class zstd_source final : public file_source {
 public:
  zstd_source(raw_file file, input_options options)
      : file_source(std::move(file), options), out_(padded_buffer(file_.chunk())), dctx_(::ZSTD_createDCtx()) {
    if (dctx_ == nullptr) throw std::bad_alloc();
    in_ = {file_.data(), file_.filled(), 0};
  }
  ~zstd_source() override { ::ZSTD_freeDCtx(dctx_); }

  std::span<const char> next_chunk() override {
    if (done_) return {};
    ZSTD_outBuffer out{out_.get(), file_.chunk(), 0};
    while (out.pos == 0) {
      if (in_.pos == in_.size && !file_.eof()) in_ = {file_.data(), file_.refill(), 0};
      const bool starved = in_.pos == in_.size;  // only at the end of the file
      if (starved && frame_left_ == 0) {
        done_ = true;
        break;
      }
      // Several frames decode one after the other: after a frame's end the next call starts the next.
      const std::size_t ret = ::ZSTD_decompressStream(dctx_, &out, &in_);
      if (::ZSTD_isError(ret)) fail(std::string("corrupt zstd stream (zstd: ") + ::ZSTD_getErrorName(ret) + ")");
      frame_left_ = ret;
      // Without input, zstd can only flush output it holds: none means the data stops mid-frame.
      if (starved && out.pos == 0) fail("truncated zstd stream (the file ends inside a frame)");
    }
    return {out_.get(), out.pos};
  }
  std::uint64_t bytes_consumed() const noexcept override { return file_.offset() - (in_.size - in_.pos); }
  io::compression kind() const noexcept override { return io::compression::zstd; }

 private:
  [[noreturn]] void fail(std::string reason) const {
    throw io_error(file_.name(), std::move(reason), {.offset = bytes_consumed()});
  }

  buffer_ptr out_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer in_{};
  std::size_t frame_left_ = 1;  // ZSTD_decompressStream's hint: 0 once a frame is complete and flushed
  bool done_ = false;
};

// Bytes in memory, handed out in place: chunks of `buffer_size` bytes while at least
// `chunk_padding` bytes of the span follow them, and its last `chunk_padding` bytes (or fewer) copied
// into a padded buffer, so that no byte after the span is ever read.
class memory_source final : public input_source {
 public:
  memory_source(std::span<const char> bytes, std::string name, input_options options)
      : input_source(std::move(name), options), bytes_(bytes), chunk_(options.buffer_size) {
    if (chunk_ == 0) throw std::invalid_argument("yieldpipe::io::input: buffer_size must be at least 1");
  }

  std::span<const char> next_chunk() override {
    const std::size_t left = bytes_.size() - pos_;
    if (left == 0) return {};
    if (left > input::chunk_padding) {
      const std::size_t n = std::min(chunk_, left - input::chunk_padding);
      const std::span<const char> chunk = bytes_.subspan(pos_, n);
      pos_ += n;
      return chunk;
    }
    tail_ = padded_buffer(input::chunk_padding);
    std::memcpy(tail_.get(), bytes_.data() + pos_, left);
    pos_ = bytes_.size();
    return {tail_.get(), left};
  }
  std::uint64_t bytes_consumed() const noexcept override { return start_offset() + pos_; }
  io::compression kind() const noexcept override { return io::compression::none; }
  std::optional<std::uint64_t> size() const noexcept override { return std::nullopt; }

 private:
  std::span<const char> bytes_;
  std::size_t chunk_;
  std::size_t pos_ = 0;
  buffer_ptr tail_;
};

std::unique_ptr<input_source> open_source(raw_file file, input_options options) {
  switch (file.detect()) {
    case io::compression::gzip: return std::make_unique<gzip_source>(std::move(file), options);
    case io::compression::zstd: return std::make_unique<zstd_source>(std::move(file), options);
    case io::compression::none: break;
  }
  return std::make_unique<plain_source>(std::move(file), options);
}

raw_file open_path(const std::string& path, input_options options) {
  if (path == "-") return raw_file(STDIN_FILENO, false, "<stdin>", options);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw io_error(path, "cannot open: " + os_reason(errno));
  return raw_file(fd, true, path, options);
}

}  // namespace

}  // namespace detail

input::input(const std::string& path, input_options options)
    : source_(detail::open_source(detail::open_path(path, options), options)) {
  check_start_line(options);
}

input::input(std::unique_ptr<detail::input_source> source) : source_(std::move(source)) {}

void input::check_start_line(const input_options& options) {
  if (options.start_line == 0) throw std::invalid_argument("yieldpipe::io::input: start_line counts from 1");
}

input input::from_fd(int fd, std::string name, input_options options) {
  check_start_line(options);
  return input(detail::open_source(detail::raw_file(fd, false, std::move(name), options), options));
}

input input::from_memory(std::span<const char> bytes, std::string name, input_options options) {
  check_start_line(options);
  return input(std::make_unique<detail::memory_source>(bytes, std::move(name), options));
}

input::input(input&&) noexcept = default;
input& input::operator=(input&&) noexcept = default;
input::~input() = default;

std::span<const char> input::next_chunk() { return source_->next_chunk(); }
std::uint64_t input::bytes_read() const noexcept { return source_->bytes_consumed(); }
std::optional<std::uint64_t> input::total_bytes() const noexcept { return source_->size(); }
const std::string& input::path() const noexcept { return source_->name(); }
std::uint64_t input::start_offset() const noexcept { return source_->start_offset(); }
std::uint64_t input::start_line() const noexcept { return source_->start_line(); }
io::compression input::compression() const noexcept { return source_->kind(); }

}  // namespace yieldpipe::io
