// SPDX-License-Identifier: MIT
// Metadata (format-spec/kmq.md §2.7): kept through .kmq, PNG and JPEG, checked and refused when
// broken, bounded before allocation.
#include <gtest/gtest.h>

#include <cstring>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <string>

#include "common/byte_io.hpp"
#include "format/zstd_frame.hpp"
#include "kmq_file_builder.hpp"
#include "test_images.hpp"

namespace {

using kmq::ErrorCategory;
using kmq::testing::Bytes;
using kmq::testing::header_payload;
using kmq::testing::KmqFileBuilder;
using kmq::testing::palette_payload;
using kmq::testing::zstd_label_payload;

// The smallest profile that passes the format's rules and libpng's header checks: an RGB
// display profile with an XYZ connection space, a D50 illuminant and no tags.
Bytes tiny_icc_profile() {
  Bytes profile(132, 0);
  auto put = [&](std::size_t at, const char* text) { std::memcpy(&profile[at], text, 4); };
  profile[3] = 132;
  profile[8] = 4;  // version 4.0
  put(12, "mntr");
  put(16, "RGB ");
  put(20, "XYZ ");
  put(36, "acsp");
  const std::uint8_t d50[12] = {0, 0, 0xF6, 0xD6, 0, 1, 0, 0, 0, 0, 0xD3, 0x2D};
  std::memcpy(&profile[68], d50, sizeof d50);
  return profile;
}

kmq::Metadata every_item() {
  kmq::Metadata m;
  m.icc_profile_name = "tiny profile";
  m.icc_profile = tiny_icc_profile();
  m.exif = {'I', 'I', 0x2A, 0, 8, 0, 0, 0, 0, 0};
  m.xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">" + std::string(3000, ' ') + "</x:xmpmeta>";
  m.text = {{"Title", "", "", "A title"},
            {"Author", "de-DE", "Autor", "J\xc3\xbcrgen"},
            {"Comment", "", "", std::string(5000, 'z')}};
  m.srgb_intent = 1;
  m.gamma = 45455;
  m.chromaticities = kmq::Chromaticities{31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000};
  m.density = kmq::PixelDensity{2835, 2835, 1};
  return m;
}

kmq::Image image_with(const kmq::Metadata& metadata) {
  kmq::Image image = kmq::testing::gradient_image(12, 9);
  image.metadata() = metadata;
  return image;
}

Bytes encode_with(const kmq::Metadata& metadata) {
  kmq::EncodeOptions options;
  options.colors = 4;
  return kmq::encode(image_with(metadata), options);
}

// A 1x1 file with these ancillary chunks between HEAD and PALT.
Bytes file_with_chunks(const std::vector<std::pair<std::string, Bytes>>& chunks) {
  KmqFileBuilder builder;
  builder.chunk("HEAD", header_payload(1, 1, 1));
  for (const auto& [type, payload] : chunks) builder.chunk(type, payload);
  builder.chunk("PALT", palette_payload(1))
      .chunk("LABL", zstd_label_payload({0}))
      .chunk("ENDF", {});
  return builder.bytes();
}

ErrorCategory decode_error(const Bytes& file) {
  try {
    kmq::decode(file);
  } catch (const kmq::Error& e) {
    return e.category();
  }
  ADD_FAILURE() << "decoding succeeded";
  return ErrorCategory::io;
}

Bytes bytes_of(const std::string& text) { return Bytes(text.begin(), text.end()); }
Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
Bytes stored(const Bytes& data) { return concat({0}, data); }
Bytes text_payload(const std::string& keyword, const std::string& language,
                   const std::string& translated, const Bytes& packed) {
  Bytes out = bytes_of(keyword);
  out.push_back(0);
  out = concat(out, bytes_of(language));
  out.push_back(0);
  out = concat(out, bytes_of(translated));
  out.push_back(0);
  return concat(out, packed);
}

TEST(Metadata, EveryItemSurvivesEncodeDecodeInspectAndDecodeIndexed) {
  const kmq::Metadata m = every_item();
  const Bytes file = encode_with(m);
  EXPECT_EQ(kmq::decode(file).metadata(), m);
  EXPECT_EQ(kmq::decode_indexed(file).metadata, m);
  EXPECT_EQ(kmq::inspect(file).metadata, m);
  EXPECT_EQ(kmq::expand(kmq::decode_indexed(file)).metadata(), m);
  // The chunks follow HEAD in the order of §2.7's table.
  std::vector<std::string> types;
  for (const kmq::ChunkInfo& chunk : kmq::inspect(file).chunks) types.push_back(chunk.type);
  const std::vector<std::string> expected = {"HEAD", "srgb", "gama", "chrm", "phys",
                                             "iccp", "exif", "xmpp", "text", "text",
                                             "text", "PALT", "LABL", "ENDF"};
  EXPECT_EQ(types, expected);
}

TEST(Metadata, QuantizeAndAnImageWithoutMetadataWriteNoChunks) {
  const kmq::Image image = image_with(every_item());
  EXPECT_EQ(kmq::quantize(image, {}).metadata, image.metadata());
  const Bytes plain = encode_with({});
  EXPECT_EQ(kmq::inspect(plain).chunks.size(), 4u);
  EXPECT_TRUE(kmq::decode(plain).metadata().empty());
}

TEST(Metadata, CompressibleItemsAreStoredAsZstdFramesAndSmallOnesAsTheyAre) {
  const Bytes file = encode_with(every_item());
  const Bytes plain = encode_with({});
  // 3000 spaces and 5000 'z's: far fewer bytes than they hold.
  EXPECT_LT(file.size(), plain.size() + 1000);
  for (const kmq::ChunkInfo& chunk : kmq::inspect(file).chunks) {
    const std::uint8_t* payload = file.data() + chunk.offset + 8;
    if (chunk.type == "xmpp") EXPECT_EQ(payload[0], 1) << "xmpp coding";
    if (chunk.type == "exif") EXPECT_EQ(payload[0], 0) << "exif coding";
  }
}

TEST(Metadata, ValidateNamesWhatBreaksTheRules) {
  auto rejects = [](const std::function<void(kmq::Metadata&)>& change, const std::string& word) {
    kmq::Metadata m = every_item();
    change(m);
    try {
      kmq::validate(m);
      ADD_FAILURE() << "accepted; expected " << word;
    } catch (const kmq::Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::bad_input);
      EXPECT_NE(std::string(e.what()).find(word), std::string::npos) << e.what();
    }
    EXPECT_THROW(encode_with(m), kmq::Error);
  };
  EXPECT_NO_THROW(kmq::validate(every_item()));
  rejects([](kmq::Metadata& m) { m.text[0].keyword = ""; }, "keyword");
  rejects([](kmq::Metadata& m) { m.text[0].keyword = std::string(80, 'k'); }, "keyword");
  rejects(
      [](kmq::Metadata& m) {
        m.text[0].keyword =
            "Gr\xc3\xb6\xc3\x9f"
            "e";
      },
      "keyword");
  rejects([](kmq::Metadata& m) { m.text[1].language = "de_DE"; }, "language");
  rejects([](kmq::Metadata& m) { m.text[1].translated_keyword = std::string(80, 't'); },
          "translated");
  rejects([](kmq::Metadata& m) { m.icc_profile_name = ""; }, "name");
  rejects([](kmq::Metadata& m) { m.icc_profile.resize(131); }, "ICC");
  rejects([](kmq::Metadata& m) { m.icc_profile[36] = 'b'; }, "acsp");
  rejects([](kmq::Metadata& m) { m.icc_profile.push_back(0); }, "ICC");
  rejects([](kmq::Metadata& m) { m.exif = {'I', 'I', 0x2A, 0}; }, "Exif");
  rejects([](kmq::Metadata& m) { m.exif[0] = 'X'; }, "TIFF");
  rejects([](kmq::Metadata& m) { m.srgb_intent = 4; }, "intent");
  rejects([](kmq::Metadata& m) { m.gamma = 0; }, "gamma");
  rejects([](kmq::Metadata& m) { m.density->unit = 2; }, "unit");
  rejects([](kmq::Metadata& m) { m.density->y = 0; }, "density");
  rejects([](kmq::Metadata& m) { m.xmp.assign((1u << 24) + 1, 'x'); }, "16 MiB");
}

