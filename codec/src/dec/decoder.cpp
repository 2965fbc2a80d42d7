// SPDX-License-Identifier: MIT
// kmq::decode, decode_indexed, expand and inspect: container -> labels -> pixels.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <kmq/kmq.hpp>
#include <string>
#include <thread>

#include "common/parallel.hpp"
#include "dec/container_reader.hpp"
#include "dec/label_decoder.hpp"
#include "dec/palette_expansion.hpp"
#include "format/format_constants.hpp"
#include "format/index_layout.hpp"
#include "format/stream_table.hpp"

namespace kmq {

namespace {

// decode_rows() bands: about a mebibyte of pixels, so that two of them stay in cache and small
// next to the index map.
constexpr std::size_t kBandBytes = std::size_t{1} << 20;

// Runs `sink` and `paint` at once on two of the runner's tasks, the sink on the calling thread
// whenever the runner runs a task there (a runner that never does gets it on another thread).
void sink_while_painting(const detail::Workers& workers, const std::function<void()>& sink,
                         const std::function<void()>& paint) {
  if (workers.limit() < 2) {
    sink();
    paint();
    return;
  }
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<bool> sink_taken{false}, paint_taken{false};
  std::exception_ptr sink_failure;
  workers.runner()->run(2, [&](std::size_t) {
    const bool on_caller = std::this_thread::get_id() == caller;
    const bool sinks = on_caller ? !sink_taken.exchange(true) : paint_taken.exchange(true);
    if (!sinks) {
      if (on_caller) paint_taken.store(true);
      paint();
      return;
    }
    sink_taken.store(true);
    try {
      sink();
    } catch (...) {
      sink_failure = std::current_exception();  // runner tasks never throw
    }
  });
  if (sink_failure) std::rethrow_exception(sink_failure);
}

}  // namespace

void decode_rows(std::span<const std::uint8_t> file,
                 const std::function<void(const RowBand&)>& sink, const DecodeOptions& options) {
  const detail::ParsedContainer container = detail::read_container(file, options);
  const detail::WorkerScope scope(options.runner, options.threads);
  const std::vector<std::uint8_t> raw = detail::decode_label_bytes(container, scope.workers());
  const std::size_t index_bytes = detail::index_width(container.palette_size);
  const std::size_t width = container.width, height = container.height;
  const std::size_t channels = container.channels;
  const std::size_t band_rows = std::clamp<std::size_t>(kBandBytes / (width * channels), 1, height);
  std::vector<std::uint8_t> current(band_rows * width * channels), next(current.size());
  auto paint_band = [&](std::vector<std::uint8_t>& out, std::size_t first_row) {
    const std::size_t rows = std::min(band_rows, height - first_row);
    detail::paint_indices(out.data(), channels, container.palette, raw, index_bytes,
                          first_row * width, rows * width);
  };
  paint_band(current, 0);
  for (std::size_t first_row = 0; first_row < height; first_row += band_rows) {
    const std::size_t rows = std::min(band_rows, height - first_row);
    const std::size_t following = first_row + band_rows;
    RowBand band;
    band.width = static_cast<int>(width);
    band.height = static_cast<int>(height);
    band.channels = static_cast<int>(channels);
    band.first_row = static_cast<int>(first_row);
    band.rows = static_cast<int>(rows);
    band.pixels = std::span<const std::uint8_t>(current.data(), rows * width * channels);
    // The next band is painted while the sink handles this one (the sink is usually a write).
    sink_while_painting(
        following < height ? scope.workers() : scope.workers().capped(1), [&] { sink(band); },
        [&] {
          if (following < height) paint_band(next, following);
        });
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
  if (container.label_coding == static_cast<std::uint8_t>(detail::LabelCoding::adaptive_copies)) {
    info.label_strips =
        static_cast<int>(detail::parse_strip_table(container.label_data, container.height).size());
  }
  info.file_size = file.size();
  info.label_bytes = container.label_data.size() + 1;
  info.chunks = container.chunks;
  info.metadata = container.metadata;
  return info;
}

Image decode(std::span<const std::uint8_t> file, const DecodeOptions& options) {
  const detail::ParsedContainer container = detail::read_container(file, options);
  const std::vector<std::uint8_t> raw = detail::decode_label_bytes(
      container, detail::WorkerScope(options.runner, options.threads).workers());
  Image image(static_cast<int>(container.width), static_cast<int>(container.height),
              static_cast<int>(container.channels));
  detail::paint_indices(image.data().data(), static_cast<std::size_t>(image.channels()),
                        container.palette, raw, detail::index_width(container.palette_size), 0,
                        image.pixel_count());
  image.metadata() = container.metadata;
  return image;
}

IndexedImage decode_indexed(std::span<const std::uint8_t> file, const DecodeOptions& options) {
  const detail::ParsedContainer container = detail::read_container(file, options);
  const std::vector<std::uint8_t> raw = detail::decode_label_bytes(
      container, detail::WorkerScope(options.runner, options.threads).workers());
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
  detail::paint(image.data().data(), static_cast<std::size_t>(image.channels()), indexed.palette, 0,
                image.pixel_count(),
                [&](std::size_t i) { return std::size_t{indexed.indices[i]}; });
  image.metadata() = indexed.metadata;
  return image;
}

}  // namespace kmq
