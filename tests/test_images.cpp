// SPDX-License-Identifier: MIT
// Synthetic test images.
#include "test_images.hpp"

#include <algorithm>
#include <random>

namespace kmq::testing {

detail::Workers workers(int threads) {
  // One pool for the whole test program (the library makes one per call): a test asking for
  // N threads gets N of it.
  static ThreadPool pool(8);
  return detail::Workers(&pool, threads);
}

Image gradient_image(int width, int height) {
  Image image(width, height, 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      std::uint8_t* p = image.pixel(x, y);
      p[0] = static_cast<std::uint8_t>(255 * x / std::max(1, width - 1));
      p[1] = static_cast<std::uint8_t>(255 * y / std::max(1, height - 1));
      p[2] = static_cast<std::uint8_t>((x * 7 + y * 13) & 255);
    }
  }
  return image;
}

Image clustered_image(int width, int height, const std::vector<int>& centres, int spread,
                      std::uint64_t seed) {
  Image image(width, height, 3);
  std::mt19937_64 rng(seed);
  const std::size_t count = centres.size() / 3;
  for (std::size_t i = 0; i < image.pixel_count(); ++i) {
    const std::size_t c = rng() % count;
    for (std::size_t ch = 0; ch < 3; ++ch) {
      const int noise =
          static_cast<int>(rng() % static_cast<std::uint64_t>(2 * spread + 1)) - spread;
      image.data()[i * 3 + ch] =
          static_cast<std::uint8_t>(std::clamp(centres[c * 3 + ch] + noise, 0, 255));
    }
  }
  return image;
}

Image image_with_colors(int width, int height, int colors) {
  Image image(width, height, 3);
  for (std::size_t i = 0; i < image.pixel_count(); ++i) {
    const std::uint32_t c =
        static_cast<std::uint32_t>((i * 2654435761u) % static_cast<std::uint32_t>(colors));
    const std::uint32_t spread = c * 40503u % (1u << 24);  // distinct for distinct c < 2^16
    const std::uint32_t value = colors <= 65536 ? spread : c;
    image.data()[i * 3] = static_cast<std::uint8_t>(value);
    image.data()[i * 3 + 1] = static_cast<std::uint8_t>(value >> 8);
    image.data()[i * 3 + 2] = static_cast<std::uint8_t>(value >> 16);
  }
  return image;
}

Image half_transparent_image(int width, int height) {
  Image image(width, height, 4);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      std::uint8_t* p = image.pixel(x, y);
      p[0] = static_cast<std::uint8_t>(x * 5);
      p[1] = static_cast<std::uint8_t>(y * 3);
      p[2] = static_cast<std::uint8_t>(x + y);
      p[3] = x < width / 2 ? 0 : 255;
    }
  }
  return image;
}

IndexedImage glyph_page(int width, int height, int colors, std::uint32_t seed) {
  IndexedImage page;
  page.width = width;
  page.height = height;
  page.channels = 3;
  std::mt19937 random(seed);
  for (int i = 0; i < colors * 3; ++i) page.palette.push_back(static_cast<std::uint8_t>(random()));
  page.indices.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0);
  constexpr int kGlyphWidth = 6, kGlyphHeight = 9;
  std::vector<std::vector<std::uint16_t>> glyphs(
      12, std::vector<std::uint16_t>(kGlyphWidth * kGlyphHeight));
  for (auto& glyph : glyphs) {
    for (auto& label : glyph) {
      label = random() % 3 == 0
                  ? static_cast<std::uint16_t>(1 + random() % static_cast<unsigned>(colors - 1))
                  : 0;
    }
  }
  for (int line = 2; line + kGlyphHeight < height; line += 12) {
    for (int x = 1; x + kGlyphWidth < width; x += kGlyphWidth + 1) {
      if (random() % 6 == 0) continue;  // a space
      const auto& glyph = glyphs[random() % glyphs.size()];
      for (int j = 0; j < kGlyphHeight; ++j) {
        for (int i = 0; i < kGlyphWidth; ++i) {
          page.indices[static_cast<std::size_t>((line + j) * width + x + i)] =
              glyph[static_cast<std::size_t>(j * kGlyphWidth + i)];
        }
      }
    }
  }
  return page;
}

std::vector<std::uint8_t> random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> bytes(size);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
  return bytes;
}

}  // namespace kmq::testing

namespace kmq {

void PrintTo(const Metadata& m, std::ostream* out) {
  *out << "{icc '" << m.icc_profile_name << "' " << m.icc_profile.size() << " B, exif "
       << m.exif.size() << " B, xmp " << m.xmp.size() << " B";
  for (const TextEntry& t : m.text) {
    *out << ", text '" << t.keyword << "' [" << t.language << "|" << t.translated_keyword << "] "
         << t.text.size() << " B";
  }
  if (m.srgb_intent) *out << ", srgb " << int{*m.srgb_intent};
  if (m.gamma) *out << ", gamma " << *m.gamma;
  if (m.chromaticities) *out << ", chrm white " << m.chromaticities->white_x;
  if (m.density) {
    *out << ", density " << m.density->x << "x" << m.density->y << " unit " << int{m.density->unit};
  }
  *out << "}";
}

}  // namespace kmq
