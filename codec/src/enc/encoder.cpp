// SPDX-License-Identifier: MIT
// kmq::encode and kmq::encode_indexed: palette image -> HEAD, PALT, LABL, ENDF chunks.
#include <kmq/kmq.hpp>
#include <string>

#include "common/byte_io.hpp"
#include "common/format_constants.hpp"
#include "common/parallel.hpp"
#include "enc/container_writer.hpp"
#include "enc/label_encoder.hpp"

namespace kmq {

namespace {

void check_indexed(const IndexedImage& indexed) {
  auto fail = [](const std::string& message) { throw Error(ErrorCategory::bad_input, message); };
  if (indexed.channels != 3 && indexed.channels != 4)
    fail("indexed image must have 3 or 4 channels");
  if (indexed.width < 1 || indexed.height < 1 ||
      static_cast<std::uint64_t>(indexed.width) > kMaxDimension ||
      static_cast<std::uint64_t>(indexed.height) > kMaxDimension) {
    fail("indexed image size is out of range");
  }
  const std::uint64_t pixels =
      static_cast<std::uint64_t>(indexed.width) * static_cast<std::uint64_t>(indexed.height);
  if (pixels > kMaxPixelCount) fail("indexed image exceeds 2^30 pixels");
  if (indexed.indices.size() != pixels) fail("index map size does not match width x height");
  const std::size_t channels = static_cast<std::size_t>(indexed.channels);
  if (indexed.palette.empty() || indexed.palette.size() % channels != 0 ||
      indexed.palette.size() / channels > kMaxColors) {
    fail("palette must hold 1..65536 entries of `channels` samples");
  }
  const std::size_t k = indexed.palette.size() / channels;
  for (const std::uint16_t index : indexed.indices) {
    if (index >= k)
      fail("index " + std::to_string(index) + " is not below K = " + std::to_string(k));
  }
}

}  // namespace

std::vector<std::uint8_t> encode_indexed(const IndexedImage& indexed,
                                         const EncodeOptions& options) {
  validate(options);
  check_indexed(indexed);
  const auto palette_size = static_cast<std::uint32_t>(indexed.palette_size());
  const auto method = detail::LabelCoding::zstd_raw;

  std::vector<std::uint8_t> header;
  header.push_back(detail::kFormatVersion);
  header.push_back(static_cast<std::uint8_t>(indexed.channels));
  header.push_back(static_cast<std::uint8_t>(method));
  header.push_back(0);  // flags, reserved
  detail::append_u32le(header, static_cast<std::uint32_t>(indexed.width));
  detail::append_u32le(header, static_cast<std::uint32_t>(indexed.height));
  detail::append_u32le(header, palette_size);

  std::vector<std::uint8_t> palette;
  palette.reserve(1 + indexed.palette.size());
  palette.push_back(detail::kPaletteCodingRaw);
  palette.insert(palette.end(), indexed.palette.begin(), indexed.palette.end());

  detail::LabelEncoderSettings settings;
  settings.level = options.level;
  settings.threads = detail::resolve_threads(options.threads);
  const std::vector<std::uint8_t> labels =
      detail::encode_labels(indexed.indices, palette_size, method, settings);

  detail::ContainerWriter writer;
  writer.add_chunk(detail::kTypeHeader, header);
  writer.add_chunk(detail::kTypePalette, palette);
  writer.add_chunk(detail::kTypeLabels, labels);
  writer.add_chunk(detail::kTypeEnd, {});
  return std::move(writer).finish();
}

std::vector<std::uint8_t> encode(const Image& image, const EncodeOptions& options,
                                 QuantizeStats* stats) {
  return encode_indexed(quantize(image, options, stats), options);
}

}  // namespace kmq
