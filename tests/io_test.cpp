// SPDX-License-Identifier: MIT
// kmq_io: PNG, JPEG and PPM/PAM reading and writing, damaged files, safe file writing.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <kmq/io.hpp>
#include <string>
// clang-format off
#include <png.h>
#include <jpeglib.h>
// clang-format on

#include "io_formats.hpp"
#include "test_images.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

// --- PNG files of every colour type, written directly with libpng ---

struct PngSpec {
  int color_type;
  int bit_depth;
  bool interlaced = false;
  bool with_trns = false;
};

void append_png_data(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<Bytes*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + length);
}

// Sample s (0..255 scale) of channel c at pixel (x, y), for the test pattern.
unsigned pattern(int x, int y, int c) {
  return static_cast<unsigned>((x * 40 + y * 25 + c * 70) % 256);
}

Bytes make_png(const PngSpec& spec, int width, int height) {
  Bytes out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) std::abort();  // test data only
  png_set_write_fn(png, &out, append_png_data, nullptr);
  png_set_IHDR(png, info, width, height, spec.bit_depth, spec.color_type,
               spec.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_color palette[4] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}};
  png_byte alpha[2] = {0, 128};
  if (spec.color_type == PNG_COLOR_TYPE_PALETTE) {
    png_set_PLTE(png, info, palette, 4);
    if (spec.with_trns) png_set_tRNS(png, info, alpha, 2, nullptr);
  }
  png_write_info(png, info);
  const int channels = png_get_channels(png, info);
  const int bytes_per_sample = spec.bit_depth == 16 ? 2 : 1;
  const int samples_per_byte = spec.bit_depth < 8 ? 8 / spec.bit_depth : 1;
  std::vector<Bytes> rows(static_cast<std::size_t>(height));
  std::vector<png_bytep> pointers;
  for (int y = 0; y < height; ++y) {
    Bytes& row = rows[static_cast<std::size_t>(y)];
    row.assign(static_cast<std::size_t>(width * channels * bytes_per_sample), 0);
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        const unsigned v = pattern(x, y, c);
        if (spec.color_type == PNG_COLOR_TYPE_PALETTE) {
          row[static_cast<std::size_t>(x)] = static_cast<png_byte>((x + y) % 4);
        } else if (spec.bit_depth == 16) {
          row[static_cast<std::size_t>((x * channels + c) * 2)] = static_cast<png_byte>(v);
          row[static_cast<std::size_t>((x * channels + c) * 2 + 1)] = static_cast<png_byte>(v);
        } else if (spec.bit_depth < 8) {
          row[static_cast<std::size_t>(x)] = static_cast<png_byte>(v >> (8 - spec.bit_depth));
        } else {
          row[static_cast<std::size_t>(x * channels + c)] = static_cast<png_byte>(v);
        }
      }
    }
    pointers.push_back(row.data());
  }
  if (samples_per_byte > 1) png_set_packing(png);
  if (spec.interlaced) png_set_interlace_handling(png);
  png_write_image(png, pointers.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

TEST(PngRead, EveryColorTypeBecomesEightBitRgbOrRgba) {
  const struct {
    PngSpec spec;
    int channels;
  } cases[] = {
      {{PNG_COLOR_TYPE_GRAY, 1}, 3},
      {{PNG_COLOR_TYPE_GRAY, 2}, 3},
      {{PNG_COLOR_TYPE_GRAY, 4}, 3},
      {{PNG_COLOR_TYPE_GRAY, 8}, 3},
      {{PNG_COLOR_TYPE_GRAY, 16}, 3},
      {{PNG_COLOR_TYPE_GRAY_ALPHA, 8}, 4},
      {{PNG_COLOR_TYPE_GRAY_ALPHA, 16}, 4},
      {{PNG_COLOR_TYPE_RGB, 8}, 3},
      {{PNG_COLOR_TYPE_RGB, 16}, 3},
      {{PNG_COLOR_TYPE_RGB_ALPHA, 8}, 4},
      {{PNG_COLOR_TYPE_RGB_ALPHA, 16}, 4},
      {{PNG_COLOR_TYPE_PALETTE, 8}, 3},
      {{PNG_COLOR_TYPE_PALETTE, 8, false, true}, 4},
      {{PNG_COLOR_TYPE_RGB, 8, true}, 3},
  };
  for (const auto& c : cases) {
    const auto image = kmq::io::read_image(make_png(c.spec, 13, 7));
    SCOPED_TRACE("colour type " + std::to_string(c.spec.color_type) + " depth " +
                 std::to_string(c.spec.bit_depth));
    ASSERT_EQ(image.width(), 13);
    ASSERT_EQ(image.height(), 7);
    ASSERT_EQ(image.channels(), c.channels);
    const std::uint8_t* p = image.pixel(3, 2);
    switch (c.spec.color_type) {
      case PNG_COLOR_TYPE_GRAY:
        if (c.spec.bit_depth >= 8) EXPECT_EQ(p[0], pattern(3, 2, 0));
        EXPECT_EQ(p[0], p[1]);
        EXPECT_EQ(p[1], p[2]);
        break;
      case PNG_COLOR_TYPE_GRAY_ALPHA:
        EXPECT_EQ(p[0], pattern(3, 2, 0));
        EXPECT_EQ(p[3], pattern(3, 2, 1));
        break;
      case PNG_COLOR_TYPE_RGB:
      case PNG_COLOR_TYPE_RGB_ALPHA:
        for (int ch = 0; ch < c.channels; ++ch) EXPECT_EQ(p[ch], pattern(3, 2, ch)) << ch;
        break;
      case PNG_COLOR_TYPE_PALETTE: {
        // (3 + 2) % 4 = 1: green, alpha 128 when tRNS is present.
        EXPECT_EQ(p[0], 0);
        EXPECT_EQ(p[1], 255);
        if (c.channels == 4) EXPECT_EQ(p[3], 128);
        break;
      }
    }
  }
}

TEST(PngWrite, RgbAndRgbaRoundTripExactly) {
  const auto rgb = kmq::testing::gradient_image(31, 17);
  EXPECT_EQ(kmq::io::read_image(kmq::io::write_png(rgb)), rgb);
  const auto rgba = kmq::testing::half_transparent_image(20, 9);
  EXPECT_EQ(kmq::io::read_image(kmq::io::write_png(rgba)), rgba);
}

TEST(PngWrite, SmallPalettesBecomeIndexedPngWithTransparency) {
  const auto image = kmq::testing::half_transparent_image(24, 10);
  kmq::EncodeOptions options;
  options.colors = 16;
  const auto indexed = kmq::quantize(image, options);
  const Bytes png = kmq::io::write_png(indexed);
  EXPECT_EQ(png[25], PNG_COLOR_TYPE_PALETTE);  // IHDR colour type
  EXPECT_EQ(kmq::io::read_image(png), kmq::expand(indexed));
}

TEST(PngWrite, LargePalettesBecomeTrueColor) {
  const auto image = kmq::testing::image_with_colors(40, 30, 1000);
  kmq::EncodeOptions options;
  options.colors = 1000;
  const auto indexed = kmq::quantize(image, options);
  const Bytes png = kmq::io::write_png(indexed);
  EXPECT_EQ(png[25], PNG_COLOR_TYPE_RGB);
  EXPECT_EQ(kmq::io::read_image(png), image);
}

TEST(PngRead, TruncatedOrDamagedFilesAreErrorsNotGreyImages) {
  const Bytes png = kmq::io::write_png(kmq::testing::gradient_image(40, 30));
  for (std::size_t size = 8; size < png.size(); size += 5) {
    const Bytes cut(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(size));
    try {
      kmq::io::read_image(cut);
      ADD_FAILURE() << "PNG cut at " << size << " decoded";
    } catch (const kmq::Error& e) {
      EXPECT_EQ(e.category(), kmq::ErrorCategory::corrupt_file) << e.what();
    }
  }
  Bytes damaged = png;
  damaged[damaged.size() / 2] ^= 0x55;  // inside IDAT: CRC error
  EXPECT_THROW(kmq::io::read_image(damaged), kmq::Error);
}

TEST(PngRead, RefusesImagesOverThePixelLimit) {
  const Bytes png = kmq::io::write_png(kmq::testing::gradient_image(40, 30));
  try {
    kmq::io::read_image(png, {1199});
    FAIL();
  } catch (const kmq::Error& e) {
    EXPECT_EQ(e.category(), kmq::ErrorCategory::limit_exceeded);
  }
}

// --- JPEG ---

Bytes make_jpeg(int components, J_COLOR_SPACE space, int width, int height) {
  jpeg_compress_struct info;
  jpeg_error_mgr errors;
  info.err = jpeg_std_error(&errors);
  jpeg_create_compress(&info);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&info, &buffer, &size);
  info.image_width = static_cast<JDIMENSION>(width);
  info.image_height = static_cast<JDIMENSION>(height);
  info.input_components = components;
  info.in_color_space = space;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, 95, TRUE);
  jpeg_start_compress(&info, TRUE);
  Bytes row(static_cast<std::size_t>(width * components));
  while (info.next_scanline < info.image_height) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < components; ++c) {
        row[static_cast<std::size_t>(x * components + c)] =
            static_cast<std::uint8_t>(space == JCS_CMYK ? (c == 3 ? 255 : 255 - 60 * c) : 128);
      }
    }
    JSAMPROW pointer = row.data();
    jpeg_write_scanlines(&info, &pointer, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  Bytes out(buffer, buffer + size);
  std::free(buffer);
  return out;
}

