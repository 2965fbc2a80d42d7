// SPDX-License-Identifier: MIT
// Container parsing per format-spec/kmq.md §2-3. Every length is checked against the bytes left
// before it is used.
#include "dec/container_reader.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/byte_io.hpp"
#include "common/crc32.hpp"
#include "format/format_constants.hpp"
#include "format/header.hpp"
#include "format/metadata_chunks.hpp"

namespace kmq::detail {

namespace {

[[noreturn]] void corrupt(const std::string& message) {
  throw Error(ErrorCategory::corrupt_file, message);
}

bool is_letter(std::uint8_t c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool same_type(const std::uint8_t* type, const std::array<char, 4>& expected) {
  return std::memcmp(type, expected.data(), 4) == 0;
}

std::string describe(const std::string& type, std::size_t offset) {
  return "chunk '" + type + "' at offset " + std::to_string(offset);
}

void read_palette(std::span<const std::uint8_t> payload, const std::string& where,
                  ParsedContainer& out) {
  if (payload.empty()) corrupt(where + ": empty palette chunk");
  if (payload[0] != kPaletteCodingRaw) {
    throw Error(ErrorCategory::unsupported,
                where + ": palette coding " + std::to_string(payload[0]) + " is not supported");
  }
  const std::uint64_t expected = 1 + static_cast<std::uint64_t>(out.palette_size) * out.channels;
  if (payload.size() != expected) {
    corrupt(where + ": palette chunk holds " + std::to_string(payload.size()) + " bytes; K = " +
            std::to_string(out.palette_size) + " needs " + std::to_string(expected));
  }
  out.palette = payload.subspan(1);
}

void read_labels(std::span<const std::uint8_t> payload, const std::string& where,
                 ParsedContainer& out) {
  if (payload.empty()) corrupt(where + ": empty label chunk");
  if (payload[0] != out.label_coding) {
    corrupt(where + ": label coding " + std::to_string(payload[0]) + " differs from the header's " +
            std::to_string(out.label_coding));
  }
  out.label_data = payload.subspan(1);
}

}  // namespace

ParsedContainer read_container(std::span<const std::uint8_t> file, const DecodeOptions& options) {
  if (file.size() < kSignature.size() ||
      !std::equal(kSignature.begin(), kSignature.end(), file.begin())) {
    corrupt("not a .kmq file (signature missing or damaged)");
  }
  ParsedContainer out;
  // Critical chunks in their required order; `stage` counts how many have been seen.
  const std::array<const std::array<char, 4>*, 4> order = {&kTypeHeader, &kTypePalette,
                                                           &kTypeLabels, &kTypeEnd};
  std::size_t stage = 0;
  std::size_t offset = kSignature.size();
  MetadataReader metadata(options.max_metadata_bytes);
  while (stage < order.size()) {
    if (out.chunks.size() >= kMaxChunks) corrupt("more than 1024 chunks");
    const std::size_t left = file.size() - offset;
    if (left < kChunkOverhead) {
      corrupt("file truncated at offset " + std::to_string(offset) + ": expected chunk '" +
              std::string(order[stage]->data(), 4) + "'");
    }
    const std::uint32_t length = load_u32le(&file[offset]);
    const std::uint8_t* type = &file[offset + 4];
    std::string type_name(reinterpret_cast<const char*>(type), 4);
    if (!std::all_of(type, type + 4, is_letter)) {
      corrupt("chunk at offset " + std::to_string(offset) + " has an invalid type");
    }
    const std::string where = describe(type_name, offset);
    if (length > left - kChunkOverhead) {
      corrupt(where + ": length " + std::to_string(length) + " runs past the end of the file");
    }
    const auto payload = file.subspan(offset + 8, length);
    const std::uint32_t stored_crc = load_u32le(&file[offset + 8 + length]);
    const std::uint32_t crc = crc32_update(0, file.subspan(offset + 4, 4 + std::size_t{length}));
#ifndef KMQ_FUZZING_SKIP_CRC
    if (crc != stored_crc) corrupt(where + ": CRC mismatch (the file is damaged)");
#else
    (void)crc;
    (void)stored_crc;
#endif
    out.chunks.push_back({type_name, offset, length});
    offset += kChunkOverhead + length;

    const bool critical = (type[0] & 0x20) == 0;
    if (!critical) {
      if (stage == 0) corrupt(where + ": the first chunk must be 'HEAD'");
      metadata.read(type, payload, where);  // §2.7; other ancillary chunks are skipped (§2.2)
      continue;
    }
    if (!same_type(type, *order[stage])) {
      for (std::size_t s = 0; s < order.size(); ++s) {
        if (same_type(type, *order[s])) {
          corrupt(where +
                  ": critical chunk out of order, repeated or missing before it "
                  "(expected '" +
                  std::string(order[stage]->data(), 4) + "')");
        }
      }
      if (stage == 0) corrupt(where + ": the first chunk must be 'HEAD'");
      throw Error(ErrorCategory::unsupported,
                  where + ": unknown critical chunk type; this decoder cannot read the file");
    }
    switch (stage) {
      case 0:
        static_cast<ImageHeader&>(out) = parse_header(payload, where, options.max_pixels);
        break;
      case 1:
        read_palette(payload, where, out);
        break;
      case 2:
        read_labels(payload, where, out);
        break;
      case 3:
        if (length != 0) corrupt(where + ": end chunk must be empty");
        break;
    }
    ++stage;
  }
  if (offset != file.size()) {
    corrupt(std::to_string(file.size() - offset) + " bytes of trailing data after 'ENDF'");
  }
  out.metadata = metadata.take();
  return out;
}

}  // namespace kmq::detail