TEST(Metadata, UnknownAncillaryChunksAreStillSkipped) {
  const Bytes file = file_with_chunks({{"zzzz", {1, 2, 3}}, {"srgb", {0}}});
  EXPECT_EQ(kmq::decode(file).metadata().srgb_intent, 0);
}

TEST(Metadata, BrokenChunksAreCorruptFiles) {
  const Bytes profile = tiny_icc_profile();
  const Bytes exif = {'M', 'M', 0, 0x2A, 0, 0, 0, 8};
  const std::vector<std::vector<std::pair<std::string, Bytes>>> broken = {
      {{"srgb", {0}}, {"srgb", {0}}},  // once-only, repeated
      {{"iccp", concat(concat(bytes_of("p"), {0}), stored(profile))},
       {"iccp", concat(concat(bytes_of("p"), {0}), stored(profile))}},
      {{"srgb", {0, 0}}},
      {{"srgb", {4}}},
      {{"gama", {0, 0, 0, 0}}},
      {{"gama", {1, 0, 0}}},
      {{"chrm", Bytes(31, 1)}},
      {{"phys", {1, 0, 0, 0, 1, 0, 0, 0, 2}}},
      {{"phys", {0, 0, 0, 0, 1, 0, 0, 0, 1}}},
      {{"iccp", stored(profile)}},                                          // no name
      {{"iccp", concat(concat(bytes_of(""), {0}), stored(profile))}},       // empty name
      {{"iccp", concat(concat(bytes_of("p\x7f"), {0}), stored(profile))}},  // not printable
      {{"iccp", concat(concat(bytes_of("p"), {0}), stored(Bytes(140, 0)))}},
      {{"iccp", concat(concat(bytes_of("p"), {0}), {})}},  // no coding byte
      {{"exif", {}}},
      {{"exif", stored({'I', 'I', 0x2A, 0})}},
      {{"exif", stored({'X', 'X', 0x2A, 0, 0, 0, 0, 0})}},
      {{"exif", concat({2}, exif)}},  // coding 2
      {{"exif", concat({1}, exif)}},  // coding 1 without a frame
      {{"text", bytes_of("Title")}},
      {{"text", concat(bytes_of("Title"), {0, 0})}},
      {{"text", text_payload("", "", "", stored({}))}},
      {{"text", text_payload("Title", "e n", "", stored({}))}},
  };
  for (std::size_t i = 0; i < broken.size(); ++i) {
    EXPECT_EQ(decode_error(file_with_chunks(broken[i])), ErrorCategory::corrupt_file)
        << "case " << i;
  }
  // Well-formed counterparts decode.
  EXPECT_NO_THROW(kmq::decode(file_with_chunks(
      {{"text", text_payload("Title", "en", "", stored({}))}, {"exif", stored(exif)}})));
}

