// SPDX-License-Identifier: MIT
// kmq public API: images, encoding to and decoding from the .kmq palette format.
//
// Thread-safety: every function here is re-entrant; distinct objects may be used from distinct
// threads at once. The library has no global state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "kmq/export.h"
#include "kmq/version.h"

namespace kmq {

/// The library version as "MAJOR.MINOR.PATCH".
KMQ_EXPORT const char* version();

/// What kind of failure an Error reports.
enum class ErrorCategory {
  bad_input,       ///< the caller's image or options are invalid
  corrupt_file,    ///< a file is damaged or does not follow its format
  unsupported,     ///< valid but uses a feature this version does not implement
  limit_exceeded,  ///< larger than a configured limit (pixel count, K)
  io,              ///< reading or writing a file failed
  target_not_met,  ///< a quality or size target that no allowed K reaches
};

/// Short lowercase name of a category, e.g. "corrupt file".
KMQ_EXPORT const char* category_name(ErrorCategory category);

/// The one exception type the library throws for failures a user can cause.
/// what() is "<category name>: <message>"; message() is the message alone.
class KMQ_EXPORT Error : public std::runtime_error {
 public:
  Error(ErrorCategory category, const std::string& message);
  ErrorCategory category() const noexcept { return category_; }
  const std::string& message() const noexcept { return message_; }

 private:
  ErrorCategory category_;
  std::string message_;
};

/// Largest width or height, largest pixel count and largest K the format allows.
inline constexpr std::uint32_t kMaxDimension = 1u << 24;
inline constexpr std::uint64_t kMaxPixelCount = 1ull << 30;
inline constexpr std::uint32_t kMaxColors = 65536;
/// Default pixel limit of the decoders and readers (268 MP: a few GiB at most to decode).
inline constexpr std::uint64_t kDefaultMaxPixels = 1ull << 28;
/// EncodeOptions::level that selects kmq's tuned zstd parameters.
inline constexpr int kTunedLevel = 0;

/// A text entry (PNG tEXt, zTXt, iTXt; a JPEG comment has the keyword "Comment").
struct TextEntry {
  std::string keyword;             ///< 1..79 printable ASCII characters
  std::string language;            ///< a language tag (letters, digits, '-'), or empty
  std::string translated_keyword;  ///< UTF-8, at most 79 bytes, or empty
  std::string text;                ///< UTF-8
  friend bool operator==(const TextEntry&, const TextEntry&) = default;
};

/// Chromaticities of the white point and the primaries (PNG cHRM), each times 100000.
struct Chromaticities {
  std::uint32_t white_x = 0, white_y = 0, red_x = 0, red_y = 0;
  std::uint32_t green_x = 0, green_y = 0, blue_x = 0, blue_y = 0;
  friend bool operator==(const Chromaticities&, const Chromaticities&) = default;
};

/// Pixel density (PNG pHYs, JPEG JFIF density).
struct PixelDensity {
  std::uint32_t x = 0, y = 0;  ///< both > 0
  std::uint8_t unit = 0;       ///< 0: x : y is only the aspect ratio; 1: pixels per metre
  friend bool operator==(const PixelDensity&, const PixelDensity&) = default;
};

/// What an image file says about its pixels besides their values (format-spec/kmq.md §2.7).
/// It travels with the pixels unchanged: nothing here converts a pixel. Readers fill it,
/// encode() stores it, decode() returns it and the writers put it back into PNG and JPEG.
struct Metadata {
  std::string icc_profile_name;           ///< 1..79 printable ASCII when a profile is present
  std::vector<std::uint8_t> icc_profile;  ///< an ICC profile, or empty
  std::vector<std::uint8_t> exif;         ///< Exif from the TIFF header on, or empty
  std::string xmp;                        ///< an XMP packet, or empty
  std::vector<TextEntry> text;
  std::optional<std::uint8_t> srgb_intent;  ///< present: the samples are sRGB (intent 0..3)
  std::optional<std::uint32_t> gamma;       ///< times 100000 (45455 = 1/2.2), > 0
  std::optional<Chromaticities> chromaticities;
  std::optional<PixelDensity> density;

