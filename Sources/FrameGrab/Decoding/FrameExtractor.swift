
/// The decode loop for one generator run: owns the demuxer, decoder and scaler of one file, and answers
/// "which frame is shown at tick T" for requests taken in timeline order.
///
/// It keeps two decoded frames: `shown`, whose display interval `[shownPts, shownEnd)` is known because the
/// frame after it has been decoded, and `lookahead`, the newest decoded frame. A request at T is answered
/// by `shown` when T falls in its interval; otherwise the decoder moves forward (or seeks, when a keyframe
/// lies between the current position and T) until it does.
///
/// This file holds the state the loop's parts share and the exact-request loop; the parts are extensions
/// beside it: `+Keyframes` (window requests), `+Seeking`, `+Decoding` (packets and frames), `+Conversion`.
final class FrameExtractor {
    struct Settings {
        var maximumSize: PixelSize
        var aperture: ApertureMode
        var appliesOrientation: Bool
        var depth: OutputDepth = .eight
        var hdr: HDRPolicy = .toneMap
        var deinterlaces = true
    }

    /// A decoded frame chosen for a request.
    struct Picture {
        let image: FrameImage
        let pts: Int64
        let isKeyframe: Bool
    }

    enum Failure: Error {
        case beyondEnd(lastFrameEnd: Int64)
        case decodeFailed(String)
        /// A frame presented at this tick was given to the decoder and never came out.
        case framesMissing(Int64)
        case cancelled
        case timedOut
        case tooLarge(PixelSize)
    }

    /// Packets of our stream read in a row without the decoder giving out a frame, before a request gives
    /// up: a file whose frames never decode (no keyframe, broken data) is not read forever.
    static let packetsWithoutProgressLimit = 20_000

    let path: String
    var format: FormatContext
    let codec: CodecContext
    let streamIndex: Int32
    let timeBase: TimeBase
    /// Tick of the container's start: requested time 0.
    let origin: Int64
    /// Presentation time of the stream's first frame, when the demuxer knows it.
    let firstPts: Int64?
    /// Keyframe timestamps from the container's index (decode times for MP4, presentation times elsewhere).
    let keyframes: [Int64]
    /// Whether `keyframes` holds every keyframe (the index lists every frame) or only some seek points.
    let indexIsComplete: Bool
    /// The earliest timestamp known for the stream, in any domain: where "the start of the file" is.
    let startTimestamp: Int64
    let settings: Settings
    let asset: MediaAsset
    let cancellation: CancellationFlag?
    let track: VideoTrack
    let isCancelled: () -> Bool
    let deadline: Deadline
    let maximumPixels: Int
    /// Packets read since the decoder last gave out a frame.
    var packetsWithoutFrame = 0

    /// Packets read ahead of the decoder, in decode order, and empty ones to reuse.
    var queued: [Packet] = []
    var spare: [Packet] = []
    /// A packet the decoder has not accepted yet.
    var pending: Packet?
    var demuxerEnded = false
    /// While approaching an exact target: frames hidden before it may be skipped.
    var skipTarget: Int64?
    /// Whether a packet fed to the decoder that gave no picture makes the answer doubtful (see `exactPicture`).
    var checksMissing = true
    let decoded = Frame()
    let lookahead = Frame()
    var lookaheadPts: Int64?
    var lookaheadIsFirst = false
    let shown = Frame()
    var shownRange: Range<Int64>?
    var inputEnded = false
    var decoderEnded = false
    /// The last converted picture, reused when several requests land on the same frame.
    var lastPicture: Picture?
    let scaler = Scaler()
    /// Work done so far.
    var statistics = GenerationStatistics()

    /// Whether nothing has been read from the demuxer or asked of it since it was opened.
    var demuxerIsUntouched = true
    /// How frames are placed on the timeline.
    let timing: FrameTiming
    /// False for raw streams: their times hold only when read from the first byte, so every seek goes there.
    var hasTimestamps: Bool { timing != .counted }
    /// One frame at the stream's stated rate, in ticks.
    let nominalFrameDuration: Int64
    /// With `decodeOrder` timing: the timestamps of the packets given to the decoder whose frames have not
    /// come out yet, in order (the next frame out is shown at the first).
    var decodeOrderSlots: [Int64] = []
    /// The keyframes known so far (all of them where the index lists every frame).
    var keyframeMap = KeyframeMap()
    /// Largest gap seen between keyframes, to decide when to seek in files without an index.
    var largestKeyframeGap: Int64?
    var lastKeyframePts: Int64?
    /// Largest PTS − DTS seen on keyframe packets: how far an index of DTS values runs ahead of presentation.
    var keyframeDelay: Int64 = 0
    /// DTS of the first packet read after the latest seek.
    var firstDtsAfterSeek: Int64?
    var lastFrameDuration: Int64 = 0
    var readError: FFmpegError?

    // The start gate: what makes a decoded frame trustworthy after the decoder was reset.
    /// Packets are not fed until a keyframe packet arrives (the one `gate` names): decoding from anything
    /// else gives pictures built on references the decoder never saw.
    var awaitingKeyPacket = false
    var gate = StartGate.anyKeyframe

