// SPDX-License-Identifier: MIT
// Writes format-spec/vectors/: valid files with their expected pixels (PAM), and invalid files
// with the error category a decoder reports. Run by hand when the vectors must change:
//   build/tests/make_format_vectors format-spec/vectors
// then refresh MANIFEST.sha256 (see format-spec/vectors/README.md).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <map>

#include "adaptive_copies_streams.hpp"
#include "format/zstd_frame.hpp"
#include "kmq_file_builder.hpp"
#include "metadata_text.hpp"
#include "test_images.hpp"

namespace {

using kmq::testing::Bytes;
using kmq::testing::header_payload;
using kmq::testing::KmqFileBuilder;
using kmq::testing::palette_payload;
using kmq::testing::zstd_label_payload;

void save(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void valid(const std::filesystem::path& folder, const std::string& name, const Bytes& file,
           const kmq::Image& expected) {
  save(folder / "valid" / (name + ".kmq"), file);
  save(folder / "valid" / (name + ".pam"), kmq::io::write_pam(expected));
}

kmq::Image pixels_of(std::uint32_t width, std::uint32_t height, std::uint32_t palette_size,
                     std::uint8_t channels, const Bytes& raw_indices) {
  kmq::IndexedImage indexed;
  indexed.width = static_cast<int>(width);
  indexed.height = static_cast<int>(height);
  indexed.channels = channels;
  const Bytes palette = palette_payload(palette_size, channels);
  indexed.palette.assign(palette.begin() + 1, palette.end());
  const std::size_t step = palette_size > 256 ? 2 : 1;
  for (std::size_t i = 0; i < raw_indices.size(); i += step) {
    indexed.indices.push_back(static_cast<std::uint16_t>(
        step == 1 ? raw_indices[i] : raw_indices[i] | raw_indices[i + 1] << 8));
  }
  return kmq::expand(indexed);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_format_vectors OUTPUT_FOLDER\n";
    return 2;
  }
  const std::filesystem::path folder = argv[1];
  std::filesystem::create_directories(folder / "valid");
  std::filesystem::create_directories(folder / "invalid");

  // Valid files from the reference encoder.
  {
    kmq::EncodeOptions options;
    options.label_coding = kmq::LabelCodingChoice::raw;  // method 0 vectors
    options.colors = 4;
    const auto indexed = kmq::quantize(kmq::testing::gradient_image(16, 8), options);
    valid(folder, "rgb_k4_gradient", kmq::encode_indexed(indexed, options), kmq::expand(indexed));
    options.colors = 5;
    const auto rgba = kmq::quantize(kmq::testing::half_transparent_image(12, 6), options);
    valid(folder, "rgba_k5_transparent", kmq::encode_indexed(rgba, options), kmq::expand(rgba));
    options.colors = 1;
    const auto single = kmq::quantize(kmq::testing::gradient_image(3, 2), options);
    valid(folder, "rgb_k1_single_colour", kmq::encode_indexed(single, options),
          kmq::expand(single));
    // Method 1 (neighbour contexts), forced so that the vectors cover it whatever is smaller.
    options.label_coding = kmq::LabelCodingChoice::contexts;
    options.level = 19;  // these were made before the tuned parameters became the default
    options.colors = 6;
    const auto gradient = kmq::quantize(kmq::testing::gradient_image(23, 11), options);
    valid(folder, "m1_rgb_k6_gradient", kmq::encode_indexed(gradient, options),
          kmq::expand(gradient));
    options.colors = 5;
    const auto alpha = kmq::quantize(kmq::testing::half_transparent_image(12, 7), options);
    valid(folder, "m1_rgba_k5_transparent", kmq::encode_indexed(alpha, options),
          kmq::expand(alpha));
    options.colors = 400;
    const auto wide = kmq::quantize(kmq::testing::image_with_colors(31, 19, 500), options);
    valid(folder, "m1_rgb_k400_two_byte_literals", kmq::encode_indexed(wide, options),
          kmq::expand(wide));
    // Method 2 (neighbour partitions).
    options.label_coding = kmq::LabelCodingChoice::partitions;
    options.level = kmq::kTunedLevel;
    valid(folder, "m2_rgb_k6_gradient", kmq::encode_indexed(gradient, options),
          kmq::expand(gradient));
    valid(folder, "m2_rgba_k5_transparent", kmq::encode_indexed(alpha, options),
          kmq::expand(alpha));
    options.colors = 256;
    const auto many = kmq::quantize(kmq::testing::image_with_colors(31, 19, 500), options);
    valid(folder, "m2_rgb_k256_literals", kmq::encode_indexed(many, options), kmq::expand(many));
    // Method 3 (partition tiles): the same images in 4, 3 and 5 tiles.
    options.label_coding = kmq::LabelCodingChoice::tiles;
    options.tiles = 4;
    valid(folder, "m3_rgb_k6_gradient_4_tiles", kmq::encode_indexed(gradient, options),
          kmq::expand(gradient));
    options.tiles = 3;
    valid(folder, "m3_rgba_k5_transparent_3_tiles", kmq::encode_indexed(alpha, options),
          kmq::expand(alpha));
    options.tiles = 5;
    valid(folder, "m3_rgb_k256_literals_5_tiles", kmq::encode_indexed(many, options),
          kmq::expand(many));
    // Method 4 (adaptive copies): the same images, wide literals, and a page of repeated
    // glyphs whose copies include ones overlapping their source on the same row.
    options.label_coding = kmq::LabelCodingChoice::copies;
    options.tiles = 1;
    valid(folder, "m4_rgb_k6_gradient", kmq::encode_indexed(gradient, options),
          kmq::expand(gradient));
    options.tiles = 2;
    valid(folder, "m4_rgba_k5_transparent_2_strips", kmq::encode_indexed(alpha, options),
          kmq::expand(alpha));
    options.tiles = 1;
    valid(folder, "m4_rgb_k256_literals", kmq::encode_indexed(many, options), kmq::expand(many));
    valid(folder, "m4_rgb_k400_wide_literals", kmq::encode_indexed(wide, options),
          kmq::expand(wide));
    options.tiles = 3;
    const kmq::IndexedImage page = kmq::testing::glyph_page(96, 60, 5, 3);
    valid(folder, "m4_rgb_k5_copies_3_strips", kmq::encode_indexed(page, options),
          kmq::expand(page));
  }
  // Hand-built valid files.
  {
    Bytes raw;
    for (int i = 0; i < 256; ++i) raw.push_back(static_cast<std::uint8_t>(255 - i));
    valid(folder, "rgb_k256_every_index", kmq::testing::valid_file(16, 16, 256, raw),
          pixels_of(16, 16, 256, 3, raw));
  }
  {
    Bytes raw;
    for (int i = 0; i < 20 * 16; ++i) {
      const int index = (i * 7) % 300;
      raw.push_back(static_cast<std::uint8_t>(index));
      raw.push_back(static_cast<std::uint8_t>(index >> 8));
    }
    valid(folder, "rgb_k300_two_byte_indices", kmq::testing::valid_file(20, 16, 300, raw),
          pixels_of(20, 16, 300, 3, raw));
  }
  {
    const Bytes raw = {0, 1, 2, 1, 0, 2};
    const Bytes file = KmqFileBuilder()
                           .chunk("HEAD", header_payload(3, 2, 3, 4))
                           .chunk("noTe", {'a', 'n', 'c', 'i', 'l', 'l', 'a', 'r', 'y'})
                           .chunk("PALT", palette_payload(3, 4))
                           .chunk("LABL", zstd_label_payload(raw))
                           .chunk("xtra", {})
                           .chunk("ENDF", {})
                           .bytes();
    valid(folder, "rgba_ancillary_chunks_skipped", file, pixels_of(3, 2, 3, 4, raw));
  }

  // Metadata (§2.7): every chunk type, written by the encoder (some items zstd-packed), and the
  // same chunks by hand after PALT and LABL, where decoders must accept them too.
  const kmq::Metadata metadata = [] {
    kmq::Metadata m;
    m.icc_profile_name = "vector profile";
    m.icc_profile.assign(200, 0);
    m.icc_profile[3] = 200;
    for (std::size_t i = 0; i < 4; ++i)
      m.icc_profile[36 + i] = static_cast<std::uint8_t>("acsp"[i]);
    m.exif = {'M', 'M', 0, 0x2A, 0, 0, 0, 8, 0, 0};
    m.xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">" + std::string(400, ' ') + "</x:xmpmeta>";
    m.text = {{"Title", "", "", "A vector"},
              {"Author", "de", "Autor", "J\xc3\xbcrgen"},
              {"Comment", "", "", std::string(300, 'z')}};
    m.srgb_intent = 0;
    m.gamma = 45455;
    m.chromaticities = kmq::Chromaticities{31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000};
    m.density = kmq::PixelDensity{2835, 2835, 1};
    return m;
  }();
  auto save_metadata = [&](const std::string& name, const kmq::Metadata& m) {
    const std::string text = kmq::testing::metadata_text(m);
    save(folder / "valid" / (name + ".meta"), Bytes(text.begin(), text.end()));
  };
  {
    kmq::EncodeOptions options;
    options.colors = 4;
    kmq::Image image = kmq::testing::gradient_image(6, 4);
    image.metadata() = metadata;
    const auto indexed = kmq::quantize(image, options);
    valid(folder, "meta_every_chunk", kmq::encode_indexed(indexed, options), kmq::expand(indexed));
    save_metadata("meta_every_chunk", metadata);
  }
  const Bytes stored_exif = {0, 'I', 'I', 0x2A, 0, 8, 0, 0, 0};
  auto text_chunk = [](const std::string& keyword, const std::string& language,
                       const Bytes& packed) {
    Bytes out(keyword.begin(), keyword.end());
    out.push_back(0);
    out.insert(out.end(), language.begin(), language.end());
    out.push_back(0);
    out.push_back(0);  // no translated keyword
    out.insert(out.end(), packed.begin(), packed.end());
    return out;
  };
  auto stored = [](const std::string& text) {
    Bytes out = {0};
    out.insert(out.end(), text.begin(), text.end());
    return out;
  };
  {
    const Bytes raw = {0, 1, 2, 1};
    const Bytes file = KmqFileBuilder()
                           .chunk("HEAD", header_payload(2, 2, 3))
                           .chunk("PALT", palette_payload(3))
                           .chunk("phys", {1, 0, 0, 0, 2, 0, 0, 0, 0})
                           .chunk("LABL", zstd_label_payload(raw))
                           .chunk("text", text_chunk("Note", "en", stored("after the labels")))
                           .chunk("exif", stored_exif)
                           .chunk("ENDF", {})
                           .bytes();
    valid(folder, "meta_after_palette_and_labels", file, pixels_of(2, 2, 3, 3, raw));
    kmq::Metadata m;
    m.density = kmq::PixelDensity{1, 2, 0};
    m.text = {{"Note", "en", "", "after the labels"}};
    m.exif.assign(stored_exif.begin() + 1, stored_exif.end());
    save_metadata("meta_after_palette_and_labels", m);
  }

  // Invalid files and the category the reference decoder reports.
  std::map<std::string, std::pair<Bytes, std::string>> invalid;
  const Bytes good = kmq::testing::valid_file(2, 2, 3, {0, 1, 2, 1});
  auto file_with = [](const Bytes& head, const Bytes& palette, const Bytes& labels) {
    return KmqFileBuilder()
        .chunk("HEAD", head)
        .chunk("PALT", palette)
        .chunk("LABL", labels)
        .chunk("ENDF", {})
        .bytes();
  };
  const Bytes head = header_payload(2, 2, 3), palette = palette_payload(3),
              labels = zstd_label_payload({0, 1, 2, 1});
  {
    Bytes file = good;
    file[1] = 'X';
    invalid["bad_signature"] = {file, "corrupt_file"};
  }
  invalid["truncated"] = {Bytes(good.begin(), good.end() - 5), "corrupt_file"};
  {
    Bytes file = good;
    file[file.size() - 20] ^= 0x01;  // inside LABL: its CRC no longer matches
    invalid["crc_mismatch"] = {file, "corrupt_file"};
  }
  invalid["index_not_below_k"] = {kmq::testing::valid_file(2, 2, 3, {0, 1, 3, 1}), "corrupt_file"};
  invalid["zstd_size_mismatch"] = {kmq::testing::valid_file(2, 2, 3, {0, 1, 2}), "corrupt_file"};
  invalid["zstd_without_content_size"] = {
      file_with(head, palette, zstd_label_payload({0, 1, 2, 1}, false)), "corrupt_file"};
  invalid["unknown_critical_chunk"] = {KmqFileBuilder()
                                           .chunk("HEAD", head)
                                           .chunk("PALT", palette)
                                           .chunk("NEWS", {})
                                           .chunk("LABL", labels)
                                           .chunk("ENDF", {})
                                           .bytes(),
                                       "unsupported"};
  invalid["version_2"] = {file_with(header_payload(2, 2, 3, 3, 2), palette, labels), "unsupported"};
  invalid["reserved_flags_set"] = {
      file_with(header_payload(2, 2, 3, 3, 1, 0, 0x80), palette, labels), "corrupt_file"};
  invalid["palette_length_wrong"] = {file_with(head, palette_payload(4), labels), "corrupt_file"};
  {
    Bytes file = good;
    file.push_back(0);
    invalid["trailing_data"] = {file, "corrupt_file"};
  }
  invalid["missing_end_chunk"] = {
      KmqFileBuilder().chunk("HEAD", head).chunk("PALT", palette).chunk("LABL", labels).bytes(),
      "corrupt_file"};
  invalid["palette_before_header"] = {KmqFileBuilder()
                                          .chunk("PALT", palette)
                                          .chunk("HEAD", head)
                                          .chunk("LABL", labels)
                                          .chunk("ENDF", {})
                                          .bytes(),
                                      "corrupt_file"};
  invalid["over_format_pixel_limit"] = {
      file_with(header_payload(1u << 16, 1u << 15, 3), palette, labels), "corrupt_file"};
  invalid["over_default_pixel_limit"] = {
      file_with(header_payload(1u << 15, 1u << 14, 3), palette, labels), "limit_exceeded"};
  invalid["zero_width"] = {file_with(header_payload(0, 2, 3), palette, labels), "corrupt_file"};

  // Method 1: a 3x1 image, K = 3, labels 0 1 2 (see tests/label_coding_test.cpp).
  std::vector<Bytes> streams(20);
  streams[15] = {0, 1, 1};
  streams[16] = {2, 2};
  const Bytes m1_head = header_payload(3, 1, 3, 3, 1, 1);
  auto m1_file = [&](const std::vector<Bytes>& s, int count = -1) {
    return file_with(m1_head, palette_payload(3), kmq::testing::contexts_label_payload(s, count));
  };
  // What both hand-built 3x1 files decode to.
  const kmq::Image hand_built_pixels = [&] {
    kmq::IndexedImage indexed;
    indexed.width = 3;
    indexed.height = 1;
    indexed.channels = 3;
    const Bytes p = palette_payload(3);
    indexed.palette.assign(p.begin() + 1, p.end());
    indexed.indices = {0, 1, 2};
    return kmq::expand(indexed);
  }();
  valid(folder, "m1_hand_built_3x1", m1_file(streams), hand_built_pixels);
  auto literal_too_big = streams;
  literal_too_big[16] = {2, 3};
  invalid["m1_literal_not_below_k"] = {m1_file(literal_too_big), "corrupt_file"};
  auto no_candidate = streams;
  no_candidate[15] = {0, 2, 1};
  invalid["m1_symbol_names_no_candidate"] = {m1_file(no_candidate), "corrupt_file"};
  invalid["m1_stream_count_wrong"] = {m1_file(streams, 19), "corrupt_file"};
  auto unread = streams;
  unread[17] = {0};
  invalid["m1_stream_not_read_to_its_end"] = {m1_file(unread), "corrupt_file"};
  auto short_symbols = streams;
  short_symbols[15] = {0, 1};
  invalid["m1_symbols_fewer_than_pixels"] = {m1_file(short_symbols), "corrupt_file"};

  // Method 2: the same 3x1 image. Every pixel has one candidate (context 0): symbols 0, 1, 1
  // packed as 0 + 5 * 1 + 25 * 1 = 30. Literals: label 1 from W = 0 (row 0 1 2, skip 0) -> 0;
  // label 2 from W = 1 (row 1 0 2: colours 0 and 2 are equally far, the lower index first;
  // skip 1) -> 1.
  std::vector<Bytes> m2_streams(19);
  m2_streams[0] = {30};
  m2_streams[15] = {0, 1};
  auto m2_file = [&](const std::vector<Bytes>& s, const Bytes& m2_head, int count = -1) {
    const std::uint32_t k = m2_head[12] | static_cast<std::uint32_t>(m2_head[13]) << 8;
    return file_with(m2_head, palette_payload(k), kmq::testing::streams_label_payload(2, s, count));
  };
  const Bytes m2_head = header_payload(3, 1, 3, 3, 1, 2);
  valid(folder, "m2_hand_built_3x1", m2_file(m2_streams, m2_head), hand_built_pixels);
  invalid["m2_k_above_256"] = {m2_file(m2_streams, header_payload(3, 1, 257, 3, 1, 2)),
                               "corrupt_file"};
  invalid["m2_stream_count_wrong"] = {m2_file(m2_streams, m2_head, 20), "corrupt_file"};
  auto byte_too_big = m2_streams;
  byte_too_big[0] = {30 + 125};
  invalid["m2_packed_byte_above_124"] = {m2_file(byte_too_big, m2_head), "corrupt_file"};
  auto m2_no_candidate = m2_streams;
  m2_no_candidate[0] = {0 + 5 * 2 + 25 * 1};
  invalid["m2_symbol_names_no_candidate"] = {m2_file(m2_no_candidate, m2_head), "corrupt_file"};
  auto literal_past_end = m2_streams;
  literal_past_end[15] = {0, 2};  // K - count = 2 choices: 0 or 1
  invalid["m2_literal_not_below_k_minus_count"] = {m2_file(literal_past_end, m2_head),
                                                   "corrupt_file"};
  // 2x1, labels 0 1: symbols 0, 1 and one padding digit, which must be 0.
  std::vector<Bytes> padded(19);
  padded[0] = {0 + 5 * 1 + 25 * 1};
  padded[15] = {0};
  invalid["m2_padding_not_zero"] = {m2_file(padded, header_payload(2, 1, 3, 3, 1, 2)),
                                    "corrupt_file"};
  auto extra_byte = m2_streams;
  extra_byte[0] = {30, 0};
  invalid["m2_stream_not_read_to_its_end"] = {m2_file(extra_byte, m2_head), "corrupt_file"};

  // Method 3: the 3x1 image in 2 tiles, columns {0} and {1, 2}. Tile 0: label 0, W = 0 by the
  // first-pixel rule, symbol 0. Tile 1: label 1 from W = 0 and label 2 from W = 1, both escapes
  // with literals 0 and 1 as in method 2. So the streams are method 2's (symbols 0, 1, 1 packed
  // as 30; literals 0, 1), and the shares are tile 0: 1 symbol of stream 0; tile 1: 2 symbols
  // of stream 0 and 2 literals of stream 15.
  auto m3_shares = [](std::uint32_t tile0_stream0, std::uint32_t tile0_stream1,
                      std::uint32_t tile1_stream0, std::uint32_t tile1_literals) {
    std::vector<std::uint32_t> shares(2 * 19, 0);
    shares[0] = tile0_stream0;
    shares[1] = tile0_stream1;
    shares[19] = tile1_stream0;
    shares[19 + 15] = tile1_literals;
    return shares;
  };
  auto m3_file = [&](const std::vector<Bytes>& s, std::uint8_t tiles,
                     const std::vector<std::uint32_t>& shares, std::uint32_t k = 3) {
    return file_with(header_payload(3, 1, k, 3, 1, 3), palette_payload(k),
                     kmq::testing::tiles_label_payload(s, tiles, shares));
  };
  valid(folder, "m3_hand_built_3x1_2_tiles", m3_file(m2_streams, 2, m3_shares(1, 0, 2, 2)),
        hand_built_pixels);
  invalid["m3_k_above_256"] = {m3_file(m2_streams, 2, m3_shares(1, 0, 2, 2), 257), "corrupt_file"};
  invalid["m3_no_tiles"] = {m3_file(m2_streams, 0, {}), "corrupt_file"};
  std::vector<std::uint32_t> four_tiles(4 * 19, 0);
  four_tiles[0] = four_tiles[19] = four_tiles[38] = 1;
  invalid["m3_more_tiles_than_columns"] = {m3_file(m2_streams, 4, four_tiles), "corrupt_file"};
  invalid["m3_tile_shares_not_its_pixels"] = {m3_file(m2_streams, 2, m3_shares(2, 0, 1, 2)),
                                              "corrupt_file"};
  invalid["m3_shares_disagree_with_stream_table"] = {m3_file(m2_streams, 2, m3_shares(1, 0, 2, 3)),
                                                     "corrupt_file"};
  // Tile 0's one symbol is said to be in stream 1, but its pixel (context 0) reads stream 0,
  // whose share for tile 0 is empty. Stream 0 holds tile 1's symbols 1, 1 (6), stream 1 one 0.
  std::vector<Bytes> misplaced(19);
  misplaced[0] = {1 + 5 * 1};
  misplaced[1] = {0};
  misplaced[15] = {0, 1};
  invalid["m3_tile_reads_past_its_share"] = {m3_file(misplaced, 2, m3_shares(0, 1, 2, 2)),
                                             "corrupt_file"};

  // Method 4 by hand (§5.6). A 1 x 2 image, K = 3, labels 0 then 2. Pixel (0, 0) starts a run
  // of W = 0 (first row: limit 1, ahead 0): decision run_to_limit[4] = 1. Pixel (0, 1): every
  // neighbour is 0 (x = 0 takes N), a run with limit 1 and ahead 1: run_to_limit[1] = 0, then,
  // ahead being the limit, shorter without a decision and gamma(run_length[3]) = 0, so r = 0;
  // the break pixel has one candidate (W, excluded) and an empty prediction, so its label is
  // a literal: tree value 2 of 2 bits from tree set literal[0]. The copy stream holds a count
  // of 0.
  {
    kmq::IndexedImage tall;
    tall.width = 1;
    tall.height = 2;
    tall.channels = 3;
    const Bytes p = palette_payload(3);
    tall.palette.assign(p.begin() + 1, p.end());
    tall.indices = {0, 2};
    auto pixels = [](std::uint32_t literal) {
      kmq::detail::RangeEncoder coder;
      kmq::detail::PixelStreamStates states(3);
      coder.decide(states.run_to_limit[4], 1);
      coder.decide(states.run_to_limit[1], 0);
      kmq::detail::code_gamma(coder, states.run_length[3], 0);
      kmq::detail::code_tree(coder, &states.literal[0], 2, literal);
      return coder.finish();
    };
    using kmq::testing::copy_stream;
    using kmq::testing::file_with_strips;
    const Bytes no_copies = copy_stream({});
    valid(folder, "m4_hand_built_1x2", file_with_strips(tall, {{no_copies, pixels(2)}}),
          kmq::expand(tall));
    invalid["m4_literal_not_below_k"] = {file_with_strips(tall, {{no_copies, pixels(3)}}),
                                         "corrupt_file"};
    // The strip table and the streams' frames.
    invalid["m4_no_strips"] = {file_with_strips(tall, {}), "corrupt_file"};
    invalid["m4_more_strips_than_rows"] = {
        file_with_strips(tall, std::vector<kmq::detail::StripStreams>(3, {no_copies, pixels(2)})),
        "corrupt_file"};
    invalid["m4_stream_under_5_bytes"] = {file_with_strips(tall, {{Bytes(4, 0), pixels(2)}}),
                                          "corrupt_file"};
    {
      Bytes file = file_with_strips(tall, {{no_copies, pixels(2)}});
      // LABL: method byte, strip count, then copy_size: say one byte more than there is.
      const kmq::ChunkInfo labl = kmq::inspect(file).chunks.at(2);
      Bytes labels(file.begin() + static_cast<std::ptrdiff_t>(labl.offset + 8),
                   file.begin() + static_cast<std::ptrdiff_t>(labl.offset + 8 + labl.length));
      labels[2] += 1;
      invalid["m4_sizes_do_not_add_up"] = {
          file_with(header_payload(1, 2, 3, 3, 1, 4), palette_payload(3), labels), "corrupt_file"};
      invalid["m4_strip_table_cut_short"] = {
          file_with(header_payload(1, 2, 3, 3, 1, 4), palette_payload(3),
                    Bytes(labels.begin(), labels.begin() + 6)),
          "corrupt_file"};
    }
    Bytes first_byte = pixels(2);
    first_byte[0] = 1;
    invalid["m4_first_byte_not_zero"] = {file_with_strips(tall, {{no_copies, first_byte}}),
                                         "corrupt_file"};
    invalid["m4_start_value_all_ones"] = {
        file_with_strips(tall, {{Bytes{0, 0xFF, 0xFF, 0xFF, 0xFF}, pixels(2)}}), "corrupt_file"};
    Bytes longer = pixels(2);
    longer.push_back(0);
    invalid["m4_bytes_after_last_value"] = {file_with_strips(tall, {{no_copies, longer}}),
                                            "corrupt_file"};
    // A copy count of 2^32 - 2 from a gamma prefix of 31 ones: more copies than pixels; then a
    // prefix of 32 ones.
    invalid["m4_more_copies_than_pixels"] = {
        file_with_strips(tall, {{copy_stream({}, 3), pixels(2)}}), "corrupt_file"};
    {
      kmq::detail::RangeEncoder coder;
      kmq::detail::GammaStates states;
      for (std::size_t k = 0; k < 32; ++k) coder.decide(states.prefix[k], 1);
      invalid["m4_gamma_prefix_of_32"] = {file_with_strips(tall, {{coder.finish(), pixels(2)}}),
                                          "corrupt_file"};
    }
  }
  // Copies that break §5.6.2, on an 8 x 4 image, K = 3, each with the pixel stream the encoder
  // would write around it so that the copy is what a decoder trips on; and a run past its
  // limit on a 2 x 1 image (first pixel: limit 2, ahead 0; not to the limit, not as above,
  // gamma m = 1: r = 2).
  {
    kmq::IndexedImage small;
    small.width = 8;
    small.height = 4;
    small.channels = 3;
    const Bytes p = palette_payload(3);
    small.palette.assign(p.begin() + 1, p.end());
    for (int i = 0; i < 32; ++i) small.indices.push_back(static_cast<std::uint16_t>(i * 7 % 3));
    auto with_copies = [&](const std::vector<kmq::detail::LabelCopy>& copies) {
      return kmq::testing::file_with_strips(
          small, {{kmq::testing::copy_stream(copies), kmq::testing::pixel_stream(small, copies)}});
    };
    invalid["m4_copy_outside_strip"] = {with_copies({{0, 0, 9, 1, 1, 0}}), "corrupt_file"};
    invalid["m4_copy_source_outside_strip"] = {with_copies({{0, 1, 2, 2, 0, 2}}), "corrupt_file"};
    invalid["m4_copy_source_not_before"] = {with_copies({{2, 1, 2, 1, 0, 0}}), "corrupt_file"};
    invalid["m4_copies_overlap"] = {with_copies({{0, 1, 2, 2, 0, 1}, {1, 2, 2, 1, 0, 1}}),
                                    "corrupt_file"};
    kmq::IndexedImage wide_row = small;
    wide_row.width = 2;
    wide_row.height = 1;
    wide_row.indices = {0, 0};
    kmq::detail::RangeEncoder coder;
    kmq::detail::PixelStreamStates states(3);
    coder.decide(states.run_to_limit[4], 0);
    coder.decide(states.run_as_above[4], 0);
    kmq::detail::code_gamma(coder, states.run_length[0], 1);
    invalid["m4_run_past_its_limit"] = {
        kmq::testing::file_with_strips(wide_row, {{kmq::testing::copy_stream({}), coder.finish()}}),
        "corrupt_file"};
  }

  // Metadata chunks that break §2.7.
  auto with_chunks = [&](const std::vector<std::pair<std::string, Bytes>>& chunks) {
    KmqFileBuilder builder;
    builder.chunk("HEAD", header_payload(2, 2, 3));
    for (const auto& [type, payload] : chunks) builder.chunk(type, payload);
    return builder.chunk("PALT", palette_payload(3))
        .chunk("LABL", zstd_label_payload({0, 1, 2, 1}))
        .chunk("ENDF", {})
        .bytes();
  };
  invalid["meta_srgb_repeated"] = {with_chunks({{"srgb", {0}}, {"srgb", {0}}}), "corrupt_file"};
  invalid["meta_srgb_intent_4"] = {with_chunks({{"srgb", {4}}}), "corrupt_file"};
  invalid["meta_gama_zero"] = {with_chunks({{"gama", {0, 0, 0, 0}}}), "corrupt_file"};
  invalid["meta_chrm_length_wrong"] = {with_chunks({{"chrm", Bytes(28, 1)}}), "corrupt_file"};
  invalid["meta_phys_unit_2"] = {with_chunks({{"phys", {1, 0, 0, 0, 1, 0, 0, 0, 2}}}),
                                 "corrupt_file"};
  invalid["meta_iccp_no_name_end"] = {with_chunks({{"iccp", {'p', 'r', 'o', 'f'}}}),
                                      "corrupt_file"};
  {
    Bytes profile = {'p', 0, 0};  // name "p", coding 0, then a profile whose size field is wrong
    Bytes body(132, 0);
    body[3] = 133;
    for (std::size_t i = 0; i < 4; ++i) body[36 + i] = static_cast<std::uint8_t>("acsp"[i]);
    profile.insert(profile.end(), body.begin(), body.end());
    invalid["meta_iccp_size_field_wrong"] = {with_chunks({{"iccp", profile}}), "corrupt_file"};
  }
  invalid["meta_exif_not_tiff"] = {with_chunks({{"exif", {0, 'E', 'x', 'i', 'f', 0, 0, 0, 0}}}),
                                   "corrupt_file"};
  invalid["meta_text_keyword_empty"] = {with_chunks({{"text", text_chunk("", "", stored("x"))}}),
                                        "corrupt_file"};
  invalid["meta_text_language_bad"] = {
      with_chunks({{"text", text_chunk("Title", "en US", stored("x"))}}), "corrupt_file"};
  invalid["meta_packed_coding_2"] = {with_chunks({{"xmpp", {2, 'x'}}}), "corrupt_file"};
  {
    Bytes unsized = {1};
    const Bytes frame = kmq::testing::zstd_label_payload({'<', 'x', '>'}, false);
    unsized.insert(unsized.end(), frame.begin() + 1, frame.end());  // the frame after LABL's byte
    invalid["meta_zstd_without_content_size"] = {with_chunks({{"xmpp", unsized}}), "corrupt_file"};
  }
  {
    Bytes big = {1};
    const Bytes frame = kmq::detail::compress_frame(Bytes((1u << 24) + 1, ' '), 19);
    big.insert(big.end(), frame.begin(), frame.end());
    invalid["meta_item_over_16_mib"] = {with_chunks({{"xmpp", big}}), "limit_exceeded"};
    Bytes item = {1};
    const Bytes full = kmq::detail::compress_frame(Bytes(1u << 24, ' '), 19);
    item.insert(item.end(), full.begin(), full.end());
    std::vector<std::pair<std::string, Bytes>> five;
    for (int i = 0; i < 5; ++i) five.push_back({"text", text_chunk("Big", "", item)});
    invalid["meta_total_over_64_mib"] = {with_chunks(five), "limit_exceeded"};
  }

  std::ofstream expected(folder / "invalid" / "expected.txt");
  for (const auto& [name, entry] : invalid) {
    save(folder / "invalid" / (name + ".kmq"), entry.first);
    expected << name << " " << entry.second << "\n";
  }
  return 0;
}
