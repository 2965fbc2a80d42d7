// SPDX-License-Identifier: MIT
// Method 0 (zstd-raw): indices as 1 or 2 little-endian bytes each, in one zstd frame.
// Method 1 (neighbour-contexts): symbols against the distinct neighbours W, N, NE, NW, split into
// streams by neighbourhood pattern, escapes' literals in streams by candidate count (§5.2).
// Method 2 (neighbour-partitions): the same symbols by the exact equality pattern, three to a
// byte, and literals ranked by colour distance from W (§5.3).
// Method 3 (partition-tiles): method 2 in column tiles, each stream holding the tiles' shares in
// tile order, with a table of the shares (§5.5).
#include "enc/label_encoder.hpp"

#include <zstd.h>

#include <algorithm>
#include <kmq/kmq.hpp>
#include <memory>
#include <string>

#include "common/byte_io.hpp"
#include "common/parallel.hpp"
#include "format/color_ranking.hpp"
#include "format/context_model.hpp"
#include "format/index_layout.hpp"
#include "format/stream_table.hpp"
#include "format/symbol_packing.hpp"

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
  store_indices(indices, width, raw);
  return raw;
}

// What a frame is compressed with: a zstd level, optionally with a shallower match search.
struct ZstdParameters {
  int level = 19;
  int strategy = 0;    // ZSTD_strategy; 0 keeps the level's own
  int search_log = 0;  // 0 keeps the level's own
  int table_log = 0;   // hash and chain table sizes (log2 entries); 0 keeps the level's own
  int min_match = 0;   // shortest match searched for; 0 keeps the level's own
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
    // Matches shorter than 6 labels rarely beat the literals' entropy coding there, and pricing
    // them is most of the parser's work: minimum match 6 instead of level 19's 3 gave files
    // within -1.8 % to +0.16 % (mean -0.07 %) on 8 corpus photos at K = 16/64/256, and label
    // coding 15-16 % faster on path 4 MP, 8-16 % on safelanding 14.7 MP (eveningglow the same).
    return {19, ZSTD_btultra, 1, 16, 6};
  }
  // Method 0 lives on long matches with the rows above, which only a deep search finds (a
  // one-step search made eveningglow at K=16 13 % larger).
  return {19};
}

// A compression context set up for one frame with its content size, no checksum and no
// dictionary id (§5.1).
std::unique_ptr<ZSTD_CCtx, CCtxDeleter> frame_context(const ZstdParameters& parameters) {
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
  if (parameters.min_match != 0) {
    check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_minMatch, parameters.min_match),
               "minimum match");
  }
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 0), "checksum flag");
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_contentSizeFlag, 1), "content size");
  check_zstd(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_dictIDFlag, 0), "dictionary id");
  return context;
}

std::vector<std::uint8_t> compress_frame(std::span<const std::uint8_t> raw,
                                         const ZstdParameters& parameters) {
  const auto context = frame_context(parameters);
  std::vector<std::uint8_t> frame(ZSTD_compressBound(raw.size()));
  const std::size_t written =
      ZSTD_compress2(context.get(), frame.data(), frame.size(), raw.data(), raw.size());
  check_zstd(written, "compression");
  frame.resize(written);
  return frame;
}

// Counts the bytes of the frame compress_frame() would make of everything add()ed, `total`
// bytes in all, without keeping it: the frame passes through a small buffer. A trial needs only
// the size, and at K = 256 the raw labels and their frame are a byte per pixel each.
class FrameSizeCounter {
 public:
  FrameSizeCounter(std::size_t total, const ZstdParameters& parameters)
      : context_(frame_context(parameters)), output_(std::size_t{1} << 16) {
    check_zstd(ZSTD_CCtx_setPledgedSrcSize(context_.get(), total), "source size");
  }

  void add(std::span<const std::uint8_t> bytes) {
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    while (in.pos < in.size) compress(in, ZSTD_e_continue);
  }

  std::size_t finish() {
    ZSTD_inBuffer none{nullptr, 0, 0};
    while (compress(none, ZSTD_e_end) != 0) {
    }
    return size_;
  }

