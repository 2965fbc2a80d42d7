// SPDX-License-Identifier: MIT
// A consumer of the installed kmq library: encodes a generated image, decodes it, checks it.
#include <kmq/kmq.h>

#include <cstdio>
#include <kmq/kmq.hpp>

int main() {
  kmq::Image image(64, 48, 3);
  for (int y = 0; y < 48; ++y) {
    for (int x = 0; x < 64; ++x) {
      std::uint8_t* p = image.pixel(x, y);
      p[0] = static_cast<std::uint8_t>(x * 4);
      p[1] = static_cast<std::uint8_t>(y * 5);
      p[2] = static_cast<std::uint8_t>(128);
    }
  }
  kmq::EncodeOptions options;
  options.colors = 16;
  const std::vector<std::uint8_t> file = kmq::encode(image, options);
  const kmq::Image decoded = kmq::decode(file);
  const double quality = kmq::psnr(image, decoded);
  std::printf("kmq %s (C API %u): %zu bytes, PSNR %.2f dB\n", kmq::version(), kmq_version_number(),
              file.size(), quality);
  return decoded.width() == 64 && quality > 20 && kmq_version_number() == KMQ_VERSION_NUMBER ? 0
                                                                                             : 1;
}