  bool empty() const noexcept {
    return icc_profile.empty() && exif.empty() && xmp.empty() && text.empty() && !srgb_intent &&
           !gamma && !chromaticities && !density;
  }
  friend bool operator==(const Metadata&, const Metadata&) = default;
};

/// Throws Error(bad_input) naming the field when `metadata` breaks a rule of the format
/// (format-spec/kmq.md §2.7: keyword and name lengths, ICC profile and Exif headers, sizes).
KMQ_EXPORT void validate(const Metadata& metadata);

/// Runs kmq's parallel work: every parallel loop of a call becomes one run() of at most
/// `threads` tasks (EncodeOptions::threads, DecodeOptions::threads). Implement it to put kmq's
/// work on a host program's own threads, as libjxl's runner interface allows; or give one
/// ThreadPool to many calls, from any threads, so that they share it.
class KMQ_EXPORT TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  /// Calls task(i) exactly once for every i in [0, count), on any threads, at most
  /// concurrency() at once, and returns when every call has returned. kmq's tasks never throw.
  /// kmq calls run() again from inside a task (nested loops), so a runner must never leave a
  /// thread waiting for a task that no thread will start: running tasks on the calling thread
  /// when no other is free is enough.
  virtual void run(std::size_t count, const std::function<void(std::size_t)>& task) = 0;
  /// How many tasks may run at once, >= 1.
  virtual int concurrency() const = 0;
};

/// kmq's own TaskRunner: `threads` - 1 worker threads (0 = one per core), started at the first
/// run() that can use them and kept until destruction; the calling thread is the last one. run()
/// may be called from several threads at once and from inside its tasks. Calls that are given no
/// runner make one of these for their duration, so their loops never start threads.
class KMQ_EXPORT ThreadPool final : public TaskRunner {
 public:
  explicit ThreadPool(int threads = 0);
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void run(std::size_t count, const std::function<void(std::size_t)>& task) override;
  int concurrency() const override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// An image of interleaved 8-bit samples, RGB (3 channels) or RGBA (4, straight alpha).
/// Owns its pixels; copyable and movable.
class KMQ_EXPORT Image {
 public:
  Image() = default;
  /// Throws Error(bad_input) unless 1 <= width, height <= kMaxDimension, the pixel count is at
  /// most kMaxPixelCount and channels is 3 or 4. Pixels start at zero.
  Image(int width, int height, int channels);

  int width() const noexcept { return width_; }
  int height() const noexcept { return height_; }
  int channels() const noexcept { return channels_; }
  std::size_t pixel_count() const noexcept {
    return static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_);
  }
  bool empty() const noexcept { return pixels_.empty(); }

  /// Pointer to the channels() samples of pixel (x, y); no bounds check.
  std::uint8_t* pixel(int x, int y) noexcept { return pixels_.data() + offset(x, y); }
  const std::uint8_t* pixel(int x, int y) const noexcept { return pixels_.data() + offset(x, y); }

  /// The whole buffer, rows top to bottom with no padding.
  std::span<std::uint8_t> data() noexcept { return pixels_; }
  std::span<const std::uint8_t> data() const noexcept { return pixels_; }

  /// ICC profile, Exif, XMP, text, colour and density information of the image.
  Metadata& metadata() noexcept { return metadata_; }
  const Metadata& metadata() const noexcept { return metadata_; }

  friend bool operator==(const Image&, const Image&) = default;

 private:
  std::size_t offset(int x, int y) const noexcept {
    return (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
            static_cast<std::size_t>(x)) *
           static_cast<std::size_t>(channels_);
  }
  int width_ = 0;
  int height_ = 0;
  int channels_ = 0;
  std::vector<std::uint8_t> pixels_;
  Metadata metadata_;
};

/// A palette image: K colours and one index per pixel, row by row.
struct IndexedImage {
  int width = 0;
  int height = 0;
  int channels = 0;                    ///< samples per palette entry: 3 or 4
  std::vector<std::uint8_t> palette;   ///< K * channels samples
  std::vector<std::uint16_t> indices;  ///< width * height entries, each < K
  Metadata metadata;                   ///< written to and read from the file as it is

