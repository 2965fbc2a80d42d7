// SPDX-License-Identifier: MIT
// zstd frame checks of format-spec/kmq.md §5.1 (the bomb defence: the declared size is known and
// bounded before a byte is allocated) and one-shot decompression.
#include "format/zstd_frame.hpp"

#include <zstd.h>

#include <kmq/kmq.hpp>
#include <memory>

namespace kmq::detail {

namespace {

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* context) const noexcept { ZSTD_freeDCtx(context); }
};
struct CCtxDeleter {
  void operator()(ZSTD_CCtx* context) const noexcept { ZSTD_freeCCtx(context); }
};

void check_zstd(std::size_t code) {
  if (ZSTD_isError(code)) {
    throw Error(ErrorCategory::io, std::string("zstd: ") + ZSTD_getErrorName(code));
  }
}

[[noreturn]] void corrupt(const std::string& where, const std::string& message) {
  throw Error(ErrorCategory::corrupt_file, where + ": " + message);
}

unsigned long long content_size(std::span<const std::uint8_t> frame, const std::string& where) {
  if (frame.empty()) corrupt(where, "no zstd frame");
  const unsigned long long declared = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) corrupt(where, "not a valid zstd frame");
  if (declared == ZSTD_CONTENTSIZE_UNKNOWN) corrupt(where, "zstd frame does not declare its size");
  return declared;
}

void check_frame_extent(std::span<const std::uint8_t> frame, const std::string& where) {
  if (ZSTD_getDictID_fromFrame(frame.data(), frame.size()) != 0) {
    corrupt(where, "zstd frame needs a dictionary");
  }
  const std::size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size)) {
    corrupt(where, std::string("damaged zstd frame: ") + ZSTD_getErrorName(frame_size));
  }
  if (frame_size != frame.size()) corrupt(where, "extra bytes after the zstd frame");
}

}  // namespace

std::uint64_t declared_frame_size(std::span<const std::uint8_t> frame, const std::string& where) {
  const unsigned long long declared = content_size(frame, where);
  check_frame_extent(frame, where);
  return declared;
}

std::vector<std::uint8_t> decompress_frame(std::span<const std::uint8_t> frame,
                                           std::uint64_t expected, const std::string& where) {
  const unsigned long long declared = content_size(frame, where);
  if (declared != expected) {
    corrupt(where, "zstd frame declares " + std::to_string(declared) +
                       " bytes; the header implies " + std::to_string(expected));
  }
  check_frame_extent(frame, where);
  std::vector<std::uint8_t> raw(static_cast<std::size_t>(expected));
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> context(ZSTD_createDCtx());
  if (!context) throw Error(ErrorCategory::io, "zstd: cannot create a decompression context");
  const std::size_t written =
      ZSTD_decompressDCtx(context.get(), raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(written)) corrupt(where, std::string("zstd: ") + ZSTD_getErrorName(written));
  if (written != raw.size()) corrupt(where, "zstd frame decompressed to the wrong size");
  return raw;
}

std::vector<std::uint8_t> compress_frame(std::span<const std::uint8_t> raw, int level) {
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> context(ZSTD_createCCtx());
  if (!context) throw Error(ErrorCategory::io, "zstd: cannot create a compression context");
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, level));
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 0));
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_contentSizeFlag, 1));
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_dictIDFlag, 0));
  std::vector<std::uint8_t> frame(ZSTD_compressBound(raw.size()));
  const std::size_t written =
      ZSTD_compress2(context.get(), frame.data(), frame.size(), raw.data(), raw.size());
  check_zstd(written);
  frame.resize(written);
  return frame;
}

}  // namespace kmq::detail
