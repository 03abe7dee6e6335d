#pragma once
// gzip and zstd in memory, for tests of compressed inputs.
#include <zlib.h>
#include <zstd.h>

#include <stdexcept>
#include <string>

namespace yieldpipe::test {

/// `data` as one gzip member (what `gzip -c` writes).
inline std::string gzip(const std::string& data, int level = 6) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib");
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (result != Z_STREAM_END) throw std::runtime_error("zlib deflate");
  out.resize(zs.total_out);
  return out;
}

/// `data` as one zstd frame, with a content checksum (so that any flipped byte is detected).
inline std::string zstd(const std::string& data) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(n)) throw std::runtime_error("zstd");
  out.resize(n);
  return out;
}

}  // namespace yieldpipe::test
