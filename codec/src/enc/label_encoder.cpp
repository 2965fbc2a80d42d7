// SPDX-License-Identifier: MIT
// Method 0 (zstd-raw): indices as 1 or 2 little-endian bytes each, in one zstd frame.
#include "enc/label_encoder.hpp"

#include <zstd.h>

#include <kmq/kmq.hpp>
#include <memory>
#include <string>

namespace kmq::detail {

namespace {

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* context) const noexcept { ZSTD_freeCCtx(context); }
};

void check_zstd(std::size_t code, const char* what) {
  if (ZSTD_isError(code)) {
    throw Error(ErrorCategory::io, std::string("zstd ") + what + ": " + ZSTD_getErrorName(code));
  }
}

std::vector<std::uint8_t> serialise_indices(std::span<const std::uint16_t> indices,
                                            std::uint32_t palette_size) {
  const std::size_t width = index_width(palette_size);
  std::vector<std::uint8_t> raw(indices.size() * width);
  if (width == 1) {
    for (std::size_t i = 0; i < indices.size(); ++i) raw[i] = static_cast<std::uint8_t>(indices[i]);
  } else {
    for (std::size_t i = 0; i < indices.size(); ++i) {
      raw[2 * i] = static_cast<std::uint8_t>(indices[i]);
      raw[2 * i + 1] = static_cast<std::uint8_t>(indices[i] >> 8);
    }
  }
  return raw;
}

}  // namespace

std::vector<std::uint8_t> encode_labels(std::span<const std::uint16_t> indices,
                                        std::uint32_t palette_size, LabelCoding method,
                                        const LabelEncoderSettings& settings) {
  if (method != LabelCoding::zstd_raw) {
    throw Error(ErrorCategory::unsupported, "label coding method " +
                                                std::to_string(static_cast<int>(method)) +
                                                " is not implemented by this encoder");
  }
  const std::vector<std::uint8_t> raw = serialise_indices(indices, palette_size);
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> context(ZSTD_createCCtx());
  if (!context) throw Error(ErrorCategory::io, "zstd: cannot create a compression context");
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, settings.level),
             "level");
  // The chunk CRC already protects the data; the content size is mandatory (§5.1).
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 0), "checksum flag");
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_contentSizeFlag, 1), "content size");
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_dictIDFlag, 0), "dictionary id");

  std::vector<std::uint8_t> payload(1 + ZSTD_compressBound(raw.size()));
  payload[0] = static_cast<std::uint8_t>(method);
  const std::size_t written =
      ZSTD_compress2(context.get(), payload.data() + 1, payload.size() - 1, raw.data(), raw.size());
  check_zstd(written, "compression");
  payload.resize(1 + written);
  return payload;
}

}  // namespace kmq::detail
