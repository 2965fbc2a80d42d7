// SPDX-License-Identifier: MIT
// kmqcompare: what K-means compression buys, image by image and K by K, against PNG and JPEG.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <span>

#include "batch_progress.hpp"
#include "command_line.hpp"
#include "compare_study.hpp"
#include "output_plan.hpp"
#include "report_html.hpp"
#include "study_tables.hpp"
#include "tool_common.hpp"

namespace {

constexpr const char* kUsage =
    "kmqcompare [options] IMAGE... [--csv FILE] [--json FILE] [--html FILE]\n"
    "For every image and every K: the .kmq size, the PNG size of the same quantized pixels\n"
    "(indexed when K <= 256), the size of the JPEG of the original that reaches the same PSNR,\n"
    "each as a percentage of the original file, with PSNR, SSIM and encode/decode times.\n"
    "Prints a table on standard output; --html writes a self-contained interactive report.\n"
    "An image that cannot be read is reported and skipped; the reports hold the others.\n"
    "Exit status: 0 success, 1 an image could not be read or an output written, 2 bad usage,\n"
    "128+N stopped by signal N.";

constexpr const char* kDefaultColors = "2,4,8,16,32,64,128,256,512,1024";

std::vector<int> parse_color_list(const std::string& text) {
  std::vector<int> colors;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string_view item(text.data() + start, end - start);
    int value = 0;
    const auto [rest, error] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || error != std::errc() || rest != item.data() + item.size() || value < 1 ||
        static_cast<std::uint32_t>(value) > kmq::kMaxColors) {
      throw kmq::tools::UsageError("--colors takes a comma-separated list of K in 1..65536, not '" +
                                   text + "'");
    }
    if (std::find(colors.begin(), colors.end(), value) == colors.end()) colors.push_back(value);
    start = end + 1;
  }
  return colors;
}

struct Outputs {
  std::string csv, json, html;
};

// Every report file is checked before the (slow) study starts, so a mistake costs nothing.
void check_outputs(const std::vector<std::string>& images, const Outputs& outputs, bool force) {
  int to_stdout = 0;
  for (const std::string* output : {&outputs.csv, &outputs.json, &outputs.html}) {
    if (output->empty()) continue;
    if (*output == "-") {
      ++to_stdout;
      continue;
    }
    for (const std::string& image : images) kmq::tools::check_output_path(image, *output, force);
  }
  if (to_stdout > 1) throw kmq::tools::UsageError("only one of --csv/--json/--html can be '-'");
  if (!outputs.csv.empty() && outputs.csv == outputs.json)
    throw kmq::tools::UsageError("--csv and --json name the same file");
  for (const std::string* other : {&outputs.csv, &outputs.json}) {
    if (!outputs.html.empty() && outputs.html == *other)
      throw kmq::tools::UsageError("--html and --csv/--json name the same file");
  }
}

