// SPDX-License-Identifier: MIT
// Method 4 streams built by hand, valid or not, for tests and vectors (format-spec §5.6): a copy
// stream holding given copies, the pixel stream the encoder writes around given copies, and
// whole files from given strip streams.
#pragma once

#include <algorithm>
#include <cstdint>
#include <kmq/kmq.hpp>
#include <vector>

#include "format/adaptive_copies.hpp"
#include "format/copy_list.hpp"
#include "format/range_coder.hpp"
#include "format/stream_table.hpp"
#include "kmq_file_builder.hpp"

namespace kmq::testing {

/// A copy stream holding exactly these copies, rules kept or not; `count` replaces their
/// number when given.
inline Bytes copy_stream(std::vector<detail::LabelCopy> copies, std::uint32_t count = 0xFFFFFFFFu) {
  detail::RangeEncoder coder;
  detail::CopyListModel model;
  model.code_count(coder, count != 0xFFFFFFFFu ? count : static_cast<std::uint32_t>(copies.size()));
  for (detail::LabelCopy& copy : copies) model.code(coder, copy);
  return coder.finish();
}

/// The pixel stream the encoder writes for `indexed` (one strip, K <= 256) around `copies`.
inline Bytes pixel_stream(const IndexedImage& indexed,
                          const std::vector<detail::LabelCopy>& copies) {
  std::vector<std::uint8_t> labels(indexed.indices.begin(), indexed.indices.end());
  detail::RangeEncoder coder;
  detail::CopyListSource source(copies);
  detail::StripScan<std::uint8_t, detail::RangeEncoder, detail::CopyListSource> scan(
      coder, source, labels.data(), static_cast<std::size_t>(indexed.width),
      static_cast<std::size_t>(indexed.height), static_cast<std::uint32_t>(indexed.palette_size()));
  scan.run();
  return coder.finish();
}

/// A file of `indexed`'s size and palette whose labels are method 4 with these strips' streams.
inline Bytes file_with_strips(const IndexedImage& indexed,
                              const std::vector<detail::StripStreams>& strips) {
  std::size_t size = 1 + detail::strip_table_bytes(strips.size());
  for (const auto& strip : strips) size += strip.copies.size() + strip.pixels.size();
  Bytes labels;
  labels.reserve(size);
  labels.push_back(4);
  detail::append_strip_table(labels, strips);
  for (const auto& strip : strips) {
    labels.insert(labels.end(), strip.copies.begin(), strip.copies.end());
    labels.insert(labels.end(), strip.pixels.begin(), strip.pixels.end());
  }
  Bytes palette(1 + indexed.palette.size(), 0);
  std::copy(indexed.palette.begin(), indexed.palette.end(), palette.begin() + 1);
  return KmqFileBuilder()
      .chunk("HEAD", header_payload(static_cast<std::uint32_t>(indexed.width),
                                    static_cast<std::uint32_t>(indexed.height),
                                    static_cast<std::uint32_t>(indexed.palette_size()),
                                    static_cast<std::uint8_t>(indexed.channels), 1, 4))
      .chunk("PALT", palette)
      .chunk("LABL", labels)
      .chunk("ENDF", {})
      .bytes();
}

}  // namespace kmq::testing
