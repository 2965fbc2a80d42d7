// SPDX-License-Identifier: MIT
// kmqdec's command line and the decoding of one file.
#include "kmqdec_decoding.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "command_line.hpp"
#include "output_plan.hpp"

namespace fs = std::filesystem;

namespace kmq::tools {

namespace {

constexpr const char* kUsage =
    "kmqdec [options] INPUT.kmq [-o OUTPUT.{png,jpg,ppm,pam}]\n"
    "       kmqdec [options] INPUT.kmq... [-d OUTDIR]\n"
    "Decodes .kmq files ('-' for standard input). The output format follows -o's extension, or\n"
    "--format; without -o each INPUT becomes NAME.png (or NAME.FORMAT) next to it, or in OUTDIR.\n"
    "PNG and JPEG outputs keep the metadata (ICC profile, Exif, XMP, text...).\n"
    "Exit status: 0 success, 1 bad input or I/O error (any file), 2 bad usage, 128+N stopped by\n"
    "signal N.";

FileFormat parse_format(const std::string& name) {
  const FileFormat format = kmq::io::format_from_extension("x." + name);
  if (format == FileFormat::unknown || format == FileFormat::kmq) {
    throw UsageError("--format must be png, jpg, ppm or pam, not '" + name + "'");
  }
  return format;
}

// PPM or PAM as kmq::decode_rows() hands the pixels over, so that the whole RGB image never sits
// in memory: the index map and two bands are all it needs. A .ppm holds RGB only (P6): alpha is
// dropped, with a warning, so that every PPM reader opens it.
std::size_t write_netpbm(const std::string& output, std::span<const std::uint8_t> file,
                         const DecodeSettings& settings, const kmq::io::WarningHandler& warn) {
  const bool pam = settings.format == FileFormat::pam;
  const kmq::FileInfo info = kmq::inspect(file, settings.decode);
  if (!pam && info.channels == 4 && warn)
    warn(output + ": PPM has no alpha channel; transparency is dropped");
  std::size_t written = 0;
  std::vector<std::uint8_t> rgb;
  write_output(output, [&](const kmq::io::ByteSink& sink) {
    kmq::decode_rows(
        file,
        [&](const kmq::RowBand& band) {
          if (band.first_row == 0) {
            const auto header =
                kmq::io::netpbm_header(band.width, band.height, pam ? band.channels : 3, pam);
            sink(header);
            written += header.size();
          }
          std::span<const std::uint8_t> pixels = band.pixels;
          if (!pam && band.channels == 4) {
            rgb.resize(pixels.size() / 4 * 3);
            for (std::size_t i = 0, n = pixels.size() / 4; i < n; ++i) {
              std::copy_n(&pixels[4 * i], 3, &rgb[3 * i]);
            }
            pixels = rgb;
          }
          sink(pixels);
          written += pixels.size();
        },
        settings.decode);
  });
  return written;
}

}  // namespace

const char* extension_of(FileFormat format) {
  switch (format) {
    case FileFormat::jpeg:
      return "jpg";
    case FileFormat::ppm:
      return "ppm";
    case FileFormat::pam:
      return "pam";
    default:
      return "png";
  }
}

void decode_file(DecodeResult& result, const DecodeSettings& settings,
                 const kmq::io::WarningHandler& warn) {
  const auto start = std::chrono::steady_clock::now();
  check_output_path(result.input, result.output, settings.force);
  const std::vector<std::uint8_t> file = kmq::io::read_file(result.input);
  result.info = kmq::inspect(file, settings.decode);
  if (!settings.strip && warn) {
    const std::vector<std::string> lost =
        kmq::io::metadata_lost_in(settings.format, result.info.metadata);
    if (!lost.empty() && settings.format != FileFormat::jpeg) {  // write_jpeg warns itself
      std::string names;
      for (const std::string& item : lost) names += (names.empty() ? "" : ", ") + item;
      warn(result.output + ": " + extension_of(settings.format) + " cannot hold the " + names +
           "; dropped (--strip drops metadata without this warning)");
    }
  }
  std::vector<std::uint8_t> encoded;
  switch (settings.format) {
    case FileFormat::ppm:
    case FileFormat::pam:
      result.output_bytes = write_netpbm(result.output, file, settings, warn);
      break;
    case FileFormat::png: {
      kmq::IndexedImage indexed = kmq::decode_indexed(file, settings.decode);
      if (settings.strip) indexed.metadata = {};
      encoded = kmq::io::write_png(indexed, warn);
      break;
    }
    case FileFormat::jpeg: {
      kmq::Image image = kmq::decode(file, settings.decode);
      if (settings.strip) image.metadata() = {};
      encoded = kmq::io::write_jpeg(image, settings.quality, [&](std::string_view message) {
        if (warn) warn(result.output + ": " + std::string(message));
      });
      break;
    }
    default:
      throw UsageError("unsupported output format");
  }
  if (!encoded.empty()) {
    write_output(result.output, encoded);
    result.output_bytes = encoded.size();
  }
  result.milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!settings.reference.empty()) {
    const kmq::Image original = kmq::io::read_image(kmq::io::read_file(settings.reference),
                                                    {.max_pixels = settings.decode.max_pixels});
    const kmq::Image decoded = kmq::decode(file, settings.decode);
    result.psnr = kmq::psnr(original, decoded);
    result.ssim = kmq::ssim(original, decoded, settings.decode.threads);
  }
}

