// SPDX-License-Identifier: MIT
// Method 0 (zstd-raw): indices as 1 or 2 little-endian bytes each, in one zstd frame.
// Method 1 (neighbour-contexts): symbols against the distinct neighbours W, N, NE, NW, split into
// streams by neighbourhood pattern, escapes' literals in streams by candidate count (§5.2).
// Method 2 (neighbour-partitions): the same symbols by the exact equality pattern, three to a
// byte, and literals ranked by colour distance from W (§5.3).
#include "enc/label_encoder.hpp"

#include <zstd.h>

#include <kmq/kmq.hpp>
#include <memory>
#include <string>

#include "common/byte_io.hpp"
#include "common/colour_ranking.hpp"
#include "common/label_context.hpp"
#include "common/parallel.hpp"

namespace kmq::detail {

namespace {

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* context) const noexcept { ZSTD_freeCCtx(context); }
};

void check_zstd(std::size_t code, const char* what) {
  if (ZSTD_isError(code)) {
    throw Error(ErrorCategory::io, std::string("zstd ") + what + ": " + ZSTD_getErrorName(code));
  }
}

std::vector<std::uint8_t> serialise_indices(std::span<const std::uint16_t> indices,
                                            std::uint32_t palette_size) {
  const std::size_t width = index_width(palette_size);
  std::vector<std::uint8_t> raw(indices.size() * width);
  if (width == 1) {
    for (std::size_t i = 0; i < indices.size(); ++i) raw[i] = static_cast<std::uint8_t>(indices[i]);
  } else {
    for (std::size_t i = 0; i < indices.size(); ++i) {
      raw[2 * i] = static_cast<std::uint8_t>(indices[i]);
      raw[2 * i + 1] = static_cast<std::uint8_t>(indices[i] >> 8);
    }
  }
  return raw;
}

// What a frame is compressed with: a zstd level, optionally with a shallower match search.
struct ZstdParameters {
  int level = 19;
  int strategy = 0;    // ZSTD_strategy; 0 keeps the level's own
  int search_log = 0;  // 0 keeps the level's own
  int table_log = 0;   // hash and chain table sizes (log2 entries); 0 keeps the level's own
};

// The one place where EncodeOptions::level becomes zstd parameters.
ZstdParameters zstd_parameters(LabelCoding method, int level) {
  if (level != kTunedLevel) return {level};
  if (method != LabelCoding::zstd_raw) {
    // Methods 1 and 2's streams are long runs over tiny alphabets. zstd's optimal parser prices
    // them well, but level 19's deep match search (searchLog 7+) finds longer matches that do not
    // pay: on corpus photos a one-step search gives files from 1.7 % smaller to 0.5 % larger
    // than level 19 in a third of the time (see the notes).
    // With a one-step search, level 19's hash and chain tables (2^22 and 2^24 entries for a
    // large stream) are almost never used: 2^16 of each gives the same bytes within 0.01 % on
    // the corpus and takes the encoder's peak memory on a 4 MP photo from 65 to 45 MB.
    return {19, ZSTD_btultra, 1, 16};
  }
  // Method 0 lives on long matches with the rows above, which only a deep search finds (a
  // one-step search made eveningglow at K=16 13 % larger).
  return {19};
}

// One zstd frame with its content size, no checksum and no dictionary id (§5.1).
std::vector<std::uint8_t> compress_frame(std::span<const std::uint8_t> raw,
                                         const ZstdParameters& parameters) {
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> context(ZSTD_createCCtx());
  if (!context) throw Error(ErrorCategory::io, "zstd: cannot create a compression context");
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, parameters.level),
             "level");
  if (parameters.strategy != 0) {
    check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_strategy, parameters.strategy),
               "strategy");
  }
  if (parameters.search_log != 0) {
    check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_searchLog, parameters.search_log),
               "search log");
  }
  if (parameters.table_log != 0) {
    check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_hashLog, parameters.table_log),
               "hash log");
    check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_chainLog, parameters.table_log),
               "chain log");
  }
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 0), "checksum flag");
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_contentSizeFlag, 1), "content size");
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_dictIDFlag, 0), "dictionary id");
  std::vector<std::uint8_t> frame(ZSTD_compressBound(raw.size()));
  const std::size_t written =
      ZSTD_compress2(context.get(), frame.data(), frame.size(), raw.data(), raw.size());
  check_zstd(written, "compression");
  frame.resize(written);
  return frame;
}

// Method data of methods 1 and 2: stream count, table, then each non-empty stream's frame.
std::vector<std::uint8_t> stream_payload(LabelCoding method,
                                         const std::vector<std::vector<std::uint8_t>>& streams,
                                         const LabelEncoderSettings& settings) {
  // Streams are independent: compressing them in parallel cannot change the bytes.
  const ZstdParameters parameters = zstd_parameters(method, settings.level);
  std::vector<std::vector<std::uint8_t>> frames(streams.size());
  parallel_chunks(streams.size(), 1, settings.threads,
                  [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
                    for (std::size_t s = begin; s < end; ++s) {
                      if (!streams[s].empty()) frames[s] = compress_frame(streams[s], parameters);
                    }
                  });
  std::vector<std::uint8_t> payload = {static_cast<std::uint8_t>(method),
                                       static_cast<std::uint8_t>(streams.size())};
  for (std::size_t s = 0; s < streams.size(); ++s) {
    append_u32le(payload, static_cast<std::uint32_t>(frames[s].size()));
    append_u32le(payload, static_cast<std::uint32_t>(streams[s].size()));
  }
  for (const auto& frame : frames) payload.insert(payload.end(), frame.begin(), frame.end());
  return payload;
}

