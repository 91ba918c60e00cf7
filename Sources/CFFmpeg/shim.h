#ifndef FRAMEGRAB_CFFMPEG_SHIM_H
#define FRAMEGRAB_CFFMPEG_SHIM_H

#include <errno.h>
#include <time.h>
#include <libavutil/dict.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
#include <libavutil/rational.h>
#include <libavutil/mathematics.h>
#include <libavutil/mastering_display_metadata.h>

// Function-like macros that Swift cannot import, re-exported as static inline functions.

static inline int fg_averror(int posix_errno) { return AVERROR(posix_errno); }
static inline int fg_averror_eof(void) { return AVERROR_EOF; }
static inline int fg_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int fg_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int fg_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int fg_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }
static inline int64_t fg_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational fg_time_base_q(void) { return AV_TIME_BASE_Q; }

/// The brightest light an HDR frame says it holds, in cd/m²: the content light level's MaxCLL, else the
/// mastering display's peak; 0 when the frame carries neither.
static inline double fg_frame_peak_luminance(const AVFrame *frame) {
    const AVFrameSideData *sd = av_frame_get_side_data(frame, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL);
    if (sd != NULL && sd->size >= sizeof(AVContentLightMetadata)) {
        unsigned max_cll = ((const AVContentLightMetadata *)sd->data)->MaxCLL;
        if (max_cll > 0) return (double)max_cll;
    }
    sd = av_frame_get_side_data(frame, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA);
    if (sd != NULL) {
        const AVMasteringDisplayMetadata *mastering = (const AVMasteringDisplayMetadata *)sd->data;
        if (mastering->has_luminance && mastering->max_luminance.den > 0) return av_q2d(mastering->max_luminance);
    }
    return 0;
}

/// Reads the stream's display matrix side data, if any, into `matrix`. Returns 1 when present.
static inline int fg_stream_display_matrix(const AVStream *stream, int32_t matrix[9]) {
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (data == NULL || size < 9 * sizeof(int32_t)) return 0;
    for (int i = 0; i < 9; i++) matrix[i] = ((const int32_t *)data)[i];
    return 1;
}

/// When a demuxer must stop: a CLOCK_MONOTONIC instant in nanoseconds (0 for never). Owned by Swift
/// (`Deadline`); read by FFmpeg's blocking I/O through `fg_interrupt`.
typedef struct fg_deadline {
    int64_t monotonic_ns;
} fg_deadline;

static inline int64_t fg_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static inline void fg_deadline_init(fg_deadline *deadline, int64_t monotonic_ns) {
    deadline->monotonic_ns = monotonic_ns;
}

/// FFmpeg's `AVIOInterruptCB` callback: nonzero stops the blocking call with `AVERROR_EXIT`.
static inline int fg_interrupt(void *opaque) {
    fg_deadline *deadline = (fg_deadline *)opaque;
    if (deadline == NULL) return 0;
    return deadline->monotonic_ns > 0 && fg_monotonic_ns() >= deadline->monotonic_ns;
}

/// Installs the interrupt callback; call before `avformat_open_input`.
static inline void fg_set_interrupt(AVFormatContext *context, fg_deadline *deadline) {
    context->interrupt_callback.callback = fg_interrupt;
    context->interrupt_callback.opaque = deadline;
}

static inline int fg_averror_exit(void) { return AVERROR_EXIT; }

#endif
