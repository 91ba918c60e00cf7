#ifndef FRAMEGRAB_IMAGECODECS_H
#define FRAMEGRAB_IMAGECODECS_H

#include <stddef.h>
#include <stdint.h>

/// JPEG (libjpeg-turbo) and lossy WebP (libwebp) encoding of packed RGB(A) pixels. Every libjpeg call
/// happens inside these C functions, which own the setjmp that libjpeg's error_exit jumps to: no longjmp
/// crosses Swift code. Swift sees only this header, never jpeglib.h or webp/encode.h.
///
/// Input: `height` rows of `width` pixels, `row_bytes` apart; `channels` 3 (RGB) or 4 (RGBA, not
/// premultiplied); `bit_depth` 8 or 16 (16-bit samples in host byte order). Output is always 8 bits per
/// channel: a 16-bit sample v becomes round(v × 255 / 65535). `quality` is clamped to 1...100.
/// Each function returns 0 on success, or -1 with a NUL-terminated message in `error`.

/// From this quality up, JPEG chroma is kept at full resolution (4:4:4); below it, halved both ways (4:2:0).
#define FGJPEG_FULL_CHROMA_QUALITY 90

/// An encoded image in memory; release `data` with the free function of the encoder that made it.
typedef struct {
    uint8_t *data;
    size_t size;
} fgimg_buffer;

/// A baseline JFIF file: YCbCr, 4:2:0 below FGJPEG_FULL_CHROMA_QUALITY and 4:4:4 from it, libjpeg's
/// standard tables scaled to `quality`, the accurate integer DCT and optimised Huffman tables. Nothing but
/// the JFIF header (version 1.01, pixel aspect 1:1 without a density unit, no thumbnail) precedes the image, so the same pixels and
/// quality give the same bytes. Alpha is dropped: the colour samples are encoded as stored.
int fgjpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes,
                  int channels, int bit_depth, int quality, fgimg_buffer *out, char *error, size_t error_size);

/// Releases the data of a buffer made by `fgjpeg_encode`.
void fgjpeg_free(void *data);

/// A lossy WebP file, as libwebp's simple API (`WebPEncodeRGB`/`WebPEncodeRGBA`) writes it: the default
/// preset at `quality`, method 4, single-threaded. RGBA keeps its alpha (losslessly compressed, as
/// libwebp does by default; an image whose alpha is opaque everywhere is written without alpha).
int fgwebp_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes,
                  int channels, int bit_depth, int quality, fgimg_buffer *out, char *error, size_t error_size);

/// Releases the data of a buffer made by `fgwebp_encode`.
void fgwebp_free(void *data);

#endif