  int palette_size() const noexcept {
    return channels == 0 ? 0 : static_cast<int>(palette.size()) / channels;
  }
  friend bool operator==(const IndexedImage&, const IndexedImage&) = default;
};

/// Throws Error(bad_input) unless `indexed` is a palette image the format can hold: 3 or 4
/// channels, 1..kMaxDimension on each side and at most kMaxPixelCount pixels, 1..65536 palette
/// entries, one index per pixel and every index below K.
KMQ_EXPORT void validate(const IndexedImage& indexed);

/// How the palette is found.
enum class Method {
  kmeans,     ///< Lloyd's K-means on all colours, k-means++ initialisation (median cut for K > 256)
  minibatch,  ///< mini-batch K-means on pixel samples: faster on large images
  gmm,        ///< Gaussian mixture fitted by EM (full covariances), initialised from K-means
};

/// The space in which colours are clustered and compared. The palette is stored in sRGB.
enum class ColorSpace {
  rgb,    ///< sRGB values as stored
  oklab,  ///< OKLab: perceptually more even distances
};

/// How a Gaussian mixture assigns pixels to palette entries.
enum class GmmAssign {
  map,      ///< the component of highest responsibility (the textbook rule)
  nearest,  ///< the nearest palette colour (never a higher MSE than `map`)
};

/// Which label coding (format-spec §5) the encoder writes.
enum class LabelCodingChoice {
  automatic,   ///< pick the method by EncodeOptions::effort (smallest file at high effort)
  raw,         ///< method 0: the index map in one zstd frame
  contexts,    ///< method 1: symbols against neighbours, split into streams by context
  partitions,  ///< method 2 (K <= 256): exact neighbour patterns, literals ranked by colour
  tiles,       ///< method 3 (K <= 256): method 2 in column tiles that decode in parallel
  copies,      ///< method 4: copied rectangles, runs and adaptive contexts, range-coded in strips
};

/// EncodeOptions::effort: how hard the encoder searches for a smaller label chunk.
inline constexpr int kMinEffort = 1;
inline constexpr int kDefaultEffort = 4;
inline constexpr int kMaxEffort = 6;

// Options, split by the stage that reads them: clustering (the palette), mapping (each pixel's
// entry), automatic K, label coding. EncodeOptions holds them all, so `options.colors = 16`
// works as it always did, and each stage is handed only its part.

/// How the palette is found: the clustering stage.
struct ClusteringOptions {
  /// K: palette size, 1..65536. An image with at most K distinct colours keeps them exactly
  /// (the palette then has as many entries as the image has colours). With a quality or size
  /// target it is the largest K tried (as pngquant's colour count is); ignored with a fixed
  /// palette.
  int colors = 256;
  /// Seeds every random choice (k-means++, mini-batch samples). The same seed, pixels and
  /// options give the same file, whatever the thread count.
  std::uint64_t seed = 1;
  /// Iterations at most: Lloyd iterations (kmeans), epochs over the image (minibatch), EM
  /// steps (gmm). >= 1.
  int max_iterations = 100;
  /// K-means convergence: relative decrease of inertia in one Lloyd iteration. >= 0.
  double tolerance = 1e-5;

  Method method = Method::kmeans;
  ColorSpace space = ColorSpace::rgb;

  /// Clusters the colours of about this many pixels, spread evenly over the image (jittered by
  /// `seed`), instead of every colour; every pixel then takes its nearest entry. 0 (the
  /// default) clusters every colour. Much faster on large images for a slightly worse palette
  /// (4 and 14.7 MP photos, 32768 pixels: 2.5-11x faster, 0.01-0.25 dB lower PSNR; README,
  /// "Sampling"). Not with a quality or size target or a fixed palette.
  std::uint64_t sample_pixels = 0;

  /// Mini-batch K-means: pixels per batch (>= 1) and how many batches without improvement of
  /// the smoothed batch inertia stop it (>= 1).
  int batch_size = 4096;
  int max_no_improvement = 10;
  /// Mini-batch K-means: a centre whose share of samples falls below this fraction of the
  /// largest centre's is moved to a sampled pixel (0 disables).
  double reassignment_ratio = 0.01;

