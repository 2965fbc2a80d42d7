// SPDX-License-Identifier: MIT
// kmqenc: encodes a PNG, JPEG or PPM/PAM image as a .kmq palette file.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <map>

#include "tool_common.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "kmqenc [options] INPUT -o OUTPUT.kmq\n"
    "Quantizes INPUT (PNG, JPEG, PPM/PGM/PAM, .kmq; '-' for standard input) to a palette of K\n"
    "colours and writes a .kmq file ('-' for standard output).\n"
    "Exit status: 0 success, 1 bad input or I/O error, 2 bad usage,\n"
    "99 a --target-psnr/--max-mse/--max-bytes target no K <= 65536 reaches (nothing written).";

template <class Enum>
Enum parse_choice(const std::string& option, const std::string& value,
                  const std::map<std::string, Enum>& choices) {
  const auto found = choices.find(value);
  if (found != choices.end()) return found->second;
  std::string names;
  for (const auto& [name, unused] : choices) names += (names.empty() ? "" : ", ") + name;
  throw kmq::tools::UsageError("--" + option + " must be one of " + names + ", not '" + value +
                               "'");
}

// The palette of a .kmq file, or the distinct colours of an image in order of appearance.
void load_palette(const std::string& path, std::uint64_t max_pixels, kmq::EncodeOptions& options) {
  const std::vector<std::uint8_t> bytes = kmq::io::read_file(path);
  if (kmq::io::sniff_format(bytes) == kmq::io::FileFormat::kmq) {
    const kmq::IndexedImage indexed = kmq::decode_indexed(bytes, {max_pixels});
    options.fixed_palette = indexed.palette;
    options.fixed_palette_channels = indexed.channels;
    return;
  }
  const kmq::Image image = kmq::io::read_image(bytes, {max_pixels});
  std::map<std::uint32_t, bool> seen;
  options.fixed_palette.clear();
  options.fixed_palette_channels = image.channels();
  const auto channels = static_cast<std::size_t>(image.channels());
  for (std::size_t i = 0; i < image.pixel_count(); ++i) {
    const std::uint8_t* p = image.data().data() + i * channels;
    std::uint32_t key = 0;
    for (std::size_t c = 0; c < channels; ++c) key |= static_cast<std::uint32_t>(p[c]) << (8 * c);
    if (!seen.emplace(key, true).second) continue;
    if (seen.size() > kmq::kMaxColors) {
      throw kmq::Error(kmq::ErrorCategory::bad_input,
                       path + ": has more than 65536 colours, too many for a palette");
    }
    options.fixed_palette.insert(options.fixed_palette.end(), p, p + channels);
  }
}

