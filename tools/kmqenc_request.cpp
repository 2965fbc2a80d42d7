// SPDX-License-Identifier: MIT
// kmqenc's command line: the option table (its --help), the checks with the options' own names,
// the output format, the inputs and their outputs.
#include "kmqenc_request.hpp"

#include <algorithm>
#include <kmq/io.hpp>

#include "command_line.hpp"
#include "output_plan.hpp"
#include "tool_common.hpp"

namespace fs = std::filesystem;

namespace kmq::tools {

namespace {

constexpr const char* kUsage =
    "kmqenc [options] INPUT -o OUTPUT.kmq\n"
    "       kmqenc [options] INPUT... [-d OUTDIR]\n"
    "Quantizes images (PNG, JPEG, PPM/PGM/PAM or .kmq; '-' for standard input) to a palette of K\n"
    "colours and writes .kmq files, or optimised indexed PNGs (-o NAME.png, --format png). With\n"
    "several inputs or a folder, each INPUT becomes OUTDIR/NAME.kmq (next to the input without\n"
    "-d). Metadata (ICC profile, Exif, XMP, text, colour and density chunks) is kept.\n"
    "Exit status: 0 success, 1 bad input or I/O error (any file), 2 bad usage, 98 skipped by\n"
    "--skip-if-larger, 99 a --target-psnr/--max-mse/--target-ssim/--max-bytes target no K reaches\n"
    "(nothing written), 128+N stopped by signal N.";

// The output format a file name asks for; nothing for an extension that names neither.
std::optional<OutputFormat> format_of_name(const fs::path& path) {
  switch (io::format_from_extension(path)) {
    case io::FileFormat::kmq:
      return OutputFormat::kmq;
    case io::FileFormat::png:
      return OutputFormat::png;
    default:
      return std::nullopt;
  }
}

bool is_image_name(const fs::path& path) {
  const auto format = io::format_from_extension(path);
  return format != io::FileFormat::unknown && format != io::FileFormat::kmq;
}

// Checks the options against the library's own rules, in the options' names.
void validate_options(const EncodeOptions& encode) {
  try {
    kmq::validate(encode);
  } catch (const kmq::Error& e) {
    throw UsageError(e.message());
  }
}

std::optional<EncodeRequest> parse_kmqenc_arguments(int argc, char** argv, bool with_files) {
  EncodeRequest request;
  EncodeRequest& settings = request;
  kmq::EncodeOptions& encode = request.encode;
  std::vector<std::string> inputs;
  std::string output, out_dir, format, extension, method = "kmeans", gmm_assign = "map", palette;
  std::string label_coding = "auto", tune = "psnr";
  int jobs = 0;
  double dither = 0;
  CommandLine line("kmqenc", kUsage);
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
      .value("label-coding", "C", &label_coding, "auto (default: chosen by --effort), raw (method 0), contexts (method 1), partitions (method 2, K <= 256), tiles (method 3, K <= 256) or copies (method 4)")
      .value("tiles", "N", &encode.tiles, "method 3's column tiles or method 4's row strips, 1..255 (default 0: one per megapixel, at most 8)");
  line.group("Palette")
      .value("colors,k", "K", &encode.colors, "palette size, 1..65536 (default 256); with a target, the largest K tried (default 65536)")
      .value("method,m", "M", &method, "kmeans (default), minibatch or gmm")
      .value("space", "S", &settings.space_name, "rgb (default) or oklab: the space colours are clustered in")
      .value("tune", "T", &tune, "psnr (default: the palette of lowest squared error) or perceptual (clustered in OKLab: lower butteraugli, about 1 dB lower PSNR; README, \"Tuning\")")
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
      .flag("ordered", "ordered (8x8 Bayer) dithering instead of error diffusion: fixed patterns that compress better; implies --dither")
      .value("rd", "LAMBDA", &encode.rd_lambda, "rate-distortion labels: a pixel takes a cheaper entry than its nearest when the squared error it adds is below LAMBDA per bit saved (default: off, but searched with K under --target-psnr/--max-mse; 0 = off; try 2..100; K <= 256, not with --dither)")
      .value("palette", "FILE", &palette, "map to a fixed palette (a .kmq file's, or an image's colours in order of appearance) and keep its order")
      .flag("shared-palette", "one palette for all inputs; each file still decodes on its own")
      .value("target-psnr", "DB", &encode.target_psnr, "smallest file whose PSNR reaches DB: K and the --rd lambda searched together (with --rd: the smallest K at that lambda)")
      .value("max-mse", "X", &encode.max_mse, "smallest file whose MSE is at most X, searched as for --target-psnr")
      .value("target-ssim", "S", &encode.target_ssim, "smallest file whose SSIM reaches S (0 < S < 1): the MSE target searched for it, SSIM measured on the whole image (3-7 --target-psnr searches)")
      .value("max-bytes", "N", &encode.max_bytes, "best PSNR whose .kmq file fits in N bytes: the largest K, then larger K with the --rd lambda that fits (with --rd: the largest K at that lambda)")
      .operands(&inputs);
  // clang-format on
  if (!line.parse(argc, argv)) return std::nullopt;
  settings.force = line.given("force");
  settings.verbose = line.given("verbose");
  settings.quiet = line.given("quiet");
  settings.json = line.given("json");
  settings.skip_if_larger = line.given("skip-if-larger");
  settings.strip = line.given("strip");
  encode.dither = dither;
  if (line.given("ordered")) {
    encode.dither_kind = kmq::DitherKind::ordered;
    if (!line.given("dither")) encode.dither = 1;
  }
  encode.method = parse_method(method);
  encode.space = parse_space(settings.space_name);
  if (line.given("tune")) {
    if (line.given("space"))
      throw UsageError("--tune chooses the clustering space: it cannot be combined with --space");
    encode.space = parse_choice<kmq::ColorSpace>(
        "tune", tune, {{"psnr", kmq::ColorSpace::rgb}, {"perceptual", kmq::ColorSpace::oklab}});
    settings.space_name = encode.space == kmq::ColorSpace::oklab ? "oklab" : "rgb";
  }
  encode.label_coding =
      parse_choice<kmq::LabelCodingChoice>("label-coding", label_coding,
                                           {{"auto", kmq::LabelCodingChoice::automatic},
                                            {"raw", kmq::LabelCodingChoice::raw},
                                            {"contexts", kmq::LabelCodingChoice::contexts},
                                            {"partitions", kmq::LabelCodingChoice::partitions},
                                            {"tiles", kmq::LabelCodingChoice::tiles},
                                            {"copies", kmq::LabelCodingChoice::copies}});
  encode.gmm_assign = parse_choice<kmq::GmmAssign>(
      "gmm-assign", gmm_assign,
      {{"map", kmq::GmmAssign::map}, {"nearest", kmq::GmmAssign::nearest}});
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
  require_range("rd", encode.rd_lambda, 0, 1e9);
  // A target searches lambda with K unless --rd fixes it (--rd 0: nearest labels, K only).
  encode.search_rd_lambda = !line.given("rd");
  if (line.given("ordered") && line.given("dither") && encode.dither == 0)
    throw UsageError("--ordered dithers: it cannot be combined with --dither=0");
  if (encode.rd_lambda > 0 && encode.dither > 0)
    throw UsageError(
        "--rd cannot be combined with --dither or --ordered: RD labels map undithered pixels");
  require_range("sample", static_cast<double>(encode.sample_pixels), 0,
                static_cast<double>(kmq::kMaxPixelCount));
  if (line.given("target-psnr")) require_range("target-psnr", encode.target_psnr, 1e-9, 1e300);
  if (line.given("max-mse")) require_range("max-mse", encode.max_mse, 1e-300, 1e300);
  if (line.given("target-ssim") && !(encode.target_ssim > 0 && encode.target_ssim < 1))
    throw UsageError("--target-ssim must be between 0 and 1 (exclusive)");
  if (line.given("max-bytes") && encode.max_bytes == 0) throw UsageError("--max-bytes must be > 0");
  settings.counted_target = encode.target_psnr > 0 || encode.max_mse > 0 ||
                            encode.target_ssim > 0 || encode.max_bytes > 0;
  if (encode.sample_pixels > 0 && (settings.counted_target || !palette.empty())) {
    throw UsageError(
        "--sample clusters for a given K: it cannot be combined with --target-psnr, --max-mse, "
        "--target-ssim, --max-bytes or --palette");
  }
  if (!palette.empty() && line.given("colors"))
    throw UsageError("--palette gives the colours: -k/--colors cannot be used with it");
  if (settings.counted_target && !line.given("colors"))
    encode.colors = static_cast<int>(kmq::kMaxColors);
  if (settings.quiet && settings.verbose) throw UsageError("--quiet and --verbose conflict");

  // The output format: --format, else the -o name's extension, else .kmq.
  if (line.given("format")) {
    settings.format = parse_choice<OutputFormat>(
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
  settings.jobs = jobs;
  if (!with_files) {
    for (const char* name : {"output", "out-dir", "ext", "force", "skip-if-larger", "json",
                             "shared-palette", "verbose", "quiet"}) {
      if (line.given(name)) throw UsageError(std::string("--") + name + " is about files");
    }
    if (!inputs.empty()) throw UsageError("no input files here: '" + inputs.front() + "'");
    validate_options(encode);
    settings.palette_file = palette;
    return request;
  }

  if (inputs.empty()) throw UsageError("no input file (give an image, a folder or '-')");
  const std::vector<std::string> files = expand_inputs(inputs, is_image_name);
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
    check_stdin_not_console();
    if (output.empty()) output = "-";
  }
  if (output == "-") {
    if (settings.json) throw UsageError("--json needs standard output free");
    check_stdout_not_console();
  }
  const std::string suffix = line.given("ext")                      ? extension
                             : settings.format == OutputFormat::png ? "-kmq.png"
                                                                    : ".kmq";
  request.outputs = output.empty() ? plan_outputs(files, out_dir, suffix) : std::vector{output};
  validate_options(encode);
  request.inputs = files;
  request.out_dir = out_dir;
  request.batch = batch;
  request.palette_file = palette;
  request.shared_palette = line.given("shared-palette");
  if (request.shared_palette && !palette.empty())
    throw UsageError("--shared-palette and --palette conflict");
  if (request.shared_palette && encode.target_ssim > 0)
    throw UsageError(
        "--shared-palette meets --target-psnr, --max-mse or --max-bytes, not --target-ssim");
  if (request.shared_palette && reads_stdin)
    throw UsageError("--shared-palette reads every input twice: not standard input");
  return request;
}

}  // namespace

const char* format_name(OutputFormat format) { return format == OutputFormat::png ? "png" : "kmq"; }

std::optional<EncodeRequest> parse_kmqenc_command_line(int argc, char** argv) {
  return parse_kmqenc_arguments(argc, argv, true);
}

EncodeRequest parse_kmqenc_options(const std::vector<std::string>& options) {
  std::vector<std::string> words{"kmqenc"};
  words.insert(words.end(), options.begin(), options.end());
  ArgumentWords line(std::move(words));
  std::optional<EncodeRequest> request = parse_kmqenc_arguments(line.argc(), line.argv(), false);
  if (!request) throw UsageError("--help and --version print, they are not options");
  return *request;
}

}  // namespace kmq::tools
