// SPDX-License-Identifier: MIT
// kmqenc's request: what its command line asks for, checked and with the outputs planned.
#pragma once

#include <cstdint>
#include <filesystem>
#include <kmq/kmq.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kmq::tools {

enum class OutputFormat { kmq, png };

/// "kmq" or "png".
const char* format_name(OutputFormat format);

struct EncodeRequest {
  EncodeOptions encode;
  OutputFormat format = OutputFormat::kmq;
  std::uint64_t max_pixels = kDefaultMaxPixels;
  bool force = false, verbose = false, quiet = false, json = false;
  bool skip_if_larger = false, strip = false;
  bool counted_target = false;  // a quality or size target chooses K
  bool shared_palette = false;
  bool batch = false;  // several inputs, or an output folder
  std::string space_name = "rgb";
  std::string palette_file, out_dir;
  int jobs = 0;
  std::vector<std::string> inputs, outputs;  // one output per input, collisions refused
};

/// Parses and checks kmqenc's command line, expands folders and plans the outputs. Nothing
/// after --help or --version. Throws UsageError for every mistake, before any work.
std::optional<EncodeRequest> parse_kmqenc_command_line(int argc, char** argv);

/// The options alone ("--colors=64", "--dither", ...), as kmqenc would read them, for callers
/// that bring their own pixels (the Python package): file options (-o, -d, --ext, --force,
/// --json, --skip-if-larger, --shared-palette, -v, -q) and operands are refused; --palette's
/// file is named in palette_file, not read. Throws UsageError as the command line does.
EncodeRequest parse_kmqenc_options(const std::vector<std::string>& options);

}  // namespace kmq::tools
