// SPDX-License-Identifier: MIT
#include "enc/adaptive_copies_encoder.hpp"

#include <span>

#include "format/adaptive_copies.hpp"
#include "format/format_constants.hpp"
#include "format/range_coder.hpp"
#include "format/stream_table.hpp"

namespace kmq::detail {

namespace {

template <class Label>
StripStreams encode_strip(std::span<const std::uint16_t> indices, std::size_t width,
                          std::size_t rows, std::uint32_t palette_size, const CopySearch& search) {
  // The scan reads the labels it codes (it writes only when decoding); the copy search reads
  // them in this width too.
  std::vector<Label> labels(indices.begin(), indices.end());
  const std::vector<LabelCopy> copies =
      find_copies(std::span<const Label>(labels), width, rows, search);
  StripStreams streams;
  {
    RangeEncoder coder;
    CopyListModel model;
    model.code_count(coder, static_cast<std::uint32_t>(copies.size()));
    for (LabelCopy copy : copies) model.code(coder, copy);
    streams.copies = coder.finish();
  }
  RangeEncoder coder;
  CopyListSource source(copies);
  StripScan<Label, RangeEncoder, CopyListSource> scan(coder, source, labels.data(), width, rows,
                                                      palette_size);
  scan.run();
  streams.pixels = coder.finish();
  return streams;
}

}  // namespace

std::vector<std::uint8_t> encode_adaptive_copies(const IndexedImage& indexed, std::size_t strips,
                                                 const CopySearch& search, const Workers& threads) {
  const auto width = static_cast<std::size_t>(indexed.width);
  const auto height = static_cast<std::size_t>(indexed.height);
  const auto palette_size = static_cast<std::uint32_t>(indexed.palette_size());
  const bool narrow = palette_size <= kMaxPartitionPaletteSize;
  std::vector<StripStreams> streams(strips);
  parallel_chunks(
      strips, 1, threads, [&](std::size_t, std::size_t strip, std::size_t, std::size_t) {
        const std::size_t first = strip_start(strip, strips, height);
        const std::size_t rows = strip_start(strip + 1, strips, height) - first;
        const std::span<const std::uint16_t> indices(indexed.indices.data() + first * width,
                                                     rows * width);
        streams[strip] =
            narrow ? encode_strip<std::uint8_t>(indices, width, rows, palette_size, search)
                   : encode_strip<std::uint16_t>(indices, width, rows, palette_size, search);
      });
  std::vector<std::uint8_t> payload;
  std::size_t total = 1 + strip_table_bytes(strips);
  for (const StripStreams& strip : streams) total += strip.copies.size() + strip.pixels.size();
  payload.reserve(total);
  payload.push_back(static_cast<std::uint8_t>(LabelCoding::adaptive_copies));
  append_strip_table(payload, streams);
  for (const StripStreams& strip : streams) {
    payload.insert(payload.end(), strip.copies.begin(), strip.copies.end());
    payload.insert(payload.end(), strip.pixels.begin(), strip.pixels.end());
  }
  return payload;
}

}  // namespace kmq::detail