std::vector<std::uint8_t> encode_neighbour_contexts(std::span<const std::uint16_t> indices,
                                                    std::uint32_t palette_size,
                                                    const LabelEncoderSettings& settings) {
  const std::size_t width = settings.width;
  const std::size_t height = width == 0 ? 0 : indices.size() / width;
  const bool wide = index_width(palette_size) == 2;
  std::vector<std::vector<std::uint8_t>> streams(kNeighbourStreamCount);
  auto label_at = [&](std::size_t i) { return static_cast<std::uint32_t>(indices[i]); };
  for (std::size_t y = 0, i = 0; y < height; ++y) {
    for (std::size_t x = 0; x < width; ++x, ++i) {
      const Neighbourhood near = neighbourhood(label_at, width, x, y);
      const std::uint32_t label = indices[i];
      int symbol = 0;
      while (symbol < near.count && near.candidate[symbol] != label) ++symbol;
      streams[static_cast<std::size_t>(near.context)].push_back(static_cast<std::uint8_t>(symbol));
      if (symbol == near.count) {
        std::vector<std::uint8_t>& literals = streams[kNeighbourContexts + near.count - 1];
        const std::uint32_t literal = literal_of(label, near.prediction, palette_size);
        literals.push_back(static_cast<std::uint8_t>(literal));
        if (wide) literals.push_back(static_cast<std::uint8_t>(literal >> 8));
      }
    }
  }
  return stream_payload(LabelCoding::neighbour_contexts, streams, settings);
}

// Appends symbols (0..4) to a stream three to a byte, first symbol in the lowest base-5 digit.
class PackedSymbols {
 public:
  void push(std::uint32_t symbol) {
    if (count_ % kSymbolsPerByte == 0) {
      bytes_.push_back(0);
      weight_ = 1;
    }
    bytes_.back() = static_cast<std::uint8_t>(bytes_.back() + symbol * weight_);
    weight_ *= kSymbolBase;
    ++count_;
  }
  std::vector<std::uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t count_ = 0;
  std::uint32_t weight_ = 1;
};

std::vector<std::uint8_t> encode_neighbour_partitions(std::span<const std::uint16_t> indices,
                                                      std::span<const std::uint8_t> palette,
                                                      int channels,
                                                      const LabelEncoderSettings& settings) {
  ColourRanking ranking(palette, channels);
  const std::size_t width = settings.width;
  const std::size_t height = width == 0 ? 0 : indices.size() / width;
  std::vector<PackedSymbols> symbols(kPartitionContexts);
  std::vector<std::vector<std::uint8_t>> streams(kPartitionStreamCount);
  auto label_at = [&](std::size_t i) { return static_cast<std::uint32_t>(indices[i]); };
  for (std::size_t y = 0, i = 0; y < height; ++y) {
    for (std::size_t x = 0; x < width; ++x, ++i) {
      const Partition near = partition_of(neighbours(label_at, width, x, y));
      const std::uint32_t label = indices[i];
      int symbol = 0;
      while (symbol < near.count && near.candidate[symbol] != label) ++symbol;
      symbols[static_cast<std::size_t>(near.context)].push(static_cast<std::uint32_t>(symbol));
      if (symbol == near.count) {
        streams[kPartitionContexts + near.count - 1].push_back(
            static_cast<std::uint8_t>(ranking.literal_of(label, near)));
      }
    }
  }
  for (int c = 0; c < kPartitionContexts; ++c) {
    streams[static_cast<std::size_t>(c)] = std::move(symbols[static_cast<std::size_t>(c)].bytes());
  }
  return stream_payload(LabelCoding::neighbour_partitions, streams, settings);
}

}  // namespace

std::vector<std::uint8_t> encode_labels(const IndexedImage& indexed, LabelCoding method,
                                        const LabelEncoderSettings& settings) {
  const std::span<const std::uint16_t> indices = indexed.indices;
  const auto palette_size = static_cast<std::uint32_t>(indexed.palette_size());
  if (method == LabelCoding::neighbour_partitions) {
    if (palette_size > kMaxPartitionPaletteSize) {
      throw Error(ErrorCategory::bad_input, "label coding method 2 needs K <= 256");
    }
    return encode_neighbour_partitions(indices, indexed.palette, indexed.channels, settings);
  }
  if (method == LabelCoding::neighbour_contexts) {
    return encode_neighbour_contexts(indices, palette_size, settings);
  }
  if (method != LabelCoding::zstd_raw) {
    throw Error(ErrorCategory::unsupported, "label coding method " +
                                                std::to_string(static_cast<int>(method)) +
                                                " is not implemented by this encoder");
  }
  const std::vector<std::uint8_t> raw = serialise_indices(indices, palette_size);
  std::vector<std::uint8_t> frame =
      compress_frame(raw, zstd_parameters(LabelCoding::zstd_raw, settings.level));
  frame.insert(frame.begin(), static_cast<std::uint8_t>(method));
  return frame;
}

}  // namespace kmq::detail
