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
#include <vector>

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

  // UTF-16 when the bytes read at construction start with its byte order mark, else UTF-8.
  text_encoding detect_utf16() const noexcept {
    const auto* b = reinterpret_cast<const unsigned char*>(buf_.get());
    if (started_late_ || filled_ < 2) return text_encoding::utf8;
    if (b[0] == 0xFF && b[1] == 0xFE) return text_encoding::utf16le;
    if (b[0] == 0xFE && b[1] == 0xFF) return text_encoding::utf16be;
    return text_encoding::utf8;
  }

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
  virtual bool transcoded() const noexcept { return false; }

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

// A source over another whose text is transcoded to UTF-8 (or, for `automatic` without a UTF-16
// byte order mark, passed through untouched: the inner chunks themselves).
class transcoding_source final : public input_source {
 public:
  transcoding_source(std::unique_ptr<input_source> inner, text_encoding encoding, input_options options)
      : input_source(inner->name(), options), inner_(std::move(inner)), encoding_(encoding) {}

  std::span<const char> next_chunk() override {
    for (;;) {
      if (encoding_ == text_encoding::automatic && !decide()) return {};
      if (encoding_ == text_encoding::utf8) {  // decided: no byte order mark
        if (!held_.empty()) return std::exchange(held_, {});
        return inner_->next_chunk();
      }
      std::span<const char> in = held_.empty() ? inner_->next_chunk() : std::exchange(held_, {});
      const bool end = in.empty();
      if (end && done_) return {};
      size_ = 0;
      reserve(in.size() * 3 / 2 + 8);
      for (const char c : in) take(static_cast<unsigned char>(c));
      if (end) {
        done_ = true;
        if (have_byte_ || surrogate_ != 0) put(0xFFFD);  // an odd last byte, a lone high surrogate
      }
      if (size_ > 0) return {out_.get(), size_};
      if (end) return {};
    }
  }
  std::uint64_t bytes_consumed() const noexcept override { return inner_->bytes_consumed(); }
  io::compression kind() const noexcept override { return inner_->kind(); }
  std::optional<std::uint64_t> size() const noexcept override { return inner_->size(); }
  bool transcoded() const noexcept override {
    return encoding_ != text_encoding::utf8 && encoding_ != text_encoding::automatic;
  }

