#include "ImageCodecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <webp/encode.h>

#ifndef JCS_EXTENSIONS
#error "ImageCodecs needs libjpeg-turbo (JCS_EXT_RGBA input)"
#endif

static void set_error(char *error, size_t error_size, const char *message) {
    if (error != NULL && error_size > 0) snprintf(error, error_size, "%s", message);
}

static int clamp_quality(int quality) { return quality < 1 ? 1 : quality > 100 ? 100 : quality; }

/// One row of 16-bit samples (host byte order) as 8-bit ones, rounded to nearest: round(v × 255 / 65535).
static void reduce_row(const uint8_t *source, uint8_t *destination, size_t samples) {
    for (size_t i = 0; i < samples; i++) {
        uint16_t value;
        memcpy(&value, source + 2 * i, 2);
        destination[i] = (uint8_t)(((uint32_t)value * 255u + 32767u) / 65535u);
    }
}

static int check_layout(uint32_t width, uint32_t height, size_t row_bytes, int channels, int bit_depth,
                        char *error, size_t error_size) {
    if (width == 0 || height == 0 || (channels != 3 && channels != 4) || (bit_depth != 8 && bit_depth != 16)
        || row_bytes < (size_t)width * (size_t)channels * (size_t)(bit_depth / 8)) {
        set_error(error, error_size, "unsupported pixel layout");
        return -1;
    }
    return 0;
}

// MARK: JPEG

/// libjpeg's error manager, extended with where to jump and where to put the message.
typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
    size_t size;
} jpeg_error_sink;

static void jpeg_on_error(j_common_ptr info) {
    jpeg_error_sink *sink = (jpeg_error_sink *)info->err;
    char text[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, text);
    set_error(sink->message, sink->size, text);
    longjmp(sink->jump, 1);
}

/// Warnings and trace messages are not printed (libjpeg's default writes them to stderr).
static void jpeg_on_message(j_common_ptr info) { (void)info; }

/// Everything the compression touches, held by `fgjpeg_encode` (outside the function that calls setjmp),
/// so that its values are still defined after libjpeg jumps back.
typedef struct {
    const uint8_t *pixels;
    uint32_t width, height;
    size_t row_bytes;
    int channels, bit_depth, quality;
    struct jpeg_compress_struct info;
    jpeg_error_sink sink;
    unsigned char *out;
    unsigned long out_size;
    uint8_t *row;   ///< one 8-bit row, for 16-bit input
} jpeg_job;

static int run_jpeg(jpeg_job *job) {
    struct jpeg_compress_struct *info = &job->info;
    info->err = jpeg_std_error(&job->sink.manager);
    job->sink.manager.error_exit = jpeg_on_error;
    job->sink.manager.output_message = jpeg_on_message;
    if (setjmp(job->sink.jump)) return -1;

    jpeg_create_compress(info);
    jpeg_mem_dest(info, &job->out, &job->out_size);
    info->image_width = job->width;
    info->image_height = job->height;
    // RGBA input drops the alpha byte: libjpeg-turbo reads JCS_EXT_RGBA as RGB plus an ignored fourth byte.
    info->input_components = job->channels;
    info->in_color_space = job->channels == 4 ? JCS_EXT_RGBA : JCS_RGB;
    jpeg_set_defaults(info);   // YCbCr, JFIF header, 1:1 aspect, baseline, JDCT_ISLOW
    jpeg_set_quality(info, job->quality, TRUE);
    int luma_factor = job->quality >= FGJPEG_FULL_CHROMA_QUALITY ? 1 : 2;
    info->comp_info[0].h_samp_factor = luma_factor;
    info->comp_info[0].v_samp_factor = luma_factor;
    info->comp_info[1].h_samp_factor = info->comp_info[1].v_samp_factor = 1;
    info->comp_info[2].h_samp_factor = info->comp_info[2].v_samp_factor = 1;
    info->dct_method = JDCT_ISLOW;
    info->optimize_coding = TRUE;
    info->write_JFIF_header = TRUE;
    info->write_Adobe_marker = FALSE;

    jpeg_start_compress(info, TRUE);
    size_t samples = (size_t)job->width * (size_t)job->channels;
    while (info->next_scanline < info->image_height) {
        const uint8_t *source = job->pixels + (size_t)info->next_scanline * job->row_bytes;
        JSAMPROW row;
        if (job->bit_depth == 16) {
            reduce_row(source, job->row, samples);
            row = job->row;
        } else {
            row = (JSAMPROW)source;   // libjpeg only reads input rows
        }
        jpeg_write_scanlines(info, &row, 1);
    }
    jpeg_finish_compress(info);
    return 0;
}

int fgjpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes,
                  int channels, int bit_depth, int quality, fgimg_buffer *out, char *error, size_t error_size) {
    out->data = NULL;
    out->size = 0;
    if (pixels == NULL || check_layout(width, height, row_bytes, channels, bit_depth, error, error_size) != 0) {
        if (pixels == NULL) set_error(error, error_size, "no pixels");
        return -1;
    }
    jpeg_job job;
    memset(&job, 0, sizeof job);
    job.pixels = pixels;
    job.width = width;
    job.height = height;
    job.row_bytes = row_bytes;
    job.channels = channels;
    job.bit_depth = bit_depth;
    job.quality = clamp_quality(quality);
    job.sink.message = error;
    job.sink.size = error_size;
    if (bit_depth == 16) {
        job.row = malloc((size_t)width * (size_t)channels);
        if (job.row == NULL) {
            set_error(error, error_size, "out of memory");
            return -1;
        }
    }
    int status = run_jpeg(&job);
    jpeg_destroy_compress(&job.info);   // also right after a jump: a zeroed or half-made struct is fine
    free(job.row);
    if (status != 0) {
        free(job.out);
        return -1;
    }
    out->data = job.out;
    out->size = job.out_size;
    return 0;
}

void fgjpeg_free(void *data) { free(data); }

// MARK: WebP

static const char *webp_error_text(WebPEncodingError code) {
    switch (code) {
    case VP8_ENC_ERROR_OUT_OF_MEMORY: return "out of memory";
    case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY: return "out of memory while writing the bitstream";
    case VP8_ENC_ERROR_NULL_PARAMETER: return "missing parameter";
    case VP8_ENC_ERROR_INVALID_CONFIGURATION: return "invalid configuration";
    case VP8_ENC_ERROR_BAD_DIMENSION: return "width or height is larger than 16383 pixels";
    case VP8_ENC_ERROR_PARTITION0_OVERFLOW: return "partition 0 is larger than 512 KiB";
    case VP8_ENC_ERROR_PARTITION_OVERFLOW: return "a partition is larger than 16 MiB";
    case VP8_ENC_ERROR_BAD_WRITE: return "writing the output failed";
    case VP8_ENC_ERROR_FILE_TOO_BIG: return "the file would be larger than 4 GiB";
    case VP8_ENC_ERROR_USER_ABORT: return "aborted";
    default: return "unknown error";
    }
}

int fgwebp_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes,
                  int channels, int bit_depth, int quality, fgimg_buffer *out, char *error, size_t error_size) {
    out->data = NULL;
    out->size = 0;
    if (pixels == NULL || check_layout(width, height, row_bytes, channels, bit_depth, error, error_size) != 0) {
        if (pixels == NULL) set_error(error, error_size, "no pixels");
        return -1;
    }
    if (width > WEBP_MAX_DIMENSION || height > WEBP_MAX_DIMENSION) {
        set_error(error, error_size, webp_error_text(VP8_ENC_ERROR_BAD_DIMENSION));
        return -1;
    }

    // WebP takes 8-bit samples only: 16-bit input is reduced into a packed copy first.
    const uint8_t *source = pixels;
    size_t stride = row_bytes;
    uint8_t *reduced = NULL;
    if (bit_depth == 16) {
        stride = (size_t)width * (size_t)channels;
        reduced = malloc(stride * height);
        if (reduced == NULL) {
            set_error(error, error_size, "out of memory");
            return -1;
        }
        for (uint32_t y = 0; y < height; y++) reduce_row(pixels + (size_t)y * row_bytes, reduced + (size_t)y * stride, stride);
        source = reduced;
    }

    // What WebPEncodeRGB(A) does, through the advanced API so that a failure says why.
    WebPConfig config;
    WebPPicture picture;
    WebPMemoryWriter writer;
    WebPMemoryWriterInit(&writer);
    if (!WebPConfigPreset(&config, WEBP_PRESET_DEFAULT, (float)clamp_quality(quality)) || !WebPPictureInit(&picture)) {
        free(reduced);
        set_error(error, error_size, "libwebp version mismatch");
        return -1;
    }
    config.lossless = 0;
    config.thread_level = 0;
    picture.use_argb = 0;
    picture.width = (int)width;
    picture.height = (int)height;
    picture.writer = WebPMemoryWrite;
    picture.custom_ptr = &writer;
    int ok = channels == 4 ? WebPPictureImportRGBA(&picture, source, (int)stride)
                           : WebPPictureImportRGB(&picture, source, (int)stride);
    free(reduced);
    if (ok) ok = WebPEncode(&config, &picture);
    if (!ok) {
        set_error(error, error_size, webp_error_text(picture.error_code));
        WebPPictureFree(&picture);
        WebPMemoryWriterClear(&writer);
        return -1;
    }
    WebPPictureFree(&picture);
    out->data = writer.mem;
    out->size = writer.size;
    return 0;
}

void fgwebp_free(void *data) { WebPFree(data); }