void write_output(const std::string& path, const std::string& text) {
  if (path.empty()) return;
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  kmq::tools::write_output(
      path, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

int run(int argc, char** argv) {
  kmq::compare::StudySettings settings;
  kmq::compare::StudyDescription description{"kmeans", "rgb", 0, 0, 0};
  kmq::EncodeOptions& encode = settings.encode;
  std::vector<std::string> images;
  std::string colors = kDefaultColors;
  Outputs outputs;
  int jobs = 0;
  double dither = 0;
  std::string pictures = !kmq::compare::report_embeds_decoder() ? "png" : "kmq";
  kmq::tools::CommandLine line("kmqcompare", kUsage);
  // clang-format off
  line.value("colors,k", "LIST", &colors, "K values, comma-separated (default 2,4,8,16,32,64,128,256,512,1024)")
      .value("method,m", "M", &description.method, "kmeans (default), minibatch or gmm")
      .value("space", "S", &description.space, "rgb (default) or oklab")
      .value("seed", "N", &encode.seed, "random seed (default 1)")
      .value("level,l", "L", &encode.level, "zstd effort: 0 = tuned (default), or zstd level 1..22")
      .optional_value("dither", "S", &dither, "1", "Floyd-Steinberg dithering, strength 0..1 (1 if given alone)")
      .value("rd", "LAMBDA", &settings.rd_lambda, "also encode every K with rate-distortion labels of this lambda (as kmqenc --rd), and show both curves of bytes against PSNR and SSIM")
      .value("csv", "FILE", &outputs.csv, "results as CSV ('-' for standard output)")
      .value("json", "FILE", &outputs.json, "settings and results as JSON ('-' for standard output)")
      .value("html", "FILE", &outputs.html, "self-contained interactive report ('-' for standard output)")
      .value("html-max-side", "N", &settings.display_max_side, "longest side of the report's pictures, 16..4096 (default 640)")
      .value("html-pictures", "P", &pictures, "kmq: the report holds each K's .kmq file and decodes it in the page (default when built with the web decoder); png: PNG pictures of it")
      .flag("force,f", "overwrite existing report files")
      .flag("verbose,v", "name each image as its study starts")
      .flag("quiet,q", "no table, no progress bar")
      .value("jobs,j", "N", &jobs, "encoder threads (0 = all cores)")
      .value("max-pixels", "N", &settings.max_pixels, "refuse larger images (default 268435456)")
      .operands(&images);
  // clang-format on
  if (!line.parse(argc, argv)) return kmq::tools::kExitOk;
  settings.colors = parse_color_list(colors);
  encode.method = kmq::tools::parse_method(description.method);
  encode.space = kmq::tools::parse_space(description.space);
  encode.dither = dither;
  kmq::tools::require_range("jobs", jobs, 0, 4096);
  kmq::tools::require_range("level", encode.level, 0, 22);
  kmq::tools::require_range("dither", encode.dither, 0, 1);
  kmq::tools::require_range("rd", settings.rd_lambda, 0, 1e9);
  if (settings.rd_lambda > 0 && encode.dither > 0)
    throw kmq::tools::UsageError(
        "--rd and --dither cannot be combined: RD labels map undithered pixels");
  kmq::tools::require_range("html-max-side", settings.display_max_side, 16, 4096);
  encode.threads = jobs;
  const bool force = line.given("force");
  const bool quiet = line.given("quiet");
  const bool verbose = line.given("verbose");
  if (quiet && verbose) throw kmq::tools::UsageError("--quiet and --verbose conflict");
  if (images.empty()) throw kmq::tools::UsageError("no image file (give one or more images)");
  if (std::count(images.begin(), images.end(), "-") > 1)
    throw kmq::tools::UsageError("standard input ('-') can be read only once");
  if (std::count(images.begin(), images.end(), "-") > 0) kmq::tools::check_stdin_not_console();
  check_outputs(images, outputs, force);
  description.seed = encode.seed;
  description.level = encode.level;
  description.dither = encode.dither;
  description.rd_lambda = settings.rd_lambda;
  settings.keep_visuals = !outputs.html.empty();
  if (pictures != "kmq" && pictures != "png")
    throw kmq::tools::UsageError("--html-pictures takes kmq or png, not '" + pictures + "'");
  if (pictures == "kmq" && !kmq::compare::report_embeds_decoder()) {
    throw kmq::tools::UsageError(
        "--html-pictures kmq: this kmqcompare was built without the web decoder "
        "(build web/ with npm, then reconfigure)");
  }
  settings.embed_kmq = pictures == "kmq";

  const bool table_to_stdout =
      !quiet && outputs.csv != "-" && outputs.json != "-" && outputs.html != "-";
  // A bad image is reported and skipped, as kmqenc skips it; the others' reports are written.
  std::vector<kmq::compare::ImageStudy> studies;
  std::vector<int> codes;
  {
    kmq::tools::BatchProgress progress(images.size() * settings.colors.size(),
                                       !quiet && isatty(STDERR_FILENO), "steps");
    for (const std::string& image : images) {
      if (verbose) {
        progress.clear();
        std::fprintf(stderr, "kmqcompare: studying %s\n", image.c_str());
      }
      try {
        studies.push_back(kmq::compare::study_image(image, settings, [&] { progress.advance(); }));
        codes.push_back(kmq::tools::kExitOk);
      } catch (const std::exception& e) {
        progress.clear();
        std::fprintf(stderr, "kmqcompare: error: %s: %s (skipped)\n", image.c_str(), e.what());
        codes.push_back(kmq::tools::exit_code_of(e));
        for (std::size_t k = 0; k < settings.colors.size(); ++k) progress.advance();
      }
    }
  }
  if (studies.empty()) {
    std::fprintf(stderr, "kmqcompare: error: no image could be studied; no report written\n");
    return kmq::tools::worst_exit_code(codes);
  }
  if (table_to_stdout) {
    const std::string table = kmq::compare::table_text(studies);
    std::fwrite(table.data(), 1, table.size(), stdout);
    std::fflush(stdout);
  }
  write_output(outputs.csv, kmq::compare::csv_text(studies));
  write_output(outputs.json, kmq::compare::json_text(studies, description));
  if (!outputs.html.empty())
    write_output(outputs.html, kmq::compare::html_report(studies, description));
  return kmq::tools::worst_exit_code(codes);
}

}  // namespace

int main(int argc, char** argv) {
  return kmq::tools::run_tool("kmqcompare", [&] { return run(argc, argv); });
}
