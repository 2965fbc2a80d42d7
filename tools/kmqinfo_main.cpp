// SPDX-License-Identifier: MIT
// kmqinfo: checks .kmq files and prints their structure: header, chunks, metadata, sizes.
#include <cstdio>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>

#include "command_line.hpp"
#include "output_plan.hpp"
#include "tool_common.hpp"

namespace {

using kmq::tools::json_string;

constexpr const char* kUsage =
    "kmqinfo [options] FILE.kmq...\n"
    "Checks .kmq files' containers (signature, chunks, CRCs, header, metadata) without decoding\n"
    "the labels, and prints each file's structure ('-' for standard input).\n"
    "Exit status: 0 every file valid, 1 a file damaged or unreadable, 2 bad usage.";

std::string shortened(const std::string& text, std::size_t limit) {
  std::string line;
  for (const char c : text) line += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return line.size() > limit ? line.substr(0, limit) + "..." : line;
}

void print_metadata(const kmq::Metadata& m, bool verbose) {
  if (m.empty()) {
    std::printf("metadata:      none\n");
    return;
  }
  std::printf("metadata:\n");
  if (m.srgb_intent) std::printf("  sRGB          rendering intent %d\n", int{*m.srgb_intent});
  if (m.gamma) std::printf("  gamma         %.5f\n", *m.gamma / 100000.0);
  if (m.chromaticities) {
    const kmq::Chromaticities& c = *m.chromaticities;
    std::printf("  chromaticity  white %.5f %.5f, red %.5f %.5f, green %.5f %.5f, blue %.5f %.5f\n",
                c.white_x / 1e5, c.white_y / 1e5, c.red_x / 1e5, c.red_y / 1e5, c.green_x / 1e5,
                c.green_y / 1e5, c.blue_x / 1e5, c.blue_y / 1e5);
  }
  if (m.density) {
    if (m.density->unit == 1) {
      std::printf("  density       %u x %u pixels per metre (%.1f x %.1f dpi)\n", m.density->x,
                  m.density->y, m.density->x * 0.0254, m.density->y * 0.0254);
    } else {
      std::printf("  aspect        %u : %u\n", m.density->x, m.density->y);
    }
  }
  if (!m.icc_profile.empty()) {
    std::printf("  ICC profile   '%s', %zu bytes\n", m.icc_profile_name.c_str(),
                m.icc_profile.size());
  }
  if (!m.exif.empty()) std::printf("  Exif          %zu bytes\n", m.exif.size());
  if (!m.xmp.empty()) std::printf("  XMP           %zu bytes\n", m.xmp.size());
  for (const kmq::TextEntry& t : m.text) {
    std::printf("  text          %s%s%s: %s\n", t.keyword.c_str(),
                t.language.empty() ? "" : (" [" + t.language + "]").c_str(),
                t.translated_keyword.empty() ? "" : (" (" + t.translated_keyword + ")").c_str(),
                verbose ? t.text.c_str() : shortened(t.text, 70).c_str());
  }
}

void print_text(const std::string& input, const kmq::FileInfo& info, bool verbose) {
  const double pixels = static_cast<double>(info.width) * info.height;
  std::printf("file:          %s\n", input.c_str());
  std::printf("format:        kmq version %d\n", info.version);
  std::printf("size:          %d x %d, %s\n", info.width, info.height,
              info.channels == 4 ? "RGBA" : "RGB");
  std::printf("palette:       %d entries\n", info.palette_size);
  std::printf("label coding:  %d (%s", info.label_coding,
              kmq::label_coding_name(info.label_coding));
  if (info.label_tiles > 0) std::printf(", %d tiles", info.label_tiles);
  if (info.label_strips > 0) std::printf(", %d strips", info.label_strips);
  std::printf(")\n");
  std::printf("file bytes:    %zu (%.4f bytes/pixel, %.4f bits/pixel)\n", info.file_size,
              static_cast<double>(info.file_size) / pixels,
              8.0 * static_cast<double>(info.file_size) / pixels);
  std::printf("label bytes:   %zu (%.4f bits/pixel)\n", info.label_bytes,
              8.0 * static_cast<double>(info.label_bytes) / pixels);
  print_metadata(info.metadata, verbose);
  std::printf("chunks:\n");
  for (const kmq::ChunkInfo& chunk : info.chunks) {
    std::printf("  %-4s  offset %10zu  length %10u\n", chunk.type.c_str(), chunk.offset,
                chunk.length);
  }
}

std::string metadata_json(const kmq::Metadata& m) {
  std::string out = "{";
  auto field = [&](const std::string& name, const std::string& value) {
    out += (out.size() > 1 ? ", " : "") + json_string(name) + ": " + value;
  };
  if (m.srgb_intent) field("srgb_intent", std::to_string(*m.srgb_intent));
  if (m.gamma) field("gamma", std::to_string(*m.gamma));
  if (m.chromaticities) {
    const kmq::Chromaticities& c = *m.chromaticities;
    std::string list = "[";
    for (const std::uint32_t v :
         {c.white_x, c.white_y, c.red_x, c.red_y, c.green_x, c.green_y, c.blue_x, c.blue_y}) {
      list += (list.size() > 1 ? ", " : "") + std::to_string(v);
    }
    field("chromaticities", list + "]");
  }
  if (m.density) {
    field("density",
          "{\"x\": " + std::to_string(m.density->x) + ", \"y\": " + std::to_string(m.density->y) +
              ", \"unit\": " + (m.density->unit == 1 ? "\"metre\"" : "\"aspect\"") + "}");
  }
  if (!m.icc_profile.empty()) {
    field("icc_profile", "{\"name\": " + json_string(m.icc_profile_name) +
                             ", \"bytes\": " + std::to_string(m.icc_profile.size()) + "}");
  }
  if (!m.exif.empty()) field("exif_bytes", std::to_string(m.exif.size()));
  if (!m.xmp.empty()) field("xmp", json_string(m.xmp));
  std::string texts = "[";
  for (const kmq::TextEntry& t : m.text) {
    texts += (texts.size() > 1 ? ", " : "") + std::string("{\"keyword\": ") +
             json_string(t.keyword) + ", \"language\": " + json_string(t.language) +
             ", \"translated_keyword\": " + json_string(t.translated_keyword) +
             ", \"text\": " + json_string(t.text) + "}";
  }
  field("text", texts + "]");
  return out + "}";
}

std::string info_json(const std::string& input, const kmq::FileInfo& info) {
  std::string chunks = "[";
  for (const kmq::ChunkInfo& chunk : info.chunks) {
    chunks += (chunks.size() > 1 ? ", " : "") + std::string("{\"type\": ") +
              json_string(chunk.type) + ", \"offset\": " + std::to_string(chunk.offset) +
              ", \"length\": " + std::to_string(chunk.length) + "}";
  }
  return "{\"file\": " + json_string(input) +
         ", \"ok\": true, \"version\": " + std::to_string(info.version) +
         ", \"width\": " + std::to_string(info.width) +
         ", \"height\": " + std::to_string(info.height) +
         ", \"channels\": " + std::to_string(info.channels) +
         ", \"palette_size\": " + std::to_string(info.palette_size) +
         ", \"label_coding\": " + std::to_string(info.label_coding) +
         ", \"label_coding_name\": " + json_string(kmq::label_coding_name(info.label_coding)) +
         ", \"tiles\": " + std::to_string(info.label_tiles) +
         ", \"strips\": " + std::to_string(info.label_strips) +
         ", \"file_bytes\": " + std::to_string(info.file_size) +
         ", \"label_bytes\": " + std::to_string(info.label_bytes) +
         ", \"metadata\": " + metadata_json(info.metadata) + ", \"chunks\": " + chunks + "]}";
}

int run(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::uint64_t max_pixels = kmq::kDefaultMaxPixels;
  kmq::tools::CommandLine line("kmqinfo", kUsage);
  line.flag("json", "print the results as a JSON array on standard output")
      .flag("verbose,v", "print text metadata in full")
      .flag("quiet,q", "print nothing; the exit status tells whether every file is valid")
      .value("max-pixels", "N", &max_pixels,
             "report larger images as over the limit (default 268435456)")
      .operands(&inputs);
  if (!line.parse(argc, argv)) return kmq::tools::kExitOk;
  const bool json = line.given("json"), quiet = line.given("quiet");
  if (quiet && (json || line.given("verbose")))
    throw kmq::tools::UsageError("--quiet conflicts with --json and --verbose");
  if (inputs.empty()) throw kmq::tools::UsageError("no input file (give one or more .kmq files)");
  if (std::count(inputs.begin(), inputs.end(), "-") > 1)
    throw kmq::tools::UsageError("standard input ('-') can be read only once");
  if (std::count(inputs.begin(), inputs.end(), "-") > 0) kmq::tools::check_stdin_not_console();
  std::vector<int> codes;
  std::vector<std::string> records;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string& input = inputs[i];
    try {
      const kmq::FileInfo info =
          kmq::inspect(kmq::io::read_file(input), {.max_pixels = max_pixels});
      if (json) {
        records.push_back(info_json(input, info));
      } else if (!quiet) {
        if (i > 0) std::printf("\n");
        print_text(input, info, line.given("verbose"));
      }
      codes.push_back(kmq::tools::kExitOk);
    } catch (const std::exception& e) {
      if (json) {
        records.push_back("{\"file\": " + json_string(input) +
                          ", \"ok\": false, \"error\": " + json_string(e.what()) + "}");
      }
      if (!quiet) std::fflush(stdout);
      std::fprintf(stderr, "kmqinfo: error: %s: %s\n", input.c_str(), e.what());
      codes.push_back(kmq::tools::exit_code_of(e));
    }
  }
  if (json) {
    std::printf("[\n");
    for (std::size_t i = 0; i < records.size(); ++i)
      std::printf("  %s%s\n", records[i].c_str(), i + 1 < records.size() ? "," : "");
    std::printf("]\n");
  }
  return kmq::tools::worst_exit_code(codes);
}

}  // namespace

int main(int argc, char** argv) {
  return kmq::tools::run_tool("kmqinfo", [&] { return run(argc, argv); });
}
