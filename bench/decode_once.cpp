// SPDX-License-Identifier: MIT
// Decodes .kmq files into a buffer on one thread, nothing else: what cachegrind counts when
// tools/scripts/decode_instructions.sh reports instructions per pixel.
// Usage: decode_once FILE.kmq...
#include <kmq/kmq.h>

#include <cstdio>
#include <kmq/io.hpp>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: decode_once FILE.kmq...\n");
    return 2;
  }
  kmq_decoder* decoder = kmq_decoder_create();
  kmq_decoder_set_option(decoder, KMQ_DECODER_THREADS, 1);
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    const std::vector<std::uint8_t> file = kmq::io::read_file(argv[i]);
    kmq_image_info info;
    std::vector<std::uint8_t> pixels;
    if (kmq_read_info(decoder, file.data(), file.size(), &info) == KMQ_OK) {
      const std::size_t row = static_cast<std::size_t>(info.width) * info.channels;
      pixels.resize(kmq_decoded_size(&info, row));
      if (kmq_decode(decoder, file.data(), file.size(), pixels.data(), pixels.size(), row) ==
          KMQ_OK)
        continue;
    }
    std::fprintf(stderr, "decode_once: %s: %s\n", argv[i], kmq_decoder_last_error(decoder));
    status = 1;
  }
  kmq_decoder_destroy(decoder);
  return status;
}
