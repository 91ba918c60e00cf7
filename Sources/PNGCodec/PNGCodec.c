#include "PNGCodec.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <libdeflate.h>

typedef struct {
    char *message;
    size_t size;
} error_sink;

static void on_error(png_structp png, png_const_charp message) {
    error_sink *sink = png_get_error_ptr(png);
    if (sink != NULL && sink->message != NULL && sink->size > 0) {
        snprintf(sink->message, sink->size, "%s", message);
    }
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
} memory_writer;

static void write_to_memory(png_structp png, png_bytep bytes, png_size_t length) {
    memory_writer *writer = png_get_io_ptr(png);
    if (writer->size + length > writer->capacity) {
        size_t capacity = writer->capacity ? writer->capacity : 65536;
        while (capacity < writer->size + length) capacity *= 2;
        uint8_t *grown = realloc(writer->data, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        writer->data = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->data + writer->size, bytes, length);
    writer->size += length;
}

static void flush_memory(png_structp png) { (void)png; }

/// The Paeth predictor of the PNG specification (nearest of left, above and upper-left to left + above −
/// upper-left; ties in that order), written without branches so that the compiler vectorises its loops:
/// on noisy video frames libpng's own branchy loop costs a quarter of the encoding time.
static inline int paeth_predictor(int16_t a, int16_t b, int16_t c) {
    int16_t p = b - c, q = a - c, r = p + q;
    int16_t pa = p < 0 ? -p : p, pb = q < 0 ? -q : q, pc = r < 0 ? -r : r;
    int16_t bc = pb <= pc ? b : c;
    return (pa <= pb && pa <= pc) ? a : bc;
}

/// Picks one row filter for a whole image, the way libpng's adaptive heuristic picks one per row (the
/// smallest sum of filtered bytes read as signed numbers), but from a sample of rows: about the size
/// libpng's per-row choice gives on video frames, at the cost of a single filter.
static int choose_filter(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes, int bytes_per_pixel) {
    if (height < 2) return PNG_FILTER_NONE;
    uint64_t cost_none = 0, cost_up = 0, cost_paeth = 0;
    uint32_t samples = height - 1 < 48 ? height - 1 : 48;
    size_t used = (size_t)width * (size_t)bytes_per_pixel;
    for (uint32_t k = 0; k < samples; k++) {
        uint32_t y = 1 + (uint32_t)(((uint64_t)k * (height - 1)) / samples);
        const uint8_t *row = pixels + (size_t)y * row_bytes;
        const uint8_t *above = row - row_bytes;
        for (size_t i = 0; i < used; i++) {
            int x = row[i], b = above[i];
            int a = i >= (size_t)bytes_per_pixel ? row[i - bytes_per_pixel] : 0;
            int c = i >= (size_t)bytes_per_pixel ? above[i - bytes_per_pixel] : 0;
            int predicted = paeth_predictor((int16_t)a, (int16_t)b, (int16_t)c);
            cost_none += (uint64_t)abs((int8_t)(uint8_t)x);
            cost_up += (uint64_t)abs((int8_t)(uint8_t)(x - b));
            cost_paeth += (uint64_t)abs((int8_t)(uint8_t)(x - predicted));
        }
    }
    if (cost_none <= cost_up && cost_none <= cost_paeth) return PNG_FILTER_NONE;
    return cost_up <= cost_paeth ? PNG_FILTER_UP : PNG_FILTER_PAETH;
}

/// Filters one row of 8-bit samples with PNG filter `type` (0 none … 4 Paeth); `above` is the previous row
/// (zeros for the first). The same bytes as libpng's filters.
static void filter_row(int type, const uint8_t *restrict row, const uint8_t *restrict above, size_t n, size_t bpp,
                       uint8_t *restrict out) {
    size_t i = 0;
    switch (type) {
    case 0:
        memcpy(out, row, n);
        break;
    case 1:
        for (; i < bpp && i < n; i++) out[i] = row[i];
        for (; i < n; i++) out[i] = (uint8_t)(row[i] - row[i - bpp]);
        break;
    case 2:
        for (; i < n; i++) out[i] = (uint8_t)(row[i] - above[i]);
        break;
    case 3:
        for (; i < bpp && i < n; i++) out[i] = (uint8_t)(row[i] - (above[i] >> 1));
        for (; i < n; i++) out[i] = (uint8_t)(row[i] - ((row[i - bpp] + above[i]) >> 1));
        break;
    default:
        for (; i < bpp && i < n; i++) out[i] = (uint8_t)(row[i] - above[i]);
        for (; i < n; i++) out[i] = (uint8_t)(row[i] - paeth_predictor(row[i - bpp], above[i], above[i - bpp]));
        break;
    }
}

/// The PNG filter type (0…4) of a libpng filter mask naming exactly one filter, else -1.
static int single_filter_type(int mask) {
    switch (mask) {
    case PNG_FILTER_NONE: return 0;
    case PNG_FILTER_SUB: return 1;
    case PNG_FILTER_UP: return 2;
    case PNG_FILTER_AVG: return 3;
    case PNG_FILTER_PAETH: return 4;
    default: return -1;
    }
}

/// Doubles the output buffer of `z` when it is full. False when out of memory.
static int grow_output(z_stream *z, uint8_t **stream, size_t *capacity) {
    size_t written = *capacity - z->avail_out;
    uint8_t *bigger = realloc(*stream, *capacity * 2);
    if (bigger == NULL) return 0;
    *stream = bigger;
    *capacity *= 2;
    z->next_out = bigger + written;
    z->avail_out = (uInt)(*capacity - written);
    return 1;
}

/// The image data as libpng would compress it with one fixed filter (the same deflate settings, so the same
/// bytes), but filtered here. Returns a zlib stream allocated with malloc, or NULL when out of memory or
/// when zlib fails. No libpng call: nothing here can jump away.
static uint8_t *compress_filtered(const uint8_t *pixels, uint32_t height, size_t row_bytes, size_t used,
                                  size_t bpp, int type, int level, int strategy, size_t *size) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 15, 8, strategy) != Z_OK) return NULL;
    size_t capacity = deflateBound(&z, (uLong)((size_t)height * (used + 1)));
    uint8_t *stream = malloc(capacity);
    uint8_t *line = malloc(used + 1);
    uint8_t *zeros = calloc(used, 1);
    int ok = stream != NULL && line != NULL && zeros != NULL;
    z.next_out = stream;
    z.avail_out = (uInt)capacity;
    for (uint32_t y = 0; y < height && ok; y++) {
        const uint8_t *row = pixels + (size_t)y * row_bytes;
        line[0] = (uint8_t)type;
        filter_row(type, row, y > 0 ? row - row_bytes : zeros, used, bpp, line + 1);
        z.next_in = line;
        z.avail_in = (uInt)(used + 1);
        while (ok && z.avail_in > 0) {
            if (z.avail_out == 0) ok = grow_output(&z, &stream, &capacity);
            if (ok) ok = deflate(&z, Z_NO_FLUSH) == Z_OK;
        }
    }
    while (ok) {
        int status = deflate(&z, Z_FINISH);
        if (status == Z_STREAM_END) break;
        ok = (status == Z_OK || status == Z_BUF_ERROR) && grow_output(&z, &stream, &capacity);
    }
    *size = capacity - z.avail_out;
    deflateEnd(&z);
    free(line);
    free(zeros);
    if (!ok) {
        free(stream);
        return NULL;
    }
    return stream;
}

