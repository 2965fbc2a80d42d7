// SPDX-License-Identifier: MIT
// kmq_io: reading and writing PNG, JPEG and PPM/PAM files (libpng, libjpeg-turbo).
// Kept apart from the core so that programs embedding the codec do not inherit those libraries.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <kmq/kmq.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kmq::io {

enum class FileFormat { unknown, png, jpeg, ppm, pam, kmq };

/// Format named by a file extension (case-insensitive): .png .jpg .jpeg .ppm .pnm .pam .kmq.
KMQ_EXPORT FileFormat format_from_extension(const std::filesystem::path& path);

/// Format recognised from a file's first bytes (signature).
KMQ_EXPORT FileFormat sniff_format(std::span<const std::uint8_t> bytes);

/// Called with a message for problems that do not stop the work (alpha dropped, say).
using WarningHandler = std::function<void(std::string_view)>;

/// Told that rows [first_row, end_row) of `image` hold their final pixels, while read_image()
/// is still decoding the rest (ColorCounter::rows_ready fits). Rows come in order, each once;
/// PNG (unless interlaced) and RGB JPEG report bands of rows as they decode, other inputs all
/// rows at the end. The image's pixel buffer does not move when read_image() returns it.
using RowsDecoded = std::function<void(const Image& image, int first_row, int end_row)>;

struct ReadOptions {
  std::uint64_t max_pixels = kDefaultMaxPixels;  ///< refused before allocating
  RowsDecoded on_rows = {};                      ///< optional
  /// Told of metadata that is dropped: items that break the .kmq format's rules, PNG chunks
  /// and JPEG markers that .kmq cannot hold. Optional.
  WarningHandler warn = {};
};

/// Decodes PNG (1-16 bit gray, gray+alpha, palette, RGB, RGBA), JPEG (gray, RGB, CMYK
/// converted naively to RGB) or binary PPM/PGM/PAM into an 8-bit RGB or RGBA image, with its
/// metadata (PNG: iCCP, eXIf, tEXt/zTXt/iTXt, XMP, sRGB, gAMA, cHRM, pHYs; JPEG: the ICC
/// profile, Exif, XMP, comments, JFIF density; .kmq: its metadata chunks). Pixels are never
/// colour-converted.
/// The format is sniffed from the bytes. Images with alpha become RGBA, others RGB.
/// Throws Error(corrupt_file) for a damaged or truncated file, Error(unsupported) for an
/// unknown format, Error(limit_exceeded) above max_pixels.
KMQ_EXPORT Image read_image(std::span<const std::uint8_t> bytes, const ReadOptions& options = {});

/// PNG: indexed (PLTE + tRNS, 1, 2, 4 or 8 bits per pixel) when the palette has at most 256
/// entries, else RGB/RGBA; with all the metadata (iCCP, eXIf, text, XMP as iTXt, sRGB, gAMA,
/// cHRM, pHYs). `warn` hears of metadata libpng refuses to write.
KMQ_EXPORT std::vector<std::uint8_t> write_png(const IndexedImage& indexed, const WarningHandler& warn = {});
/// PNG: RGB or RGBA, 8-bit, with the metadata as above.
KMQ_EXPORT std::vector<std::uint8_t> write_png(const Image& image, const WarningHandler& warn = {});
/// JPEG at quality 1..100 (4:2:0 below 90, 4:4:4 from 90), with the ICC profile (APP2), Exif
/// and XMP (APP1), "Comment" text entries (COM) and the pixel density (JFIF). Alpha and the
/// metadata JPEG cannot hold are dropped, and `warn` is told (metadata_lost_in() names them).
KMQ_EXPORT std::vector<std::uint8_t> write_jpeg(const Image& image, int quality,
                                     const WarningHandler& warn = {});
/// Binary PPM (P6) for RGB, PAM (P7) for RGBA. No metadata.
KMQ_EXPORT std::vector<std::uint8_t> write_pnm(const Image& image);
/// PAM (P7) with TUPLTYPE RGB or RGB_ALPHA. No metadata.
KMQ_EXPORT std::vector<std::uint8_t> write_pam(const Image& image);

/// The items of `metadata` that a file of `format` cannot hold ("ICC profile", "Exif data",
/// "text 'Title'"...), in the order of format-spec/kmq.md §2.7; empty when it holds them all.
KMQ_EXPORT std::vector<std::string> metadata_lost_in(FileFormat format, const Metadata& metadata);
/// The header of write_pnm() (pam = false: P6, RGB only) or write_pam() for an image of this
/// shape; the samples follow it exactly as Image stores them, so large images can be written
/// in pieces.
KMQ_EXPORT std::vector<std::uint8_t> netpbm_header(int width, int height, int channels, bool pam);

/// A palette to map images to (EncodeOptions::fixed_palette and fixed_palette_channels).
struct Palette {
  std::vector<std::uint8_t> entries;
  int channels = 3;
};
/// The palette of a .kmq file, or else the distinct colours of an image file in order of
/// first appearance. Throws Error as read_image() and decode() do, and Error(bad_input) for an
/// image of more than 65536 colours.
KMQ_EXPORT Palette read_palette(std::span<const std::uint8_t> bytes,
                     std::uint64_t max_pixels = kDefaultMaxPixels);

/// Reads a whole file ("-" reads standard input). Throws Error(io).
KMQ_EXPORT std::vector<std::uint8_t> read_file(const std::filesystem::path& path);

/// Told of the temporary files write_file_atomically() makes: `creating` just before one is
/// created, `done` once it is renamed into place or removed. A program that must remove them when
/// a signal stops it keeps the names between the two calls (kmq's tools do). Both are optional.
struct TemporaryFileHooks {
  std::function<void(const std::filesystem::path& temporary)> creating;
  std::function<void(const std::filesystem::path& temporary)> done;
};

/// Writes a whole file safely. A regular file (or a new one) is written to a temporary file in
/// the same folder and renamed over `path` only when complete, so a failure leaves nothing
/// behind and never a partial file; an existing file keeps its permissions, and a symbolic link
/// is written through (the file it names is replaced). Anything else that exists (a character
/// device such as /dev/null, a FIFO) is opened and written directly, never replaced. "-" writes
/// standard output. Throws Error(io) naming the path.
KMQ_EXPORT void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                           const TemporaryFileHooks& hooks = {});

/// Receives the next piece of a file being written.
using ByteSink = std::function<void(std::span<const std::uint8_t>)>;
/// The same for a file made piece by piece: `produce` passes every piece, in order, to the sink
/// it is given. If `produce` or a write throws, nothing is left behind.
KMQ_EXPORT void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const ByteSink&)>& produce,
                           const TemporaryFileHooks& hooks = {});

}  // namespace kmq::io
