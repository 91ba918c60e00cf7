/// How the frames of a video stream are placed on the timeline: from the container's timestamps, as
/// FFmpeg reads them, except where those are known not to be presentation times.
enum FrameTiming: Sendable {
    /// Each frame at its own presentation time (FFmpeg's `best_effort_timestamp`).
    case presentationTimestamps
    /// The timestamps are decode times (pts = dts while the decoder reorders frames, as some old muxers
    /// wrote MP4): FFmpeg's best effort then mixes decode and presentation times and depends on where
    /// decoding started. The n-th frame out of the decoder is shown at the n-th timestamp given to it, as
    /// a player decoding from the start shows them: one picture per timestamp, in presentation order.
    case decodeOrder
    /// No timestamps at all (raw elementary streams: MPEG-1/2 video, H.264 Annex B): libavformat makes
    /// times up as it reads, unevenly where frames are reordered. Frames follow one another from time 0 at
    /// the stream's frame rate (a repeated field or frame lasting longer, as `repeat_pict` says), as they
    /// play; every decode starts at the first byte.
    case counted
}
