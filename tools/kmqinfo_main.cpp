// SPDX-License-Identifier: MIT
// kmqinfo: prints the structure of a .kmq file: header, chunks, sizes, bits per pixel.
#include <cstdio>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>

#include "tool_common.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "kmqinfo [options] FILE.kmq\n"
    "Checks a .kmq file's container (signature, chunks, CRCs, header) and prints it.\n"
    "Exit status: 0 valid, 1 damaged or unreadable, 2 bad usage.";

int run(int argc, char** argv) {
  std::string input;
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help and exit")
      ("version,V", "show the version and exit")
      ;
  po::options_description hidden;
  hidden.add_options()("input", po::value(&input)->required(), "input .kmq file");
  // clang-format on
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map values;
  if (kmq::tools::parse_command_line(argc, argv, "kmqinfo", kUsage, options, hidden, positional,
                                     values)) {
    return kmq::tools::kExitOk;
  }
  const std::vector<std::uint8_t> file = kmq::io::read_file(input);
  const kmq::FileInfo info = kmq::inspect(file);
  const double pixels = static_cast<double>(info.width) * info.height;
  std::printf("file:          %s\n", input.c_str());
  std::printf("format:        kmq version %d\n", info.version);
  std::printf("size:          %d x %d, %s\n", info.width, info.height,
              info.channels == 4 ? "RGBA" : "RGB");
  std::printf("palette:       %d entries\n", info.palette_size);
  std::printf("label coding:  %d (%s", info.label_coding,
              kmq::label_coding_name(info.label_coding));
  if (info.label_tiles > 0) std::printf(", %d tiles", info.label_tiles);
  std::printf(")\n");
  std::printf("file bytes:    %zu (%.4f bytes/pixel, %.4f bits/pixel)\n", info.file_size,
              static_cast<double>(info.file_size) / pixels,
              8.0 * static_cast<double>(info.file_size) / pixels);
  std::printf("label bytes:   %zu (%.4f bits/pixel)\n", info.label_bytes,
              8.0 * static_cast<double>(info.label_bytes) / pixels);
  std::printf("chunks:\n");
  for (const kmq::ChunkInfo& chunk : info.chunks) {
    std::printf("  %-4s  offset %10zu  length %10u\n", chunk.type.c_str(), chunk.offset,
                chunk.length);
  }
  return kmq::tools::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return kmq::tools::run_tool("kmqinfo", [&] { return run(argc, argv); });
}