  /// Gaussian mixture: pixel assignment rule, and the value added to every covariance diagonal
  /// (in squared units of the colour space; > 0) so that no component collapses.
  GmmAssign gmm_assign = GmmAssign::map;
  double gmm_covariance_floor = 1e-6;
  /// Gaussian mixture convergence: change of the mean log-likelihood per pixel between EM
  /// steps (scikit-learn's default). >= 0.
  double gmm_tolerance = 1e-3;
};

/// MappingOptions::dither_kind.
enum class DitherKind {
  diffusion,  ///< serpentine Floyd-Steinberg error diffusion
  ordered,    ///< 8x8 Bayer thresholds between each colour's two nearest-fitting entries
};

/// How pixels take palette entries: the mapping stage.
struct MappingOptions {
  /// Floyd-Steinberg error diffusion (serpentine) of strength 0..1; 0 is off. A clustered
  /// palette (not a fixed one) is moved part of the way towards the colours diffusion asks of
  /// each entry (README, "Dithering"), so it differs from the undithered palette.
  double dither = 0;
  /// With dither > 0: error diffusion, or ordered dithering, whose fixed patterns compress far
  /// better (README, "Dithering"). Ordered dithering pairs colours with entries among their
  /// nearest entry's neighbours, which are kept for palettes of up to 1024 entries; larger
  /// palettes map to the nearest entry.
  DitherKind dither_kind = DitherKind::diffusion;
  /// Rate-distortion optimised labels (off at 0): a pixel takes another entry than its nearest
  /// when the squared error it adds (8-bit samples, summed over R, G, B and A) is below
  /// rd_lambda times the bits of label stream it saves, by the rate model of label coding
  /// methods 2 and 3 (README, "Rate-distortion labels"). Typical values 2..64: smaller files at
  /// lower PSNR. Only palettes of at most 256 entries, and not with dithering.
  double rd_lambda = 0;
  /// A fixed palette (fixed_palette_channels samples per entry, 1..65536 entries): pixels are
  /// mapped to it and its order is kept; no clustering happens.
  std::vector<std::uint8_t> fixed_palette;
  int fixed_palette_channels = 3;
};

/// Automatic K. With target_psnr > 0 (dB) or max_mse > 0, encode() and quantize() pick the
/// smallest K whose image meets the target; with max_bytes > 0, encode() picks the largest K
/// whose file fits. Error(target_not_met) when no K in 1..`colors` does.
struct TargetOptions {
  double target_psnr = 0;
  double max_mse = 0;
  /// With 0 < target_ssim < 1: the smallest file whose SSIM (kmq::ssim) reaches it, also
  /// meeting target_psnr and max_mse when they are set. SSIM has no histogram form, so the
  /// search moves the MSE target and measures SSIM on the whole image: 3-7 MSE target searches
  /// (QuantizeStats::trials counts their K trials; QuantizeStats::ssim is the SSIM reached).
  /// Images with alpha are compared as they show over black (colour times alpha).
  double target_ssim = 0;
  std::uint64_t max_bytes = 0;
  /// With target_psnr or max_mse (no dithering, no fixed palette, rd_lambda 0): search K and
  /// the rate-distortion lambda together for the smallest file that meets the target, instead
  /// of the smallest K with nearest labels; with max_bytes, for the lowest MSE that fits
  /// (larger palettes than the largest K whose nearest labels fit, each with the smallest
  /// lambda whose file fits). The chosen lambda is in QuantizeStats::rd_lambda.
  bool search_rd_lambda = true;
};

