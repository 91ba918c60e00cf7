// The conversion of swscale (FFmpeg 5.1, libswscale 6.7) that framegrab uses, to the same bytes.
//
// The filter construction (`bicubic_filter`, from `initFilter` in libswscale/utils.c), the colour
// coefficients (`ff_yuv2rgb_c_init_tables` in yuv2rgb.c), the horizontal scaler (`hScale8To15_c`) and
// the output stage (`yuv2rgb_full_X_c_template` and `yuv2rgb_write_full` in output.c) are adapted from
// FFmpeg, which is licensed under the LGPL 2.1 or later; so is this file.
//
// What runs: each chroma row is scaled horizontally to the full width (15-bit samples), the rows around
// each output row are filtered vertically (4 bicubic taps for 4:2:0), and each pixel is converted with
// the same 30-bit fixed-point arithmetic, clipping and shift as swscale's C code. Only the order of the
// work differs (loops over a row instead of over a pixel's taps), which the compiler vectorises.

#include "YUVConversion.h"

#include <stdlib.h>
#include <string.h>

#define FFABS(a) ((a) >= 0 ? (a) : (-(a)))
#define FFMIN(a, b) ((a) > (b) ? (b) : (a))
#define FFMAX(a, b) ((a) > (b) ? (a) : (b))
#define ROUNDED_DIV(a, b) (((a) >= 0 ? (a) + ((b) >> 1) : (a) - ((b) >> 1)) / (b))

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define FGYUV_SANITIZED 1
#endif
#endif

// An AVX2 copy of each loop, chosen when the program loads (an ifunc). Not under ThreadSanitizer or
// AddressSanitizer: their runtimes are not ready when ifunc resolvers run, and the program crashes at start.
#if defined(__x86_64__) && defined(__clang__) && !defined(FGYUV_SANITIZED)
#define FGYUV_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define FGYUV_CLONES
#endif

/// Longest vertical filter kept (bicubic upsampling needs 4 taps; swscale's own limit is far above).
enum { MAX_TAPS = 16 };

struct fgyuv_plan {
    int width, height;
    int chroma_width, chroma_height;
    int h_taps, h_identity;
    int16_t *h_coeff;
    int32_t *h_pos;
    int v_taps;
    int16_t *v_coeff;
    int32_t *v_pos;
    int32_t y_offset, y_coeff, v2r, v2g, u2g, u2b;
};

static int log2_int(unsigned v) {
    int n = 0;
    while (v >>= 1) n++;
    return n;
}

