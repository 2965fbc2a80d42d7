// SPDX-License-Identifier: MIT
// Format detection and the read_image dispatcher.
#include <algorithm>
#include <cctype>
#include <kmq/io.hpp>
#include <string>
#include <unordered_set>

#include "io_formats.hpp"

namespace kmq::io {

FileFormat format_from_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".png") return FileFormat::png;
  if (extension == ".jpg" || extension == ".jpeg") return FileFormat::jpeg;
  if (extension == ".ppm" || extension == ".pnm" || extension == ".pgm") return FileFormat::ppm;
  if (extension == ".pam") return FileFormat::pam;
  if (extension == ".kmq") return FileFormat::kmq;
  return FileFormat::unknown;
}

FileFormat sniff_format(std::span<const std::uint8_t> bytes) {
  auto starts_with = [&](std::initializer_list<std::uint8_t> magic) {
    return bytes.size() >= magic.size() && std::equal(magic.begin(), magic.end(), bytes.begin());
  };
  if (starts_with({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) return FileFormat::png;
  if (starts_with({0xFF, 0xD8})) return FileFormat::jpeg;  // SOI
  if (starts_with({0x8B, 'K', 'M', 'Q'})) return FileFormat::kmq;
  if (starts_with({'P', '7'})) return FileFormat::pam;
  if (starts_with({'P', '5'}) || starts_with({'P', '6'})) return FileFormat::ppm;
  return FileFormat::unknown;
}

Image read_image(std::span<const std::uint8_t> bytes, const ReadOptions& options) {
  auto reported_whole = [&](Image image) {
    if (options.on_rows) options.on_rows(image, 0, image.height());
    return image;
  };
  switch (sniff_format(bytes)) {
    case FileFormat::png:
      return read_png(bytes, options);
    case FileFormat::jpeg:
      return read_jpeg(bytes, options);
    case FileFormat::ppm:
    case FileFormat::pam:
      return reported_whole(read_pnm(bytes, options));
    case FileFormat::kmq:
      return reported_whole(decode(bytes, DecodeOptions{.max_pixels = options.max_pixels}));
    case FileFormat::unknown:
      break;
  }
  throw Error(ErrorCategory::unsupported,
              "unrecognised image format (kmq reads PNG, JPEG, PPM/PGM/PAM and .kmq)");
}

Palette read_palette(std::span<const std::uint8_t> bytes, std::uint64_t max_pixels) {
  Palette palette;
  if (sniff_format(bytes) == FileFormat::kmq) {
    IndexedImage indexed = decode_indexed(bytes, {.max_pixels = max_pixels});
    palette.entries = std::move(indexed.palette);
    palette.channels = indexed.channels;
    return palette;
  }
  const Image image = read_image(bytes, {.max_pixels = max_pixels});
  palette.channels = image.channels();
  const auto channels = static_cast<std::size_t>(image.channels());
  std::unordered_set<std::uint32_t> seen;
  for (std::size_t i = 0; i < image.pixel_count(); ++i) {
    const std::uint8_t* p = image.data().data() + i * channels;
    std::uint32_t key = 0;
    for (std::size_t c = 0; c < channels; ++c) key |= static_cast<std::uint32_t>(p[c]) << (8 * c);
    if (!seen.insert(key).second) continue;
    if (seen.size() > kMaxColors) {
      throw Error(ErrorCategory::bad_input,
                  "the image has more than 65536 colours, too many for a palette");
    }
    palette.entries.insert(palette.entries.end(), p, p + channels);
  }
  return palette;
}

}  // namespace kmq::io