/// The image data filtered with `type` into one buffer, then compressed at once by libdeflate's level-1
/// compressor (a zlib stream, as IDAT holds). The same input always gives the same bytes. Returns a buffer
/// allocated with malloc, or NULL when out of memory.
static uint8_t *compress_filtered_libdeflate(const uint8_t *pixels, uint32_t height, size_t row_bytes, size_t used,
                                            size_t bpp, int type, size_t *size) {
    size_t filtered_size = (size_t)height * (used + 1);
    uint8_t *filtered = malloc(filtered_size);
    uint8_t *zeros = calloc(used, 1);
    struct libdeflate_compressor *compressor = libdeflate_alloc_compressor(1);
    uint8_t *stream = NULL;
    if (filtered != NULL && zeros != NULL && compressor != NULL) {
        for (uint32_t y = 0; y < height; y++) {
            const uint8_t *row = pixels + (size_t)y * row_bytes;
            uint8_t *line = filtered + (size_t)y * (used + 1);
            line[0] = (uint8_t)type;
            filter_row(type, row, y > 0 ? row - row_bytes : zeros, used, bpp, line + 1);
        }
        size_t capacity = libdeflate_zlib_compress_bound(compressor, filtered_size);
        stream = malloc(capacity);
        if (stream != NULL) {
            *size = libdeflate_zlib_compress(compressor, filtered, filtered_size, stream, capacity);
            if (*size == 0) {
                free(stream);
                stream = NULL;
            }
        }
    }
    libdeflate_free_compressor(compressor);
    free(filtered);
    free(zeros);
    return stream;
}

