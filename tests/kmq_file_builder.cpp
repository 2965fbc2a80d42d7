// SPDX-License-Identifier: MIT
// .kmq file builder for tests.
#include "kmq_file_builder.hpp"

#include <zstd.h>

#include <stdexcept>

#include "common/byte_io.hpp"
#include "common/crc32.hpp"
#include "format/format_constants.hpp"

namespace kmq::testing {

KmqFileBuilder::KmqFileBuilder() : bytes_(detail::kSignature.begin(), detail::kSignature.end()) {}

KmqFileBuilder& KmqFileBuilder::chunk(std::string_view type, const Bytes& payload) {
  detail::append_u32le(bytes_, static_cast<std::uint32_t>(payload.size()));
  Bytes typed(type.begin(), type.end());
  typed.insert(typed.end(), payload.begin(), payload.end());
  bytes_.insert(bytes_.end(), typed.begin(), typed.end());
  detail::append_u32le(bytes_, detail::crc32_update(0, typed));
  return *this;
}

KmqFileBuilder& KmqFileBuilder::raw(const Bytes& bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return *this;
}

Bytes header_payload(std::uint32_t width, std::uint32_t height, std::uint32_t palette_size,
                     std::uint8_t channels, std::uint8_t version, std::uint8_t label_coding,
                     std::uint8_t flags) {
  Bytes out = {version, channels, label_coding, flags};
  detail::append_u32le(out, width);
  detail::append_u32le(out, height);
  detail::append_u32le(out, palette_size);
  return out;
}

Bytes palette_payload(std::uint32_t palette_size, std::uint8_t channels) {
  Bytes out = {0};
  for (std::uint32_t e = 0; e < palette_size; ++e) {
    for (std::uint8_t c = 0; c < channels; ++c) {
      out.push_back(c == 3 ? 255 : static_cast<std::uint8_t>(e * 37 + c * 80));
    }
  }
  return out;
}

Bytes zstd_label_payload(const Bytes& raw_indices, bool declare_size) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, declare_size ? 1 : 0);
  Bytes out(1 + ZSTD_compressBound(raw_indices.size()));
  out[0] = 0;
  std::size_t written;
  if (declare_size) {
    written = ZSTD_compress2(context, out.data() + 1, out.size() - 1, raw_indices.data(),
                             raw_indices.size());
  } else {
    // Streaming without a pledged size leaves the content size out of the frame header.
    ZSTD_outBuffer output = {out.data() + 1, out.size() - 1, 0};
    ZSTD_inBuffer input = {raw_indices.data(), raw_indices.size(), 0};
    written = ZSTD_compressStream2(context, &output, &input, ZSTD_e_end);
    written = ZSTD_isError(written) ? written : output.pos;
  }
  ZSTD_freeCCtx(context);
  if (ZSTD_isError(written)) throw std::runtime_error("zstd failed in test builder");
  out.resize(1 + written);
  return out;
}

Bytes contexts_label_payload(const std::vector<Bytes>& streams, int count_override) {
  return streams_label_payload(1, streams, count_override);
}

Bytes streams_label_payload(std::uint8_t method, const std::vector<Bytes>& streams,
                            int count_override) {
  Bytes out = {method,
               static_cast<std::uint8_t>(count_override >= 0 ? count_override : streams.size())};
  std::vector<Bytes> frames;
  for (const Bytes& stream : streams) {
    Bytes frame;
    if (!stream.empty()) {
      const Bytes payload = zstd_label_payload(stream);
      frame.assign(payload.begin() + 1, payload.end());  // without the method byte
    }
    frames.push_back(std::move(frame));
  }
  for (std::size_t s = 0; s < streams.size(); ++s) {
    detail::append_u32le(out, static_cast<std::uint32_t>(frames[s].size()));
    detail::append_u32le(out, static_cast<std::uint32_t>(streams[s].size()));
  }
  for (const Bytes& frame : frames) out.insert(out.end(), frame.begin(), frame.end());
  return out;
}

Bytes tiles_label_payload(const std::vector<Bytes>& streams, std::uint8_t tiles,
                          const std::vector<std::uint32_t>& shares) {
  Bytes out = streams_label_payload(3, streams);
  const auto table_end = out.begin() + 2 + 8 * static_cast<std::ptrdiff_t>(streams.size());
  Bytes table;
  for (const std::uint32_t share : shares) detail::append_u32le(table, share);
  out.insert(table_end, table.begin(), table.end());
  out.insert(out.begin() + 2, tiles);
  return out;
}

Bytes valid_file(std::uint32_t width, std::uint32_t height, std::uint32_t palette_size,
                 const Bytes& raw_indices) {
  return KmqFileBuilder()
      .chunk("HEAD", header_payload(width, height, palette_size))
      .chunk("PALT", palette_payload(palette_size))
      .chunk("LABL", zstd_label_payload(raw_indices))
      .chunk("ENDF", {})
      .bytes();
}

}  // namespace kmq::testing