TEST(JpegRead, GrayRgbAndCmykBecomeRgb) {
  const auto gray = kmq::io::read_image(make_jpeg(1, JCS_GRAYSCALE, 16, 8));
  EXPECT_EQ(gray.channels(), 3);
  EXPECT_NEAR(gray.pixel(5, 5)[0], 128, 2);
  EXPECT_EQ(gray.pixel(5, 5)[0], gray.pixel(5, 5)[2]);
  const auto rgb = kmq::io::read_image(make_jpeg(3, JCS_RGB, 16, 8));
  EXPECT_NEAR(rgb.pixel(1, 1)[1], 128, 3);
  // libjpeg marks CMYK files as Adobe, whose samples are inverted (255 = no ink): stored
  // (255, 195, 135, 255) is no cyan, some magenta and yellow, no black -> RGB (255, 195, 135).
  const auto cmyk = kmq::io::read_image(make_jpeg(4, JCS_CMYK, 16, 8));
  EXPECT_EQ(cmyk.channels(), 3);
  EXPECT_NEAR(cmyk.pixel(4, 4)[0], 255, 4);
  EXPECT_NEAR(cmyk.pixel(4, 4)[1], 195, 4);
  EXPECT_NEAR(cmyk.pixel(4, 4)[2], 135, 4);
}

