/// A stream's index as the demuxer built it on opening, as Swift values: read once per generation run, by
/// its planning, and handed to every decoder of the run.
struct StreamIndex: Sendable {
    /// One keyframe entry: its timestamp (a decode time where `delay` is not zero) and byte position.
    struct Entry: Sendable, Equatable {
        let timestamp: Int64
        let position: Int64
    }

    /// The keyframe entries, in index order.
    let keyframes: [Entry]
    /// Whether the index lists every frame (MP4 and AVI sample tables) or only some seek points (Matroska
    /// cues, often one per cluster; MPEG-TS indexes what it has read), in which case keyframes missing from
    /// it still exist.
    let listsEveryFrame: Bool
    /// How far the index's timestamps run ahead of presentation (MP4 indexes decode times; B-frames put
    /// presentation a constant delay later); 0 when they are presentation times.
    let delay: Int64

    /// Whether the decoder reorders frames (B-frames): then an index that gives every packet a time gives
    /// decode times, even where they start where presentation does (AVI, whose packets have no
    /// presentation time; MP4 with negative composition offsets), and a keyframe's presentation time is
    /// known only from its packet or its decoded frame.
    var reorders = false

    /// The keyframe timestamps, sorted.
    var sortedTimestamps: [Int64] { keyframes.map(\.timestamp).sorted() }

    /// The same index with no keyframe in it: nothing to seek to.
    var withoutKeyframes: StreamIndex {
        StreamIndex(keyframes: [], listsEveryFrame: false, delay: delay, reorders: reorders)
    }
}