// swscale's initFilter for SWS_BICUBIC with its default parameters (B = 0, C = 0.6), SWS_BITEXACT, and
// no source or destination filter vectors. Returns the number of taps, or 0 when out of memory.
static int bicubic_filter(int16_t **out_coeff, int32_t **out_pos, int xInc, int srcW, int dstW,
                          int filterAlign, int one, int srcPos, int dstPos) {
    const int64_t fone = 1LL << (54 - FFMIN(log2_int((unsigned)(srcW / dstW)), 8));
    int filterSize;
    int64_t *filter = NULL, *aligned = NULL;
    int32_t *filterPos = malloc(sizeof(int32_t) * (size_t)(dstW + 3));
    int16_t *result = NULL;
    if (!filterPos) goto fail;

    if (FFABS(xInc - 0x10000) < 10 && srcPos == dstPos) { // unscaled
        filterSize = 1;
        filter = calloc((size_t)dstW, sizeof(int64_t));
        if (!filter) goto fail;
        for (int i = 0; i < dstW; i++) {
            filter[i] = fone;
            filterPos[i] = i;
        }
    } else {
        const int sizeFactor = 4;
        const int64_t B = 0, C = (int64_t)(0.6 * (1 << 24));
        filterSize = xInc <= 1 << 16 ? 1 + sizeFactor : 1 + (sizeFactor * srcW + dstW - 1) / dstW;
        filterSize = FFMAX(FFMIN(filterSize, srcW - 2), 1);
        filter = malloc(sizeof(int64_t) * (size_t)dstW * (size_t)filterSize);
        if (!filter) goto fail;
        int64_t xDstInSrc = ((dstPos * (int64_t)xInc) >> 7) - ((srcPos * 0x10000LL) >> 7);
        for (int i = 0; i < dstW; i++) {
            int xx = (int)((xDstInSrc - (filterSize - 2) * (1LL << 16)) / (1 << 17));
            filterPos[i] = xx;
            for (int j = 0; j < filterSize; j++) {
                int64_t d = (FFABS(((int64_t)xx * (1 << 17)) - xDstInSrc)) << 13;
                int64_t coeff;
                if (xInc > 1 << 16) d = d * dstW / srcW;
                if (d >= 1LL << 31) {
                    coeff = 0;
                } else {
                    int64_t dd = (d * d) >> 30;
                    int64_t ddd = (dd * d) >> 30;
                    if (d < 1LL << 30)
                        coeff = (12 * (1 << 24) - 9 * B - 6 * C) * ddd + (-18 * (1 << 24) + 12 * B + 6 * C) * dd
                              + (6 * (1 << 24) - 2 * B) * (1 << 30);
                    else
                        coeff = (-B - 6 * C) * ddd + (6 * B + 30 * C) * dd + (-12 * B - 48 * C) * d
                              + (8 * B + 24 * C) * (1 << 30);
                }
                coeff /= (1LL << 54) / fone;
                filter[i * filterSize + j] = coeff;
                xx++;
            }
            xDstInSrc += 2LL * xInc;
        }
    }

    // Reduce the filter: drop near-zero taps on the left (shifting), count them on the right.
    int minFilterSize = 0;
    for (int i = dstW - 1; i >= 0; i--) {
        int min = filterSize;
        int64_t cutOff = 0;
        for (int j = 0; j < filterSize; j++) {
            cutOff += FFABS(filter[i * filterSize]);
            if (cutOff > 0.002 * fone) break; // SWS_MAX_REDUCE_CUTOFF
            if (i < dstW - 1 && filterPos[i] >= filterPos[i + 1]) break;
            int k;
            for (k = 1; k < filterSize; k++) filter[i * filterSize + k - 1] = filter[i * filterSize + k];
            filter[i * filterSize + k - 1] = 0;
            filterPos[i]++;
        }
        cutOff = 0;
        for (int j = filterSize - 1; j > 0; j--) {
            cutOff += FFABS(filter[i * filterSize + j]);
            if (cutOff > 0.002 * fone) break;
            min--;
        }
        if (min > minFilterSize) minFilterSize = min;
    }
    if (minFilterSize == 1 && filterAlign == 2) filterAlign = 1;
    const int taps = (minFilterSize + (filterAlign - 1)) & ~(filterAlign - 1);
    if (taps > MAX_TAPS) goto fail;
    aligned = malloc(sizeof(int64_t) * (size_t)dstW * (size_t)taps);
    if (!aligned) goto fail;
    for (int i = 0; i < dstW; i++)
        for (int j = 0; j < taps; j++) // SWS_BITEXACT: the alignment's extra taps are zero
            aligned[i * taps + j] = j >= filterSize || j >= minFilterSize ? 0 : filter[i * filterSize + j];

    // Fix the borders: fold the taps outside the source onto its first or last sample.
    for (int i = 0; i < dstW; i++) {
        int64_t *f = aligned + (size_t)i * taps;
        if (filterPos[i] < 0) {
            for (int j = 1; j < taps; j++) {
                int left = FFMAX(j + filterPos[i], 0);
                f[left] += f[j];
                f[j] = 0;
            }
            filterPos[i] = 0;
        }
        if (filterPos[i] + taps > srcW) {
            int shift = filterPos[i] + FFMIN(taps - srcW, 0);
            int64_t acc = 0;
            for (int j = taps - 1; j >= 0; j--)
                if (filterPos[i] + j >= srcW) {
                    acc += f[j];
                    f[j] = 0;
                }
            for (int j = taps - 1; j >= 0; j--) f[j] = j < shift ? 0 : f[j - shift];
            filterPos[i] -= shift;
            f[srcW - 1 - filterPos[i]] += acc;
        }
    }

    // Normalise to `one`, carrying the rounding error from tap to tap.
    result = calloc((size_t)dstW * (size_t)taps, sizeof(int16_t));
    if (!result) goto fail;
    for (int i = 0; i < dstW; i++) {
        int64_t error = 0, sum = 0;
        for (int j = 0; j < taps; j++) sum += aligned[i * taps + j];
        sum = (sum + one / 2) / one;
        if (!sum) sum = 1;
        for (int j = 0; j < taps; j++) {
            int64_t v = aligned[i * taps + j] + error;
            int intV = (int)ROUNDED_DIV(v, sum);
            result[i * taps + j] = (int16_t)intV;
            error = v - intV * sum;
        }
    }
    free(filter);
    free(aligned);
    *out_coeff = result;
    *out_pos = filterPos;
    return taps;

fail:
    free(filter);
    free(aligned);
    free(filterPos);
    free(result);
    return 0;
}

static int32_t round_to_int16(int64_t f) {
    int r = (int)((f + (1 << 15)) >> 16);
    if (r < -0x7FFF) return (int16_t)0x8000;
    if (r > 0x7FFF) return 0x7FFF;
    return (int16_t)r;
}

