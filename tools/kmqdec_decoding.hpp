// SPDX-License-Identifier: MIT
// kmqdec's work: its command line, checked and with the outputs planned, and the decoding of
// one file to PNG, JPEG, PPM or PAM. kmqdec runs it over its files; the Python package's
// kmq.decode_file runs it on one, so both write the same bytes.
#pragma once

#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tool_common.hpp"

namespace kmq::tools {

using io::FileFormat;

struct DecodeSettings {
  FileFormat format = FileFormat::png;
  int quality = 90;
  bool force = false, verbose = false, quiet = false, strip = false;
  std::string reference;  // --compare
  kmq::DecodeOptions decode;
};

struct DecodeResult {
  std::string input, output, error;
  int exit_code = kExitOk;
  kmq::FileInfo info;
  std::size_t output_bytes = 0;
  double milliseconds = 0, psnr = 0, ssim = 0;
};

/// What the command line asks for.
struct DecodeRequest {
  DecodeSettings settings;
  std::vector<std::string> inputs, outputs;
  std::string out_dir;
  bool batch = false;
  int jobs = 0;
};

// Parses and checks the command line, expands folders and plans the outputs; nothing after
// --help or --version.
/// "png", "jpg", "ppm" or "pam".
const char* extension_of(FileFormat format);

/// Parses and checks kmqdec's command line, expands folders and plans the outputs; nothing
/// after --help or --version. Throws UsageError for every mistake, before any work.
std::optional<DecodeRequest> parse_kmqdec_command_line(int argc, char** argv);

/// Decodes result.input into result.output as the settings ask (never over an input, atomically)
/// and fills in the result; `warn` hears of dropped metadata and transparency. Throws Error,
/// UsageError or io errors.
void decode_file(DecodeResult& result, const DecodeSettings& settings,
                 const io::WarningHandler& warn);

}  // namespace kmq::tools
