// SPDX-License-Identifier: MIT
// kmq::decode, decode_indexed, expand and inspect: container -> labels -> pixels.
#include <algorithm>
#include <cstring>
#include <kmq/kmq.hpp>
#include <string>
#include <thread>

#include "common/parallel.hpp"
#include "dec/container_reader.hpp"
#include "dec/label_decoder.hpp"
#include "format/format_constants.hpp"
#include "format/index_layout.hpp"
#include "format/stream_table.hpp"

namespace kmq {

namespace {

// Writes palette entry index_at(first + p) to pixel p of `out`, for p < count; indices are
// already checked < K. A fixed-size copy per pixel compiles to plain moves; a run-time length
// would not.
template <class IndexAt>
void paint(std::uint8_t* out, std::size_t channels, std::span<const std::uint8_t> palette,
           std::size_t first, std::size_t count, IndexAt index_at) {
  if (channels == 3) {
    for (std::size_t p = 0; p < count; ++p)
      std::memcpy(out + 3 * p, &palette[3 * index_at(first + p)], 3);
  } else {
    for (std::size_t p = 0; p < count; ++p)
      std::memcpy(out + 4 * p, &palette[4 * index_at(first + p)], 4);
  }
}

// paint() from a decoded index map (format/index_layout.hpp), with the index width fixed at
// compile time in each branch.
void paint_indices(std::uint8_t* out, std::size_t channels, std::span<const std::uint8_t> palette,
                   std::span<const std::uint8_t> raw, bool wide, std::size_t first,
                   std::size_t count) {
  if (wide) {
    paint(out, channels, palette, first, count,
          [&](std::size_t i) { return std::size_t{detail::load_index(raw.data(), i, 2)}; });
  } else {
    paint(out, channels, palette, first, count,
          [&](std::size_t i) { return std::size_t{detail::load_index(raw.data(), i, 1)}; });
  }
}

// decode_rows() bands: about a mebibyte of pixels, so that two of them stay in cache and small
// next to the index map.
constexpr std::size_t kBandBytes = std::size_t{1} << 20;

}  // namespace

void decode_rows(std::span<const std::uint8_t> file,
                 const std::function<void(const RowBand&)>& sink, const DecodeOptions& options) {
  const detail::ParsedContainer container = detail::read_container(file, options);
  const int threads = detail::resolve_threads(options.threads);
  const std::vector<std::uint8_t> raw = detail::decode_label_bytes(container, threads);
  const bool wide = detail::index_width(container.palette_size) == 2;
  const std::size_t width = container.width, height = container.height;
  const std::size_t channels = container.channels;
  const std::size_t band_rows = std::clamp<std::size_t>(kBandBytes / (width * channels), 1, height);
  std::vector<std::uint8_t> current(band_rows * width * channels), next(current.size());
  auto paint_band = [&](std::vector<std::uint8_t>& out, std::size_t first_row) {
    const std::size_t rows = std::min(band_rows, height - first_row);
    paint_indices(out.data(), channels, container.palette, raw, wide, first_row * width,
                  rows * width);
  };
  paint_band(current, 0);
  for (std::size_t first_row = 0; first_row < height; first_row += band_rows) {
    const std::size_t rows = std::min(band_rows, height - first_row);
    const std::size_t following = first_row + band_rows;
    {
      // The next band is painted while the sink handles this one (the sink is usually a write).
      std::jthread painter;
      if (following < height && threads > 1)
        painter = std::jthread([&] { paint_band(next, following); });
      RowBand band;
      band.width = static_cast<int>(width);
      band.height = static_cast<int>(height);
      band.channels = static_cast<int>(channels);
      band.first_row = static_cast<int>(first_row);
      band.rows = static_cast<int>(rows);
      band.pixels = std::span<const std::uint8_t>(current.data(), rows * width * channels);
      sink(band);
      if (following < height && threads <= 1) paint_band(next, following);
    }  // the painter joins here
    current.swap(next);
  }
}

const char* label_coding_name(int method) { return detail::label_coding_name(method); }

FileInfo inspect(std::span<const std::uint8_t> file, const DecodeOptions& options) {
  const detail::ParsedContainer container = detail::read_container(file, options);
  FileInfo info;
  info.version = detail::kFormatVersion;
  info.width = static_cast<int>(container.width);
  info.height = static_cast<int>(container.height);
  info.channels = static_cast<int>(container.channels);
  info.palette_size = static_cast<int>(container.palette_size);
  info.label_coding = container.label_coding;
  if (container.label_coding == static_cast<std::uint8_t>(detail::LabelCoding::partition_tiles)) {
    // The tile table is checked as the decoder checks it; no frame is decompressed.
    info.label_tiles = static_cast<int>(
        detail::parse_stream_table(container.label_data, detail::LabelCoding::partition_tiles,
                                   detail::partition_layout(container.pixel_count()),
                                   container.width, container.height)
            .table.tiles);
  }
  info.file_size = file.size();
  info.label_bytes = container.label_data.size() + 1;
  info.chunks = container.chunks;
  info.metadata = container.metadata;
  return info;
}

Image decode(std::span<const std::uint8_t> file, const DecodeOptions& options) {
  const detail::ParsedContainer container = detail::read_container(file, options);
  const std::vector<std::uint8_t> raw =
      detail::decode_label_bytes(container, detail::resolve_threads(options.threads));
  Image image(static_cast<int>(container.width), static_cast<int>(container.height),
              static_cast<int>(container.channels));
  paint_indices(image.data().data(), static_cast<std::size_t>(image.channels()), container.palette,
                raw, detail::index_width(container.palette_size) == 2, 0, image.pixel_count());
  image.metadata() = container.metadata;
  return image;
}

IndexedImage decode_indexed(std::span<const std::uint8_t> file, const DecodeOptions& options) {
  const detail::ParsedContainer container = detail::read_container(file, options);
  const std::vector<std::uint8_t> raw =
      detail::decode_label_bytes(container, detail::resolve_threads(options.threads));
  IndexedImage indexed;
  indexed.width = static_cast<int>(container.width);
  indexed.height = static_cast<int>(container.height);
  indexed.channels = static_cast<int>(container.channels);
  indexed.palette.assign(container.palette.begin(), container.palette.end());
  indexed.metadata = container.metadata;
  const std::size_t count = static_cast<std::size_t>(container.pixel_count());
  indexed.indices.resize(count);
  if (detail::index_width(container.palette_size) == 1) {
    std::copy(raw.begin(), raw.end(), indexed.indices.begin());
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      indexed.indices[i] = static_cast<std::uint16_t>(detail::load_index(raw.data(), i, 2));
    }
  }
  return indexed;
}

Image expand(const IndexedImage& indexed) {
  validate(indexed);
  Image image(indexed.width, indexed.height, indexed.channels);
  paint(image.data().data(), static_cast<std::size_t>(image.channels()), indexed.palette, 0,
        image.pixel_count(), [&](std::size_t i) { return std::size_t{indexed.indices[i]}; });
  image.metadata() = indexed.metadata;
  return image;
}

}  // namespace kmq
