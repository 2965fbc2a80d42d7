// SPDX-License-Identifier: MIT
#include "dec/adaptive_copies_decoder.hpp"

#include <cstring>
#include <kmq/kmq.hpp>

#include "format/adaptive_copies.hpp"
#include "format/copy_list.hpp"
#include "format/index_layout.hpp"
#include "format/range_coder.hpp"
#include "format/stream_table.hpp"

namespace kmq::detail {

namespace {

template <class Label>
void decode_strips(const std::vector<StripSpans>& strips, const ParsedContainer& container,
                   Label* labels, const Workers& threads) {
  const std::size_t width = container.width, height = container.height;
  parallel_chunks(
      strips.size(), 1, threads, [&](std::size_t, std::size_t strip, std::size_t, std::size_t) {
        const std::size_t first = strip_start(strip, strips.size(), height);
        const std::size_t rows = strip_start(strip + 1, strips.size(), height) - first;
        CopyStreamSource copies(strips[strip].copies, width, rows);
        RangeDecoder pixels(strips[strip].pixels);
        StripScan<Label, RangeDecoder, CopyStreamSource> scan(
            pixels, copies, labels + first * width, width, rows, container.palette_size);
        scan.run();
        pixels.finish();
        copies.finish();
      });
}

}  // namespace

std::vector<std::uint8_t> decode_adaptive_copies(const ParsedContainer& container,
                                                 const Workers& threads) {
  const std::vector<StripSpans> strips = parse_strip_table(container.label_data, container.height);
  const std::uint64_t pixels = container.pixel_count();
  const std::uint32_t palette_size = container.palette_size;
  if (palette_size <= kMaxPartitionPaletteSize) {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(pixels));
    decode_strips(strips, container, out.data(), threads);
    return out;
  }
  std::vector<std::uint16_t> labels(static_cast<std::size_t>(pixels));
  decode_strips(strips, container, labels.data(), threads);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(pixels) * 2);
  for (std::size_t i = 0; i < labels.size(); ++i) store_index(out.data(), i, 2, labels[i]);
  return out;
}

}  // namespace kmq::detail
