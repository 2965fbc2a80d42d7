/* SPDX-License-Identifier: MIT */
/* kmq C API: encode images to and decode them from .kmq palette files.
 *
 * For bindings (Python ctypes/cffi, Rust, Go) and C programs. Buffers are passed as
 * (src, src_size) and (dst, dst_capacity); kmq_encode_bound() gives a capacity that always
 * suffices. Nothing here throws or aborts: every call returns a kmq_status.
 *
 * Thread-safety: distinct encoder/decoder objects may be used from distinct threads at once;
 * one object must not be used from two threads at the same time. The library has no global
 * state.
 */
#ifndef KMQ_KMQ_H
#define KMQ_KMQ_H

#include <stddef.h>
#include <stdint.h>

#include "kmq/export.h"
#include "kmq/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the linked library, to compare with KMQ_VERSION_NUMBER at run time. */
KMQ_EXPORT unsigned kmq_version_number(void);

/** Status codes. Their values are frozen: new codes are only ever appended. */
typedef enum kmq_status {
  KMQ_OK = 0,
  KMQ_ERROR_BAD_INPUT = 1,       /* invalid image, option or argument (NULL pointer, ...) */
  KMQ_ERROR_CORRUPT_FILE = 2,    /* the .kmq data is damaged */
  KMQ_ERROR_UNSUPPORTED = 3,     /* valid but uses a feature this version lacks */
  KMQ_ERROR_LIMIT_EXCEEDED = 4,  /* larger than the configured pixel limit */
  KMQ_ERROR_IO = 5,              /* internal I/O or compression failure */
  KMQ_ERROR_TARGET_NOT_MET = 6,  /* a quality/size target no K reaches */
  KMQ_ERROR_DST_TOO_SMALL = 7,   /* dst_capacity is too small; nothing useful was written */
  KMQ_ERROR_OUT_OF_MEMORY = 8,
  KMQ_ERROR_INTERNAL = 9         /* a bug: please report it */
} kmq_status;

/** A static, human-readable name of a status ("corrupt file", ...); "unknown status" for a
 * value that is not a kmq_status. Never NULL. (An int, so that any value is safe to pass.) */
KMQ_EXPORT const char* kmq_status_string(int status);

/* ---- Threads ----------------------------------------------------------------------------- */

/** A host program's thread pool for kmq's parallel work (libjxl's runner interface is the
 * model). kmq calls run(opaque, count, task, task_opaque), which must call
 * task(task_opaque, i) exactly once for every i < count, on any threads, at most `concurrency`
 * at once, and return when every call has returned. kmq's tasks never fail. kmq may call run
 * again from inside a task, so run must never leave a thread waiting for a task no thread will
 * start: running tasks on the calling thread when no other is free is enough. Without a runner,
 * each call starts threads for its own duration (KMQ_ENCODER_THREADS, KMQ_DECODER_THREADS). */
typedef void (*kmq_task)(void* task_opaque, size_t index);
typedef struct kmq_runner {
  void* opaque;
  void (*run)(void* opaque, size_t count, kmq_task task, void* task_opaque);
  int concurrency; /* >= 1 */
} kmq_runner;

/* ---- Metadata ---------------------------------------------------------------------------- */

/** Metadata items (format-spec/kmq.md §2.7) the C API reads and sets as byte strings. Values
 * are frozen. */
typedef enum kmq_metadata_item {
  KMQ_METADATA_ICC_PROFILE = 1, /* an ICC profile */
  KMQ_METADATA_EXIF = 2,        /* Exif from the TIFF header on */
  KMQ_METADATA_XMP = 3          /* an XMP packet, UTF-8 */
} kmq_metadata_item;

/* ---- Encoding ---------------------------------------------------------------------------- */

typedef struct kmq_encoder kmq_encoder; /* opaque */

/** Encoder options, set with kmq_encoder_set_option(). Values are frozen. */
typedef enum kmq_encoder_option {
  KMQ_ENCODER_COLORS = 1,          /* K, 1..65536 (default 256) */
  KMQ_ENCODER_SEED = 2,            /* random seed (default 1) */
  KMQ_ENCODER_MAX_ITERATIONS = 3,  /* >= 1 (default 100) */
  KMQ_ENCODER_LEVEL = 4,           /* 0 chosen by effort (default), or zstd level 1..22 */
  KMQ_ENCODER_THREADS = 5,         /* 0 = all cores (default); output does not depend on it */
  KMQ_ENCODER_METHOD = 6,          /* 0 kmeans, 1 minibatch, 2 gmm */
  KMQ_ENCODER_SPACE = 7,           /* 0 rgb, 1 oklab */
  KMQ_ENCODER_DITHER_PERCENT = 8,  /* Floyd-Steinberg strength 0..100 (default 0, off) */
  KMQ_ENCODER_MAX_BYTES = 9,       /* 0 = off; else the largest K whose file fits */
  KMQ_ENCODER_EFFORT = 10,         /* 1..6: encode time against size (default 4) */
  KMQ_ENCODER_SAMPLE_PIXELS = 11,  /* 0 = cluster every colour (default); else the colours of
                                      about this many evenly spread pixels (<= 2^30) */
  KMQ_ENCODER_RD_LAMBDA_MILLI = 12, /* rate-distortion labels' lambda in thousandths (0 = off,
                                       default; 16000 = lambda 16): smaller files, lower PSNR */
  KMQ_ENCODER_ORDERED_DITHER = 13   /* 1: dither (KMQ_ENCODER_DITHER_PERCENT) with ordered
                                       8x8 Bayer patterns, not error diffusion (default 0) */
} kmq_encoder_option;

