/* SPDX-License-Identifier: MIT */
/* The C API, compiled as C: encode, inspect, decode, errors and statuses. */
#include <kmq/kmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

/* A host runner: tasks run on the calling thread, in order, and are counted. */
typedef struct {
  int runs;
  size_t tasks;
} counting_runner;
static void run_inline(void* opaque, size_t count, kmq_task task, void* task_opaque) {
  counting_runner* runner = (counting_runner*)opaque;
  ++runner->runs;
  for (size_t i = 0; i < count; ++i) {
    task(task_opaque, i);
    ++runner->tasks;
  }
}
#define CHECK(condition)                                              \
  do {                                                                \
    if (!(condition)) {                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      ++failures;                                                     \
    }                                                                 \
  } while (0)

int main(void) {
  enum { W = 37, H = 21, C = 4, STRIDE = W * C + 3 };
  static uint8_t pixels[H * STRIDE];
  for (int y = 0; y < H; ++y) {
    for (int x = 0; x < W; ++x) {
      uint8_t* p = pixels + y * STRIDE + x * C;
      p[0] = (uint8_t)(x * 7);
      p[1] = (uint8_t)(y * 12);
      p[2] = (uint8_t)(x ^ y);
      p[3] = x < 5 ? 0 : 255;
    }
  }
  CHECK(kmq_version_number() == KMQ_VERSION_NUMBER);
  CHECK(strcmp(kmq_status_string(KMQ_ERROR_CORRUPT_FILE), "corrupt file") == 0);

  kmq_encoder* encoder = kmq_encoder_create();
  CHECK(encoder != NULL);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_COLORS, 12) == KMQ_OK);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_COLORS, 70000) == KMQ_ERROR_BAD_INPUT);
  CHECK(strlen(kmq_encoder_last_error(encoder)) > 0);
  /* Out-of-range values are safe to pass (a UBSan report in CI once showed they were not). */
  CHECK(kmq_encoder_set_option(encoder, 999, 1) == KMQ_ERROR_BAD_INPUT);
  CHECK(strcmp(kmq_status_string(12345), "unknown status") == 0);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_EFFORT, 7) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_EFFORT, 6) == KMQ_OK);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_LEVEL, 3) == KMQ_OK);

  const size_t bound = kmq_encode_bound(W, H, C, 12);
  CHECK(bound > 0);
  CHECK(kmq_encode_bound(0, H, C, 12) == 0);
  uint8_t* file = malloc(bound);
  size_t size = 0;
  CHECK(kmq_encode(encoder, pixels, W, H, C, STRIDE, file, bound, &size) == KMQ_OK);
  CHECK(size > 0 && size <= bound);
  size_t ignored = 0;
  CHECK(kmq_encode(encoder, pixels, W, H, C, STRIDE, file, 10, &ignored) == KMQ_ERROR_DST_TOO_SMALL);
  CHECK(kmq_encode(encoder, NULL, W, H, C, STRIDE, file, bound, &ignored) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_encode(encoder, pixels, W, H, 2, STRIDE, file, bound, &ignored) == KMQ_ERROR_BAD_INPUT);

  kmq_decoder* decoder = kmq_decoder_create();
  kmq_image_info info;
  CHECK(kmq_read_info(decoder, file, size, &info) == KMQ_OK);
  CHECK(info.width == W && info.height == H && info.channels == C && info.palette_size <= 12);
  static uint8_t decoded[H * STRIDE];
  CHECK(kmq_decode(decoder, file, size, decoded, sizeof decoded, STRIDE) == KMQ_OK);
  for (int y = 0; y < H; ++y) {
    for (int x = 0; x < 5; ++x) CHECK(decoded[y * STRIDE + x * C + 3] == 0);
  }
  CHECK(kmq_decode(decoder, file, size, decoded, 100, STRIDE) == KMQ_ERROR_DST_TOO_SMALL);
  CHECK(kmq_decoder_set_max_pixels(decoder, 100) == KMQ_OK);
  CHECK(kmq_decode(decoder, file, size, decoded, sizeof decoded, STRIDE) == KMQ_ERROR_LIMIT_EXCEEDED);
  CHECK(kmq_decoder_set_max_pixels(decoder, 1u << 28) == KMQ_OK);
  file[size / 2] ^= 0x40;
  CHECK(kmq_decode(decoder, file, size, decoded, sizeof decoded, STRIDE) == KMQ_ERROR_CORRUPT_FILE);
  CHECK(strstr(kmq_decoder_last_error(decoder), "CRC") != NULL);
  CHECK(kmq_read_info(decoder, file, 3, &info) == KMQ_ERROR_CORRUPT_FILE);

  /* Clustering a sample of the pixels; transparent pixels still share an entry of alpha 0. */
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_SAMPLE_PIXELS, -1) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_SAMPLE_PIXELS, 300) == KMQ_OK);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_MAX_BYTES, 5000) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_encode(encoder, pixels, W, H, C, STRIDE, file, bound, &size) == KMQ_OK);
  CHECK(kmq_decode(decoder, file, size, decoded, sizeof decoded, STRIDE) == KMQ_OK);
  for (int y = 0; y < H; ++y) {
    for (int x = 0; x < 5; ++x) CHECK(decoded[y * STRIDE + x * C + 3] == 0);
  }

  /* Rate-distortion labels: valid files, refused with dithering or a negative lambda. */
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_SAMPLE_PIXELS, 0) == KMQ_OK);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_RD_LAMBDA_MILLI, -1) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_RD_LAMBDA_MILLI, 64000) == KMQ_OK);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_DITHER_PERCENT, 50) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_encode(encoder, pixels, W, H, C, STRIDE, file, bound, &size) == KMQ_OK);
  CHECK(kmq_decode(decoder, file, size, decoded, sizeof decoded, STRIDE) == KMQ_OK);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_RD_LAMBDA_MILLI, 0) == KMQ_OK);

  /* Ordered dithering: a valid file; the option takes 0 or 1. */
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_ORDERED_DITHER, 2) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_ORDERED_DITHER, 1) == KMQ_OK);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_DITHER_PERCENT, 100) == KMQ_OK);
  CHECK(kmq_encode(encoder, pixels, W, H, C, STRIDE, file, bound, &size) == KMQ_OK);
  CHECK(kmq_decode(decoder, file, size, decoded, sizeof decoded, STRIDE) == KMQ_OK);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_DITHER_PERCENT, 0) == KMQ_OK);
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_ORDERED_DITHER, 0) == KMQ_OK);

  /* A host's runner: the same file and pixels as kmq's own threads, and it is used. */
  CHECK(kmq_encoder_set_option(encoder, KMQ_ENCODER_THREADS, 3) == KMQ_OK);
  CHECK(kmq_encode(encoder, pixels, W, H, C, STRIDE, file, bound, &size) == KMQ_OK);
  uint8_t* own_threads = malloc(size);
  memcpy(own_threads, file, size);
  const size_t own_size = size;
  counting_runner host = {0, 0};
  const kmq_runner runner = {&host, run_inline, 3};
  CHECK(kmq_encoder_set_runner(encoder, &runner) == KMQ_OK);
  CHECK(kmq_encode(encoder, pixels, W, H, C, STRIDE, file, bound, &size) == KMQ_OK);
  CHECK(size == own_size && memcmp(file, own_threads, size) == 0);
  CHECK(host.runs > 0 && host.tasks > 0);
  const kmq_runner no_run = {&host, NULL, 2};
  CHECK(kmq_encoder_set_runner(encoder, &no_run) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_encoder_set_runner(encoder, NULL) == KMQ_OK);
  free(own_threads);

  /* Too small a buffer reports the size the file needs. */
  size_t needed = 0;
  CHECK(kmq_encode(encoder, pixels, W, H, C, STRIDE, file, 10, &needed) == KMQ_ERROR_DST_TOO_SMALL);
  CHECK(needed == size);

  /* Decoder options, the decoded-size query and a decode on the host's runner. */
  CHECK(kmq_decoder_set_option(decoder, KMQ_DECODER_THREADS, 2) == KMQ_OK);
  CHECK(kmq_decoder_set_option(decoder, KMQ_DECODER_THREADS, -1) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_decoder_set_option(decoder, 77, 1) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_read_info(decoder, file, size, &info) == KMQ_OK);
  CHECK(kmq_decoded_size(&info, STRIDE) == (size_t)STRIDE * (H - 1) + W * C);
  CHECK(kmq_decoded_size(&info, W * C - 1) == 0);
  static uint8_t by_host[H * STRIDE];
  CHECK(kmq_decode(decoder, file, size, decoded, sizeof decoded, STRIDE) == KMQ_OK);
  host.runs = 0;
  CHECK(kmq_decoder_set_runner(decoder, &runner) == KMQ_OK);
  CHECK(kmq_decode(decoder, file, size, by_host, sizeof by_host, STRIDE) == KMQ_OK);
  for (int y = 0; y < H; ++y) CHECK(memcmp(decoded + y * STRIDE, by_host + y * STRIDE, W * C) == 0);
  CHECK(kmq_decoder_set_runner(decoder, NULL) == KMQ_OK);

  /* Metadata: an ICC profile and Exif set on the encoder come back from the file. */
  static uint8_t profile[132];
  profile[3] = 132;
  memcpy(profile + 36, "acsp", 4);
  const uint8_t exif[8] = {'I', 'I', 0x2A, 0, 8, 0, 0, 0};
  CHECK(kmq_encoder_set_metadata(encoder, KMQ_METADATA_ICC_PROFILE, profile, sizeof profile) == KMQ_OK);
  CHECK(kmq_encoder_set_metadata(encoder, KMQ_METADATA_EXIF, exif, sizeof exif) == KMQ_OK);
  CHECK(kmq_encoder_set_metadata(encoder, KMQ_METADATA_EXIF, profile, 8) == KMQ_ERROR_BAD_INPUT);
  CHECK(kmq_encoder_set_metadata(encoder, 9, exif, sizeof exif) == KMQ_ERROR_BAD_INPUT);
  const size_t meta_bound = bound + 1024;
  uint8_t* with_metadata = malloc(meta_bound);
  CHECK(kmq_encode(encoder, pixels, W, H, C, STRIDE, with_metadata, meta_bound, &size) == KMQ_OK);
  size_t item_size = 0;
  CHECK(kmq_read_metadata(decoder, with_metadata, size, KMQ_METADATA_ICC_PROFILE, NULL, 0, &item_size) ==
        KMQ_ERROR_DST_TOO_SMALL);
  CHECK(item_size == sizeof profile);
  uint8_t profile_back[132];
  CHECK(kmq_read_metadata(decoder, with_metadata, size, KMQ_METADATA_ICC_PROFILE, profile_back,
                          sizeof profile_back, &item_size) == KMQ_OK);
  CHECK(memcmp(profile_back, profile, sizeof profile) == 0);
  uint8_t exif_back[8];
  CHECK(kmq_read_metadata(decoder, with_metadata, size, KMQ_METADATA_EXIF, exif_back, 8, &item_size) == KMQ_OK);
  CHECK(item_size == 8 && memcmp(exif_back, exif, 8) == 0);
  CHECK(kmq_read_metadata(decoder, with_metadata, size, KMQ_METADATA_XMP, NULL, 0, &item_size) == KMQ_OK);
  CHECK(item_size == 0);
  free(with_metadata);

  kmq_decoder_destroy(decoder);
  kmq_encoder_destroy(encoder);
  kmq_encoder_destroy(NULL);
  kmq_decoder_destroy(NULL);
  free(file);
  if (failures == 0) printf("c_api_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