 private:
  // `automatic`: the first two bytes say UTF-16 or not. False at the end of an empty input. The
  // first chunk is given (or decoded) as it is; only a first chunk of one byte is copied.
  bool decide() {
    std::span<const char> c = inner_->next_chunk();
    if (c.size() == 1) {
      first_.assign(c.begin(), c.end());
      while (first_.size() < 2) {
        c = inner_->next_chunk();
        if (c.empty()) break;
        first_.insert(first_.end(), c.begin(), c.end());
      }
      const std::size_t size = first_.size();
      first_.resize(size + input::chunk_padding);  // a chunk is padded
      c = std::span<const char>(first_.data(), size);
    }
    if (c.empty()) return false;
    const auto b0 = static_cast<unsigned char>(c[0]);
    const auto b1 = c.size() > 1 ? static_cast<unsigned char>(c[1]) : 0;
    encoding_ = b0 == 0xFF && b1 == 0xFE   ? text_encoding::utf16le
                : b0 == 0xFE && b1 == 0xFF ? text_encoding::utf16be
                                           : text_encoding::utf8;
    held_ = c;
    return true;
  }

  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    capacity_ = std::max(n, 2 * capacity_);
    out_ = padded_buffer(capacity_);
  }
  void put(std::uint32_t cp) {
    reserve(size_ + 4);
    char* o = out_.get() + size_;
    if (cp < 0x80) {
      o[0] = static_cast<char>(cp);
      size_ += 1;
    } else if (cp < 0x800) {
      o[0] = static_cast<char>(0xC0 | (cp >> 6));
      o[1] = static_cast<char>(0x80 | (cp & 0x3F));
      size_ += 2;
    } else if (cp < 0x10000) {
      o[0] = static_cast<char>(0xE0 | (cp >> 12));
      o[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      o[2] = static_cast<char>(0x80 | (cp & 0x3F));
      size_ += 3;
    } else {
      o[0] = static_cast<char>(0xF0 | (cp >> 18));
      o[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      o[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      o[3] = static_cast<char>(0x80 | (cp & 0x3F));
      size_ += 4;
    }
  }
  void take(unsigned char b) {
    switch (encoding_) {
      case text_encoding::latin1: put(b); return;
      case text_encoding::cp1252: put(b >= 0x80 && b < 0xA0 ? cp1252_high[b - 0x80] : b); return;
      default: break;
    }
    if (!have_byte_) {
      byte_ = b;
      have_byte_ = true;
      return;
    }
    have_byte_ = false;
    const auto unit =
        static_cast<std::uint32_t>(encoding_ == text_encoding::utf16le ? byte_ | (b << 8) : (byte_ << 8) | b);
    if (!bom_seen_) {
      bom_seen_ = true;
      if (unit == 0xFEFF) return;  // the byte order mark is not text
    }
    if (unit >= 0xD800 && unit < 0xDC00) {  // a high surrogate: its pair follows
      if (surrogate_ != 0) put(0xFFFD);
      surrogate_ = unit;
      return;
    }
    if (unit >= 0xDC00 && unit < 0xE000) {
      put(surrogate_ != 0 ? 0x10000 + ((surrogate_ - 0xD800) << 10) + (unit - 0xDC00) : 0xFFFD);
      surrogate_ = 0;
      return;
    }
    if (surrogate_ != 0) put(0xFFFD);
    surrogate_ = 0;
    put(unit);
  }

  // Windows-1252 at 0x80-0x9F (WHATWG's index: the five unassigned bytes are their C1 controls).
  static constexpr std::uint16_t cp1252_high[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                                    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

  std::unique_ptr<input_source> inner_;
  text_encoding encoding_;
  std::vector<char> first_;       // automatic: the bytes read to decide, when the first chunk had one
  std::span<const char> held_{};  // bytes to give (or decode) before the inner source's next chunk
  buffer_ptr out_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  bool done_ = false;
  bool have_byte_ = false;  // UTF-16: the first byte of a unit
  unsigned char byte_ = 0;
  bool bom_seen_ = false;
  std::uint32_t surrogate_ = 0;  // a high surrogate waiting for its pair
};

// A source whose first bytes were peeked: given back before the inner source's next chunks.
class replay_source final : public input_source {
 public:
  replay_source(std::unique_ptr<input_source> inner, input_options options)
      : input_source(inner->name(), options), inner_(std::move(inner)) {}

  // At least `n` bytes read ahead (fewer at the end).
  std::string_view read_ahead(std::size_t n) {
    while (bytes_.size() < n) {
      const std::span<const char> c = inner_->next_chunk();
      if (c.empty()) break;
      bytes_.append(c.data(), c.size());
    }
    return bytes_;
  }
  bool started() const noexcept { return started_; }

  std::span<const char> next_chunk() override {
    if (!started_) {
      started_ = true;
      if (!bytes_.empty()) {
        const std::size_t size = bytes_.size();
        bytes_.append(input::chunk_padding, '\0');
        return {bytes_.data(), size};
      }
    }
    return inner_->next_chunk();
  }
  std::uint64_t bytes_consumed() const noexcept override { return inner_->bytes_consumed(); }
  io::compression kind() const noexcept override { return inner_->kind(); }
  std::optional<std::uint64_t> size() const noexcept override { return inner_->size(); }
  bool transcoded() const noexcept override { return inner_->transcoded(); }

 private:
  std::unique_ptr<input_source> inner_;
  std::string bytes_;
  bool started_ = false;
};

std::unique_ptr<input_source> open_source(raw_file file, input_options options) {
  const io::compression kind = file.detect();
  text_encoding encoding = options.encoding;
  // A plain input's first bytes, read already, tell UTF-16 now; a compressed one's once decompressed.
  if (encoding == text_encoding::automatic && kind == io::compression::none) encoding = file.detect_utf16();
  if (encoding != text_encoding::utf8 && options.start_offset != 0)
    throw io_error(file.name(), "cannot start reading at byte " + std::to_string(options.start_offset) +
                                    ": a transcoded input is read from its start");
  std::unique_ptr<input_source> source;
  switch (kind) {
    case io::compression::gzip: source = std::make_unique<gzip_source>(std::move(file), options); break;
    case io::compression::zstd: source = std::make_unique<zstd_source>(std::move(file), options); break;
    case io::compression::none: source = std::make_unique<plain_source>(std::move(file), options); break;
  }
  if (encoding == text_encoding::utf8) return source;
  return std::make_unique<transcoding_source>(std::move(source), encoding, options);
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
bool input::transcoded() const noexcept { return source_->transcoded(); }

std::string_view input::peek(std::size_t n) {
  auto* replay = dynamic_cast<detail::replay_source*>(source_.get());
  if (replay == nullptr) {
    auto wrapped = std::make_unique<detail::replay_source>(
        std::move(source_), input_options{.start_offset = start_offset(), .start_line = start_line()});
    replay = wrapped.get();
    source_ = std::move(wrapped);
  }
  if (replay->started()) throw std::logic_error("yieldpipe::io::input::peek: the input is being read already");
  return replay->read_ahead(n);
}

std::optional<text_encoding> parse_text_encoding(std::string_view name) noexcept {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (lower == "auto") return text_encoding::automatic;
  if (lower == "utf-8" || lower == "utf8") return text_encoding::utf8;
  if (lower == "utf-16le" || lower == "utf16le") return text_encoding::utf16le;
  if (lower == "utf-16be" || lower == "utf16be") return text_encoding::utf16be;
  if (lower == "latin1" || lower == "latin-1" || lower == "iso-8859-1") return text_encoding::latin1;
  if (lower == "cp1252" || lower == "windows-1252") return text_encoding::cp1252;
  return std::nullopt;
}

std::string_view to_string(text_encoding encoding) noexcept {
  switch (encoding) {
    case text_encoding::automatic: return "auto";
    case text_encoding::utf8: return "utf-8";
    case text_encoding::utf16le: return "utf-16le";
    case text_encoding::utf16be: return "utf-16be";
    case text_encoding::latin1: return "latin1";
    case text_encoding::cp1252: return "cp1252";
  }
  return "auto";
}

}  // namespace yieldpipe::io