 private:
  // Returns what zstd has left to flush.
  std::size_t compress(ZSTD_inBuffer& in, ZSTD_EndDirective directive) {
    ZSTD_outBuffer out{output_.data(), output_.size(), 0};
    const std::size_t left = ZSTD_compressStream2(context_.get(), &out, &in, directive);
    check_zstd(left, "compression");
    size_ += out.pos;
    return left;
  }

  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> context_;
  std::vector<std::uint8_t> output_;
  std::size_t size_ = 0;
};

std::size_t frame_size(std::span<const std::uint8_t> raw, const ZstdParameters& parameters) {
  FrameSizeCounter counter(raw.size(), parameters);
  counter.add(raw);
  return counter.finish();
}

// Bytes of a frame, or a frame's size already counted (tuned_stream() handles either).
std::size_t byte_count(const std::vector<std::uint8_t>& frame) { return frame.size(); }
std::size_t byte_count(std::size_t counted) { return counted; }

// The tuned level's per-stream rule (format-spec §5.4): level 1 for an entropy-bound stream, else
// the smaller of the level-1 and optimal-parser frames. `compress` makes a frame or its size.
template <typename Compress>
auto tuned_stream(std::span<const std::uint8_t> stream, const ZstdParameters& tuned,
                  double entropy_bound, const Compress& compress) {
  auto fast = compress(stream, ZstdParameters{1});
  if (static_cast<double>(byte_count(fast)) > entropy_bound * static_cast<double>(stream.size())) {
    return fast;
  }
  auto slow = compress(stream, tuned);
  return byte_count(slow) < byte_count(fast) ? std::move(slow) : std::move(fast);
}

// Every non-empty stream of methods 1 to 3 through `compress(stream, parameters)` (a frame or its
// size), the tuned level's rule applied. Streams are independent: compressing them in parallel
// cannot change the bytes. Largest first, so that the last one to start is a short one.
template <typename Compress>
auto compress_streams(const LabelStreams& modelled, const LabelEncoderSettings& settings,
                      const Compress& compress) {
  const std::vector<std::vector<std::uint8_t>>& streams = modelled.streams;
  const ZstdParameters parameters = zstd_parameters(modelled.method, settings.level);
  std::vector<std::size_t> order(streams.size());
  for (std::size_t s = 0; s < order.size(); ++s) order[s] = s;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return streams[a].size() > streams[b].size();
  });
  std::vector<decltype(compress(streams[0], parameters))> frames(streams.size());
  parallel_chunks(streams.size(), 1, settings.threads,
                  [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
                    for (std::size_t i = begin; i < end; ++i) {
                      const std::size_t s = order[i];
                      if (streams[s].empty()) continue;
                      frames[s] = settings.level == kTunedLevel
                                      ? tuned_stream(streams[s], parameters, settings.entropy_bound,
                                                     compress)
                                      : compress(streams[s], parameters);
                    }
                  });
  return frames;
}

bool is_tiled(const LabelStreams& modelled) {
  return modelled.method == LabelCoding::partition_tiles;
}

// The stream (and tile) table of modelled streams whose frames are `frames`.
template <typename Frames>
StreamTable table_of(const LabelStreams& modelled, const Frames& frames) {
  StreamTable table;
  for (std::size_t s = 0; s < modelled.streams.size(); ++s) {
    table.compressed.push_back(static_cast<std::uint32_t>(byte_count(frames[s])));
    table.raw.push_back(static_cast<std::uint32_t>(modelled.streams[s].size()));
  }
  if (is_tiled(modelled)) {
    table.tiles = modelled.tile_sizes.size() / modelled.streams.size();
    table.shares = modelled.tile_sizes;
  }
  return table;
}

// LABL payload of methods 1 to 3: method byte, stream (and tile) table, then each non-empty
// stream's frame.
std::vector<std::uint8_t> stream_payload(const LabelStreams& modelled,
                                         const LabelEncoderSettings& settings) {
  const std::vector<std::vector<std::uint8_t>> frames =
      compress_streams(modelled, settings, [](auto stream, const ZstdParameters& parameters) {
        return compress_frame(stream, parameters);
      });
  std::vector<std::uint8_t> payload = {static_cast<std::uint8_t>(modelled.method)};
  append_stream_table(payload, table_of(modelled, frames));
  for (const auto& frame : frames) payload.insert(payload.end(), frame.begin(), frame.end());
  return payload;
}