    enum StartGate {
        case anyKeyframe
        /// The first keyframe packet whose time (pts, else dts) is at least this.
        case keyframeAtOrAfter(Int64)
        /// The keyframe packet after this many others.
        case keyframeAfter(Int)
    }
    /// Time of the keyframe packet decoding started at.
    var startPacketTime: Int64?
    /// After a seek, the presentation time of that keyframe: frames presented before it are its leading
    /// pictures (open GOP: MPEG-2 B-frames, HEVC RASL), which may need the GOP before, and are never the
    /// answer to a request that starts there. (At the start of the file there is no GOP before: FFmpeg
    /// shows the leading pictures it can decode, and so does framegrab.)
    var leadingBefore: Int64?
    var dropsLeadingPictures = false
    /// Whether a frame without error flags came out since the reset: until then, frames the decoder
    /// flags (references missing, as after a seek) are dropped; afterwards they are damage.
    var cleanFrameSeen = false
    /// Presentation times of the packets given to the decoder (to be decoded, not skipped) since it was
    /// positioned, and the time of the first frame that came out then: see `exactPicture`.
    var fedTimes: [Int64] = []
    /// The keyframe flags of the packets given to the decoder since it was positioned, by presentation time.
    var fedKeyFlags: [Int64: Bool] = [:]
    var startedAt: Int64?
    var startedAtFileStart = false
    /// Set when the stream's packets turn out to carry no keyframe flags at all: the gate stays open.
    var keyFlagsMissing = false

    /// `demuxer`: one already opened on the asset (by default, one is taken from it).
    /// `cancellation`: the run's flag, which stops blocking reads at once (`isCancelled` is checked between them).
    /// `index`: the stream's index as the run's planning read it (by default, read from the demuxer).
    init(asset: MediaAsset, demuxer: FormatContext? = nil, index: StreamIndex? = nil, settings: Settings, threads: Int,
         frameThreads: Bool, cancellation: CancellationFlag? = nil, isCancelled: @escaping () -> Bool) throws(FrameGrabError) {
        path = asset.path
        self.asset = asset
        track = asset.videoTrack
        self.settings = settings
        self.isCancelled = isCancelled
        deadline = asset.deadline
        maximumPixels = asset.limits.maximumPixelCount
        try asset.requireDecoder()
        if let demuxer { format = demuxer } else { format = try asset.takeDemuxer() }
        self.cancellation = cancellation
        if let cancellation { format.stop(when: cancellation) }
        streamIndex = Int32(track.streamIndex)
        timeBase = format.timeBase(stream: track.streamIndex)
        do {
            codec = try CodecContext(format: format, stream: track.streamIndex, threads: threads, frameThreads: frameThreads, maximumPixels: maximumPixels)
        } catch let error as CodecContext.DecoderNotFound {
            throw FrameGrabError(.unsupportedCodec, "\(asset.path): no decoder for the \(error.codecName) codec in this FFmpeg", path: asset.path)
        } catch {
            throw FrameGrabError(.decodeFailed, "\(asset.path): cannot open the \(track.codecName) decoder (\(error))", path: asset.path)
        }
        let streamStart = format.startTimestamp(stream: track.streamIndex)
        firstPts = streamStart
        origin = format.timelineOrigin(stream: track.streamIndex)
        let index = index ?? format.streamIndex(stream: track.streamIndex)
        keyframes = index.sortedTimestamps
        indexIsComplete = index.listsEveryFrame
        keyframeDelay = index.delay
        if indexIsComplete {
            // Index timestamps may be decode times, `keyframeDelay` ahead of presentation: estimates until a
            // packet is read. Demuxers seek by presentation time (MP4 shifts its decode-time index itself).
            let delay = keyframeDelay
            keyframeMap = KeyframeMap(complete: index.keyframes.map {
                let estimate = $0.timestamp.saturatingAdd(delay)
                // (Sample tables are sought by time: the demuxer keeps its own place in them.)
                return .init(pts: estimate, seekTimestamp: estimate, position: nil, exact: delay == 0, packetTime: delay == 0 ? estimate : nil)
            })
        }
        keyframeMap.shownFrom = streamStart ?? Int64.min
        startTimestamp = format.earliestTimestamp(stream: track.streamIndex)
        nominalFrameDuration = format.nominalFrameDuration(stream: track.streamIndex)
        lastFrameDuration = nominalFrameDuration
        timing = asset.frameTiming
    }

    // MARK: Times

    /// A requested time on the stream's tick scale: ticks are counted from the container start, and a frame
    /// at tick p is shown at T when p ≤ T, so the conversion rounds down.
    func tick(for time: MediaTime) -> Int64 {
        Self.tick(for: time, timeBase: timeBase, origin: origin)
    }

    /// `tick(for:)` for a stream not opened yet: its time base and the tick of the container's start.
    static func tick(for time: MediaTime, timeBase: TimeBase, origin: Int64) -> Int64 {
        let relative = time.ticks(in: timeBase)
        if relative == Int64.max || relative == Int64.min { return relative }
        return relative.saturatingAdd(origin)
    }