/** A new encoder with default options, or NULL when out of memory. */
KMQ_EXPORT kmq_encoder* kmq_encoder_create(void);
/** Frees an encoder; accepts NULL. */
KMQ_EXPORT void kmq_encoder_destroy(kmq_encoder* encoder);
/** Sets an option, one of kmq_encoder_option (an int, so that any value is safe to pass).
 * KMQ_ERROR_BAD_INPUT for an unknown option or a value out of range. */
KMQ_EXPORT kmq_status kmq_encoder_set_option(kmq_encoder* encoder, int option, int64_t value);

/** The runner the encoder's calls use (copied), or NULL for threads of their own. */
KMQ_EXPORT kmq_status kmq_encoder_set_runner(kmq_encoder* encoder, const kmq_runner* runner);

/** Stores `size` bytes of a metadata item (kmq_metadata_item) in every file the encoder
 * writes; size 0 removes it. KMQ_ERROR_BAD_INPUT when the item breaks the format's rules (an ICC
 * profile's header, Exif's TIFF header, 16 MiB at most). */
KMQ_EXPORT kmq_status kmq_encoder_set_metadata(kmq_encoder* encoder, int item, const uint8_t* data,
                                    size_t size);

/** Largest .kmq size kmq_encode() can produce for such an image (0 if the shape is invalid);
 * the metadata set on an encoder comes on top of it. */
KMQ_EXPORT size_t kmq_encode_bound(uint32_t width, uint32_t height, int channels, int colors);

/** Encodes `height` rows of `width` pixels of `channels` (3 = RGB, 4 = RGBA) 8-bit samples,
 * rows `stride` bytes apart, straight into dst. On KMQ_OK, *written holds the file size; on
 * KMQ_ERROR_DST_TOO_SMALL, the size the file needs (nothing useful is in dst). */
KMQ_EXPORT kmq_status kmq_encode(kmq_encoder* encoder, const uint8_t* pixels, uint32_t width,
                      uint32_t height, int channels, size_t stride, uint8_t* dst,
                      size_t dst_capacity, size_t* written);

/** Message of the encoder's last failure ("" if none); valid until the next call on it. */
KMQ_EXPORT const char* kmq_encoder_last_error(const kmq_encoder* encoder);

/* ---- Decoding ---------------------------------------------------------------------------- */

typedef struct kmq_decoder kmq_decoder; /* opaque */

typedef struct kmq_image_info {
  uint32_t width;
  uint32_t height;
  int channels;     /* 3 or 4: samples per pixel kmq_decode() writes */
  int palette_size; /* K */
} kmq_image_info;

/** Decoder options, set with kmq_decoder_set_option(). Values are frozen. */
typedef enum kmq_decoder_option {
  KMQ_DECODER_MAX_PIXELS = 1,        /* refuse larger images before allocating (default 2^28) */
  KMQ_DECODER_THREADS = 2,           /* 0 = all cores (default); pixels do not depend on it */
  KMQ_DECODER_MAX_METADATA_BYTES = 3 /* refuse files with more metadata (default 2^26) */
} kmq_decoder_option;

/** A new decoder (pixel limit 2^28), or NULL when out of memory. */
KMQ_EXPORT kmq_decoder* kmq_decoder_create(void);
/** Frees a decoder; accepts NULL. */
KMQ_EXPORT void kmq_decoder_destroy(kmq_decoder* decoder);
/** Sets an option, one of kmq_decoder_option; KMQ_ERROR_BAD_INPUT for an unknown option or a
 * value out of range. */
KMQ_EXPORT kmq_status kmq_decoder_set_option(kmq_decoder* decoder, int option, int64_t value);
/** Refuses images with more pixels than this, before allocating (KMQ_DECODER_MAX_PIXELS). */
KMQ_EXPORT kmq_status kmq_decoder_set_max_pixels(kmq_decoder* decoder, uint64_t max_pixels);
/** The runner the decoder's calls use (copied), or NULL for threads of their own. */
KMQ_EXPORT kmq_status kmq_decoder_set_runner(kmq_decoder* decoder, const kmq_runner* runner);

/** Checks the container and reads the header without decoding pixels. */
KMQ_EXPORT kmq_status kmq_read_info(kmq_decoder* decoder, const uint8_t* src, size_t src_size,
                         kmq_image_info* info);

/** Bytes kmq_decode() needs for an image of `info` with rows `stride` bytes apart
 * (stride * (height - 1) + width * channels), or 0 when stride is below a row or info is
 * invalid. */
KMQ_EXPORT size_t kmq_decoded_size(const kmq_image_info* info, size_t stride);

/** Decodes straight into dst, parsing the file once: info.height rows of
 * info.width * info.channels bytes, `stride` bytes apart (stride >= width * channels).
 * dst_capacity must be at least kmq_decoded_size(). */
KMQ_EXPORT kmq_status kmq_decode(kmq_decoder* decoder, const uint8_t* src, size_t src_size, uint8_t* dst,
                      size_t dst_capacity, size_t stride);

/** Copies a metadata item (kmq_metadata_item) of the file into dst and sets *size to its
 * length (0 when the file has none: KMQ_OK). With dst NULL or too small, only *size is set
 * and KMQ_ERROR_DST_TOO_SMALL returned (for size 0, KMQ_OK). */
KMQ_EXPORT kmq_status kmq_read_metadata(kmq_decoder* decoder, const uint8_t* src, size_t src_size, int item,
                             uint8_t* dst, size_t dst_capacity, size_t* size);

/** Message of the decoder's last failure ("" if none); valid until the next call on it. */
KMQ_EXPORT const char* kmq_decoder_last_error(const kmq_decoder* decoder);

#ifdef __cplusplus
}
#endif

#endif /* KMQ_KMQ_H */
