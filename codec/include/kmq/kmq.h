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

#include "kmq/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the linked library, to compare with KMQ_VERSION_NUMBER at run time. */
unsigned kmq_version_number(void);

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
const char* kmq_status_string(int status);

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
  KMQ_ENCODER_SAMPLE_PIXELS = 11   /* 0 = cluster every colour (default); else the colours of
                                      about this many evenly spread pixels (<= 2^30) */
} kmq_encoder_option;

/** A new encoder with default options, or NULL when out of memory. */
kmq_encoder* kmq_encoder_create(void);
/** Frees an encoder; accepts NULL. */
void kmq_encoder_destroy(kmq_encoder* encoder);
/** Sets an option, one of kmq_encoder_option (an int, so that any value is safe to pass).
 * KMQ_ERROR_BAD_INPUT for an unknown option or a value out of range. */
kmq_status kmq_encoder_set_option(kmq_encoder* encoder, int option, int64_t value);

/** Largest .kmq size kmq_encode() can produce for such an image (0 if the shape is invalid). */
size_t kmq_encode_bound(uint32_t width, uint32_t height, int channels, int colors);

/** Encodes `height` rows of `width` pixels of `channels` (3 = RGB, 4 = RGBA) 8-bit samples,
 * rows `stride` bytes apart, into dst. On KMQ_OK, *written holds the file size. */
kmq_status kmq_encode(kmq_encoder* encoder, const uint8_t* pixels, uint32_t width,
                      uint32_t height, int channels, size_t stride, uint8_t* dst,
                      size_t dst_capacity, size_t* written);

/** Message of the encoder's last failure ("" if none); valid until the next call on it. */
const char* kmq_encoder_last_error(const kmq_encoder* encoder);

/* ---- Decoding ---------------------------------------------------------------------------- */

typedef struct kmq_decoder kmq_decoder; /* opaque */

typedef struct kmq_image_info {
  uint32_t width;
  uint32_t height;
  int channels;     /* 3 or 4: samples per pixel kmq_decode() writes */
  int palette_size; /* K */
} kmq_image_info;

/** A new decoder (pixel limit 2^28), or NULL when out of memory. */
kmq_decoder* kmq_decoder_create(void);
/** Frees a decoder; accepts NULL. */
void kmq_decoder_destroy(kmq_decoder* decoder);
/** Refuses images with more pixels than this, before allocating. */
kmq_status kmq_decoder_set_max_pixels(kmq_decoder* decoder, uint64_t max_pixels);

/** Checks the container and reads the header without decoding pixels. */
kmq_status kmq_read_info(kmq_decoder* decoder, const uint8_t* src, size_t src_size,
                         kmq_image_info* info);

/** Decodes into dst: info.height rows of info.width * info.channels bytes, `stride` bytes
 * apart (stride >= width * channels). dst_capacity must be at least
 * stride * (height - 1) + width * channels. */
kmq_status kmq_decode(kmq_decoder* decoder, const uint8_t* src, size_t src_size, uint8_t* dst,
                      size_t dst_capacity, size_t stride);

/** Message of the decoder's last failure ("" if none); valid until the next call on it. */
const char* kmq_decoder_last_error(const kmq_decoder* decoder);

#ifdef __cplusplus
}
#endif

#endif /* KMQ_KMQ_H */