// Rows per band of the parallel modelling: few enough bands that concatenating is cheap.
constexpr std::size_t kMinRowsPerBand = 64;

// Columns [first_column, first_column + columns) of rows [first_row, end_row): a band of the
// whole image (methods 1 and 2) or of one tile (method 3).
struct Region {
  std::size_t first_column, columns, first_row, end_row;
};

// Each stream's contents in order, and (for method 3's tile table) how many bytes of each stream
// every tile wrote: tile_sizes[tile * stream_count + stream].
struct ModelledRegions {
  std::vector<std::vector<std::uint8_t>> streams;
  std::vector<std::uint32_t> tile_sizes;
};

// Horizontal bands per tile for model_in_regions(): enough for every thread to have a region.
std::size_t bands_per_tile(std::size_t height, std::size_t tiles, const Workers& threads) {
  const std::size_t wanted_bands = (static_cast<std::size_t>(threads.limit()) + tiles - 1) / tiles;
  return std::clamp<std::size_t>(height / kMinRowsPerBand, 1, wanted_bands);
}

// Runs model_region(region, streams) on every tile (§5.5; 1 = the whole width), cut into
// horizontal bands for the threads, and concatenates each stream's parts tile by tile, band by
// band: the same streams as one pass over each tile, because a pixel's symbols depend only on
// the labels, never on what was emitted before it.
template <typename ModelRegion>
ModelledRegions model_in_regions(std::size_t width, std::size_t height, std::size_t tiles,
                                 std::size_t stream_count, const Workers& threads,
                                 const ModelRegion& model_region) {
  const std::size_t bands = bands_per_tile(height, tiles, threads);
  const std::size_t rows_per_band = (height + bands - 1) / bands;
  std::vector<std::vector<std::vector<std::uint8_t>>> parts(
      tiles * bands, std::vector<std::vector<std::uint8_t>>(stream_count));
  parallel_chunks(
      parts.size(), 1, threads, [&](std::size_t, std::size_t part, std::size_t, std::size_t) {
        const std::size_t tile = part / bands, band = part % bands;
        const std::size_t first_column = tile_start(tile, tiles, width);
        const std::size_t first_row = band * rows_per_band;
        model_region(Region{first_column, tile_start(tile + 1, tiles, width) - first_column,
                            first_row, std::min(height, first_row + rows_per_band)},
                     parts[part]);
      });
  ModelledRegions modelled;
  modelled.tile_sizes.assign(tiles * stream_count, 0);
  for (std::size_t part = 0; part < parts.size(); ++part) {
    for (std::size_t s = 0; s < stream_count; ++s) {
      modelled.tile_sizes[part / bands * stream_count + s] +=
          static_cast<std::uint32_t>(parts[part][s].size());
    }
  }
  modelled.streams = std::move(parts[0]);
  for (std::size_t part = 1; part < parts.size(); ++part) {
    for (std::size_t s = 0; s < stream_count; ++s) {
      modelled.streams[s].insert(modelled.streams[s].end(), parts[part][s].begin(),
                                 parts[part][s].end());
      std::vector<std::uint8_t>().swap(parts[part][s]);
    }
  }
  return modelled;
}

// One region's pixels for methods 1 to 3: the symbol is the label's place among the candidates
// of model_at(x, y) (x counted from the region's first column; their count = an escape), written
// to the model's context stream; an escape's label also goes to write_literal(label, model,
// streams).
template <typename ModelAt, typename WriteLiteral>
void code_region(std::span<const std::uint16_t> indices, std::size_t width, const Region& region,
                 const ModelAt& model_at, WriteLiteral&& write_literal,
                 std::vector<std::vector<std::uint8_t>>& streams) {
  for (std::size_t y = region.first_row; y < region.end_row; ++y) {
    const std::uint16_t* row = &indices[y * width + region.first_column];
    for (std::size_t x = 0; x < region.columns; ++x) {
      const auto near = model_at(x, y);
      const std::uint32_t label = row[x];
      int symbol = 0;
      while (symbol < near.count && near.candidate[symbol] != label) ++symbol;
      streams[static_cast<std::size_t>(near.context)].push_back(static_cast<std::uint8_t>(symbol));
      if (symbol == near.count) write_literal(label, near, streams);
    }
  }
}

