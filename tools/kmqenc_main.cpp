// SPDX-License-Identifier: MIT
// kmqenc: encodes PNG, JPEG or PPM/PAM images as .kmq palette files (or optimised indexed PNGs),
// one or many at a time.
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <optional>

#include "batch_runner.hpp"
#include "command_line.hpp"
#include "tool_common.hpp"

namespace fs = std::filesystem;

namespace {

using kmq::tools::UsageError;

constexpr const char* kUsage =
    "kmqenc [options] INPUT -o OUTPUT.kmq\n"
    "       kmqenc [options] INPUT... [-d OUTDIR]\n"
    "Quantizes images (PNG, JPEG, PPM/PGM/PAM or .kmq; '-' for standard input) to a palette of K\n"
    "colours and writes .kmq files, or optimised indexed PNGs (-o NAME.png, --format png). With\n"
    "several inputs or a folder, each INPUT becomes OUTDIR/NAME.kmq (next to the input without\n"
    "-d). Metadata (ICC profile, Exif, XMP, text, colour and density chunks) is kept.\n"
    "Exit status: 0 success, 1 bad input or I/O error (any file), 2 bad usage, 98 skipped by\n"
    "--skip-if-larger, 99 a --target-psnr/--max-mse/--max-bytes target no K reaches (nothing\n"
    "written), 128+N stopped by signal N.";

enum class OutputFormat { kmq, png };

struct Settings {
  kmq::EncodeOptions encode;
  OutputFormat format = OutputFormat::kmq;
  std::uint64_t max_pixels = kmq::kDefaultMaxPixels;
  bool force = false, verbose = false, quiet = false, json = false;
  bool skip_if_larger = false, strip = false;
  bool counted_target = false;  // a quality or size target chooses K
  std::string space_name = "rgb";
};

struct FileResult {
  std::string input, output;
  bool ok = false, skipped = false;
  std::string error;
  int exit_code = kmq::tools::kExitOk;
  std::size_t input_bytes = 0, output_bytes = 0;
  kmq::QuantizeStats stats;
  double psnr = 0, seconds = 0;
  // Where the time went (single-K path only): reading the input, quantizing, coding the labels.
  double read_seconds = 0, quantize_seconds = 0, code_seconds = 0;
  int width = 0, height = 0, channels = 0;
  double label_bits_per_pixel = 0;
  kmq::Metadata metadata;
};

const char* format_name(OutputFormat format) { return format == OutputFormat::png ? "png" : "kmq"; }

// The output format a file name asks for; nothing for an extension that names neither.
std::optional<OutputFormat> format_of_name(const fs::path& path) {
  switch (kmq::io::format_from_extension(path)) {
    case kmq::io::FileFormat::kmq:
      return OutputFormat::kmq;
    case kmq::io::FileFormat::png:
      return OutputFormat::png;
    default:
      return std::nullopt;
  }
}

bool is_image_name(const fs::path& path) {
  const auto format = kmq::io::format_from_extension(path);
  return format != kmq::io::FileFormat::unknown && format != kmq::io::FileFormat::kmq;
}

double seconds_since(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
}

std::string megabytes(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

// Reads, quantizes and codes one image; the output is written unless --skip-if-larger skips it.
void encode_file(FileResult& result, const Settings& settings, const kmq::EncodeOptions& options,
                 const kmq::io::WarningHandler& warn) {
  const auto start = std::chrono::steady_clock::now();
  kmq::tools::check_output_path(result.input, result.output, settings.force);
  // The encoded input is dropped as soon as it is decoded: quantizing does not need it.
  // Without a size target the colours are counted on another thread while rows decode,
  // unless only a sample of them is clustered.
  const bool count_while_reading = options.max_bytes == 0 && options.sample_pixels == 0;
  kmq::ColorCounter counter(options.threads);
  kmq::Image image = [&] {
    const std::vector<std::uint8_t> bytes = kmq::io::read_file(result.input);
    result.input_bytes = bytes.size();
    kmq::io::ReadOptions read_options;
    read_options.max_pixels = settings.max_pixels;
    read_options.warn = settings.strip ? kmq::io::WarningHandler() : warn;
    if (count_while_reading) {
      read_options.on_rows = [&](const kmq::Image& rows, int first, int end) {
        counter.rows_ready(rows, first, end);
      };
    }
    return kmq::io::read_image(bytes, read_options);
  }();
  result.read_seconds = seconds_since(start);
  if (settings.strip) image.metadata() = {};
  result.width = image.width();
  result.height = image.height();
  result.channels = image.channels();
  result.metadata = image.metadata();
  const auto pixels = static_cast<double>(image.pixel_count());
  std::vector<std::uint8_t> file;
  if (options.max_bytes == 0) {
    // As kmq::encode() does, but the pixels are released before the labels are coded.
    const auto quantize_start = std::chrono::steady_clock::now();
    const kmq::IndexedImage indexed =
        count_while_reading ? kmq::quantize(image, std::move(counter), options, &result.stats)
                            : kmq::quantize(image, options, &result.stats);
    result.quantize_seconds = seconds_since(quantize_start);
    image = kmq::Image();
    const auto code_start = std::chrono::steady_clock::now();
    file = settings.format == OutputFormat::png ? kmq::io::write_png(indexed, warn)
                                                : kmq::encode_indexed(indexed, options);
    result.code_seconds = seconds_since(code_start);
  } else {
    file = kmq::encode(image, options, &result.stats);  // tries several K on the pixels
  }
  result.output_bytes = file.size();
  result.psnr = result.stats.mse > 0 ? 10 * std::log10(255.0 * 255.0 / result.stats.mse) : INFINITY;
  if (settings.format == OutputFormat::kmq) {
    result.label_bits_per_pixel =
        8.0 * static_cast<double>(kmq::inspect(file).label_bytes) / pixels;
  }
  if (settings.skip_if_larger && file.size() > result.input_bytes) {
    result.skipped = true;
    result.exit_code = kmq::tools::kExitSkippedLarger;
    result.error = "not written: " + megabytes(file.size()) + " would be larger than the input's " +
                   megabytes(result.input_bytes) + " (--skip-if-larger)";
  } else {
    kmq::tools::write_output(result.output, file);
    result.ok = true;
  }
  result.seconds = seconds_since(start);
}

FileResult encode_one(const std::string& input, const std::string& output, const Settings& settings,
                      const kmq::EncodeOptions& options, const kmq::io::WarningHandler& warn) {
  FileResult result;
  result.input = input;
  result.output = output;
  try {
    encode_file(result, settings, options, warn);
  } catch (const std::exception& e) {
    result.ok = false;
    result.error = e.what();
    result.exit_code = kmq::tools::exit_code_of(e);
  }
  return result;
}

std::string describe_metadata(const kmq::Metadata& m) {
  std::string text;
  auto add = [&](const std::string& item) { text += (text.empty() ? "" : ", ") + item; };
  if (!m.icc_profile.empty()) add("ICC profile (" + std::to_string(m.icc_profile.size()) + " B)");
  if (!m.exif.empty()) add("Exif (" + std::to_string(m.exif.size()) + " B)");
  if (!m.xmp.empty()) add("XMP (" + std::to_string(m.xmp.size()) + " B)");
  if (!m.text.empty()) add(std::to_string(m.text.size()) + " text entries");
  if (m.srgb_intent) add("sRGB");
  if (m.gamma) add("gamma");
  if (m.chromaticities) add("chromaticities");
  if (m.density) add("pixel density");
  return text.empty() ? "none" : text;
}

void report_verbose(const FileResult& r, const Settings& settings) {
  const kmq::EncodeOptions& e = settings.encode;
  const bool sampled =
      e.sample_pixels > 0 &&
      static_cast<std::uint64_t>(r.width) * static_cast<std::uint64_t>(r.height) > e.sample_pixels;
  std::fprintf(stderr, "kmqenc: %s: %dx%d, %d channels, %zu distinct colours%s, %zu bytes\n",
               r.input.c_str(), r.width, r.height, r.channels, r.stats.distinct_colors,
               sampled ? " in the sample" : "", r.input_bytes);
  std::fprintf(stderr, "kmqenc: method %s, space %s, K=%d, %d iterations, inertia %.6g",
               e.fixed_palette.empty() ? kmq::method_name(e.method) : "fixed-palette",
               settings.space_name.c_str(), r.stats.colors, r.stats.iterations, r.stats.inertia);
  if (e.method == kmq::Method::gmm && e.fixed_palette.empty()) {
    std::fprintf(stderr, ", log-likelihood %.5f per pixel", r.stats.log_likelihood);
  }
  std::fprintf(stderr, "\nkmqenc: psnr %.3f dB (mse %.4f)%s\n", r.psnr, r.stats.mse,
               e.dither > 0 ? ", dithered" : "");
  std::fprintf(stderr, "kmqenc: metadata: %s\n", describe_metadata(r.metadata).c_str());
  std::fprintf(stderr, "kmqenc: output %s (%s): %zu bytes (%.2f%% of input)", r.output.c_str(),
               format_name(settings.format), r.output_bytes,
               100.0 * static_cast<double>(r.output_bytes) / static_cast<double>(r.input_bytes));
  if (settings.format == OutputFormat::kmq) {
    std::fprintf(stderr, ", labels %.4f bits/pixel", r.label_bits_per_pixel);
  }
  std::fprintf(stderr, "\nkmqenc: time %.1f ms", r.seconds * 1000);
  if (r.quantize_seconds > 0) {
    std::fprintf(stderr, " (read %.1f, quantize %.1f, code %.1f)", r.read_seconds * 1000,
                 r.quantize_seconds * 1000, r.code_seconds * 1000);
  }
  std::fprintf(stderr, "\n");
}

void print_json(const std::vector<FileResult>& results, const Settings& settings) {
  std::printf("[\n");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const FileResult& r = results[i];
    std::printf("  {\"input\": %s, \"output\": %s, \"ok\": %s",
                kmq::tools::json_string(r.input).c_str(), kmq::tools::json_string(r.output).c_str(),
                r.ok ? "true" : "false");
    if (r.ok || r.skipped) {
      std::printf(
          ", \"format\": \"%s\", \"bytes\": %zu, \"input_bytes\": %zu, \"colors\": %d, "
          "\"psnr\": %s, \"mse\": %.6f, \"label_bits_per_pixel\": %.5f, \"seconds\": %.4f",
          format_name(settings.format), r.output_bytes, r.input_bytes, r.stats.colors,
          std::isfinite(r.psnr) ? std::to_string(r.psnr).c_str() : "null", r.stats.mse,
          r.label_bits_per_pixel, r.seconds);
    }
    if (r.skipped) std::printf(", \"skipped\": true");
    if (!r.ok) std::printf(", \"error\": %s", kmq::tools::json_string(r.error).c_str());
    std::printf("}%s\n", i + 1 < results.size() ? "," : "");
  }
  std::printf("]\n");
}

// One palette for every input, clustered from all their pixels; with a target, the K at which
// every file meets it. Nothing is written when no K does.
void use_shared_palette(const std::vector<std::string>& inputs, Settings& settings) {
  std::vector<kmq::Image> images;
  for (const std::string& input : inputs) {
    try {
      images.push_back(
          kmq::io::read_image(kmq::io::read_file(input), {.max_pixels = settings.max_pixels}));
    } catch (const kmq::Error& e) {
      throw kmq::Error(e.category(), input + ": " + e.message());
    }
  }
  kmq::EncodeOptions& options = settings.encode;
  const kmq::SharedPalette shared = kmq::shared_palette(images, options);
  if (!shared.met) {
    const std::string& worst = inputs[shared.worst_image];
    const std::string reached =
        options.max_bytes > 0
            ? std::to_string(static_cast<std::uint64_t>(shared.worst_value)) + " bytes"
            : (shared.worst_value > 0
                   ? std::to_string(10 * std::log10(255.0 * 255.0 / shared.worst_value)) + " dB"
                   : std::string("lossless"));
    throw kmq::Error(kmq::ErrorCategory::target_not_met,
                     "--shared-palette: no palette of at most " + std::to_string(options.colors) +
                         " colours meets the target for every file; with " +
                         std::to_string(shared.colors) + " colours '" + worst + "' reaches " +
                         reached + " (nothing written)");
  }
  if (!settings.quiet && settings.counted_target) {
    std::fprintf(stderr, "kmqenc: shared palette: chose K=%d after %d trials\n", shared.colors,
                 shared.trials);
  }
  options.fixed_palette = shared.palette;
  options.fixed_palette_channels = shared.channels;
  // Each file is mapped to the shared palette; the target was checked for all of them.
  options.target_psnr = options.max_mse = 0;
  options.max_bytes = 0;
}

int run(int argc, char** argv) {
  Settings settings;
  kmq::EncodeOptions& encode = settings.encode;
  std::vector<std::string> inputs;
  std::string output, out_dir, format, extension, method = "kmeans", gmm_assign = "map", palette;
  std::string label_coding = "auto";
  int jobs = 0;
  double dither = 0;
  kmq::tools::CommandLine line("kmqenc", kUsage);
  // clang-format off
  line.group("General")
      .value("output,o", "FILE", &output, "output file for a single input ('-' for standard output); its extension, .kmq or .png, sets the format")
      .value("out-dir,d", "DIR", &out_dir, "folder for the outputs of several inputs (NAME.kmq each)")
      .value("format", "F", &format, "kmq (default) or png: a .kmq file, or an optimised indexed PNG of the same pixels")
      .value("ext", "SUFFIX", &extension, "batch outputs are NAME + SUFFIX (default .kmq, or -kmq.png with --format png)")
      .flag("force,f", "overwrite existing outputs (never an input)")
      .flag("skip-if-larger", "write nothing, and exit 98, when an output would be larger than its input")
      .flag("strip", "drop the metadata (ICC profile, Exif, XMP, text, colour and density chunks)")
      .flag("verbose,v", "report method, K, iterations, inertia or log-likelihood, PSNR, metadata, sizes, bits/pixel and time")
      .flag("quiet,q", "print nothing but errors")
      .flag("json", "per-file results (bytes, PSNR, K, time or error) as JSON on standard output")
      .value("jobs,j", "N", &jobs, "threads, 0 = all cores (default); several inputs are encoded N at a time; the output does not depend on it")
      .value("max-pixels", "N", &settings.max_pixels, "refuse larger inputs (default 268435456)")
      .value("effort,e", "E", &encode.effort, "1..6: encode time against file size (default 4; the pixels are the same at every effort)")
      .value("level,l", "L", &encode.level, "zstd level 1..22, or 0 = chosen by --effort (default)")
      .value("label-coding", "C", &label_coding, "auto (default: chosen by --effort), raw (method 0), contexts (method 1), partitions (method 2, K <= 256) or tiles (method 3, K <= 256)")
      .value("tiles", "N", &encode.tiles, "method 3's column tiles, 1..255 (default 0: one per megapixel, at most 8)");
  line.group("Palette")
      .value("colors,k", "K", &encode.colors, "palette size, 1..65536 (default 256); with a target, the largest K tried (default 65536)")
      .value("method,m", "M", &method, "kmeans (default), minibatch or gmm")
      .value("space", "S", &settings.space_name, "rgb (default) or oklab: the space colours are clustered in")
      .value("seed", "N", &encode.seed, "random seed (default 1)")
      .value("sample", "N", &encode.sample_pixels, "cluster the colours of about N pixels spread evenly over the image, not every colour (default 0 = every colour)")
      .value("max-iterations", "N", &encode.max_iterations, "Lloyd iterations / mini-batch epochs / EM steps (default 100)")
      .value("tolerance", "T", &encode.tolerance, "kmeans: stop when inertia falls by less than this fraction (default 1e-05)")
      .value("batch-size", "N", &encode.batch_size, "minibatch: pixels per batch (default 4096)")
      .value("max-no-improvement", "N", &encode.max_no_improvement, "minibatch: batches without improvement before stopping (default 10)")
      .value("reassignment-ratio", "R", &encode.reassignment_ratio, "minibatch: move centres used less than R x the busiest (default 0.01)")
      .value("gmm-assign", "A", &gmm_assign, "gmm: map (highest responsibility, default) or nearest")
      .value("gmm-tolerance", "T", &encode.gmm_tolerance, "gmm: stop when log-likelihood/pixel changes by less (default 0.001)")
      .value("gmm-floor", "F", &encode.gmm_covariance_floor, "gmm: added to covariance diagonals (default 1e-06)")
      .optional_value("dither", "S", &dither, "1", "Floyd-Steinberg error diffusion, strength S in 0..1 (1 if given alone)")
      .value("palette", "FILE", &palette, "map to a fixed palette (a .kmq file's, or an image's colours in order of appearance) and keep its order")
      .flag("shared-palette", "one palette for all inputs; each file still decodes on its own")
      .value("target-psnr", "DB", &encode.target_psnr, "smallest K whose PSNR reaches DB")
      .value("max-mse", "X", &encode.max_mse, "smallest K whose MSE is at most X")
      .value("max-bytes", "N", &encode.max_bytes, "largest K whose .kmq file fits in N bytes")
      .operands(&inputs);
  // clang-format on
  if (!line.parse(argc, argv)) return kmq::tools::kExitOk;
  settings.force = line.given("force");
  settings.verbose = line.given("verbose");
  settings.quiet = line.given("quiet");
  settings.json = line.given("json");
  settings.skip_if_larger = line.given("skip-if-larger");
  settings.strip = line.given("strip");
  encode.dither = dither;
  encode.method = kmq::tools::parse_method(method);
  encode.space = kmq::tools::parse_space(settings.space_name);
  encode.label_coding = kmq::tools::parse_choice<kmq::LabelCodingChoice>(
      "label-coding", label_coding,
      {{"auto", kmq::LabelCodingChoice::automatic},
       {"raw", kmq::LabelCodingChoice::raw},
       {"contexts", kmq::LabelCodingChoice::contexts},
       {"partitions", kmq::LabelCodingChoice::partitions},
       {"tiles", kmq::LabelCodingChoice::tiles}});
  encode.gmm_assign = kmq::tools::parse_choice<kmq::GmmAssign>(
      "gmm-assign", gmm_assign,
      {{"map", kmq::GmmAssign::map}, {"nearest", kmq::GmmAssign::nearest}});
  using kmq::tools::require_range;
  require_range("colors", encode.colors, 1, kmq::kMaxColors);
  require_range("effort", encode.effort, kmq::kMinEffort, kmq::kMaxEffort);
  require_range("level", encode.level, 0, 22);
  require_range("tiles", encode.tiles, 0, 255);
  require_range("jobs", jobs, 0, 4096);
  require_range("max-iterations", encode.max_iterations, 1, 1e9);
  require_range("tolerance", encode.tolerance, 0, 1e300);
  require_range("batch-size", encode.batch_size, 1, 1e9);
  require_range("max-no-improvement", encode.max_no_improvement, 1, 1e9);
  require_range("reassignment-ratio", encode.reassignment_ratio, 0, 0.999999);
  require_range("gmm-tolerance", encode.gmm_tolerance, 0, 1e300);
  require_range("gmm-floor", encode.gmm_covariance_floor, 1e-300, 1e300);
  require_range("dither", encode.dither, 0, 1);
  require_range("sample", static_cast<double>(encode.sample_pixels), 0,
                static_cast<double>(kmq::kMaxPixelCount));
  if (line.given("target-psnr")) require_range("target-psnr", encode.target_psnr, 1e-9, 1e300);
  if (line.given("max-mse")) require_range("max-mse", encode.max_mse, 1e-300, 1e300);
  if (line.given("max-bytes") && encode.max_bytes == 0) throw UsageError("--max-bytes must be > 0");
  settings.counted_target = encode.target_psnr > 0 || encode.max_mse > 0 || encode.max_bytes > 0;
  if (encode.sample_pixels > 0 && (settings.counted_target || !palette.empty())) {
    throw UsageError(
        "--sample clusters for a given K: it cannot be combined with --target-psnr, --max-mse, "
        "--max-bytes or --palette");
  }
  if (!palette.empty() && line.given("colors"))
    throw UsageError("--palette gives the colours: -k/--colors cannot be used with it");
  if (settings.counted_target && !line.given("colors"))
    encode.colors = static_cast<int>(kmq::kMaxColors);
  if (settings.quiet && settings.verbose) throw UsageError("--quiet and --verbose conflict");

  // The output format: --format, else the -o name's extension, else .kmq.
  if (line.given("format")) {
    settings.format = kmq::tools::parse_choice<OutputFormat>(
        "format", format, {{"kmq", OutputFormat::kmq}, {"png", OutputFormat::png}});
  }
  if (!output.empty() && output != "-") {
    const std::optional<OutputFormat> named = format_of_name(output);
    if (!named && !line.given("format")) {
      throw UsageError("cannot tell the output format of '" + output +
                       "': name it .kmq or .png, or give --format");
    }
    if (named && line.given("format") && *named != settings.format) {
      throw UsageError("'" + output + "' names a ." + format_name(*named) +
                       " file but --format is " + format_name(settings.format));
    }
    if (named) settings.format = *named;
  }
  if (settings.format == OutputFormat::png && encode.max_bytes > 0)
    throw UsageError("--max-bytes counts .kmq bytes: it cannot be used with PNG output");
  if (settings.format == OutputFormat::png && line.given("label-coding"))
    throw UsageError("--label-coding is about .kmq files: it cannot be used with PNG output");

  if (inputs.empty()) throw UsageError("no input file (give an image, a folder or '-')");
  const std::vector<std::string> files = kmq::tools::expand_inputs(inputs, is_image_name);
  if (files.empty()) throw UsageError("no image files among the inputs");
  const bool reads_stdin = std::count(files.begin(), files.end(), "-") > 0;
  const bool batch = files.size() > 1 || !out_dir.empty();
  if (batch && !output.empty())
    throw UsageError("-o names one output; use -d OUTDIR with several inputs");
  if (reads_stdin && files.size() > 1)
    throw UsageError("standard input ('-') can only be encoded on its own");
  if (line.given("ext") && !batch && !output.empty())
    throw UsageError("--ext names batch outputs; -o names this one");
  if (reads_stdin) {
    kmq::tools::check_stdin_not_console();
    if (output.empty()) output = "-";
  }
  if (output == "-") {
    if (settings.json) throw UsageError("--json needs standard output free");
    kmq::tools::check_stdout_not_console();
  }
  const std::string suffix = line.given("ext")                      ? extension
                             : settings.format == OutputFormat::png ? "-kmq.png"
                                                                    : ".kmq";
  const std::vector<std::string> outputs =
      output.empty() ? kmq::tools::plan_outputs(files, out_dir, suffix) : std::vector{output};
  try {
    kmq::validate(encode);
  } catch (const kmq::Error& e) {
    throw UsageError(e.message());
  }
  if (!palette.empty()) {
    const kmq::io::Palette fixed =
        kmq::io::read_palette(kmq::io::read_file(palette), settings.max_pixels);
    encode.fixed_palette = fixed.entries;
    encode.fixed_palette_channels = fixed.channels;
  }
  if (line.given("shared-palette")) {
    if (!palette.empty()) throw UsageError("--shared-palette and --palette conflict");
    if (reads_stdin)
      throw UsageError("--shared-palette reads every input twice: not standard input");
    use_shared_palette(files, settings);
  }
  if (!out_dir.empty()) kmq::tools::create_output_folder(out_dir);

  const int threads = kmq::tools::resolve_jobs(jobs);
  const int parallel_files =
      static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), files.size()));
  kmq::EncodeOptions per_file = encode;
  per_file.threads = std::max(1, threads / parallel_files);  // output does not depend on it
  const kmq::io::WarningHandler warn = kmq::tools::warning_printer("kmqenc", settings.quiet);
  const bool notices = !settings.quiet && ::isatty(STDERR_FILENO);

  std::vector<FileResult> results(files.size());
  kmq::tools::run_batch(
      files.size(), parallel_files, batch && !settings.quiet,
      [&](std::size_t i) {
        results[i] = encode_one(files[i], outputs[i], settings, per_file, warn);
      },
      [&](std::size_t i) {
        const FileResult& r = results[i];
        if (r.skipped) {
          if (!settings.quiet)
            std::fprintf(stderr, "kmqenc: %s: %s\n", r.input.c_str(), r.error.c_str());
          return;
        }
        if (!r.ok) {
          std::fprintf(stderr, "kmqenc: error: %s: %s\n", r.input.c_str(), r.error.c_str());
          return;
        }
        if (settings.verbose) {
          report_verbose(r, settings);
        } else if (!settings.quiet && settings.counted_target && encode.fixed_palette.empty()) {
          std::fprintf(stderr, "kmqenc: %s: chose K=%d after %d trials\n", r.input.c_str(),
                       r.stats.colors, r.stats.trials);
        }
        if (notices && r.output_bytes > r.input_bytes) {
          std::fprintf(stderr,
                       "kmqenc: note: %s (%s) is larger than %s (%s); --skip-if-larger would "
                       "not have written it\n",
                       r.output.c_str(), megabytes(r.output_bytes).c_str(), r.input.c_str(),
                       megabytes(r.input_bytes).c_str());
        }
      });
  if (settings.json) print_json(results, settings);
  std::vector<int> codes;
  for (const FileResult& r : results) codes.push_back(r.exit_code);
  return kmq::tools::worst_exit_code(codes);
}

}  // namespace

int main(int argc, char** argv) {
#ifdef __GLIBC__
  // glibc raises its mmap threshold to the size of every large block freed (up to 32 MB), so
  // the input file, the growing colour histogram and the label streams end up as heap blocks
  // that fragment: 7-8 MB more peak memory on 4 and 15 MP photos once colours are counted
  // during decoding. A fixed 4 MB threshold keeps those buffers in mappings returned on free
  // (eveningglow K=256: 45.6 -> 37.4 MB, safelanding 138 -> 123 MB, time unchanged).
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
  return kmq::tools::run_tool("kmqenc", [&] { return run(argc, argv); });
}