fgyuv_plan *fgyuv_plan_create(int width, int height, int chroma_shift_w, int chroma_shift_h,
                              const int coefficients[4], int full_range) {
    if (width < 1 || height < 1 || chroma_shift_w < 0 || chroma_shift_w > 1 || chroma_shift_h < 0 || chroma_shift_h > 1)
        return NULL;
    fgyuv_plan *plan = calloc(1, sizeof(fgyuv_plan));
    if (!plan) return NULL;
    plan->width = width;
    plan->height = height;
    plan->chroma_width = (width + (1 << chroma_shift_w) - 1) >> chroma_shift_w;
    plan->chroma_height = (height + (1 << chroma_shift_h) - 1) >> chroma_shift_h;

    // Chroma is scaled to the full picture (SWS_FULL_CHR_H_INP, SWS_FULL_CHR_H_INT, RGB output), with
    // swscale's default chroma positions (-513: in the middle of its luma samples, 128 in 1/256 steps).
    const int64_t xInc = (((int64_t)plan->chroma_width << 16) + (width >> 1)) / width;
    const int64_t yInc = (((int64_t)plan->chroma_height << 16) + (height >> 1)) / height;
    const int srcHPos = (128 << chroma_shift_w) >> chroma_shift_w, srcVPos = (128 << chroma_shift_h) >> chroma_shift_h;
    // swscale on x86 aligns horizontal filters to 4 taps and vertical ones to 2 (the extra taps are 0).
    plan->h_taps = bicubic_filter(&plan->h_coeff, &plan->h_pos, (int)xInc, plan->chroma_width, width, 4, 1 << 14, srcHPos, 128);
    plan->v_taps = bicubic_filter(&plan->v_coeff, &plan->v_pos, (int)yInc, plan->chroma_height, height, 2, 1 << 12, srcVPos, 128);
    if (plan->h_taps == 0 || plan->v_taps == 0 || plan->v_taps == 2) {
        fgyuv_plan_free(plan);
        return NULL;
    }
    plan->h_identity = plan->h_taps == 1;
    for (int i = 0; i < width && plan->h_identity; i++)
        plan->h_identity = plan->h_pos[i] == i && plan->h_coeff[i] == 1 << 14;

    // ff_yuv2rgb_c_init_tables with brightness 0, contrast and saturation 1 (1 << 16).
    int64_t crv = coefficients[0], cbu = coefficients[1], cgu = -coefficients[2], cgv = -coefficients[3];
    int64_t cy = 1 << 16, oy = 0;
    if (!full_range) {
        cy = (cy * 255) / 219;
        oy = 16 << 16;
    } else {
        crv = (crv * 224) / 255;
        cbu = (cbu * 224) / 255;
        cgu = (cgu * 224) / 255;
        cgv = (cgv * 224) / 255;
    }
    const int64_t contrast = 1 << 16, saturation = 1 << 16;
    cy = (cy * contrast) >> 16;
    crv = (crv * contrast * saturation) >> 32;
    cbu = (cbu * contrast * saturation) >> 32;
    cgu = (cgu * contrast * saturation) >> 32;
    cgv = (cgv * contrast * saturation) >> 32;
    plan->y_coeff = round_to_int16(cy * (1 << 13));
    plan->y_offset = round_to_int16(oy * (1 << 9));
    plan->v2r = round_to_int16(crv * (1 << 13));
    plan->v2g = round_to_int16(cgv * (1 << 13));
    plan->u2g = round_to_int16(cgu * (1 << 13));
    plan->u2b = round_to_int16(cbu * (1 << 13));
    return plan;
}

void fgyuv_plan_free(fgyuv_plan *plan) {
    if (!plan) return;
    free(plan->h_coeff);
    free(plan->h_pos);
    free(plan->v_coeff);
    free(plan->v_pos);
    free(plan);
}

// hScale8To15: a chroma row at the full width, in 15-bit samples.
FGYUV_CLONES
static void scale_row(const fgyuv_plan *plan, const uint8_t *src, int16_t *restrict dst) {
    const int n = plan->h_taps, width = plan->width;
    const int32_t *pos = plan->h_pos;
    const int16_t *coeff = plan->h_coeff;
    if (plan->h_identity) {
        for (int i = 0; i < width; i++) dst[i] = (int16_t)(src[i] << 7);
    } else if (n == 4) {
        for (int i = 0; i < width; i++) {
            const uint8_t *s = src + pos[i];
            const int16_t *f = coeff + i * 4;
            int val = (s[0] * f[0] + s[1] * f[1] + s[2] * f[2] + s[3] * f[3]) >> 7;
            dst[i] = (int16_t)FFMIN(val, (1 << 15) - 1);
        }
    } else {
        for (int i = 0; i < width; i++) {
            const uint8_t *s = src + pos[i];
            const int16_t *f = coeff + i * n;
            int val = 0;
            for (int j = 0; j < n; j++) val += s[j] * f[j];
            dst[i] = (int16_t)FFMIN(val >> 7, (1 << 15) - 1);
        }
    }
}

