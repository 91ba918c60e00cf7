#ifndef FRAMEGRAB_YUVCONVERSION_H
#define FRAMEGRAB_YUVCONVERSION_H

#include <stddef.h>
#include <stdint.h>

/// The conversion framegrab asks swscale for — 8-bit planar YUV to packed RGB or RGBA at the same size,
/// with `SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP | SWS_BITEXACT`,
/// default chroma positions, no brightness, contrast or saturation change — computed to the same bytes,
/// about five times faster: FFmpeg 5.1 runs that path (`yuv2rgb_full_X_c`) in plain C, one pixel at a
/// time, where these loops are vectorised (with AVX2 where the processor has it).
///
/// A plan holds the filters for one geometry and colour matrix; `fgyuv_convert` may be called on it
/// from one thread at a time.
typedef struct fgyuv_plan fgyuv_plan;

/// A plan for `width`×`height` pictures whose chroma planes are subsampled by `1 << chroma_shift_w`
/// horizontally and `1 << chroma_shift_h` vertically (0 or 1 each: 4:4:4, 4:2:2, 4:4:0, 4:2:0).
/// `coefficients` are swscale's for the matrix (`sws_getCoefficients`), `full_range` the source range.
/// NULL when swscale would take its two-tap shortcut for the vertical chroma filter (chroma planes 4 rows
/// high), which this file does not reproduce: the caller then uses swscale.
fgyuv_plan *fgyuv_plan_create(int width, int height, int chroma_shift_w, int chroma_shift_h,
                              const int coefficients[4], int full_range);

void fgyuv_plan_free(fgyuv_plan *plan);

/// Converts one picture. `planes`/`strides`: Y, U (Cb), V (Cr). `bytes_per_pixel`: 3 (RGB) or 4 (RGBA,
/// alpha 255). Every byte of the `height` rows of `width * bytes_per_pixel` is written.
/// Returns 0, or -1 when out of memory (nothing is written then).
int fgyuv_convert(const fgyuv_plan *plan, const uint8_t *const planes[3], const int strides[3],
                  uint8_t *destination, ptrdiff_t destination_stride, int bytes_per_pixel);

#endif
