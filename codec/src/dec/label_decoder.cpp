// SPDX-License-Identifier: MIT
// Method 0 (zstd-raw) decoding with the bomb checks of format-spec §5.1: declared size, frame
// extent, exact output size, then the index range.
#include "dec/label_decoder.hpp"

#include <zstd.h>

#include <kmq/kmq.hpp>
#include <memory>
#include <string>

#include "common/byte_io.hpp"
#include "common/format_constants.hpp"

namespace kmq::detail {

namespace {

[[noreturn]] void corrupt(const std::string& message) {
  throw Error(ErrorCategory::corrupt_file, "label chunk: " + message);
}

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* context) const noexcept { ZSTD_freeDCtx(context); }
};

std::vector<std::uint8_t> decode_zstd_raw(std::span<const std::uint8_t> frame,
                                          std::uint64_t expected) {
  if (frame.empty()) corrupt("no zstd frame");
  const unsigned long long declared = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) corrupt("not a valid zstd frame");
  if (declared == ZSTD_CONTENTSIZE_UNKNOWN) corrupt("zstd frame does not declare its size");
  if (declared != expected) {
    corrupt("zstd frame declares " + std::to_string(declared) + " bytes; the header implies " +
            std::to_string(expected));
  }
  if (ZSTD_getDictID_fromFrame(frame.data(), frame.size()) != 0) {
    corrupt("zstd frame needs a dictionary");
  }
  const std::size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size)) {
    corrupt(std::string("damaged zstd frame: ") + ZSTD_getErrorName(frame_size));
  }
  if (frame_size != frame.size()) corrupt("extra bytes after the zstd frame");

  std::vector<std::uint8_t> raw(static_cast<std::size_t>(expected));
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> context(ZSTD_createDCtx());
  if (!context) throw Error(ErrorCategory::io, "zstd: cannot create a decompression context");
  const std::size_t written =
      ZSTD_decompressDCtx(context.get(), raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(written)) corrupt(std::string("zstd: ") + ZSTD_getErrorName(written));
  if (written != raw.size()) corrupt("zstd frame decompressed to the wrong size");
  return raw;
}

void check_index_range(std::span<const std::uint8_t> raw, std::uint32_t palette_size) {
  if (index_width(palette_size) == 1) {
    if (palette_size == 256) return;
    std::uint8_t largest = 0;
    for (const std::uint8_t index : raw) largest = index > largest ? index : largest;
    if (largest >= palette_size) {
      corrupt("index " + std::to_string(largest) +
              " is not below K = " + std::to_string(palette_size));
    }
    return;
  }
  if (palette_size == 65536) return;
  std::uint32_t largest = 0;
  for (std::size_t i = 0; i + 1 < raw.size(); i += 2) {
    const std::uint32_t index = raw[i] | static_cast<std::uint32_t>(raw[i + 1]) << 8;
    largest = index > largest ? index : largest;
  }
  if (largest >= palette_size) {
    corrupt("index " + std::to_string(largest) +
            " is not below K = " + std::to_string(palette_size));
  }
}

}  // namespace

std::vector<std::uint8_t> decode_label_bytes(const ParsedContainer& container) {
  const std::uint64_t expected = container.pixel_count() * index_width(container.palette_size);
  std::vector<std::uint8_t> raw;
  switch (static_cast<LabelCoding>(container.label_coding)) {
    case LabelCoding::zstd_raw:
      raw = decode_zstd_raw(container.label_data, expected);
      break;
    default:
      throw Error(
          ErrorCategory::unsupported,
          "label coding method " + std::to_string(container.label_coding) + " is not supported");
  }
  check_index_range(raw, container.palette_size);
  return raw;
}

}  // namespace kmq::detail
