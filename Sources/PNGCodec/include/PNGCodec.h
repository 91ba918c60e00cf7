#ifndef FRAMEGRAB_PNGCODEC_H
#define FRAMEGRAB_PNGCODEC_H

#include <stddef.h>
#include <stdint.h>

/// Options for `fgpng_encode`. Every libpng call happens inside PNGCodec's C functions,
/// which own the setjmp that libpng's error handling jumps to: no longjmp crosses Swift code.
/// One filter for the whole image, chosen from a sample of its rows (none, up or Paeth).
#define FGPNG_FILTER_PER_IMAGE (-2)
/// `strategy`: libdeflate's level-1 compressor over the whole filtered image at once, in place of zlib.
/// Images libpng writes itself (16-bit, a filter chosen per row, tiny) get zlib's Z_RLE instead.
#define FGPNG_STRATEGY_LIBDEFLATE 16

typedef struct {
    int compression_level;   ///< zlib level 0...9
    int strategy;            ///< zlib strategy: Z_DEFAULT_STRATEGY 0, Z_FILTERED 1, Z_HUFFMAN_ONLY 2, Z_RLE 3; or FGPNG_STRATEGY_LIBDEFLATE
    int filters;             ///< libpng PNG_FILTER_* mask, -1 for libpng's default, or FGPNG_FILTER_PER_IMAGE
    int text_count;          ///< number of tEXt chunks
    const char *const *text_keys;
    const char *const *text_values;
    /// When not NULL: the 4 bytes of a `cICP` chunk (PNG third edition: colour primaries, transfer
    /// characteristics, matrix coefficients, full-range flag), written before the image data.
    const uint8_t *cicp;
} fgpng_encode_options;

/// An encoded PNG in memory, allocated by `fgpng_encode`; release it with `fgpng_free`.
typedef struct {
    uint8_t *data;
    size_t size;
} fgpng_buffer;

/// A decoded PNG: always RGB or RGBA, 8 or 16 bits per channel (16-bit samples in host byte order).
typedef struct {
    uint32_t width;
    uint32_t height;
    int channels;            ///< 3 (RGB) or 4 (RGBA)
    int bit_depth;           ///< 8 or 16
    size_t row_bytes;
    uint8_t *pixels;         ///< release with fgpng_free
} fgpng_image;

/// Encodes `height` rows of `width` pixels (`channels` 3 or 4, `bit_depth` 8 or 16, 16-bit samples in host
/// byte order) into `out`. Returns 0 on success, or -1 with a message in `error` (NUL-terminated).
int fgpng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes,
                 int channels, int bit_depth, const fgpng_encode_options *options,
                 fgpng_buffer *out, char *error, size_t error_size);

/// Decodes a PNG held in memory, converting palette and grey images to RGB(A). Returns 0 on success,
/// or -1 with a message in `error`.
int fgpng_decode(const uint8_t *data, size_t size, fgpng_image *out, char *error, size_t error_size);

void fgpng_free(void *pointer);

#endif