/// How the index map is coded: the label coding stage.
struct LabelCodingOptions {
  /// zstd effort for the label streams. 0 (kTunedLevel, the default) lets `effort` choose:
  /// at effort 2..6 kmq's tuned parameters (for each of the context methods' streams level 1
  /// where that leaves more than 60 % of the stream, else the smaller of level 1 and zstd's
  /// optimal parser with a one-step match search; for method 0's single frame, which needs a
  /// deep search, level 19). 1..22 is that zstd level, whatever the effort.
  int level = kTunedLevel;
  /// Encode time against file size, kMinEffort..kMaxEffort (the labels' quantization is the
  /// same at every effort):
  ///  1: the context method only (K <= 256: 3 when `tiles` comes to more than one tile, else
  ///     2; K > 256: 1), zstd level 1;
  ///  2: as 1, tuned parameters with level 1 kept above 50 % instead of 60 %;
  ///  3: the context method only, tuned parameters;
  ///  4 (default): method 4 where a trial on a sample of rows finds it at most 0.9 times the
  ///     zstd methods (graphics: charts, documents, screenshots, icons, pixel art); elsewhere a
  ///     fast level-3 trial picks method 0 or the context method, tuned parameters;
  ///  5: every applicable method, method 4 included, the smallest kept;
  ///  6: as 5, also at zstd level 22.
  int effort = kDefaultEffort;
  /// Label coding; `automatic` lets `effort` choose.
  LabelCodingChoice label_coding = LabelCodingChoice::automatic;
  /// Method 3's column tiles or method 4's row strips, which decoders may decode on separate
  /// threads: 0 (the default) chooses by image size, else 1..255 (an image narrower or lower
  /// than that gets one per column or row).
  int tiles = 0;
};

/// Options of encode() and quantize(): every stage's. Every field has a usable default.
struct EncodeOptions : ClusteringOptions, MappingOptions, TargetOptions, LabelCodingOptions {
  /// Threads, 0 = every core: the most this call runs at once. The output does not depend on
  /// it.
  int threads = 0;
  /// Where the threads come from: nullptr (the default) starts a ThreadPool for the call; a
  /// runner given here (not owned; it must outlive the call) is shared, up to `threads` of it.
  TaskRunner* runner = nullptr;
};

/// Options of decode().
struct DecodeOptions {
  /// Refuse images with more pixels than this, before allocating (Error: limit_exceeded).
  std::uint64_t max_pixels = kDefaultMaxPixels;
  /// Threads, 0 = every core: the most this call runs at once. The pixels do not depend on it.
  int threads = 0;
  /// As EncodeOptions::runner: nullptr starts a ThreadPool for the call.
  TaskRunner* runner = nullptr;
  /// Refuse a file whose metadata (format-spec §2.7) unpacks to more bytes than this in all,
  /// before unpacking it (Error: limit_exceeded). The format itself allows 2^26.
  std::uint64_t max_metadata_bytes = std::uint64_t{1} << 26;
};

/// Facts the quantizer reports about its work.
struct QuantizeStats {
  Method method = Method::kmeans;
  int colors = 0;                   ///< K used (the chosen one with automatic K)
  int iterations = 0;               ///< Lloyd iterations, mini-batch steps or EM steps run
  double inertia = 0;               ///< sum over pixels of squared distance to the palette entry,
                                    ///< in the clustering space
  double log_likelihood = 0;        ///< gmm: mean log-likelihood per pixel of the fitted mixture
  double mse = 0;                   ///< mean squared error over RGB of the result
  int trials = 0;                   ///< automatic K: number of K values tried
  std::size_t distinct_colors = 0;  ///< of the image; with sample_pixels, of the sample
  /// With rd_lambda > 0: the label bits the rate model expects for the index map (method 2's
  /// per-stream entropy), to hold against the bits the label coder writes.
  double expected_label_bits = 0;
  /// The rate-distortion lambda the labels were chosen with (rd_lambda, or the search's).
  double rd_lambda = 0;
  /// With target_ssim: the SSIM of the result against the image (else 0, not measured).
  double ssim = 0;
};

/// "kmeans", "minibatch" or "gmm".
KMQ_EXPORT const char* method_name(Method method);

/// Validates options against an image; throws Error(bad_input) naming the bad field.
KMQ_EXPORT void validate(const EncodeOptions& options);

/// Finds a palette for the image and maps every pixel to its nearest entry.
/// Throws Error(bad_input) for invalid options or an empty image.
KMQ_EXPORT IndexedImage quantize(const Image& image, const EncodeOptions& options,
                                 QuantizeStats* stats = nullptr);