TEST(Metadata, ZstdPackedDataObeysTheFrameRules) {
  const Bytes exif = {'I', 'I', 0x2A, 0, 8, 0, 0, 0};
  const Bytes frame = kmq::detail::compress_frame(exif, 3);
  EXPECT_EQ(kmq::decode(file_with_chunks({{"exif", concat({1}, frame)}})).metadata().exif, exif);
  EXPECT_EQ(decode_error(file_with_chunks({{"exif", concat(concat({1}, frame), {0})}})),
            ErrorCategory::corrupt_file);  // a byte after the frame
  Bytes cut = concat({1}, frame);
  cut.pop_back();
  EXPECT_EQ(decode_error(file_with_chunks({{"exif", cut}})), ErrorCategory::corrupt_file);
}

TEST(Metadata, SizesAreBoundedBeforeDecompressing) {
  // A frame of 16 MiB + 1 zero bytes is a few hundred bytes: refused by its declared size.
  const Bytes big = kmq::detail::compress_frame(Bytes((1u << 24) + 1, 0), 19);
  ASSERT_LT(big.size(), 4096u);
  EXPECT_EQ(decode_error(file_with_chunks({{"xmpp", concat({1}, big)}})),
            ErrorCategory::limit_exceeded);
  // Five items of 16 MiB each are 80 MiB together, over the file's 64 MiB.
  const Bytes item = kmq::detail::compress_frame(Bytes(1u << 24, 'a'), 19);
  std::vector<std::pair<std::string, Bytes>> chunks;
  for (int i = 0; i < 5; ++i)
    chunks.push_back({"text", text_payload("T", "", "", concat({1}, item))});
  EXPECT_EQ(decode_error(file_with_chunks(chunks)), ErrorCategory::limit_exceeded);
  chunks.pop_back();
  EXPECT_EQ(kmq::decode(file_with_chunks(chunks)).metadata().text.size(), 4u);
}