    /// A stream tick as a time on the requested-time scale.
    func time(forTick tick: Int64) -> MediaTime {
        MediaTime(ticks: tick - origin, timeBase: timeBase)
    }

    // MARK: Answering requests

    /// The frame shown at `target`, or, when a keyframe is shown somewhere in `lower...upper`, the keyframe
    /// nearest to `target` (the window bounds may be `Int64.min` / `Int64.max` for unbounded).
    ///
    /// `last`: no later request will use the frames decoded for this one (the next one, if any, starts with
    /// a seek), so decoding may stop at the target's frame instead of going on to the frame after it.
    func picture(at target: Int64, lower: Int64, upper: Int64, last: Bool = false) throws(Failure) -> Picture {
        packetsWithoutFrame = 0
        if lower < target || upper > target {
            let keyframe = timing == .counted ? try countedKeyframe(near: target, lower: lower, upper: upper)
                : try keyframe(near: target, lower: lower, upper: upper)
            if let keyframe { return keyframe }
        }
        return try exactPicture(at: target, last: last)
    }

    /// The frame on screen at `target`, checked: when a frame the decoder was given a packet for, presented
    /// after the answer and at or before the target, never came out of the decoder (as H.264 does after
    /// a seek to an I-frame that is not an IDR, when its picture order counts come out wrong), the answer
    /// would be wrong; decoding starts again from an earlier keyframe, and from the start of the file at
    /// worst, where FFmpeg's own reading of the file is: a packet that gives no picture even from there
    /// is not a frame of the video (damaged, or a kind of hidden frame the decoder does not show), and the
    /// answer stands.
    func exactPicture(at target: Int64, last: Bool) throws(Failure) -> Picture {
        var restartBefore: Int64?
        for _ in 0..<6 {
            do {
                return try exactPicture(at: target, last: last, restartBefore: restartBefore, checksMissing: true)
            } catch {
                guard case .framesMissing = error else { throw error }
                guard let started = startedAt, !lookaheadIsFirst, !startedAtFileStart else {
                    return try exactPicture(at: target, last: last, restartBefore: nil, checksMissing: false)
                }
                restartBefore = started.saturatingSubtract(1)
            }
        }
        throw .decodeFailed("FFmpeg gave no picture for a frame before the requested time")
    }

    /// Throws `framesMissing` when a packet fed to the decoder since it was positioned, presented after
    /// `shown` and at or before `target`, gave no frame.
    func checkNothingMissing(after shown: Int64, through target: Int64) throws(Failure) {
        guard checksMissing else { return }
        if let missing = fedTimes.first(where: { $0 > shown && $0 <= target }) { throw .framesMissing(missing) }
    }

    func exactPicture(at target: Int64, last: Bool, restartBefore: Int64?, checksMissing: Bool) throws(Failure) -> Picture {
        let target = max(target, firstPts ?? Int64.min)
        skipTarget = target
        self.checksMissing = checksMissing
        defer { skipTarget = nil; self.checksMissing = true }
        var steps = 0, seeks = 0, drained = false
        if let restartBefore {
            try startDecoding(for: restartBefore)
            seeks = 3  // and decode on from there, whatever keyframes come
        }
        while true {
            try checkCancelled()
            steps += 1
            if let range = shownRange, range.contains(target) {
                try checkNothingMissing(after: range.lowerBound, through: target)
                return try picture(from: shown, pts: range.lowerBound)
            }
            if let pts = lookaheadPts, pts <= target {
                if seeks < 3, try shouldSeek(from: pts, to: target) {
                    seeks += 1
                    try startDecoding(for: target)
                    continue
                }
                if last, !drained {
                    drained = true
                    if let picture = try drain(through: target) {
                        try checkNothingMissing(after: picture.pts, through: target)
                        return picture
                    }
                    continue
                }
                if try decodeNext() {
                    try advance()
                    continue
                }
                // End of the stream: the newest frame is the last one, shown for its duration.
                let end = pts + frameDuration(lookahead)
                try checkNothingMissing(after: pts, through: target)
                if target < end {
                    shown.take(lookahead)
                    shownRange = pts..<end
                    lookaheadPts = nil
                    return try picture(from: shown, pts: pts)
                }
                if let readError, readError.isInvalidData || readError.posixErrno != nil {
                    throw .decodeFailed("the file is damaged or cut short after \(time(forTick: end).decimalSeconds + "s") (\(readError.message))")
                }
                throw .beyondEnd(lastFrameEnd: end)
            }
            if let pts = lookaheadPts, lookaheadIsFirst, target < pts {
                // Before the first frame: the first frame is what is on screen.
                return try picture(from: lookahead, pts: pts)
            }
            try startDecoding(for: target)
            if steps > 10_000 { throw .decodeFailed("could not reach the requested time (timestamps out of order?)") }
        }
    }
}

extension Int64 {
    func saturatingAdd(_ other: Int64) -> Int64 {
        let (result, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : result
    }

    func saturatingSubtract(_ other: Int64) -> Int64 {
        let (result, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other > 0 ? .min : .max) : result
    }
}