std::vector<std::vector<std::uint8_t>> model_neighbour_contexts(
    std::span<const std::uint16_t> indices, std::uint32_t palette_size,
    const LabelEncoderSettings& settings) {
  const std::size_t width = settings.width;
  const std::size_t height = width == 0 ? 0 : indices.size() / width;
  const std::size_t literal_bytes = index_width(palette_size);
  auto label_at = [&](std::size_t i) { return static_cast<std::uint32_t>(indices[i]); };
  auto model_region = [&](const Region& region, std::vector<std::vector<std::uint8_t>>& streams) {
    auto model_at = [&](std::size_t x, std::size_t y) {
      return context_candidates(label_at, width, x, y);
    };
    auto write_literal = [&](std::uint32_t label, const ContextCandidates& near,
                             std::vector<std::vector<std::uint8_t>>& out) {
      std::vector<std::uint8_t>& literals = out[kNeighbourContexts + near.count - 1];
      const std::uint32_t literal = predicted_literal(label, near.prediction, palette_size);
      literals.resize(literals.size() + literal_bytes);
      store_index(literals.data() + literals.size() - literal_bytes, 0, literal_bytes, literal);
    };
    code_region(indices, width, region, model_at, write_literal, streams);
  };
  return model_in_regions(width, height, 1, kNeighbourStreamCount, settings.threads, model_region)
      .streams;
}

// Methods 2 (tiles = 1) and 3.
ModelledRegions model_neighbour_partitions(std::span<const std::uint16_t> indices,
                                           std::span<const std::uint8_t> palette, int channels,
                                           std::size_t tiles,
                                           const LabelEncoderSettings& settings) {
  const std::size_t width = settings.width;
  const std::size_t height = width == 0 ? 0 : indices.size() / width;
  // One ranking for every region: with several regions its rows are sorted first, on every
  // thread, and then only read; one region sorts the rows it needs as it meets them.
  ColorRanking ranking(palette, channels);
  if (tiles * bands_per_tile(height, tiles, settings.threads) > 1)
    ranking.sort_all_rows(settings.threads);
  // Streams 0..14 collect one unpacked symbol per byte until every region is joined.
  auto model_region = [&](const Region& region, std::vector<std::vector<std::uint8_t>>& streams) {
    const std::uint16_t* tile = indices.data() + region.first_column;
    auto label_at = [&](std::size_t i) { return static_cast<std::uint32_t>(tile[i]); };
    auto model_at = [&](std::size_t x, std::size_t y) {
      return partition_candidates(neighbours_in(label_at, width, region.columns, x, y));
    };
    auto write_literal = [&](std::uint32_t label, const PartitionCandidates& near,
                             std::vector<std::vector<std::uint8_t>>& out) {
      out[kPartitionContexts + near.count - 1].push_back(
          static_cast<std::uint8_t>(ranking.ranked_literal(label, near)));
    };
    code_region(indices, width, region, model_at, write_literal, streams);
  };
  ModelledRegions modelled =
      model_in_regions(width, height, tiles, kPartitionStreamCount, settings.threads, model_region);
  parallel_chunks(kPartitionContexts, 1, settings.threads,
                  [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
                    for (std::size_t c = begin; c < end; ++c) {
                      modelled.streams[c] = pack_symbols(modelled.streams[c]);
                    }
                  });
  return modelled;
}

}  // namespace

