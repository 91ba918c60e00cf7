/// Answers "which frame is shown at tick T" for one generator lane, requests taken in timeline order. It
/// composes the decoding core's rooms, each owning its state: the `PacketReader` (the demuxer and the
/// packets read ahead), the `FrameDecoder` (the decoder, its two frames and the start gate), the
/// `KeyframeFinder` (the keyframe map), and `SeekStrategy`, the one way to seek before a time.
///
/// A request at T is answered by the decoder's `shown` frame when T falls in its interval; otherwise the
/// decoder moves forward, or starts again before T (when a keyframe lies between its position and T).
/// This file holds exact requests; window requests are in `+Windows`, the picture in `+Conversion`.
final class FrameExtractor {
    /// A decoded frame chosen for a request.
    struct Picture {
        let image: FrameImage
        let pts: Int64
        let isKeyframe: Bool
    }

    let path: String
    let asset: MediaAsset
    let settings: GenerationSettings
    let reader: PacketReader
    let decoder: FrameDecoder
    let keyframes: KeyframeFinder
    /// Ticks and time base of the requested-time scale.
    let clock: TimeScale
    let scaler = Scaler()
    /// For the blank-frame check (`+Blank`).
    let signatures = SignatureScaler()
    /// The last converted picture, reused when several requests land on the same frame.
    var lastPicture: Picture?
    var imagesConverted = 0
    /// Whether a packet given to the decoder that gave no picture makes an answer doubtful (see `exactPicture`).
    private var checksMissing = true

    /// `demuxer`: one already opened on the asset (by default, one is taken from it).
    /// `cancellation`: the run's flag, which stops blocking reads at once (`isCancelled` is checked between them).
    /// `index`: the stream's index as the run's planning read it (by default, read from the demuxer).
    init(asset: MediaAsset, demuxer: FormatContext? = nil, index: StreamIndex? = nil, settings: GenerationSettings, threads: Int,
         frameThreads: Bool, cancellation: CancellationFlag? = nil, isCancelled: @escaping () -> Bool) throws(FrameGrabError) {
        path = asset.path
        self.asset = asset
        self.settings = settings
        try asset.requireDecoder()
        let format: FormatContext
        if let demuxer { format = demuxer } else { format = try asset.takeDemuxer() }
        let track = asset.videoTrack, stream = track.streamIndex
        let codec: CodecContext
        do {
            codec = try CodecContext(format: format, stream: stream, threads: threads, frameThreads: frameThreads,
                                     maximumPixels: asset.limits.maximumPixelCount)
        } catch let error as CodecContext.DecoderNotFound {
            throw FrameGrabError(.unsupportedCodec, "\(asset.path): no decoder for the \(error.codecName) codec in this FFmpeg", path: asset.path)
        } catch {
            throw FrameGrabError(.decodeFailed, "\(asset.path): cannot open the \(track.codecName) decoder (\(error))", path: asset.path)
        }
        clock = TimeScale(timeBase: format.timeBase(stream: stream), origin: format.timelineOrigin(stream: stream))
        let index = index ?? format.streamIndex(stream: stream)
        let start = StreamStart(earliest: format.earliestTimestamp(stream: stream), firstPts: format.startTimestamp(stream: stream),
                                hasTimestamps: asset.frameTiming != .counted && format.hasTimestamps(stream: stream))
        reader = PacketReader(asset: asset, format: format, start: start, keyframeDelay: index.delay, cancellation: cancellation,
                              stop: StopCheck(isCancelled: isCancelled, deadline: asset.deadline))
        let frameClock = FrameClock(timing: asset.frameTiming, nominalFrameDuration: format.nominalFrameDuration(stream: stream),
                                    countedOrigin: start.tick)
        decoder = FrameDecoder(reader: reader, codec: codec, clock: frameClock, maximumPixels: asset.limits.maximumPixelCount)
        keyframes = KeyframeFinder(reader: reader, index: index, second: clock.ticks(seconds: 1))
    }

    /// Work done so far.
    var statistics: GenerationStatistics {
        var statistics = GenerationStatistics()
        statistics.packetsRead = reader.packetsRead
        statistics.framesDecoded = decoder.framesDecoded
        statistics.seeks = decoder.positionings
        statistics.imagesConverted = imagesConverted
        return statistics
    }

    var timing: FrameTiming { asset.frameTiming }

    // MARK: Answering requests