/// The clustering stage on its own, as estimators report it (Python's kmq.KMeans and
/// kmq.GaussianMixture): options.colors clusters (at most the image's distinct colours) of the
/// image's pixels by options.method in options.space, before the palette is rounded to 8-bit
/// entries, sorted and given a transparent entry. Coordinates are those of the clustering
/// space: sRGB 0..255 for ColorSpace::rgb (then alpha 0..255 for RGBA images).
struct ClusterModel {
  int dimensions = 3;                 ///< 3, or 4 for RGBA images
  std::vector<double> centres;        ///< clusters x dimensions: centres, or a mixture's means
  std::vector<double> weights;        ///< the share of the pixels (gmm: mixing proportions)
  std::vector<double> covariances;    ///< gmm: clusters x dimensions^2, row-major; else empty
  std::vector<std::uint16_t> labels;  ///< every pixel's cluster (gmm: highest responsibility)
  int iterations = 0;                 ///< Lloyd iterations, mini-batch epochs or EM steps
  double inertia = 0;                 ///< sum over pixels of squared distance to their centre
  double log_likelihood = 0;          ///< gmm: mean log-likelihood per pixel
};

/// Fits the clusters. Throws Error(bad_input) for invalid options (sampling, targets and fixed
/// palettes have no meaning here) or an empty image.
KMQ_EXPORT ClusterModel fit_clusters(const Image& image, const EncodeOptions& options);

/// Counts an image's colours, the quantizer's first pass, while the image is still being
/// decoded: give it each band of rows as soon as they are final, then pass it to quantize().
/// With more than one thread the counting runs on a thread of its own, so an encoder that reads
/// PNG or JPEG row by row (io::ReadOptions::on_rows) hides it behind the decoding; kmqenc does.
class KMQ_EXPORT ColorCounter {
 public:
  /// threads: 0 = all cores; 1 counts inside rows_ready() instead.
  explicit ColorCounter(int threads = 0);
  ~ColorCounter();
  ColorCounter(ColorCounter&&) noexcept;
  ColorCounter& operator=(ColorCounter&&) noexcept;

  /// Rows [first_row, end_row) of `image` hold their final pixels. Calls must cover the rows
  /// from 0 in order, each once, all of one image (whose pixel buffer must stay where it is:
  /// moving the Image is fine). Throws Error(bad_input) otherwise.
  void rows_ready(const Image& image, int first_row, int end_row);

 private:
  struct State;
  std::unique_ptr<State> state_;
  friend IndexedImage quantize(const Image&, ColorCounter&&, const EncodeOptions&, QuantizeStats*);
};

/// quantize() starting from the colours counted while `image` was decoded: the same result.
/// Throws Error(bad_input) if the counter was not given every row of this image.
KMQ_EXPORT IndexedImage quantize(const Image& image, ColorCounter&& counted,
                                 const EncodeOptions& options, QuantizeStats* stats = nullptr);

/// A palette shared by several images (EncodeOptions::fixed_palette for each of them), so
/// that each file still decodes on its own.
struct SharedPalette {
  std::vector<std::uint8_t> palette;  ///< `channels` samples per entry
  int channels = 3;                   ///< 4 when any image has alpha
  int colors = 0;                     ///< entries
  int trials = 0;                     ///< K values tried (with a target)
  /// With a target: whether every image meets it. When not, `palette` is the one that came
  /// closest (the largest K for a quality target, K = 1 for a size target).
  bool met = true;
  /// With a target: the image furthest from it at `colors`, and its MSE (quality target) or
  /// file size in bytes (size target).
  std::size_t worst_image = 0;
  double worst_value = 0;
};

/// Clusters one palette of at most options.colors entries from the pixels of all `images`.
/// With a quality target (target_psnr, max_mse) it is the smallest K for which every image,
/// mapped to the palette as quantize() with a fixed palette maps it, meets the target; with
/// max_bytes the largest K for which every image's encode() fits. Throws Error(bad_input) for
/// no images, an empty image or a fixed palette in `options`.
KMQ_EXPORT SharedPalette shared_palette(std::span<const Image> images,
                                        const EncodeOptions& options);