// The vertical chroma filter of one output row, before yuv2rgb_full_X_c's `>> 10`.
FGYUV_CLONES
static void filter_rows(int16_t *const *rows, const int16_t *taps, int n, int width, int32_t *restrict sums) {
    for (int i = 0; i < width; i++) sums[i] = (1 << 9) - (128 << 19);
    for (int j = 0; j < n; j++) {
        const int16_t *restrict row = rows[j];
        const int32_t c = taps[j];
        for (int i = 0; i < width; i++) sums[i] += row[i] * c;
    }
}

// av_clip_uintp2(v, 30) >> 22. swscale clips all three components when any of them is out of range,
// which is the same as clipping each.
static inline uint32_t to_byte(int32_t v) {
    return (uint32_t)(v < 0 ? 0 : (v > (1 << 30) - 1 ? (1 << 30) - 1 : v)) >> 22;
}

// yuv2rgb_write_full for RGB24 and RGBA without alpha. Unsigned arithmetic as in swscale: a sum past
// 2^31 wraps around to a negative number and is clipped to 0, as it is there.
FGYUV_CLONES
static void convert_row(const fgyuv_plan *plan, const uint8_t *restrict luma, const int32_t *restrict U,
                        const int32_t *restrict V, uint8_t *restrict out, int bytes_per_pixel) {
    const int width = plan->width;
    const int32_t y_offset = plan->y_offset, y_coeff = plan->y_coeff;
    const uint32_t v2r = (uint32_t)plan->v2r, v2g = (uint32_t)plan->v2g;
    const uint32_t u2g = (uint32_t)plan->u2g, u2b = (uint32_t)plan->u2b;
#define FGYUV_PIXEL                                                                   \
    int32_t Y = ((luma[i] << 9) - y_offset) * y_coeff + (1 << 21);                    \
    uint32_t u = (uint32_t)(U[i] >> 10), v = (uint32_t)(V[i] >> 10);                  \
    uint32_t R = to_byte((int32_t)((uint32_t)Y + v * v2r));                           \
    uint32_t G = to_byte((int32_t)((uint32_t)Y + v * v2g + u * u2g));                 \
    uint32_t B = to_byte((int32_t)((uint32_t)Y + u * u2b));
    if (bytes_per_pixel == 3) {
        for (int i = 0; i < width; i++) {
            FGYUV_PIXEL
            out[3 * i] = (uint8_t)R;
            out[3 * i + 1] = (uint8_t)G;
            out[3 * i + 2] = (uint8_t)B;
        }
    } else {
        for (int i = 0; i < width; i++) {
            FGYUV_PIXEL
            const uint32_t pixel = R | G << 8 | B << 16 | 0xFF000000u;
            memcpy(out + 4 * (size_t)i, &pixel, 4); // little-endian: R, G, B, A in memory
        }
    }
#undef FGYUV_PIXEL
}

int fgyuv_convert(const fgyuv_plan *plan, const uint8_t *const planes[3], const int strides[3],
                  uint8_t *destination, ptrdiff_t destination_stride, int bytes_per_pixel) {
    const int width = plan->width, n = plan->v_taps;
    // A ring of n horizontally scaled chroma rows (U then V), slot = source row % n: the rows an output
    // row needs are n consecutive ones, and they only move forward.
    int16_t *ring = malloc(sizeof(int16_t) * (size_t)width * 2 * (size_t)n);
    int32_t *sums = malloc(sizeof(int32_t) * (size_t)width * 2);
    if (!ring || !sums) {
        free(ring);
        free(sums);
        return -1;
    }
    int ring_rows[MAX_TAPS];
    int16_t *u_rows[MAX_TAPS], *v_rows[MAX_TAPS];
    for (int k = 0; k < n; k++) ring_rows[k] = -1;
    for (int row = 0; row < plan->height; row++) {
        const int first = plan->v_pos[row];
        for (int j = 0; j < n; j++) {
            const int source = first + j, slot = source % n;
            int16_t *u = ring + (size_t)slot * 2 * (size_t)width;
            if (ring_rows[slot] != source) {
                scale_row(plan, planes[1] + (ptrdiff_t)source * strides[1], u);
                scale_row(plan, planes[2] + (ptrdiff_t)source * strides[2], u + width);
                ring_rows[slot] = source;
            }
            u_rows[j] = u;
            v_rows[j] = u + width;
        }
        const int16_t *taps = plan->v_coeff + (size_t)row * (size_t)n;
        filter_rows(u_rows, taps, n, width, sums);
        filter_rows(v_rows, taps, n, width, sums + width);
        convert_row(plan, planes[0] + (ptrdiff_t)row * strides[0], sums, sums + width,
                    destination + (ptrdiff_t)row * destination_stride, bytes_per_pixel);
    }
    free(ring);
    free(sums);
    return 0;
}