int run(int argc, char** argv) {
  kmq::EncodeOptions encode;
  std::string input, output, method = "kmeans", space = "rgb", gmm_assign = "map", palette;
  std::uint64_t max_pixels = kmq::kDefaultMaxPixels;
  po::options_description general("General options");
  general.add_options()("help,h", "show this help and exit")(
      "version,V", "show the version and exit")("output,o", po::value(&output)->required(),
                                                "output .kmq file, '-' for standard output")(
      "force,f", "overwrite an existing output file")(
      "verbose,v", "report method, K, iterations, quality, sizes and time on standard error")(
      "threads,j", po::value(&encode.threads)->default_value(0), "worker threads, 0 = all cores")(
      "max-pixels", po::value(&max_pixels)->default_value(max_pixels), "refuse larger inputs")(
      "level,l", po::value(&encode.level)->default_value(encode.level), "zstd level, 1..22");
  po::options_description palette_options("Palette");
  palette_options.add_options()("colors,k", po::value(&encode.colors)->default_value(encode.colors),
                                "palette size K, 1..65536")(
      "method,m", po::value(&method)->default_value(method), "kmeans, minibatch or gmm")(
      "space", po::value(&space)->default_value(space), "clustering space: rgb or oklab")(
      "seed", po::value(&encode.seed)->default_value(encode.seed), "random seed")(
      "max-iterations", po::value(&encode.max_iterations)->default_value(encode.max_iterations),
      "Lloyd iterations (kmeans), epochs (minibatch) or EM steps (gmm) at most")(
      "tolerance", po::value(&encode.tolerance)->default_value(encode.tolerance),
      "kmeans: stop when inertia falls by less than this fraction")(
      "gmm-tolerance", po::value(&encode.gmm_tolerance)->default_value(encode.gmm_tolerance),
      "gmm: stop when the log-likelihood per pixel changes by less")(
      "batch-size", po::value(&encode.batch_size)->default_value(encode.batch_size),
      "minibatch: pixels per batch")(
      "max-no-improvement",
      po::value(&encode.max_no_improvement)->default_value(encode.max_no_improvement),
      "minibatch: batches without improvement before stopping")(
      "reassignment-ratio",
      po::value(&encode.reassignment_ratio)->default_value(encode.reassignment_ratio),
      "minibatch: move centres used less than this fraction of the busiest one")(
      "gmm-assign", po::value(&gmm_assign)->default_value(gmm_assign),
      "gmm: map (highest responsibility) or nearest (nearest palette colour)")(
      "gmm-floor",
      po::value(&encode.gmm_covariance_floor)->default_value(encode.gmm_covariance_floor),
      "gmm: added to covariance diagonals")(
      "dither", po::value(&encode.dither)->implicit_value(1.0)->default_value(0.0),
      "Floyd-Steinberg dithering; optional strength 0..1 (--dither=0.5)")(
      "palette", po::value(&palette),
      "map to the palette of a .kmq file or the colours of an image, "
      "keeping its order")("target-psnr", po::value(&encode.target_psnr),
                           "smallest K whose PSNR reaches this (dB)")(
      "max-mse", po::value(&encode.max_mse), "smallest K whose MSE is at most this")(
      "max-bytes", po::value(&encode.max_bytes), "largest K whose file fits in this many bytes");
  po::options_description hidden;
  hidden.add_options()("input", po::value(&input)->required(), "input image");
  po::options_description visible;
  visible.add(general).add(palette_options);
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map values;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), values);
  if (values.count("help")) {
    std::cout << "Usage: " << kUsage << "\n\n" << visible << "\n";
    return kmq::tools::kExitOk;
  }
  if (values.count("version")) {
    std::cout << "kmqenc (kmq) " << kmq::version() << "\n";
    return kmq::tools::kExitOk;
  }
  po::notify(values);
  encode.method = parse_choice<kmq::Method>("method", method,
                                            {{"kmeans", kmq::Method::kmeans},
                                             {"minibatch", kmq::Method::minibatch},
                                             {"gmm", kmq::Method::gmm}});
  encode.space = parse_choice<kmq::ColorSpace>(
      "space", space, {{"rgb", kmq::ColorSpace::rgb}, {"oklab", kmq::ColorSpace::oklab}});
  encode.gmm_assign = parse_choice<kmq::GmmAssign>(
      "gmm-assign", gmm_assign,
      {{"map", kmq::GmmAssign::map}, {"nearest", kmq::GmmAssign::nearest}});
  if (values.count("target-psnr") && encode.target_psnr <= 0) {
    throw kmq::tools::UsageError("--target-psnr must be > 0");
  }
  if (values.count("max-mse") && encode.max_mse <= 0)
    throw kmq::tools::UsageError("--max-mse must be > 0");
  if (values.count("max-bytes") && encode.max_bytes == 0) {
    throw kmq::tools::UsageError("--max-bytes must be > 0");
  }
  try {
    kmq::validate(encode);
  } catch (const kmq::Error& e) {
    throw kmq::tools::UsageError(e.what());
  }
  kmq::tools::check_output_path(input, output, values.count("force") > 0);
  if (!palette.empty()) load_palette(palette, max_pixels, encode);

  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::uint8_t> input_bytes = kmq::io::read_file(input);
  const kmq::Image image = kmq::io::read_image(input_bytes, {max_pixels});
  const auto read_done = std::chrono::steady_clock::now();
  kmq::QuantizeStats stats;
  const std::vector<std::uint8_t> file = kmq::encode(image, encode, &stats);
  const auto encode_done = std::chrono::steady_clock::now();
  kmq::io::write_file_atomically(output, file);

  const bool automatic_k = encode.target_psnr > 0 || encode.max_mse > 0 || encode.max_bytes > 0;
  if (automatic_k && encode.fixed_palette.empty()) {
    std::fprintf(stderr, "kmqenc: chose K=%d after %d trials\n", stats.colors, stats.trials);
  }
  if (values.count("verbose")) {
    using ms = std::chrono::duration<double, std::milli>;
    const kmq::FileInfo info = kmq::inspect(file);
    const double pixels = static_cast<double>(image.pixel_count());
    const double psnr = stats.mse > 0 ? 10 * std::log10(255.0 * 255.0 / stats.mse) : INFINITY;
    std::fprintf(stderr, "kmqenc: %s: %dx%d, %d channels, %zu distinct colours, %zu bytes\n",
                 input.c_str(), image.width(), image.height(), image.channels(),
                 stats.distinct_colors, input_bytes.size());
    std::fprintf(stderr, "kmqenc: method %s, space %s, K=%d, %d iterations, inertia %.6g",
                 encode.fixed_palette.empty() ? kmq::method_name(encode.method) : "fixed-palette",
                 space.c_str(), stats.colors, stats.iterations, stats.inertia);
    if (encode.method == kmq::Method::gmm && encode.fixed_palette.empty()) {
      std::fprintf(stderr, ", log-likelihood %.5f per pixel", stats.log_likelihood);
    }
    std::fprintf(stderr, "\nkmqenc: psnr %.3f dB (mse %.4f)%s\n", psnr, stats.mse,
                 encode.dither > 0 ? ", dithered" : "");
    std::fprintf(stderr,
                 "kmqenc: output %zu bytes (%.2f%% of input), labels %.4f bits/pixel (%s)\n"
                 "kmqenc: time read %.1f ms, quantize+encode %.1f ms\n",
                 file.size(),
                 100.0 * static_cast<double>(file.size()) / static_cast<double>(input_bytes.size()),
                 8.0 * static_cast<double>(info.label_bytes) / pixels,
                 kmq::label_coding_name(info.label_coding), ms(read_done - start).count(),
                 ms(encode_done - read_done).count());
  }
  return kmq::tools::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return kmq::tools::run_tool("kmqenc", [&] { return run(argc, argv); });
}
