// SPDX-License-Identifier: MIT
// In-process decoding against libspng (the PNG8 of the same pixels) and libwebp (WebP lossless
// of the same pixels): each image is quantized once at every K, written in the three formats
// (sizes side by side), and decoded to RGB or RGBA in memory, alternating, median of the runs.
// kmq runs on one thread and on every core; libspng and libwebp decode on one thread. Each
// decoder writes into one buffer reused across runs (kmq_decode, spng_decode_image,
// WebPDecodeRGBInto), as a viewer showing frames of one size does: the kernel's zeroing of
// fresh pages is nobody's decoding work.
// Usage: decode_compare [--runs N] [--colors K,K...] [--effort E] [--label-coding C] IMAGE...
#include <kmq/kmq.h>
#include <spng.h>
#include <webp/decode.h>
#include <webp/encode.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double milliseconds(const std::function<void()>& work) {
  const auto start = Clock::now();
  work();
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct SpngDeleter {
  void operator()(spng_ctx* context) const noexcept { spng_ctx_free(context); }
};

// libspng decoding the whole PNG to RGB8 or RGBA8, as a viewer does.
std::size_t spng_decode(const Bytes& png, bool alpha, Bytes& out) {
  std::unique_ptr<spng_ctx, SpngDeleter> context(spng_ctx_new(0));
  if (!context || spng_set_png_buffer(context.get(), png.data(), png.size()) != 0)
    throw std::runtime_error("libspng: cannot open the PNG");
  const int format = alpha ? SPNG_FMT_RGBA8 : SPNG_FMT_RGB8;
  std::size_t size = 0;
  if (spng_decoded_image_size(context.get(), format, &size) != 0)
    throw std::runtime_error("libspng: no size");
  out.resize(size);
  if (spng_decode_image(context.get(), out.data(), size, format, alpha ? SPNG_DECODE_TRNS : 0) != 0)
    throw std::runtime_error("libspng: decoding failed");
  return size;
}

Bytes webp_lossless(const kmq::Image& image) {
  WebPConfig config;
  WebPPicture picture;
  if (!WebPConfigInit(&config) || !WebPPictureInit(&picture))
    throw std::runtime_error("libwebp: init");
  // cwebp -lossless -z 9
  WebPConfigLosslessPreset(&config, 9);
  config.exact = 1;
  picture.use_argb = 1;
  picture.width = image.width();
  picture.height = image.height();
  const bool alpha = image.channels() == 4;
  const int stride = image.width() * image.channels();
  if (!(alpha ? WebPPictureImportRGBA(&picture, image.data().data(), stride)
              : WebPPictureImportRGB(&picture, image.data().data(), stride)))
    throw std::runtime_error("libwebp: import");
  WebPMemoryWriter writer;
  WebPMemoryWriterInit(&writer);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;
  const bool ok = WebPEncode(&config, &picture);
  WebPPictureFree(&picture);
  if (!ok) throw std::runtime_error("libwebp: encoding failed");
  Bytes out(writer.mem, writer.mem + writer.size);
  WebPMemoryWriterClear(&writer);
  return out;
}

