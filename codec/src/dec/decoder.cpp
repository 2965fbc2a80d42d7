// SPDX-License-Identifier: MIT
// kmq::decode, decode_indexed, expand and inspect: container -> labels -> pixels.
#include <algorithm>
#include <cstring>
#include <kmq/kmq.hpp>
#include <string>

#include "common/format_constants.hpp"
#include "dec/container_reader.hpp"
#include "dec/label_decoder.hpp"

namespace kmq {

namespace {

// Writes palette entry index[i] for every pixel; indices are already checked < K.
template <class IndexAt>
void paint(Image& image, std::span<const std::uint8_t> palette, std::size_t count,
           IndexAt index_at) {
  const std::size_t channels = static_cast<std::size_t>(image.channels());
  std::uint8_t* out = image.data().data();
  if (channels == 3) {
    for (std::size_t i = 0; i < count; ++i, out += 3) {
      const std::uint8_t* entry = &palette[index_at(i) * 3];
      out[0] = entry[0];
      out[1] = entry[1];
      out[2] = entry[2];
    }
  } else {
    for (std::size_t i = 0; i < count; ++i, out += 4) {
      std::memcpy(out, &palette[index_at(i) * 4], 4);
    }
  }
}

}  // namespace

const char* label_coding_name(int method) {
  switch (method) {
    case static_cast<int>(detail::LabelCoding::zstd_raw):
      return "zstd-raw";
    case static_cast<int>(detail::LabelCoding::neighbour_contexts):
      return "neighbour-contexts";
    case static_cast<int>(detail::LabelCoding::neighbour_partitions):
      return "neighbour-partitions";
    default:
      return "unknown";
  }
}

FileInfo inspect(std::span<const std::uint8_t> file, const DecodeOptions& options) {
  const detail::ParsedContainer container = detail::read_container(file, options);
  FileInfo info;
  info.version = detail::kFormatVersion;
  info.width = static_cast<int>(container.width);
  info.height = static_cast<int>(container.height);
  info.channels = static_cast<int>(container.channels);
  info.palette_size = static_cast<int>(container.palette_size);
  info.label_coding = container.label_coding;
  info.file_size = file.size();
  info.label_bytes = container.label_data.size() + 1;
  info.chunks = container.chunks;
  return info;
}

Image decode(std::span<const std::uint8_t> file, const DecodeOptions& options) {
  const detail::ParsedContainer container = detail::read_container(file, options);
  const std::vector<std::uint8_t> raw = detail::decode_label_bytes(container);
  Image image(static_cast<int>(container.width), static_cast<int>(container.height),
              static_cast<int>(container.channels));
  const std::size_t count = image.pixel_count();
  if (detail::index_width(container.palette_size) == 1) {
    paint(image, container.palette, count, [&](std::size_t i) { return std::size_t{raw[i]}; });
  } else {
    paint(image, container.palette, count, [&](std::size_t i) {
      return std::size_t{raw[2 * i]} | std::size_t{raw[2 * i + 1]} << 8;
    });
  }
  return image;
}

IndexedImage decode_indexed(std::span<const std::uint8_t> file, const DecodeOptions& options) {
  const detail::ParsedContainer container = detail::read_container(file, options);
  const std::vector<std::uint8_t> raw = detail::decode_label_bytes(container);
  IndexedImage indexed;
  indexed.width = static_cast<int>(container.width);
  indexed.height = static_cast<int>(container.height);
  indexed.channels = static_cast<int>(container.channels);
  indexed.palette.assign(container.palette.begin(), container.palette.end());
  const std::size_t count = static_cast<std::size_t>(container.pixel_count());
  indexed.indices.resize(count);
  if (detail::index_width(container.palette_size) == 1) {
    std::copy(raw.begin(), raw.end(), indexed.indices.begin());
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      indexed.indices[i] = static_cast<std::uint16_t>(raw[2 * i] | raw[2 * i + 1] << 8);
    }
  }
  return indexed;
}

Image expand(const IndexedImage& indexed) {
  Image image(indexed.width, indexed.height, indexed.channels);
  const std::size_t k = static_cast<std::size_t>(indexed.palette_size());
  if (indexed.indices.size() != image.pixel_count() ||
      indexed.palette.size() != k * static_cast<std::size_t>(indexed.channels) || k == 0) {
    throw Error(ErrorCategory::bad_input, "indexed image has inconsistent sizes");
  }
  const auto largest = std::max_element(indexed.indices.begin(), indexed.indices.end());
  if (*largest >= k) {
    throw Error(ErrorCategory::bad_input,
                "index " + std::to_string(*largest) + " is not below K = " + std::to_string(k));
  }
  paint(image, indexed.palette, image.pixel_count(),
        [&](std::size_t i) { return std::size_t{indexed.indices[i]}; });
  return image;
}

}  // namespace kmq