LabelStreams model_labels(const IndexedImage& indexed, LabelCoding method,
                          const LabelEncoderSettings& settings) {
  const std::span<const std::uint16_t> indices = indexed.indices;
  const auto palette_size = static_cast<std::uint32_t>(indexed.palette_size());
  LabelStreams modelled;
  modelled.method = method;
  switch (method) {
    case LabelCoding::zstd_raw:
      modelled.streams.push_back(serialise_indices(indices, palette_size));
      return modelled;
    case LabelCoding::neighbour_contexts:
      modelled.streams = model_neighbour_contexts(indices, palette_size, settings);
      return modelled;
    case LabelCoding::neighbour_partitions:
    case LabelCoding::partition_tiles: {
      if (palette_size > kMaxPartitionPaletteSize) {
        throw Error(ErrorCategory::bad_input, "label coding methods 2 and 3 need K <= 256");
      }
      const std::size_t tiles =
          method == LabelCoding::partition_tiles ? settings.tiles : std::size_t{1};
      if (tiles < 1 || tiles > kMaxTiles || tiles > settings.width) {
        throw Error(ErrorCategory::bad_input,
                    "label coding method 3 needs 1 to 255 tiles, at most one per column");
      }
      ModelledRegions regions =
          model_neighbour_partitions(indices, indexed.palette, indexed.channels, tiles, settings);
      modelled.streams = std::move(regions.streams);
      if (method == LabelCoding::partition_tiles)
        modelled.tile_sizes = std::move(regions.tile_sizes);
      return modelled;
    }
    case LabelCoding::adaptive_copies:
      break;  // range-coded, not zstd streams: encode_adaptive_copies()
  }
  throw Error(ErrorCategory::unsupported, "label coding method " +
                                              std::to_string(static_cast<int>(method)) +
                                              " is unknown to this encoder");
}

std::vector<std::uint8_t> compress_labels(const LabelStreams& modelled,
                                          const LabelEncoderSettings& settings) {
  if (modelled.method != LabelCoding::zstd_raw) {
    return stream_payload(modelled, settings);
  }
  std::vector<std::uint8_t> frame = compress_frame(
      modelled.streams.at(0), zstd_parameters(LabelCoding::zstd_raw, settings.level));
  frame.insert(frame.begin(), static_cast<std::uint8_t>(LabelCoding::zstd_raw));
  return frame;
}

std::size_t compressed_labels_size(const LabelStreams& modelled,
                                   const LabelEncoderSettings& settings) {
  if (modelled.method == LabelCoding::zstd_raw) {
    return 1 + frame_size(modelled.streams.at(0),
                          zstd_parameters(LabelCoding::zstd_raw, settings.level));
  }
  const std::vector<std::size_t> sizes = compress_streams(
      modelled, settings,
      [](auto stream, const ZstdParameters& parameters) { return frame_size(stream, parameters); });
  std::size_t total =
      1 + stream_table_bytes(modelled.streams.size(),
                             is_tiled(modelled) ? table_of(modelled, sizes).tiles : 0);
  for (const std::size_t size : sizes) total += size;
  return total;
}

std::size_t raw_labels_size(const IndexedImage& indexed, const LabelEncoderSettings& settings) {
  constexpr std::size_t kIndicesPerChunk = std::size_t{1} << 15;
  const std::span<const std::uint16_t> indices = indexed.indices;
  const std::size_t width = index_width(static_cast<std::uint32_t>(indexed.palette_size()));
  FrameSizeCounter counter(indices.size() * width,
                           zstd_parameters(LabelCoding::zstd_raw, settings.level));
  std::vector<std::uint8_t> chunk(kIndicesPerChunk * width);
  for (std::size_t first = 0; first < indices.size(); first += kIndicesPerChunk) {
    const std::size_t count = std::min(kIndicesPerChunk, indices.size() - first);
    store_indices(indices.subspan(first, count), width, chunk);
    counter.add(std::span<const std::uint8_t>(chunk).first(count * width));
  }
  return 1 + counter.finish();
}

std::vector<std::uint8_t> encode_labels(const IndexedImage& indexed, LabelCoding method,
                                        const LabelEncoderSettings& settings) {
  return compress_labels(model_labels(indexed, method, settings), settings);
}

}  // namespace kmq::detail