// The sample photo's ICC profile: a real one, as libpng checks profiles closely.
kmq::Metadata with_real_profile(kmq::Metadata m) {
  const kmq::Image photo = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  m.icc_profile = photo.metadata().icc_profile;
  return m;
}

TEST(Metadata, ADecoderMayLowerTheMetadataLimit) {
  const Bytes file = encode_with(every_item());
  kmq::DecodeOptions strict;
  strict.max_metadata_bytes = 1000;  // the XMP packet alone unpacks to more
  try {
    kmq::decode(file, strict);
    ADD_FAILURE() << "decoded above the limit";
  } catch (const kmq::Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::limit_exceeded);
    EXPECT_NE(std::string(e.what()).find("1000 bytes"), std::string::npos) << e.what();
  }
  strict.max_metadata_bytes = 100000;
  EXPECT_EQ(kmq::decode(file, strict).metadata(), every_item());
}

TEST(Metadata, PngKeepsEveryItemButSrgbBesideAProfile) {
  kmq::Metadata m = with_real_profile(every_item());
  m.srgb_intent.reset();  // PNG holds an ICC profile or an sRGB chunk, not both
  kmq::Image image = image_with(m);
  std::vector<std::string> warnings;
  const auto warn = [&](std::string_view w) { warnings.emplace_back(w); };
  const Bytes png = kmq::io::write_png(image, warn);
  const kmq::Image back = kmq::io::read_image(png, {.warn = warn});
  EXPECT_EQ(back.metadata(), m);
  for (const std::string& w : warnings) ADD_FAILURE() << w;
  EXPECT_TRUE(kmq::io::metadata_lost_in(kmq::io::FileFormat::png, m).empty());
  EXPECT_TRUE(kmq::io::metadata_lost_in(kmq::io::FileFormat::kmq, m).empty());
  // Indexed PNG8 too.
  image.metadata() = m;
  kmq::EncodeOptions options;
  options.colors = 8;
  const kmq::IndexedImage indexed = kmq::quantize(image, options);
  EXPECT_EQ(kmq::io::read_image(kmq::io::write_png(indexed)).metadata(), m);
  // Both: the profile is written and the sRGB chunk named as lost.
  m.srgb_intent = 0;
  const std::vector<std::string> lost = kmq::io::metadata_lost_in(kmq::io::FileFormat::png, m);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0], "sRGB chunk");
  image.metadata() = m;
  m.srgb_intent.reset();
  EXPECT_EQ(kmq::io::read_image(kmq::io::write_png(image)).metadata(), m);
  // Without a profile the sRGB chunk is kept.
  image.metadata().icc_profile.clear();
  image.metadata().icc_profile_name.clear();
  EXPECT_EQ(kmq::io::read_image(kmq::io::write_png(image)).metadata().srgb_intent, 0);
}

