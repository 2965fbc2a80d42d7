// SPDX-License-Identifier: MIT
// kmqdec: decodes a .kmq file to PNG, JPEG, PPM or PAM.
#include <cstdio>
#include <iostream>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>

#include "tool_common.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "kmqdec [options] INPUT.kmq -o OUTPUT.{png,jpg,ppm,pam}\n"
    "Decodes a .kmq file ('-' for standard input). The output format follows the extension,\n"
    "or --format when writing to standard output ('-o -').\n"
    "Exit status: 0 success, 1 bad input or I/O error, 2 bad usage.";

kmq::io::FileFormat parse_format(const std::string& name) {
  const auto format = kmq::io::format_from_extension("x." + name);
  if (format == kmq::io::FileFormat::unknown || format == kmq::io::FileFormat::kmq) {
    throw kmq::tools::UsageError("unknown output format '" + name + "' (png, jpg, ppm, pam)");
  }
  return format;
}

// Writes the decoded pixels as PPM or PAM as kmq::decode_rows() hands them over, so that the
// whole RGB image never sits in memory: the index map and two bands are all it needs. An RGBA
// image is always written as PAM.
void write_netpbm(const std::string& output, std::span<const std::uint8_t> file,
                  const kmq::DecodeOptions& options, bool pam) {
  kmq::io::write_file_atomically(output, [&](const kmq::io::ByteSink& sink) {
    kmq::decode_rows(
        file,
        [&](const kmq::RowBand& band) {
          if (band.first_row == 0) {
            sink(kmq::io::netpbm_header(band.width, band.height, band.channels,
                                        pam || band.channels == 4));
          }
          sink(band.pixels);
        },
        options);
  });
}

int run(int argc, char** argv) {
  std::string input, output, format_name, reference;
  int quality = 90;
  int jobs = 0;
  std::uint64_t max_pixels = kmq::kDefaultMaxPixels;
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help and exit")
      ("version,V", "show the version and exit")
      ("output,o", po::value(&output)->required(), "output image, '-' for standard output")
      ("format", po::value(&format_name), "output format: png, jpg, ppm or pam")
      ("quality,q", po::value(&quality)->default_value(quality), "JPEG quality, 1..100")
      ("max-pixels", po::value(&max_pixels)->default_value(max_pixels),
       "refuse images with more pixels")
      ("jobs,j", po::value(&jobs)->default_value(jobs),
       "threads, 0 = all cores; the pixels do not depend on it")
      ("force,f", "overwrite an existing output file")
      ("quiet", "print nothing but errors")
      ("compare", po::value(&reference),
       "print the PSNR of the decoded image against this original image")
      ;
  po::options_description hidden;
  hidden.add_options()("input", po::value(&input)->required(), "input .kmq file");
  // clang-format on
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map values;
  if (kmq::tools::parse_command_line(argc, argv, "kmqdec", kUsage, options, hidden, positional,
                                     values)) {
    return kmq::tools::kExitOk;
  }
  if (quality < 1 || quality > 100) throw kmq::tools::UsageError("--quality must be in 1..100");
  if (jobs < 0) throw kmq::tools::UsageError("--jobs must be >= 0 (0 = all cores)");
  const kmq::io::FileFormat format =
      values.count("format") ? parse_format(format_name) : kmq::io::format_from_extension(output);
  if (format == kmq::io::FileFormat::unknown || format == kmq::io::FileFormat::kmq) {
    throw kmq::tools::UsageError("cannot tell the output format of '" + output +
                                 "': use .png, .jpg, .ppm or .pam, or --format");
  }
  kmq::tools::check_output_path(input, output, values.count("force") > 0);

  std::vector<std::uint8_t> file = kmq::io::read_file(input);
  kmq::DecodeOptions decode_options;
  decode_options.max_pixels = max_pixels;
  decode_options.threads = jobs;
  auto report_psnr = [&](const kmq::Image& decoded) {
    const kmq::Image original =
        kmq::io::read_image(kmq::io::read_file(reference), {.max_pixels = max_pixels});
    std::fprintf(stderr, "kmqdec: psnr %.3f dB against %s\n", kmq::psnr(original, decoded),
                 reference.c_str());
  };
  if (format == kmq::io::FileFormat::pam || format == kmq::io::FileFormat::ppm) {
    write_netpbm(output, file, decode_options, format == kmq::io::FileFormat::pam);
    if (!reference.empty()) report_psnr(kmq::decode(file, decode_options));
    return kmq::tools::kExitOk;
  }
  std::vector<std::uint8_t> encoded;
  switch (format) {
    case kmq::io::FileFormat::png:
      encoded = kmq::io::write_png(kmq::decode_indexed(file, decode_options));
      break;
    case kmq::io::FileFormat::jpeg:
      encoded = kmq::io::write_jpeg(kmq::decode(file, decode_options), quality,
                                    [&](std::string_view message) {
                                      if (!values.count("quiet"))
                                        std::cerr << "kmqdec: warning: " << message << "\n";
                                    });
      break;
    default:
      throw kmq::tools::UsageError("unsupported output format");
  }
  kmq::io::write_file_atomically(output, encoded);
  if (!reference.empty()) report_psnr(kmq::decode(file, decode_options));
  return kmq::tools::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return kmq::tools::run_tool("kmqdec", [&] { return run(argc, argv); });
}