TEST(JpegWrite, RoundTripsCloselyAndDropsAlphaWithAWarning) {
  const auto image = kmq::testing::gradient_image(48, 32);
  const auto decoded = kmq::io::read_image(kmq::io::write_jpeg(image, 95));
  EXPECT_GT(kmq::psnr(image, decoded), 30);
  int warnings = 0;
  const auto rgba = kmq::testing::half_transparent_image(16, 16);
  const Bytes jpeg = kmq::io::write_jpeg(rgba, 80, [&](std::string_view) { ++warnings; });
  EXPECT_EQ(warnings, 1);
  EXPECT_EQ(kmq::io::read_image(jpeg).channels(), 3);
  EXPECT_THROW(kmq::io::write_jpeg(image, 0), kmq::Error);
}

// A chunk that claims more bytes than the file holds: libpng allocated that much (a benign
// error let it go on) before finding the file short. The fuzzer found 1.3 GB for 821 bytes.
TEST(PngRead, InputsShorterThanASignatureAreRefusedWithoutReadingPastThem) {
  // Regression: the chunk walk before libpng computed size - 8 for inputs under 8 bytes (the
  // PNG fuzzer's empty input read past a 1-byte buffer).
  const Bytes signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  for (std::size_t size = 0; size <= signature.size(); ++size) {
    const Bytes prefix(signature.begin(), signature.begin() + static_cast<std::ptrdiff_t>(size));
    EXPECT_THROW(kmq::io::read_png(prefix, {}), kmq::Error) << size;
  }
}