    /// The frame shown at `target`, or, when a keyframe is shown somewhere in `lower...upper`, the keyframe
    /// nearest to `target` (the window bounds may be `Int64.min` / `Int64.max` for unbounded).
    ///
    /// `last`: no later request will use the frames decoded for this one (the next one, if any, starts with
    /// a seek), so decoding may stop at the target's frame instead of going on to the frame after it.
    ///
    /// An input read once (`MediaAsset.readsOnce`) passes every frame on its way anyway: the frame at
    /// `target`, which is in every window, is the answer.
    func picture(at target: Int64, lower: Int64, upper: Int64, last: Bool = false) throws(DecodeFailure) -> Picture {
        if lower < target || upper > target, !asset.readsOnce {
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
    func exactPicture(at target: Int64, last: Bool) throws(DecodeFailure) -> Picture {
        var restartBefore: Int64?
        for _ in 0..<6 {
            do {
                return try exactPicture(at: target, last: last, restartBefore: restartBefore)
            } catch .framesMissing {
                guard let started = decoder.startedAt, !decoder.lookaheadIsFirst, !decoder.startedAtFileStart else {
                    checksMissing = false
                    defer { checksMissing = true }
                    return try exactPicture(at: target, last: last, restartBefore: nil)
                }
                restartBefore = started.saturatingSubtract(1)
            }
        }
        throw .decodeFailed("FFmpeg gave no picture for a frame before the requested time")
    }

    private func exactPicture(at target: Int64, last: Bool, restartBefore: Int64?) throws(DecodeFailure) -> Picture {
        let target = max(target, reader.start.firstPts ?? Int64.min)
        decoder.skipTarget = target
        defer { decoder.skipTarget = nil }
        var steps = 0, seeks = 0, drained = false
        if let restartBefore {
            try startDecoding(for: restartBefore)
            seeks = 3  // and decode on from there, whatever keyframes come
        }
        while true {
            steps += 1
            if let range = decoder.shownRange, range.contains(target) {
                try checkNothingMissing(after: range.lowerBound, through: target)
                return try picture(from: decoder.shown, pts: range.lowerBound)
            }
            if let pts = decoder.lookaheadPts, pts <= target {
                if seeks < 3, try shouldSeek(from: pts, to: target) {
                    seeks += 1
                    try startDecoding(for: target)
                    continue
                }
                if last, !drained {
                    drained = true
                    if case .drained(let answer) = try decoder.drain(through: target) {
                        defer { decoder.forgetFrames() }
                        if let (frame, pts) = answer {
                            try checkNothingMissing(after: pts, through: target)
                            return try picture(from: frame, pts: pts)
                        }
                        continue
                    }
                }
                if try decoder.decodeNext() {
                    try decoder.advance()
                    continue
                }
                // The end of the stream: the newest frame is the last one, shown for its duration.
                decoder.showLast()
                guard let range = decoder.shownRange else { continue }
                try checkNothingMissing(after: pts, through: target)
                if range.contains(target) { return try picture(from: decoder.shown, pts: pts) }
                if let readError = reader.readError, readError.isInvalidData || readError.posixErrno != nil {
                    throw .decodeFailed("the file is damaged or cut short after \(clock.time(forTick: range.upperBound).decimalSeconds + "s") (\(readError.message))")
                }
                throw .beyondEnd(lastFrameEnd: range.upperBound)
            }
            if let range = decoder.shownRange, target >= range.upperBound, decoder.lookaheadPts == nil, decoder.isAtEnd {
                throw .beyondEnd(lastFrameEnd: range.upperBound)
            }
            if let pts = decoder.lookaheadPts, decoder.lookaheadIsFirst, target < pts {
                // Before the first frame: the first frame is what is on screen.
                return try picture(from: decoder.lookahead, pts: pts)
            }
            try startDecoding(for: target)
            if steps > 10_000 { throw .decodeFailed("could not reach the requested time (timestamps out of order?)") }
        }
    }

    private func checkNothingMissing(after shown: Int64, through target: Int64) throws(DecodeFailure) {
        if checksMissing { try decoder.checkNothingMissing(after: shown, through: target) }
    }

    // MARK: Where decoding starts

    /// Whether starting again before `target` reaches it with less decoding than going forward from
    /// `position`: true when a keyframe lies after the position and at or before the target.
    private func shouldSeek(from position: Int64, to target: Int64) throws(DecodeFailure) -> Bool {
        guard reader.start.hasTimestamps, !asset.readsOnce else { return false }
        if keyframes.indexIsComplete {
            // Reading the keyframes' packets moves the reader: then the decoder must start again in any case.
            if try keyframes.resolve(near: target, count: 1) { return true }
            return keyframes.map.start(for: target).keyframe.map { $0.pts > position } ?? false
        }
        if RequestPlan.keyframe(in: keyframes.indexTimestamps, delay: reader.keyframeDelay, after: position, atOrBefore: target) { return true }
        // Keyframes missing from the index: the spacing seen so far says whether one surely lies between.
        guard let gap = decoder.keyframeSpacing.largestGap else { return target.saturatingSubtract(position) > clock.ticks(seconds: 10) }
        return target.saturatingSubtract(position) > gap.saturatingAdd(gap)
    }

    /// Positions the decoder for an exact request: at the keyframe the map names for `target` when it knows
    /// it exactly (the last one presented at or before it), else at a seek point before it found by the
    /// seek strategy. An input read once starts at its first packet, once: the frames before where it is
    /// now are gone.
    func startDecoding(for target: Int64) throws(DecodeFailure) {
        if asset.readsOnce {
            guard reader.isAtStart else { throw .needsSeeking("standard input is read once, forward, and the frame for this time was passed already") }
            return try decoder.position(at: .start())
        }
        if keyframes.indexIsComplete { try keyframes.resolve(near: target, count: 1) }
        if let keyframe = keyframes.map.start(for: target).keyframe, keyframe.exact {
            try start(at: keyframe)
            if let pts = decoder.lookaheadPts, pts <= target { return }
        }
        try seek(before: target)
    }

    /// Positions the decoder at the last seek point at or before `target` whose first frame is not after it.
    private func seek(before target: Int64) throws(DecodeFailure) {
        try SeekStrategy.seek(before: target, start: reader.start, step: clock.ticks(seconds: 1), tries: 24) { timestamp throws(DecodeFailure) in
            try decoder.position(at: timestamp.map { .seek($0) } ?? .start())
            guard let pts = decoder.lookaheadPts else {
                if timestamp == nil { throw .decodeFailed("no frame could be decoded") }
                return .tooLate(seen: nil)
            }
            return pts <= target || decoder.lookaheadIsFirst ? .reached : .tooLate(seen: reader.firstTimeSinceMove)
        }
    }

    /// Positions the decoder exactly at `keyframe`: by a byte seek to its packet where the demuxer allows
    /// (it lands exactly), else by the seek strategy, decoding from its packet on (`alone`: its packet only,
    /// when it is all that is wanted; see `FrameDecoder.position`).
    func start(at keyframe: KeyframeMap.Keyframe, alone: Bool = false) throws(DecodeFailure) {
        let gate = keyframe.packetTime.map { FrameDecoder.StartGate.keyframeAtOrAfter($0) } ?? .anyKeyframe
        let format = reader.demuxer
        if let position = keyframe.position, format.searchesTimestamps, format.canSeekToBytes {
            try decoder.position(at: .byte(position), gate: .keyframeAfter(keyframe.keyframesAfterPosition), keyframeAlone: alone)
            if let pts = decoder.lookaheadPts, pts == keyframe.pts || !keyframe.exact { return }
        }
        try SeekStrategy.seek(before: keyframe.seekTimestamp, start: reader.start, step: clock.ticks(seconds: 1), tries: 24) { timestamp throws(DecodeFailure) in
            try decoder.position(at: timestamp.map { .seek($0) } ?? .start(), gate: gate, keyframeAlone: alone)
            guard let pts = decoder.lookaheadPts else { return .tooLate(seen: nil) }
            return pts <= keyframe.pts || !keyframe.exact ? .reached : .tooLate(seen: reader.firstTimeSinceMove)
        }
    }
}

/// The requested-time scale of a stream: ticks of its time base, counted so that the container's start
/// is time 0.
struct TimeScale: Sendable {
    let timeBase: TimeBase
    /// Tick of the container's start: requested time 0.
    let origin: Int64

    /// A requested time as a tick: a frame at tick p is shown at T when p ≤ T, so the conversion rounds down.
    func tick(for time: MediaTime) -> Int64 {
        let relative = time.ticks(in: timeBase)
        if relative == Int64.max || relative == Int64.min { return relative }
        return relative.saturatingAdd(origin)
    }

    /// A tick as a time on the requested-time scale.
    func time(forTick tick: Int64) -> MediaTime {
        MediaTime(ticks: tick - origin, timeBase: timeBase)
    }

    func ticks(seconds: Int64) -> Int64 {
        MediaTime(value: seconds, timescale: 1).ticks(in: timeBase)
    }
}