std::vector<int> parse_list(const std::string& text) {
  std::vector<int> values;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) values.push_back(std::stoi(item));
  return values;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 9;
  std::vector<int> colors = {16, 256};
  kmq::EncodeOptions options;
  std::vector<std::string> images;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--colors" && i + 1 < argc) {
      colors = parse_list(argv[++i]);
    } else if (arg == "--effort" && i + 1 < argc) {
      options.effort = std::atoi(argv[++i]);
    } else if (arg == "--label-coding" && i + 1 < argc) {
      const std::string name = argv[++i];
      const std::pair<const char*, kmq::LabelCodingChoice> choices[] = {
          {"auto", kmq::LabelCodingChoice::automatic},
          {"raw", kmq::LabelCodingChoice::raw},
          {"contexts", kmq::LabelCodingChoice::contexts},
          {"partitions", kmq::LabelCodingChoice::partitions},
          {"tiles", kmq::LabelCodingChoice::tiles},
          {"copies", kmq::LabelCodingChoice::copies}};
      bool known = false;
      for (const auto& [choice_name, choice] : choices) {
        if (name == choice_name) {
          options.label_coding = choice;
          known = true;
        }
      }
      if (!known) {
        std::fprintf(stderr, "decode_compare: unknown label coding %s\n", name.c_str());
        return 2;
      }
    } else {
      images.push_back(arg);
    }
  }
  if (images.empty()) {
    std::fprintf(stderr,
                 "usage: decode_compare [--runs N] [--colors K,K...] [--effort E] "
                 "[--label-coding C] IMAGE...\n");
    return 2;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("median of %d runs; kmq on 1 and %u threads, libspng and libwebp on 1\n", runs,
              cores);
  std::printf("%-26s %5s %9s %9s %9s %7s %7s %8s %8s %8s %8s %7s %7s\n", "image", "K", "kmq B",
              "PNG8 B", "WebP B", "kmq/png", "kmq/wp", "kmq1 ms", "kmqN ms", "spng ms", "webp ms",
              "1/spng", "1/webp");
  for (const std::string& path : images) {
    kmq::Image image = kmq::io::read_image(kmq::io::read_file(path));
    image.metadata() = {};
    const double megapixels = static_cast<double>(image.pixel_count()) / 1e6;
    for (const int k : colors) {
      options.colors = k;
      const kmq::IndexedImage indexed = kmq::quantize(image, options);
      const Bytes kmq_file = kmq::encode_indexed(indexed, options);
      const Bytes png = kmq::io::write_png(indexed);
      const kmq::Image pixels = kmq::expand(indexed);
      const Bytes webp = webp_lossless(pixels);
      const bool alpha = pixels.channels() == 4;
      std::vector<double> kmq1, kmqn, spng, webpd;
      Bytes out, kmq_out, webp_out(pixels.data().size());
      kmq_decoder* one = kmq_decoder_create();
      kmq_decoder* all = kmq_decoder_create();
      kmq_decoder_set_option(one, KMQ_DECODER_THREADS, 1);
      const std::size_t stride = static_cast<std::size_t>(pixels.width() * pixels.channels());
      kmq_out.resize(pixels.data().size());
      auto kmq_decode_into = [&](kmq_decoder* decoder) {
        if (kmq_decode(decoder, kmq_file.data(), kmq_file.size(), kmq_out.data(), kmq_out.size(),
                       stride) != KMQ_OK)
          throw std::runtime_error(std::string("kmq: ") + kmq_decoder_last_error(decoder));
      };
      for (int run = 0; run < runs; ++run) {
        kmq1.push_back(milliseconds([&] { kmq_decode_into(one); }));
        spng.push_back(milliseconds([&] { spng_decode(png, alpha, out); }));
        kmqn.push_back(milliseconds([&] { kmq_decode_into(all); }));
        webpd.push_back(milliseconds([&] {
          const int w = pixels.width(), h = pixels.height();
          const bool ok =
              alpha ? WebPDecodeRGBAInto(webp.data(), webp.size(), webp_out.data(), webp_out.size(),
                                         static_cast<int>(stride)) != nullptr
                    : WebPDecodeRGBInto(webp.data(), webp.size(), webp_out.data(), webp_out.size(),
                                        static_cast<int>(stride)) != nullptr;
          if (!ok || w == 0 || h == 0) throw std::runtime_error("libwebp: decoding failed");
        }));
      }
      kmq_decoder_destroy(one);
      kmq_decoder_destroy(all);
      const Bytes expected(pixels.data().begin(), pixels.data().end());
      for (const auto& [name, decoded] : {std::pair<const char*, const Bytes*>{"kmq", &kmq_out},
                                          {"libspng", &out},
                                          {"libwebp", &webp_out}}) {
        if (*decoded != expected)
          throw std::runtime_error(path + ": " + name +
                                   "'s pixels differ from the quantized image");
      }
      const std::string name = path.substr(path.find_last_of('/') + 1);
      const double k1 = median(kmq1), kn = median(kmqn), s = median(spng), w = median(webpd);
      std::printf("%-26s %5d %9zu %9zu %9zu %7.3f %7.3f %8.2f %8.2f %8.2f %8.2f %7.2f %7.2f\n",
                  name.c_str(), k, kmq_file.size(), png.size(), webp.size(),
                  static_cast<double>(kmq_file.size()) / static_cast<double>(png.size()),
                  static_cast<double>(kmq_file.size()) / static_cast<double>(webp.size()), k1, kn,
                  s, w, k1 / s, k1 / w);
      std::printf("%-26s %5s %9s %9s %9s %7s %7s %8.0f %8.0f %8.0f %8.0f   MP/s\n", "", "", "", "",
                  "", "", "", megapixels * 1000 / k1, megapixels * 1000 / kn, megapixels * 1000 / s,
                  megapixels * 1000 / w);
    }
  }
  return 0;
}