TEST(PngRead, AChunkLongerThanTheFileIsRefusedBeforeLibpngAllocatesIt) {
  kmq::Image image = kmq::testing::gradient_image(8, 6);
  image.metadata().text = {{"Title", "", "", "t"}};
  Bytes png = kmq::io::write_png(image);
  // Find the tEXt chunk and claim 1.3 GB for it.
  const std::string bytes(png.begin(), png.end());
  const std::size_t type = bytes.find("tEXt");
  ASSERT_NE(type, std::string::npos);
  const std::uint32_t huge = 0x50000000;
  for (int i = 0; i < 4; ++i) png[type - 4 + i] = static_cast<std::uint8_t>(huge >> (24 - 8 * i));
  const pid_t child = ::fork();
  if (child == 0) {
    int code = 2;
    try {
      kmq::io::read_image(png);
    } catch (const kmq::Error& e) {
      code = e.category() == kmq::ErrorCategory::corrupt_file ? 0 : 3;
    }
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    if (usage.ru_maxrss > 200 * 1024) code = 4;  // kilobytes: far more than the test needs
    std::_Exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2: no error, 3: wrong category, 4: allocated too much";
}

TEST(JpegRead, TruncatedFilesAreErrors) {
  const Bytes jpeg = kmq::io::write_jpeg(kmq::testing::gradient_image(64, 64), 90);
  for (std::size_t size = 2; size < jpeg.size(); size += 97) {
    const Bytes cut(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(size));
    try {
      kmq::io::read_image(cut);
      ADD_FAILURE() << "JPEG cut at " << size << " of " << jpeg.size() << " decoded";
    } catch (const kmq::Error& e) {
      EXPECT_EQ(e.category(), kmq::ErrorCategory::corrupt_file) << e.what();
    }
  }
}

// --- PPM / PGM / PAM ---

Bytes text(const std::string& header, const Bytes& samples) {
  Bytes out(header.begin(), header.end());
  out.insert(out.end(), samples.begin(), samples.end());
  return out;
}

TEST(PnmRead, ReadsPpmPgmAndPamVariants) {
  const auto ppm = kmq::io::read_image(text("P6\n# comment\n2 1\n255\n", {1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ppm.channels(), 3);
  EXPECT_EQ(ppm.pixel(1, 0)[2], 6);
  const auto pgm = kmq::io::read_image(text("P5 2 1 255\n", {7, 9}));
  EXPECT_EQ(pgm.pixel(1, 0)[0], 9);
  EXPECT_EQ(pgm.pixel(1, 0)[2], 9);
  const auto wide = kmq::io::read_image(text("P6 1 1 65535\n", {0xFF, 0xFF, 0x80, 0x00, 0, 0}));
  EXPECT_EQ(wide.pixel(0, 0)[0], 255);
  EXPECT_EQ(wide.pixel(0, 0)[1], 128);
  const auto pam = kmq::io::read_image(
      text("P7\nWIDTH 1\nHEIGHT 2\nDEPTH 2\nMAXVAL 255\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n",
           {50, 0, 60, 255}));
  EXPECT_EQ(pam.channels(), 4);
  EXPECT_EQ(pam.pixel(0, 1)[1], 60);
  EXPECT_EQ(pam.pixel(0, 1)[3], 255);
}

TEST(PnmWrite, PpmAndPamRoundTrip) {
  const auto rgb = kmq::testing::gradient_image(9, 4);
  EXPECT_EQ(kmq::io::read_image(kmq::io::write_pnm(rgb)), rgb);
  EXPECT_EQ(kmq::io::read_image(kmq::io::write_pam(rgb)), rgb);
  const auto rgba = kmq::testing::half_transparent_image(8, 3);
  EXPECT_EQ(kmq::io::read_image(kmq::io::write_pnm(rgba)), rgba);
}

TEST(PnmWrite, HeaderPlusSamplesIsTheWholeFile) {
  for (const auto& image :
       {kmq::testing::gradient_image(9, 4), kmq::testing::half_transparent_image(8, 3)}) {
    for (const bool pam : {false, true}) {
      if (!pam && image.channels() == 4) {
        EXPECT_THROW(kmq::io::netpbm_header(image.width(), image.height(), 4, false), kmq::Error);
        continue;
      }
      Bytes pieces = kmq::io::netpbm_header(image.width(), image.height(), image.channels(), pam);
      pieces.insert(pieces.end(), image.data().begin(), image.data().end());
      EXPECT_EQ(pieces, pam ? kmq::io::write_pam(image) : kmq::io::write_pnm(image));
    }
  }
}

TEST(PnmRead, MalformedHeadersAndShortDataAreErrors) {
  const Bytes cases[] = {
      text("P6\n2 1\n255\n", {1, 2, 3}),  // short
      text("P6\n2\n", {}),
      text("P6\n0 1\n255\n", {}),
      text("P6\n1 1\n0\n", {1, 2, 3}),
      text("P6\n1 1\n70000\n", {1, 2, 3}),
      text("P6\n99999999999 1\n255\n", {}),
      text("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 3\nMAXVAL 255\n", {1, 2, 3}),
      text("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 9\nMAXVAL 255\nENDHDR\n", {1}),
      text("P5 1 1 10\n", {11}),  // sample above maxval
      text("P3\n1 1\n255\n1 2 3\n", {}),
  };
  for (const Bytes& bytes : cases) EXPECT_THROW(kmq::io::read_image(bytes), kmq::Error);
}

// --- format detection and files ---

// Reads a file, recording each report of finished rows with a copy of those rows as they were
// when reported; checks the reports cover every row once, in order, and match the result.
void expect_rows_reported_final(const Bytes& file, const std::string& what) {
  SCOPED_TRACE(what);
  int next_row = 0, reports = 0;
  std::vector<std::vector<std::uint8_t>> reported;
  kmq::io::ReadOptions options;
  options.on_rows = [&](const kmq::Image& image, int first, int end) {
    ASSERT_EQ(first, next_row);
    ASSERT_LE(end, image.height());
    const std::size_t row_bytes = static_cast<std::size_t>(image.width()) * image.channels();
    for (int y = first; y < end; ++y) {
      reported.emplace_back(image.pixel(0, y), image.pixel(0, y) + row_bytes);
    }
    next_row = end;
    ++reports;
  };
  const kmq::Image image = kmq::io::read_image(file, options);
  ASSERT_EQ(next_row, image.height());
  ASSERT_EQ(reported.size(), static_cast<std::size_t>(image.height()));
  const std::size_t row_bytes = static_cast<std::size_t>(image.width()) * image.channels();
  for (int y = 0; y < image.height(); ++y) {
    EXPECT_TRUE(std::equal(reported[y].begin(), reported[y].end(), image.pixel(0, y),
                           image.pixel(0, y) + row_bytes))
        << "row " << y;
  }
  EXPECT_GE(reports, 1);
}

TEST(ReadImage, ReportsEveryRowOnceInOrderAndOnlyWhenFinal) {
  const int width = 21, height = 75;  // more rows than one report
  expect_rows_reported_final(make_png({PNG_COLOR_TYPE_RGB, 8}, width, height), "PNG");
  expect_rows_reported_final(make_png({PNG_COLOR_TYPE_PALETTE, 8, false, true}, width, height),
                             "PNG palette + tRNS");
  expect_rows_reported_final(make_png({PNG_COLOR_TYPE_RGB, 16, true}, width, height),
                             "interlaced PNG");
  expect_rows_reported_final(make_jpeg(3, JCS_RGB, width, height), "JPEG");
  expect_rows_reported_final(make_jpeg(1, JCS_GRAYSCALE, width, height), "gray JPEG");
  expect_rows_reported_final(make_jpeg(4, JCS_CMYK, width, height), "CMYK JPEG");
  expect_rows_reported_final(kmq::io::write_pnm(kmq::testing::gradient_image(width, height)),
                             "PPM");
}

TEST(ReadImage, AFailingRowReportStopsTheRead) {
  const Bytes png = make_png({PNG_COLOR_TYPE_RGB, 8}, 8, 90);
  kmq::io::ReadOptions options;
  options.on_rows = [](const kmq::Image&, int first, int) {
    if (first > 0) throw kmq::Error(kmq::ErrorCategory::io, "stop");
  };
  EXPECT_THROW(kmq::io::read_image(png, options), kmq::Error);
}

TEST(FileFormats, AreKnownByExtensionAndSignature) {
  using kmq::io::FileFormat;
  EXPECT_EQ(kmq::io::format_from_extension("a/b.PNG"), FileFormat::png);
  EXPECT_EQ(kmq::io::format_from_extension("x.jpeg"), FileFormat::jpeg);
  EXPECT_EQ(kmq::io::format_from_extension("x.pam"), FileFormat::pam);
  EXPECT_EQ(kmq::io::format_from_extension("x.txt"), FileFormat::unknown);
  EXPECT_EQ(kmq::io::sniff_format(Bytes{0x8B, 'K', 'M', 'Q'}), FileFormat::kmq);
  EXPECT_THROW(kmq::io::read_image(Bytes{'h', 'i'}), kmq::Error);
}

TEST(Files, AtomicWriteReplacesCompletelyAndLeavesNoTemporaryFile) {
  const auto folder =
      std::filesystem::temp_directory_path() / ("kmq_io_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const auto path = folder / "out.bin";
  kmq::io::write_file_atomically(path, Bytes{1, 2, 3});
  kmq::io::write_file_atomically(path, Bytes{4, 5});
  EXPECT_EQ(kmq::io::read_file(path), (Bytes{4, 5}));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++entries;
  EXPECT_EQ(entries, 1u);
  try {
    kmq::io::write_file_atomically(folder / "missing" / "out.bin", Bytes{1});
    FAIL();
  } catch (const kmq::Error& e) {
    EXPECT_EQ(e.category(), kmq::ErrorCategory::io);
  }
  EXPECT_THROW(kmq::io::read_file(folder / "absent"), kmq::Error);
  std::filesystem::remove_all(folder);
}

TEST(Files, AtomicWriteInPiecesKeepsTheirOrderAndLeavesNothingWhenProductionFails) {
  const auto folder =
      std::filesystem::temp_directory_path() / ("kmq_io_pieces_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const auto path = folder / "out.bin";
  kmq::io::write_file_atomically(path, [](const kmq::io::ByteSink& sink) {
    sink(Bytes{1, 2});
    sink(Bytes{});
    sink(Bytes{3});
  });
  EXPECT_EQ(kmq::io::read_file(path), (Bytes{1, 2, 3}));
  const auto fresh = folder / "fresh.bin";
  EXPECT_THROW(kmq::io::write_file_atomically(fresh,
                                              [](const kmq::io::ByteSink& sink) {
                                                sink(Bytes{9, 9});
                                                throw kmq::Error(kmq::ErrorCategory::corrupt_file,
                                                                 "half way");
                                              }),
               kmq::Error);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++entries;
  EXPECT_EQ(entries, 1u);  // out.bin only: no fresh.bin, no temporary file
  std::filesystem::remove_all(folder);
}

}  // namespace
