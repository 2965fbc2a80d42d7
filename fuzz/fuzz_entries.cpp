// SPDX-License-Identifier: MIT
// Bodies of the fuzz entry points.
#include "fuzz_entries.hpp"

#include <algorithm>
#include <cstdlib>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>

#include "enc/container_writer.hpp"
#include "format/format_constants.hpp"
#include "format/header.hpp"
#include "io_formats.hpp"

namespace kmq::fuzz {

namespace {

// Small limits keep every run fast and its memory bounded, as a hardened caller would set.
constexpr std::uint64_t kFuzzPixels = 1u << 22;
constexpr std::uint64_t kFuzzMetadataBytes = 1u << 20;

void check(bool condition) {
  if (!condition) std::abort();
}

// Whatever metadata a reader or decoder accepts is valid for the encoder, and a file written
// with it gives it back unchanged.
void check_metadata_round_trip(const Metadata& metadata) {
  // Megabytes of text take zstd's slowest level a while: checked on the small, fast cases.
  std::size_t bytes = metadata.icc_profile.size() + metadata.exif.size() + metadata.xmp.size();
  for (const TextEntry& entry : metadata.text) bytes += entry.text.size();
  if (bytes > kFuzzMetadataBytes) return;
  try {
    validate(metadata);
    IndexedImage carrier;
    carrier.width = carrier.height = 1;
    carrier.channels = 3;
    carrier.palette = {0, 0, 0};
    carrier.indices = {0};
    carrier.metadata = metadata;
    EncodeOptions options;
    options.level = 1;
    check(decode(encode_indexed(carrier, options)).metadata() == metadata);
  } catch (const Error&) {
    std::abort();
  }
}

// Rows reported as decoded (ReadOptions::on_rows) must come in order, inside the image, and
// cover it by the time a read succeeds (the PNM reader alone leaves reporting to read_image).
template <class Read>
void read_with(Read read, Input data) {
  int rows_reported = 0;
  io::ReadOptions options{.max_pixels = kFuzzPixels};
  options.on_rows = [&](const Image& image, int first, int end) {
    check(first == rows_reported && first <= end && end <= image.height());
    rows_reported = end;
  };
  try {
    const Image image = read(data, options);
    check(image.width() >= 1 && image.height() >= 1);
    check(image.data().size() == image.pixel_count() * static_cast<std::size_t>(image.channels()));
    check(rows_reported == image.height() || rows_reported == 0);
    check_metadata_round_trip(image.metadata());
  } catch (const Error&) {
  }
}

}  // namespace

void decode_entry(Input data) {
  DecodeOptions options;
  options.max_pixels = kFuzzPixels;
  options.max_metadata_bytes = kFuzzMetadataBytes;
  options.threads = 1;
  try {
    const IndexedImage indexed = decode_indexed(data, options);
    options.threads = 2;  // tiles and streams on two threads: the same pixels
    const Image image = decode(data, options);
    check(expand(indexed) == image);  // every path agrees on a file it accepts
    check(inspect(data, options).metadata == image.metadata());
    check_metadata_round_trip(image.metadata());
    for (const auto index : indexed.indices) check(index < indexed.palette_size());
    std::size_t rows_seen = 0;
    decode_rows(
        data,
        [&](const RowBand& band) {
          const std::size_t row_bytes =
              image.data().size() / image.pixel_count() * static_cast<std::size_t>(image.width());
          check(static_cast<std::size_t>(band.first_row) == rows_seen);
          check(std::equal(
              band.pixels.begin(), band.pixels.end(),
              image.data().begin() + static_cast<std::ptrdiff_t>(rows_seen * row_bytes)));
          rows_seen += static_cast<std::size_t>(band.rows);
        },
        options);
    check(rows_seen == static_cast<std::size_t>(image.height()));
  } catch (const Error&) {
  }
}

void inspect_entry(Input data) {
  try {
    const FileInfo info = inspect(
        data, DecodeOptions{.max_pixels = kFuzzPixels, .max_metadata_bytes = kFuzzMetadataBytes});
    std::size_t end = 8;
    for (const ChunkInfo& chunk : info.chunks) {
      check(chunk.offset == end);  // chunks tile the file in order
      end = chunk.offset + 12 + chunk.length;
    }
    check(end == data.size());
  } catch (const Error&) {
  }
}

void png_entry(Input data) { read_with(io::read_png, data); }
void jpeg_entry(Input data) { read_with(io::read_jpeg, data); }
void pnm_entry(Input data) { read_with(io::read_pnm, data); }

void roundtrip_entry(Input data) {
  // 8 option bytes, then pixel samples (repeated to fill the image).
  if (data.size() < 9) return;
  const int width = 1 + data[0] % 48;
  const int height = 1 + data[1] % 48;
  const int channels = (data[2] & 1) ? 4 : 3;
  EncodeOptions options;
  options.colors = 1 + ((data[3] | data[4] << 8) % 300);
  options.method = static_cast<Method>(data[5] % 3);
  options.space = (data[5] & 4) ? ColorSpace::oklab : ColorSpace::rgb;
  options.dither = (data[5] & 8) ? (1 + data[6] % 4) / 4.0 : 0;
  options.seed = data[7];
  options.threads = 1 + (data[2] >> 1) % 3;
  options.level = 1;
  options.max_iterations = 20;
  // Every label coding; methods 2 and 3 only where they apply (K <= 256).
  const LabelCodingChoice codings[] = {LabelCodingChoice::automatic, LabelCodingChoice::raw,
                                       LabelCodingChoice::contexts,  LabelCodingChoice::partitions,
                                       LabelCodingChoice::tiles,     LabelCodingChoice::copies};
  options.label_coding = codings[(data[6] >> 2) % 6];
  if ((options.label_coding == LabelCodingChoice::partitions ||
       options.label_coding == LabelCodingChoice::tiles) &&
      options.colors > 256)
    options.label_coding = LabelCodingChoice::contexts;
  options.tiles = data[0] >> 6 << 1;  // 0 (by size), 2, 4 or 6 tiles or strips
  options.effort = 1 + (data[6] >> 4) % kMaxEffort;
  if (data[2] & 0x80) options.sample_pixels = 1 + data[4] % 128 * 16;  // often fewer than pixels
  const Input samples = data.subspan(8);
  Image image(width, height, channels);
  for (std::size_t i = 0; i < image.data().size(); ++i)
    image.data()[i] = samples[i % samples.size()];

  QuantizeStats stats;
  const IndexedImage indexed = quantize(image, options, &stats);
  check(indexed.palette_size() >= 1 && indexed.palette_size() <= options.colors);
  for (const auto index : indexed.indices) check(index < indexed.palette_size());
  const std::vector<std::uint8_t> file = encode_indexed(indexed, options);
  check(decode_indexed(file) == indexed);
  const Image decoded = decode(file);
  check(decoded == expand(indexed));
  if (channels == 4 && options.colors >= 2) {
    // Fully transparent pixels stay fully transparent.
    for (std::size_t i = 0; i < image.pixel_count(); ++i) {
      if (image.data()[i * 4 + 3] == 0) check(decoded.data()[i * 4 + 3] == 0);
    }
  }
}

void copies_entry(Input data) {
  // 5 bytes of geometry, then each stream as a u16 length (cut to the bytes left) and its
  // bytes: a method 4 file that every parser above the label data accepts, so that each run
  // spends its time in the range coder, the copy checks, runs and literals. The seeds are real
  // encoder output in this layout.
  if (data.size() < 5) return;
  const auto width = static_cast<std::uint32_t>(1 + data[0] % 64);
  const auto height = static_cast<std::uint32_t>(1 + data[1] % 64);
  const auto palette_size = static_cast<std::uint32_t>(1 + (data[2] | data[3] << 8) % 700);
  const std::uint8_t channels = (data[4] & 1) != 0 ? 4 : 3;
  const std::size_t strips =
      1 + static_cast<std::size_t>(data[4] >> 1) % std::min<std::uint32_t>(height, 4);
  std::size_t at = 5;
  std::vector<std::vector<std::uint8_t>> streams(2 * strips);
  for (auto& stream : streams) {
    std::size_t length = 0;
    if (at + 2 <= data.size()) length = data[at] | std::size_t{data[at + 1]} << 8;
    at = std::min(at + 2, data.size());
    length = std::min(length, data.size() - at);
    stream.assign(data.begin() + static_cast<std::ptrdiff_t>(at),
                  data.begin() + static_cast<std::ptrdiff_t>(at + length));
    at += length;
  }
  std::vector<std::uint8_t> labels = {4, static_cast<std::uint8_t>(strips)};
  for (const auto& stream : streams) {
    for (int b = 0; b < 4; ++b)
      labels.push_back(static_cast<std::uint8_t>(stream.size() >> (8 * b)));
  }
  for (const auto& stream : streams) labels.insert(labels.end(), stream.begin(), stream.end());
  detail::ImageHeader header;
  header.channels = channels;
  header.label_coding = 4;
  header.width = width;
  header.height = height;
  header.palette_size = palette_size;
  std::vector<std::uint8_t> palette(1 + std::size_t{palette_size} * channels, 0x40);
  palette[0] = detail::kPaletteCodingRaw;
  detail::ContainerWriter writer;
  const auto head = detail::header_payload(header);
  writer.add_chunk(detail::kTypeHeader, {head.begin(), head.end()});
  writer.add_chunk(detail::kTypePalette, std::move(palette));
  writer.add_chunk(detail::kTypeLabels, std::move(labels));
  writer.add_chunk(detail::kTypeEnd, {});
  const std::vector<std::uint8_t> file = writer.bytes();
  try {
    const IndexedImage one = decode_indexed(file, DecodeOptions{.threads = 1});
    check(one.width == static_cast<int>(width) && one.height == static_cast<int>(height));
    for (const auto index : one.indices) check(index < one.palette_size());
    check(decode_indexed(file, DecodeOptions{.threads = 2}) == one);
  } catch (const Error& error) {
    check(error.category() == ErrorCategory::corrupt_file);
  }
}

}  // namespace kmq::fuzz
