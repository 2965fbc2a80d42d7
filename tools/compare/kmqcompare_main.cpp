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
#include "compare_study.hpp"
#include "report_html.hpp"
#include "study_tables.hpp"
#include "tool_common.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "kmqcompare [options] IMAGE... [--csv FILE] [--json FILE] [--html FILE]\n"
    "For every image and every K: the .kmq size, the PNG size of the same quantized pixels\n"
    "(indexed when K <= 256), the size of the JPEG of the original that reaches the same PSNR,\n"
    "each as a percentage of the original file, with PSNR, SSIM and encode/decode times.\n"
    "Prints a table on standard output; --html writes a self-contained interactive report.\n"
    "Exit status: 0 success, 1 an image could not be read or an output written, 2 bad usage.";

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
  kmq::io::write_file_atomically(
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
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help and exit")
      ("version,V", "show the version and exit")
      ("colors,k", po::value(&colors)->default_value(colors), "the K values, comma-separated, each 1..65536")
      ("method,m", po::value(&description.method)->default_value(description.method),
       "kmeans, minibatch or gmm")
      ("space", po::value(&description.space)->default_value(description.space),
       "clustering space: rgb or oklab")
      ("seed", po::value(&encode.seed)->default_value(encode.seed), "random seed")
      ("level,l", po::value(&encode.level)->default_value(encode.level), "zstd effort: 0 = kmq's tuned parameters, or a zstd level 1..22")
      ("dither", po::value(&encode.dither)->implicit_value(1.0)->default_value(0.0),
       "Floyd-Steinberg dithering; optional strength 0..1 (--dither=0.5)")
      ("csv", po::value(&outputs.csv), "write the results as CSV ('-' for standard output)")
      ("json", po::value(&outputs.json), "write the results as JSON ('-' for standard output)")
      ("html", po::value(&outputs.html), "write the interactive HTML report")
      ("html-max-side", po::value(&settings.display_max_side)->default_value(settings.display_max_side),
       "longest side of the pictures in the HTML report, 16..4096 pixels")
      ("force,f", "overwrite existing report files")
      ("quiet,q", "no table and no progress bar")
      ("jobs,j", po::value(&jobs)->default_value(0), "encoder threads, 0 = all cores")
      ("max-pixels", po::value(&settings.max_pixels)->default_value(settings.max_pixels),
       "refuse larger images");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("image", po::value(&images), "images");
  po::positional_options_description positional;
  positional.add("image", -1);
  po::variables_map values;
  if (kmq::tools::parse_command_line(argc, argv, "kmqcompare", kUsage, options, hidden, positional,
                                     values)) {
    return kmq::tools::kExitOk;
  }
  settings.colors = parse_color_list(colors);
  encode.method = kmq::tools::parse_method(description.method);
  encode.space = kmq::tools::parse_space(description.space);
  if (jobs < 0) throw kmq::tools::UsageError("--jobs must be >= 0");
  encode.threads = jobs;
  if (settings.display_max_side < 16 || settings.display_max_side > 4096)
    throw kmq::tools::UsageError("--html-max-side must be in 16..4096");
  try {
    kmq::validate(encode);
  } catch (const kmq::Error& e) {
    throw kmq::tools::UsageError(e.what());
  }
  if (images.empty()) throw kmq::tools::UsageError("no image file");
  if (std::count(images.begin(), images.end(), "-") > 1)
    throw kmq::tools::UsageError("standard input ('-') can be read only once");
  const bool force = values.count("force") > 0;
  const bool quiet = values.count("quiet") > 0;
  check_outputs(images, outputs, force);
  description.seed = encode.seed;
  description.level = encode.level;
  description.dither = encode.dither;
  settings.keep_visuals = !outputs.html.empty();

  const bool table_to_stdout =
      !quiet && outputs.csv != "-" && outputs.json != "-" && outputs.html != "-";
  kmq::tools::BatchProgress progress(images.size() * settings.colors.size(),
                                     !quiet && isatty(STDERR_FILENO), "steps");
  std::vector<kmq::compare::ImageStudy> studies;
  for (const std::string& image : images) {
    try {
      studies.push_back(kmq::compare::study_image(image, settings, [&] { progress.advance(); }));
    } catch (const kmq::Error&) {
      progress.clear();
      throw;
    }
  }
  progress.clear();
  if (table_to_stdout) {
    const std::string table = kmq::compare::table_text(studies);
    std::fwrite(table.data(), 1, table.size(), stdout);
    std::fflush(stdout);
  }
  write_output(outputs.csv, kmq::compare::csv_text(studies));
  write_output(outputs.json, kmq::compare::json_text(studies, description));
  if (!outputs.html.empty())
    write_output(outputs.html, kmq::compare::html_report(studies, description));
  return kmq::tools::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return kmq::tools::run_tool("kmqcompare", [&] { return run(argc, argv); });
}
