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

/// When work on one input must stop: a CLOCK_MONOTONIC instant in nanoseconds, 0 for no limit while
/// the input is being worked on. Owned by Swift (`Deadline`), which moves it as work starts and pauses
/// (the limit counts time of work, not time waiting for a thread); read by FFmpeg's blocking I/O.
typedef struct fg_deadline {
    int64_t monotonic_ns;
} fg_deadline;

static inline int64_t fg_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static inline void fg_deadline_set(fg_deadline *deadline, int64_t monotonic_ns) {
    __atomic_store_n(&deadline->monotonic_ns, monotonic_ns, __ATOMIC_RELAXED);
}

static inline int fg_deadline_passed(const fg_deadline *deadline) {
    if (deadline == NULL) return 0;
    int64_t at = __atomic_load_n(&deadline->monotonic_ns, __ATOMIC_RELAXED);
    return at > 0 && fg_monotonic_ns() >= at;
}

/// A cancellation flag: set once, read by every blocking call it is installed on. Owned by Swift
/// (`CancellationFlag`).
typedef struct fg_flag {
    int value;
} fg_flag;

static inline void fg_flag_set(fg_flag *flag) { __atomic_store_n(&flag->value, 1, __ATOMIC_RELAXED); }
static inline int fg_flag_is_set(const fg_flag *flag) { return flag != NULL && __atomic_load_n(&flag->value, __ATOMIC_RELAXED) != 0; }

/// What one demuxer's blocking calls check: the input's deadline and the cancellation of the work it
/// serves (a generator run, an open). Owned by its `FormatContext`.
typedef struct fg_interrupt_state {
    const fg_deadline *deadline;
    const fg_flag *cancelled;
} fg_interrupt_state;

/// FFmpeg's `AVIOInterruptCB` callback: nonzero stops the blocking call with `AVERROR_EXIT`.
static inline int fg_interrupt(void *opaque) {
    const fg_interrupt_state *state = (const fg_interrupt_state *)opaque;
    if (state == NULL) return 0;
    return fg_flag_is_set(__atomic_load_n(&state->cancelled, __ATOMIC_RELAXED)) || fg_deadline_passed(state->deadline);
}

static inline void fg_interrupt_set_cancellation(fg_interrupt_state *state, const fg_flag *flag) {
    __atomic_store_n(&state->cancelled, flag, __ATOMIC_RELAXED);
}

/// Installs the interrupt callback; call before `avformat_open_input`.
static inline void fg_set_interrupt(AVFormatContext *context, fg_interrupt_state *state) {
    context->interrupt_callback.callback = fg_interrupt;
    context->interrupt_callback.opaque = state;
}

static inline int fg_averror_exit(void) { return AVERROR_EXIT; }

#endif