TEST(Metadata, PngLatinOneTextBecomesUtf8AndBack) {
  kmq::Image image = kmq::testing::gradient_image(4, 4);
  image.metadata().text = {{"Author", "", "", "J\xc3\xbcrgen"}};
  const Bytes png = kmq::io::write_png(image);
  // Latin-1 text without a language is written as tEXt, whose bytes are ISO 8859-1.
  const std::string bytes(png.begin(), png.end());
  EXPECT_NE(bytes.find(std::string("tEXtAuthor\0J\xfcrgen", 17)), std::string::npos);
  EXPECT_EQ(kmq::io::read_image(png).metadata().text, image.metadata().text);
}

TEST(Metadata, JpegKeepsWhatItCanAndNamesTheRest) {
  kmq::Metadata m = every_item();
  m.text = {{"Comment", "", "", "made by a test"}, {"Title", "", "", "lost"}};
  std::vector<std::string> warnings;
  const Bytes jpeg =
      kmq::io::write_jpeg(image_with(m), 90, [&](std::string_view w) { warnings.emplace_back(w); });
  ASSERT_EQ(warnings.size(), 1u);
  for (const char* lost : {"gamma", "chromaticities", "text 'Title'"})
    EXPECT_NE(warnings[0].find(lost), std::string::npos) << warnings[0];
  const kmq::Metadata back = kmq::io::read_image(jpeg).metadata();
  EXPECT_EQ(back.icc_profile, m.icc_profile);
  EXPECT_EQ(back.exif, m.exif);
  EXPECT_EQ(back.xmp, m.xmp);
  EXPECT_EQ(back.density, m.density);
  ASSERT_EQ(back.text.size(), 1u);
  EXPECT_EQ(back.text[0], m.text[0]);
  EXPECT_FALSE(back.gamma);
}

TEST(Metadata, JpegDensityInDotsPerInchRoundTripsExactly) {
  for (const std::uint32_t dpi : {72u, 96u, 300u, 600u, 1200u}) {
    kmq::Image image = kmq::testing::gradient_image(8, 8);
    const std::uint32_t ppm = (dpi * 10000 + 127) / 254;
    image.metadata().density = kmq::PixelDensity{ppm, ppm, 1};
    const kmq::Image back = kmq::io::read_image(kmq::io::write_jpeg(image, 80));
    ASSERT_TRUE(back.metadata().density) << dpi;
    EXPECT_EQ(back.metadata().density->x, ppm) << dpi;
  }
}

TEST(Metadata, TheSampleJpegsProfileAndCommentReachTheKmqFile) {
  const kmq::Image photo = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  ASSERT_FALSE(photo.metadata().icc_profile.empty());
  kmq::EncodeOptions options;
  options.colors = 8;
  const Bytes file = kmq::encode(photo, options);
  EXPECT_EQ(kmq::decode(file).metadata(), photo.metadata());
  // PPM and PAM hold none of it: the lost list names everything.
  EXPECT_EQ(kmq::io::metadata_lost_in(kmq::io::FileFormat::ppm, photo.metadata()).size(),
            2u + photo.metadata().text.size());
}

TEST(Metadata, ReadersDropItemsTheFormatCannotHoldWithAWarning) {
  kmq::Image image = kmq::testing::gradient_image(4, 4);
  // A Latin-1 keyword (allowed in PNG) is not printable ASCII, as .kmq keywords must be.
  image.metadata().text = {{"Gr\xf6\xdf"
                            "e",
                            "", "", "3 m"},
                           {"Title", "", "", "kept"}};
  std::vector<std::string> warnings;
  const kmq::Image back = kmq::io::read_image(
      kmq::io::write_png(image), {.warn = [&](std::string_view w) { warnings.emplace_back(w); }});
  ASSERT_EQ(back.metadata().text.size(), 1u);
  EXPECT_EQ(back.metadata().text[0].keyword, "Title");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("dropped"), std::string::npos) << warnings[0];
}

}  // namespace