// What the command line asks for.
std::optional<DecodeRequest> parse_kmqdec_command_line(int argc, char** argv) {
  DecodeRequest request;
  DecodeSettings& settings = request.settings;
  std::vector<std::string> inputs;
  std::string output, format_name;
  std::string& out_dir = request.out_dir;
  CommandLine line("kmqdec", kUsage);
  // clang-format off
  line.value("output,o", "FILE", &output, "output image for a single input; its extension sets the format ('-' for standard output, with --format)")
      .value("out-dir,d", "DIR", &out_dir, "folder for the outputs of several inputs (NAME.png each, or NAME.FORMAT)")
      .value("format", "F", &format_name, "png (default), jpg, ppm or pam; must agree with -o's extension")
      .value("quality", "Q", &settings.quality, "JPEG quality, 1..100 (default 90)")
      .flag("strip", "drop the metadata (ICC profile, Exif, XMP, text...) from PNG and JPEG outputs")
      .value("compare", "ORIGINAL", &settings.reference, "print the PSNR and SSIM of the decoded image against ORIGINAL (one input)")
      .flag("force,f", "overwrite existing outputs (never an input)")
      .flag("verbose,v", "report each file: size, palette, label coding, output bytes and time")
      .flag("quiet,q", "print nothing but errors")
      .value("jobs,j", "N", &request.jobs, "threads, 0 = all cores (default); several inputs are decoded N at a time; the pixels do not depend on it")
      .value("max-pixels", "N", &settings.decode.max_pixels, "refuse larger images (default 268435456)")
      .operands(&inputs);
  // clang-format on
  if (!line.parse(argc, argv)) return std::nullopt;
  settings.force = line.given("force");
  settings.verbose = line.given("verbose");
  settings.quiet = line.given("quiet");
  settings.strip = line.given("strip");
  if (settings.quiet && settings.verbose) throw UsageError("--quiet and --verbose conflict");
  require_range("quality", settings.quality, 1, 100);
  require_range("jobs", request.jobs, 0, 4096);
  if (line.given("format")) settings.format = parse_format(format_name);
  if (!output.empty() && output != "-") {
    const FileFormat named = kmq::io::format_from_extension(output);
    const bool known = named != FileFormat::unknown && named != FileFormat::kmq;
    if (!known && !line.given("format")) {
      throw UsageError("cannot tell the output format of '" + output +
                       "': name it .png, .jpg, .ppm or .pam, or give --format");
    }
    // .pnm and .pgm name the netpbm family; kmqdec writes PPM for them.
    if (known && line.given("format") && named != settings.format) {
      throw UsageError("'" + output + "' names a ." + extension_of(named) +
                       " file but --format is " + format_name);
    }
    if (known) settings.format = named;
  }
  if (inputs.empty()) throw UsageError("no input file (give a .kmq file, a folder or '-')");
  request.inputs = expand_inputs(inputs, [](const fs::path& path) {
    return kmq::io::format_from_extension(path) == FileFormat::kmq;
  });
  if (request.inputs.empty()) throw UsageError("no .kmq files among the inputs");
  const bool reads_stdin = std::count(request.inputs.begin(), request.inputs.end(), "-") > 0;
  const bool batch = request.inputs.size() > 1 || !out_dir.empty();
  request.batch = batch;
  if (batch && !output.empty())
    throw UsageError("-o names one output; use -d OUTDIR with several inputs");
  if (reads_stdin && request.inputs.size() > 1)
    throw UsageError("standard input ('-') can only be decoded on its own");
  if (batch && !settings.reference.empty()) throw UsageError("--compare needs a single input");
  if (reads_stdin) {
    check_stdin_not_console();
    if (output.empty()) output = "-";
  }
  if (output == "-") check_stdout_not_console();
  request.outputs = output.empty() ? plan_outputs(request.inputs, out_dir,
                                                  std::string(".") + extension_of(settings.format))
                                   : std::vector{output};
  return request;
}

}  // namespace kmq::tools
