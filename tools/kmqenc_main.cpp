// SPDX-License-Identifier: MIT
// kmqenc: encodes a PNG, JPEG or PPM/PAM image as a .kmq palette file.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>

#include "tool_common.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "kmqenc [options] INPUT -o OUTPUT.kmq\n"
    "Quantizes INPUT (PNG, JPEG, PPM/PGM/PAM; '-' for standard input) to K colours with\n"
    "K-means and writes a .kmq file ('-' for standard output).\n"
    "Exit status: 0 success, 1 bad input or I/O error, 2 bad usage.";

int run(int argc, char** argv) {
  kmq::EncodeOptions encode;
  std::string input, output;
  std::uint64_t max_pixels = kmq::kDefaultMaxPixels;
  po::options_description options("Options");
  options.add_options()("help,h", "show this help and exit")(
      "version,V", "show the version and exit")("output,o", po::value(&output)->required(),
                                                "output .kmq file, '-' for standard output")(
      "colors,k", po::value(&encode.colors)->default_value(encode.colors),
      "palette size K, 1..65536")("seed", po::value(&encode.seed)->default_value(encode.seed),
                                  "random seed of k-means++")(
      "max-iterations", po::value(&encode.max_iterations)->default_value(encode.max_iterations),
      "Lloyd iterations at most")("level,l", po::value(&encode.level)->default_value(encode.level),
                                  "zstd level, 1..22")(
      "threads,j", po::value(&encode.threads)->default_value(0), "worker threads, 0 = all cores")(
      "max-pixels", po::value(&max_pixels)->default_value(max_pixels),
      "refuse larger input images")("force,f", "overwrite an existing output file")(
      "verbose,v", "report sizes, quality and timing on standard error")(
      "input", po::value(&input)->required(), "input image");
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map values;
  if (kmq::tools::parse_command_line(argc, argv, "kmqenc", kUsage, options, positional, values)) {
    return kmq::tools::kExitOk;
  }
  try {
    kmq::validate(encode);
  } catch (const kmq::Error& e) {
    throw kmq::tools::UsageError(e.what());
  }
  kmq::tools::check_output_path(input, output, values.count("force") > 0);

  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::uint8_t> input_bytes = kmq::io::read_file(input);
  const kmq::Image image = kmq::io::read_image(input_bytes, {max_pixels});
  const auto read_done = std::chrono::steady_clock::now();
  kmq::QuantizeStats stats;
  const kmq::IndexedImage indexed = kmq::quantize(image, encode, &stats);
  const auto quantize_done = std::chrono::steady_clock::now();
  const std::vector<std::uint8_t> file = kmq::encode_indexed(indexed, encode);
  const auto encode_done = std::chrono::steady_clock::now();
  kmq::io::write_file_atomically(output, file);

  if (values.count("verbose")) {
    using ms = std::chrono::duration<double, std::milli>;
    const kmq::FileInfo info = kmq::inspect(file);
    const double pixels = static_cast<double>(image.pixel_count());
    std::fprintf(stderr,
                 "kmqenc: %s: %dx%d, %d channels, %zu distinct colours, %zu bytes\n"
                 "kmqenc: method kmeans, K=%d requested, %d palette entries, %d iterations, "
                 "inertia %.6g\n"
                 "kmqenc: psnr %.3f dB\n"
                 "kmqenc: output %zu bytes (%.2f%% of input), labels %.4f bits/pixel (%s)\n"
                 "kmqenc: time read %.1f ms, quantize %.1f ms, encode %.1f ms\n",
                 input.c_str(), image.width(), image.height(), image.channels(),
                 stats.distinct_colors, input_bytes.size(), encode.colors, indexed.palette_size(),
                 stats.iterations, stats.inertia, kmq::psnr(image, kmq::expand(indexed)),
                 file.size(),
                 100.0 * static_cast<double>(file.size()) / static_cast<double>(input_bytes.size()),
                 8.0 * static_cast<double>(info.label_bytes) / pixels,
                 kmq::label_coding_name(info.label_coding), ms(read_done - start).count(),
                 ms(quantize_done - read_done).count(), ms(encode_done - quantize_done).count());
  }
  return kmq::tools::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return kmq::tools::run_tool("kmqenc", [&] { return run(argc, argv); });
}
