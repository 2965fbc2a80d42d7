// SPDX-License-Identifier: MIT
// kmqdec: decodes .kmq files to PNG, JPEG, PPM or PAM, one or many at a time.
#include <chrono>
#include <cstdio>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <optional>

#include "batch_runner.hpp"
#include "kmqdec_decoding.hpp"
#include "output_plan.hpp"
#include "tool_common.hpp"

namespace fs = std::filesystem;

namespace {

using namespace kmq::tools;

int run(int argc, char** argv) {
  std::optional<DecodeRequest> parsed = parse_kmqdec_command_line(argc, argv);
  if (!parsed) return kmq::tools::kExitOk;
  DecodeSettings& settings = parsed->settings;
  const std::vector<std::string>& files = parsed->inputs;
  const std::vector<std::string>& outputs = parsed->outputs;
  const bool batch = parsed->batch;
  if (!parsed->out_dir.empty()) kmq::tools::create_output_folder(parsed->out_dir);

  const int threads = kmq::tools::resolve_jobs(parsed->jobs);
  const int parallel_files =
      static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), files.size()));
  settings.decode.threads = std::max(1, threads / parallel_files);
  const kmq::io::WarningHandler warn = settings.strip
                                           ? kmq::io::WarningHandler()
                                           : kmq::tools::warning_printer("kmqdec", settings.quiet);
  std::vector<DecodeResult> results(files.size());
  kmq::tools::run_batch(
      files.size(), parallel_files, batch && !settings.quiet,
      [&](std::size_t i) {
        DecodeResult& r = results[i];
        r.input = files[i];
        r.output = outputs[i];
        try {
          decode_file(r, settings, warn);
        } catch (const std::exception& e) {
          r.error = e.what();
          r.exit_code = kmq::tools::exit_code_of(e);
        }
      },
      [&](std::size_t i) {
        const DecodeResult& r = results[i];
        if (r.exit_code != kmq::tools::kExitOk) {
          std::fprintf(stderr, "kmqdec: error: %s: %s\n", r.input.c_str(), r.error.c_str());
          return;
        }
        if (settings.verbose) {
          std::fprintf(stderr,
                       "kmqdec: %s: %dx%d %s, K=%d, label coding %d (%s), %zu bytes -> %s (%s): "
                       "%zu bytes, %.1f ms\n",
                       r.input.c_str(), r.info.width, r.info.height,
                       r.info.channels == 4 ? "RGBA" : "RGB", r.info.palette_size,
                       r.info.label_coding, kmq::label_coding_name(r.info.label_coding),
                       r.info.file_size, r.output.c_str(), extension_of(settings.format),
                       r.output_bytes, r.milliseconds);
        }
        if (!settings.reference.empty()) {
          std::fprintf(stderr, "kmqdec: psnr %.3f dB, ssim %.5f against %s\n", r.psnr, r.ssim,
                       settings.reference.c_str());
        }
      });
  std::vector<int> codes;
  for (const DecodeResult& r : results) codes.push_back(r.exit_code);
  return kmq::tools::worst_exit_code(codes);
}

}  // namespace

int main(int argc, char** argv) {
  return kmq::tools::run_tool("kmqdec", [&] { return run(argc, argv); });
}