int fgpng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes,
                 int channels, int bit_depth, const fgpng_encode_options *options,
                 fgpng_buffer *out, char *error, size_t error_size) {
    error_sink sink = {error, error_size};
    memory_writer writer = {NULL, 0, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    if (png == NULL) {
        snprintf(error, error_size, "cannot create PNG writer");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    png_textp volatile texts = NULL;
    uint8_t *volatile idat = NULL;
    if (info == NULL || setjmp(png_jmpbuf(png))) {
        if (info == NULL) snprintf(error, error_size, "cannot create PNG info");
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(writer.data);
        free(texts);
        free(idat);
        return -1;
    }
    png_set_write_fn(png, &writer, write_to_memory, flush_memory);
    png_set_compression_level(png, options->compression_level);
    int libdeflate = options->strategy == FGPNG_STRATEGY_LIBDEFLATE;
    png_set_compression_strategy(png, libdeflate ? Z_RLE : options->strategy);
    int filters = options->filters == FGPNG_FILTER_PER_IMAGE
        ? choose_filter(pixels, width, height, row_bytes, channels * bit_depth / 8)
        : options->filters;
    if (filters >= 0) png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    int color_type = channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB;
    png_set_IHDR(png, info, width, height, bit_depth, color_type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    if (options->text_count > 0) {
        texts = calloc((size_t)options->text_count, sizeof(png_text));
        if (texts == NULL) png_error(png, "out of memory");
        for (int i = 0; i < options->text_count; i++) {
            texts[i].compression = PNG_TEXT_COMPRESSION_NONE;
            texts[i].key = (png_charp)options->text_keys[i];
            texts[i].text = (png_charp)options->text_values[i];
        }
        png_set_text(png, info, texts, options->text_count);
    }
    png_write_info(png, info);
    // libpng 1.6.39 knows no cICP API: the chunk is written by hand, after IHDR and before IDAT.
    if (options->cicp != NULL) png_write_chunk(png, (png_const_bytep)"cICP", options->cicp, 4);
    if (bit_depth == 16) {
        uint16_t probe = 1;
        if (*(uint8_t *)&probe == 1) png_set_swap(png); // PNG stores 16-bit samples big-endian
    }
    // One fixed filter on 8-bit rows: filtered here, as libpng would but faster. libpng narrows zlib's
    // window for images under 16 KB and drops filters for one-pixel-wide or -high images, and zlib's
    // stored blocks (level 0) depend on how its output buffer is fed: those, 16-bit rows, per-row filter
    // choice and images of over 256 MB (zlib counts in 32 bits) stay with libpng.
    size_t used = (size_t)width * (size_t)channels;
    int type = single_filter_type(filters);
    size_t data_size = (size_t)height * (used + 1);
    if (bit_depth == 8 && type >= 0 && options->compression_level > 0 && width > 1 && height > 1
        && data_size > 16384 && data_size <= ((size_t)1 << 28)) {
        size_t size = 0;
        idat = libdeflate
            ? compress_filtered_libdeflate(pixels, height, row_bytes, used, (size_t)channels, type, &size)
            : compress_filtered(pixels, height, row_bytes, used, (size_t)channels, type,
                                options->compression_level, options->strategy, &size);
        if (idat == NULL) png_error(png, "cannot compress the image (out of memory)");
        // In chunks of libpng's output buffer size, as libpng writes them.
        for (size_t offset = 0; offset < size; offset += PNG_ZBUF_SIZE) {
            size_t length = size - offset < PNG_ZBUF_SIZE ? size - offset : PNG_ZBUF_SIZE;
            png_write_chunk(png, (png_const_bytep)"IDAT", idat + offset, length);
        }
        png_write_chunk(png, (png_const_bytep)"IEND", NULL, 0);
    } else {
        for (uint32_t y = 0; y < height; y++) {
            png_write_row(png, (png_const_bytep)(pixels + (size_t)y * row_bytes));
        }
        png_write_end(png, info);
    }
    png_destroy_write_struct(&png, &info);
    free(texts);
    free(idat);
    out->data = writer.data;
    out->size = writer.size;
    return 0;
}

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} memory_reader;

static void read_from_memory(png_structp png, png_bytep bytes, png_size_t length) {
    memory_reader *reader = png_get_io_ptr(png);
    if (reader->size - reader->offset < length) png_error(png, "PNG data ends early (truncated file)");
    memcpy(bytes, reader->data + reader->offset, length);
    reader->offset += length;
}

int fgpng_decode(const uint8_t *data, size_t size, fgpng_image *out, char *error, size_t error_size) {
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(error, error_size, "not a PNG file (bad signature)");
        return -1;
    }
    error_sink sink = {error, error_size};
    memory_reader reader = {data, size, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    if (png == NULL) {
        snprintf(error, error_size, "cannot create PNG reader");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (info == NULL || setjmp(png_jmpbuf(png))) {
        if (info == NULL) snprintf(error, error_size, "cannot create PNG info");
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        free(pixels);
        free(rows);
        return -1;
    }
    png_set_read_fn(png, &reader, read_from_memory);
    png_set_user_limits(png, 65536, 65536);
    png_read_info(png, info);
    int color_type = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (depth == 16) {
        uint16_t probe = 1;
        if (*(uint8_t *)&probe == 1) png_set_swap(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    int channels = png_get_channels(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    pixels = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (pixels == NULL || rows == NULL) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) rows[y] = pixels + (size_t)y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    out->width = width;
    out->height = height;
    out->channels = channels;
    out->bit_depth = bit_depth;
    out->row_bytes = row_bytes;
    out->pixels = pixels;
    return 0;
}

void fgpng_free(void *pointer) { free(pointer); }