/// Serialises a palette image as a .kmq file (format-spec/kmq.md).
/// Throws Error(bad_input) if the indexed image is inconsistent (index >= K, wrong sizes).
KMQ_EXPORT std::vector<std::uint8_t> encode_indexed(const IndexedImage& indexed,
                                                    const EncodeOptions& options);

/// quantize() then encode_indexed().
KMQ_EXPORT std::vector<std::uint8_t> encode(const Image& image, const EncodeOptions& options,
                                            QuantizeStats* stats = nullptr);

/// Decodes a .kmq file to pixels. Throws Error (corrupt_file, unsupported, limit_exceeded) for a
/// file it cannot decode; never reads outside `file`.
KMQ_EXPORT Image decode(std::span<const std::uint8_t> file, const DecodeOptions& options = {});

/// Decodes a .kmq file to its palette and index map without expanding pixels.
KMQ_EXPORT IndexedImage decode_indexed(std::span<const std::uint8_t> file,
                                       const DecodeOptions& options = {});

/// A band of decoded rows, as decode_rows() hands it over.
struct RowBand {
  int width = 0;  ///< of the whole image
  int height = 0;
  int channels = 0;
  int first_row = 0;                     ///< of this band
  int rows = 0;                          ///< in this band, >= 1
  std::span<const std::uint8_t> pixels;  ///< rows * width * channels samples, valid during the call
};

/// Decodes a .kmq file a band of rows at a time, top to bottom: `sink` sees every row once, in
/// order. Only the index map and two bands are in memory, never the whole RGB image, and with
/// more than one thread the next band is painted while `sink` handles this one. Throws Error like
/// decode() before the first band; whatever `sink` throws stops the decoding and propagates.
KMQ_EXPORT void decode_rows(std::span<const std::uint8_t> file,
                            const std::function<void(const RowBand&)>& sink,
                            const DecodeOptions& options = {});

/// Expands a palette image to pixels. Throws Error(bad_input) if an index is >= K.
KMQ_EXPORT Image expand(const IndexedImage& indexed);

/// One chunk of a .kmq file as found by inspect().
struct ChunkInfo {
  std::string type;
  std::size_t offset = 0;  ///< of the chunk's length field, from the start of the file
  std::uint32_t length = 0;
};

/// The structure of a .kmq file, for tools such as kmqinfo.
struct FileInfo {
  int version = 0;
  int width = 0;
  int height = 0;
  int channels = 0;
  int palette_size = 0;
  int label_coding = 0;
  int label_tiles = 0;   ///< label coding 3: its column tiles (format-spec §5.5); else 0
  int label_strips = 0;  ///< label coding 4: its row strips (format-spec §5.6); else 0
  std::size_t file_size = 0;
  std::size_t label_bytes = 0;  ///< payload bytes of the LABL chunk
  std::vector<ChunkInfo> chunks;
  Metadata metadata;
};

/// Reads and checks the container (signature, chunk frames, CRCs, header) without decoding
/// the labels. Throws Error like decode().
KMQ_EXPORT FileInfo inspect(std::span<const std::uint8_t> file, const DecodeOptions& options = {});

/// Name of a label coding method, e.g. "zstd-raw".
KMQ_EXPORT const char* label_coding_name(int method);

/// Peak signal-to-noise ratio over the R, G and B samples, in dB (infinity when identical).
/// Throws Error(bad_input) if the sizes differ.
KMQ_EXPORT double psnr(const Image& a, const Image& b);

/// Mean squared error over the R, G and B samples.
KMQ_EXPORT double mean_squared_error(const Image& a, const Image& b);

/// Structural similarity (Wang et al. 2004; 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03)
/// averaged over all window positions inside the image and over R, G and B; 1 when identical.
/// Images smaller than 11 pixels in a direction are treated as one window. `threads`: 0 = all
/// cores; the result does not depend on it. Throws Error(bad_input) if the sizes differ.
KMQ_EXPORT double ssim(const Image& a, const Image& b, int threads = 0);

}  // namespace kmq
