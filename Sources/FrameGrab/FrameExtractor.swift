import CFFmpeg

/// The decode loop for one generator run: owns the demuxer, decoder and scaler of one file, and answers
/// "which frame is shown at tick T" for requests taken in timeline order.
///
/// It keeps two decoded frames: `shown`, whose display interval `[shownPts, shownEnd)` is known because the
/// frame after it has been decoded, and `lookahead`, the newest decoded frame. A request at T is answered
/// by `shown` when T falls in its interval; otherwise the decoder moves forward (or seeks, when a keyframe
/// lies between the current position and T) until it does.
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
    private(set) var format: FormatContext
    let codec: CodecContext
    let streamIndex: Int32
    let timeBase: AVRational
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
    private let settings: Settings
    private let asset: MediaAsset
    private let cancellation: CancellationFlag?
    private let track: VideoTrack
    private let isCancelled: () -> Bool
    private let deadline: Deadline
    private let maximumPixels: Int
    /// Packets read since the decoder last gave out a frame.
    private var packetsWithoutFrame = 0

    /// Packets read ahead of the decoder, in decode order, and empty ones to reuse.
    private var queued: [Packet] = []
    private var spare: [Packet] = []
    /// A packet the decoder has not accepted yet.
    private var pending: Packet?
    private var demuxerEnded = false
    /// While approaching an exact target: frames hidden before it may be skipped.
    private var skipTarget: Int64?
    private let decoded = Frame()
    private let lookahead = Frame()
    private var lookaheadPts: Int64?
    private var lookaheadIsFirst = false
    private let shown = Frame()
    private var shownRange: Range<Int64>?
    private var inputEnded = false
    private var decoderEnded = false
    /// The last converted picture, reused when several requests land on the same frame.
    private var lastPicture: Picture?
    private let scaler = Scaler()
    /// Work done so far.
    private(set) var statistics = GenerationStatistics()

    /// Whether nothing has been read from the demuxer or asked of it since it was opened.
    private var demuxerIsUntouched = true
    /// False for raw streams: their times hold only when read from the first byte, so every seek goes there.
    private let hasTimestamps: Bool
    /// The keyframes known so far (all of them where the index lists every frame).
    private var keyframeMap = KeyframeMap()
    /// Largest gap seen between keyframes, to decide when to seek in files without an index.
    private var largestKeyframeGap: Int64?
    private var lastKeyframePts: Int64?
    /// Largest PTS − DTS seen on keyframe packets: how far an index of DTS values runs ahead of presentation.
    private var keyframeDelay: Int64 = 0
    /// DTS of the first packet read after the latest seek.
    private var firstDtsAfterSeek: Int64?
    private var lastFrameDuration: Int64 = 0
    private var readError: FFmpegError?

    // The start gate: what makes a decoded frame trustworthy after the decoder was reset.
    /// Packets are not fed until a keyframe packet arrives (the one `gate` names): decoding from anything
    /// else gives pictures built on references the decoder never saw.
    private var awaitingKeyPacket = false
    private var gate = StartGate.anyKeyframe

    enum StartGate {
        case anyKeyframe
        /// The first keyframe packet whose time (pts, else dts) is at least this.
        case keyframeAtOrAfter(Int64)
        /// The keyframe packet after this many others.
        case keyframeAfter(Int)
    }
    /// Time of the keyframe packet decoding started at.
    private var startPacketTime: Int64?
    /// After a seek, the presentation time of that keyframe: frames presented before it are its leading
    /// pictures (open GOP: MPEG-2 B-frames, HEVC RASL), which may need the GOP before, and are never the
    /// answer to a request that starts there. (At the start of the file there is no GOP before: FFmpeg
    /// shows the leading pictures it can decode, and so does framegrab.)
    private var leadingBefore: Int64?
    private var dropsLeadingPictures = false
    /// Whether a frame without error flags came out since the reset: until then, frames the decoder
    /// flags (references missing, as after a seek) are dropped; afterwards they are damage.
    private var cleanFrameSeen = false
    /// Presentation times of the packets given to the decoder (to be decoded, not skipped) since it was
    /// positioned, and the time of the first frame that came out then: see `exactPicture`.
    private var fedTimes: [Int64] = []
    /// The keyframe flags of the packets given to the decoder since it was positioned, by presentation time.
    private var fedKeyFlags: [Int64: Bool] = [:]
    private var startedAt: Int64?
    private var startedAtFileStart = false
    /// Set when the stream's packets turn out to carry no keyframe flags at all: the gate stays open.
    private var keyFlagsMissing = false

    /// `demuxer`: one already opened on the asset (by default, one is taken from it).
    /// `cancellation`: the run's flag, which stops blocking reads at once (`isCancelled` is checked between them).
    init(asset: MediaAsset, demuxer: FormatContext? = nil, settings: Settings, threads: Int, frameThreads: Bool,
         cancellation: CancellationFlag? = nil, isCancelled: @escaping () -> Bool) throws(FrameGrabError) {
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
        let stream = format.stream(track.streamIndex)
        timeBase = stream.pointee.time_base
        do {
            codec = try CodecContext(stream: stream, threads: threads, frameThreads: frameThreads, maximumPixels: maximumPixels)
        } catch let error as CodecContext.DecoderNotFound {
            throw FrameGrabError(.unsupportedCodec, "\(asset.path): no decoder for the \(error.codecName) codec in this FFmpeg", path: asset.path)
        } catch {
            throw FrameGrabError(.decodeFailed, "\(asset.path): cannot open the \(track.codecName) decoder (\(error))", path: asset.path)
        }
        let streamStart = stream.pointee.start_time == fg_nopts_value() ? nil : stream.pointee.start_time
        firstPts = streamStart
        origin = format.timelineOrigin(stream: track.streamIndex)
        let index = format.indexEntries(stream: track.streamIndex)
        keyframes = index.keyframes.map(\.timestamp).sorted()
        indexIsComplete = index.listsEveryFrame
        keyframeDelay = format.indexDelay(stream: track.streamIndex)
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
        startTimestamp = [format.firstIndexedTimestamp(stream: track.streamIndex), streamStart, origin].compactMap { $0 }.min()!
        lastFrameDuration = Self.nominalFrameDuration(stream: stream)
        hasTimestamps = format.hasTimestamps(stream: track.streamIndex)
    }

    /// Ticks of one frame at the stream's stated rate (1 when unknown).
    private static func nominalFrameDuration(stream: UnsafeMutablePointer<AVStream>) -> Int64 {
        let rate = stream.pointee.avg_frame_rate.num > 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
        guard rate.num > 0, rate.den > 0 else { return 1 }
        return max(1, av_rescale_q(1, AVRational(num: rate.den, den: rate.num), stream.pointee.time_base))
    }

    // MARK: Times

    /// A requested time on the stream's tick scale: ticks are counted from the container start, and a frame
    /// at tick p is shown at T when p ≤ T, so the conversion rounds down.
    func tick(for time: MediaTime) -> Int64 {
        Self.tick(for: time, timeBase: timeBase, origin: origin)
    }

    /// `tick(for:)` for a stream not opened yet: its time base and the tick of the container's start.
    static func tick(for time: MediaTime, timeBase: AVRational, origin: Int64) -> Int64 {
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
            if let keyframe = try keyframe(near: target, lower: lower, upper: upper) { return keyframe }
        }
        return try exactPicture(at: target, last: last)
    }

    /// The frame on screen at `target`, checked: when a frame the decoder was given a packet for, presented
    /// after the answer and at or before the target, never came out of the decoder (as H.264 does after
    /// a seek to an I-frame that is not an IDR, when its picture order counts come out wrong), the answer
    /// would be wrong; decoding starts again from an earlier keyframe, and from the start of the file at
    /// worst, where FFmpeg's own reading of the file is.
    private func exactPicture(at target: Int64, last: Bool) throws(Failure) -> Picture {
        var restartBefore: Int64?
        for _ in 0..<6 {
            do {
                return try exactPicture(at: target, last: last, restartBefore: restartBefore)
            } catch {
                guard case .framesMissing(let missing) = error else { throw error }
                guard let started = startedAt, !lookaheadIsFirst, !startedAtFileStart else {
                    throw .decodeFailed("FFmpeg gave no picture for the frame at \(time(forTick: missing).decimalSeconds)s")
                }
                restartBefore = started.saturatingSubtract(1)
            }
        }
        throw .decodeFailed("FFmpeg gave no picture for a frame before the requested time")
    }

    /// Throws `framesMissing` when a packet fed to the decoder since it was positioned, presented after
    /// `shown` and at or before `target`, gave no frame.
    private func checkNothingMissing(after shown: Int64, through target: Int64) throws(Failure) {
        if let missing = fedTimes.first(where: { $0 > shown && $0 <= target }) { throw .framesMissing(missing) }
    }

    private func exactPicture(at target: Int64, last: Bool, restartBefore: Int64?) throws(Failure) -> Picture {
        let target = max(target, firstPts ?? Int64.min)
        skipTarget = target
        defer { skipTarget = nil }
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

    /// A keyframe shown inside the window, if there is one; nil means "go exact".
    ///
    /// A keyframe counts when it is on screen at some instant of the window: presented inside it, or
    /// presented before it and still shown at its start. The keyframe map says which are nearest
    /// (`KeyframeMap.candidates`), reading packets around the target first where the container's index
    /// does not list them all; decoding then starts exactly at the chosen one.
    private func keyframe(near target: Int64, lower: Int64, upper: Int64) throws(Failure) -> Picture? {
        try resolveKeyframes(near: target)
        var scanFrom = target
        var backoff = secondsToTicks(1)
        for _ in 0..<12 {
            var candidates = keyframeMap.candidates(near: target, lower: lower, upper: upper)
            if candidates == nil {
                try scanKeyframes(around: target, from: scanFrom, through: upper)
                candidates = keyframeMap.candidates(near: target, lower: lower, upper: upper)
            }
            guard let candidates else {
                // The keyframe read before the target turned out, decoded, to be presented after it: read
                // from further back.
                scanFrom = scanFrom.saturatingSubtract(backoff)
                backoff = backoff.saturatingAdd(backoff)
                continue
            }
            // A keyframe whose packet gave no presentation time of its own is decoded to learn it first.
            if let inexact = candidates.first(where: { !$0.exact }) {
                try start(at: inexact)
                keyframeMap.correct(inexact, pts: lookaheadPts ?? inexact.pts)
                continue
            }
            for candidate in candidates {
                if let range = shownRange, range.lowerBound == candidate.pts, range.upperBound > lower, isKeyframe(shown, pts: candidate.pts) {
                    return try picture(from: shown, pts: candidate.pts)
                }
                if lookaheadPts != candidate.pts || !isKeyframe(lookahead, pts: candidate.pts) { try start(at: candidate) }
                if lookaheadPts != candidate.pts, candidate.pts >= lower, candidate.pts <= upper {
                    // The decoder did not give the keyframe first (H.264 after a seek to an I-frame that is
                    // not an IDR can drop it): decode up to it from earlier, as an exact request does.
                    let picture = try exactPicture(at: candidate.pts, last: false)
                    if picture.pts == candidate.pts { return picture }
                    continue
                }
                if let found = try keyframeOnScreen(lower: lower, upper: upper) { return found }
            }
            return nil
        }
        return nil
    }

    /// Whether a decoded frame is a keyframe: the decoder says so, or it is one the map knows (a sync sample
    /// such as an H.264 I-frame without an IDR, which the decoder does not flag).
    private func isKeyframe(_ frame: Frame, pts: Int64) -> Bool {
        if keyframeMap.isKeyframe(at: pts) { return true }
        // The demuxer's flag on the frame's packet, when known, wins: decoders of delta-coded animations
        // (FLIC, APNG) flag every frame.
        return fedKeyFlags[pts] ?? frame.isKeyframe
    }

    /// Reads packets of the stream (decoding nothing) from a keyframe presented at or before `start` up to
    /// the first keyframe presented after it, or past `limit`, or the end, and records in the map every
    /// keyframe met on the way. Leaves the decoder without a position: what follows seeks.
    private func scanKeyframes(around target: Int64, from start: Int64, through limit: Int64) throws(Failure) {
        lookaheadPts = nil
        shownRange = nil
        let packet = Packet()
        let from = min(start, target)
        var seekTarget = from
        var backoff = secondsToTicks(1)
        var reopened = false
        for _ in 0..<32 {
            let fromStart = !hasTimestamps || seekTarget <= startTimestamp
            if fromStart {
                try rewind(reopening: reopened)
                demuxerIsUntouched = false
            } else {
                demuxerIsUntouched = false
                dropQueuedPackets()
                do {
                    try format.seek(stream: streamIndex, to: seekTarget)
                } catch {
                    seekTarget = startTimestamp
                    continue
                }
            }
            var found: [KeyframeMap.Keyframe] = []
            var first = true
            var newest = Int64.min
            var reachedEnd = false
            var position: Int64?, keyframesSincePosition = 0
            while true {
                try checkCancelled()
                let more: Bool
                do { more = try format.read(into: packet) } catch {
                    if deadline.hasPassed { throw .timedOut }
                    more = false
                }
                guard more else { reachedEnd = true; break }
                guard packet.streamIndex == streamIndex, let pts = packet.pts ?? packet.dts else { continue }
                statistics.packetsRead += 1
                if first, fromStart, !reopened, hasTimestamps, pts > (firstPts ?? startTimestamp) {
                    // Sent to the start, the demuxer went past it (ASF, MPEG-TS): open the file again.
                    reopened = true
                    break
                }
                first = false
                newest = max(newest, pts)
                if let own = packet.position { (position, keyframesSincePosition) = (own, 0) }
                if packet.isKeyframe {
                    if found.isEmpty, pts > from, !fromStart { break }  // landed too late: further back
                    // A packet without a pts of its own (MPEG-PS), or with one made up (raw streams), gives
                    // an estimate: the decoded frame tells the truth when it is a candidate.
                    found.append(.init(pts: pts, seekTimestamp: pts, position: position, keyframesAfterPosition: keyframesSincePosition,
                                       exact: hasTimestamps && packet.pts != nil, packetTime: pts))
                    keyframesSincePosition += 1
                    if pts > target { break }
                }
                if let dts = packet.dts ?? packet.pts, dts > limit, !found.isEmpty { break }
            }
            if first, reopened, fromStart, !reachedEnd { continue }
            guard fromStart || found.first.map({ $0.pts <= from }) == true else {
                seekTarget = min(seekTarget.saturatingSubtract(backoff), (found.first?.pts ?? seekTarget).saturatingSubtract(1))
                backoff = backoff.saturatingAdd(backoff)
                continue
            }
            let spanStart = fromStart ? Int64.min : found[0].pts
            let through = reachedEnd ? Int64.max : (found.last.map { $0.pts > target ? $0.pts : newest } ?? newest)
            if through >= spanStart { keyframeMap.record(found, span: spanStart...through) }
            return
        }
    }

    /// Reads the presentation times of the index's keyframes nearest `target`, where the index gives decode
    /// times (MP4): one seek and one packet each, nothing decoded. When it read any (returns true), it left
    /// the decoder without a position: what follows seeks.
    @discardableResult
    private func resolveKeyframes(near target: Int64, count: Int = 3) throws(Failure) -> Bool {
        let pending = keyframeMap.estimates(near: target, count: count)
        guard !pending.isEmpty else { return false }
        demuxerIsUntouched = false
        lookaheadPts = nil
        shownRange = nil
        dropQueuedPackets()
        let packet = Packet()
        var resolved: [(index: Int, pts: Int64)] = []
        for index in pending {
            try checkCancelled()
            let keyframe = keyframeMap.keyframes[index]
            do {
                try format.seek(stream: streamIndex, to: keyframe.seekTimestamp)
                while try format.read(into: packet) {
                    guard packet.streamIndex == streamIndex else { continue }
                    if packet.isKeyframe, let pts = packet.pts { resolved.append((index, pts)) }
                    break
                }
            } catch {
                if deadline.hasPassed { throw .timedOut }
            }
        }
        keyframeMap.resolve(resolved)
        return true
    }

    /// Starts decoding at `keyframe`: seeks to it (by byte position where the demuxer allows, which lands
    /// exactly), feeds the decoder from its packet on, and decodes it into `lookahead`; steps further back
    /// while a seek lands after it.
    private func start(at keyframe: KeyframeMap.Keyframe) throws(Failure) {
        let gate = keyframe.packetTime.map { StartGate.keyframeAtOrAfter($0) } ?? .anyKeyframe
        if !hasTimestamps {
            // Read again from the first byte, skipping packets up to the keyframe's own.
            try reopen()
            try reposition(gate: gate) { () throws(FFmpegError) in }
            return
        }
        if let position = keyframe.position, format.searchesTimestamps, format.canSeekToBytes {
            try reposition(gate: .keyframeAfter(keyframe.keyframesAfterPosition)) { () throws(FFmpegError) in try format.seek(toByte: position) }
            if lookaheadPts != nil && (lookaheadPts == keyframe.pts || !keyframe.exact) { return }
        }
        var seekTarget = keyframe.seekTimestamp
        var backoff = secondsToTicks(1)
        for _ in 0..<24 {
            if seekTarget <= startTimestamp { return try seekToStart(gate: gate) }
            try reposition(gate: gate) { () throws(FFmpegError) in try format.seek(stream: streamIndex, to: seekTarget) }
            if let pts = lookaheadPts, pts <= keyframe.pts || !keyframe.exact { return }
            seekTarget = seekTarget.saturatingSubtract(backoff)
            backoff = backoff.saturatingAdd(backoff)
        }
    }

    /// For the last request before a seek: feeds the decoder only the packets that the frames shown up to
    /// `target` need, then drains it, rather than decoding on until the frame after the target comes out
    /// (which, behind the decoder's reordering delay, costs a few more frames). Returns nil, having changed
    /// nothing, when the packets cannot tell (timestamps missing or out of order, the end of the file, too
    /// far to read ahead): the caller then decodes as usual. After a drain the decoder needs a seek, which
    /// is also what the caller does when no frame at the target came out of it.
    private func drain(through target: Int64) throws(Failure) -> Picture? {
        guard !inputEnded else { return nil }
        // Decode times only grow and presentation never precedes decoding: once a packet decoded after the
        // target is read, every frame shown up to the target has been read.
        while true {
            guard let newest = queued.last ?? pending else {
                guard let next = try readPacket() else { return nil }
                queued.append(next)
                continue
            }
            guard let dts = newest.dts else { return nil }
            if dts > target { break }
            guard queued.count < 64, let next = try readPacket() else { return nil }
            queued.append(next)
        }
        let sequence = (pending.map { [$0] } ?? []) + queued
        var previousDts = Int64.min
        for packet in sequence {
            guard let dts = packet.dts, let pts = packet.pts, pts >= dts, dts >= previousDts else { return nil }
            previousDts = dts
        }
        // Packets after the last one shown by the target are left out; the decoder is drained after the rest.
        let needed = (sequence.lastIndex { $0.pts! <= target } ?? -1) + 1
        for _ in needed..<sequence.count {
            if let packet = queued.popLast() {
                recycle(packet)
            } else if let packet = pending {
                recycle(packet)
                pending = nil
            }
        }
        demuxerEnded = true
        // Frames come out in presentation order: stop at the one on screen at the target.
        while !(shownRange?.contains(target) ?? false), try decodeNext() { try advance() }
        let answer: Picture?
        if let range = shownRange, range.contains(target) {
            answer = try picture(from: shown, pts: range.lowerBound)
        } else if let pts = lookaheadPts, pts <= target {
            answer = try picture(from: lookahead, pts: pts)
        } else {
            answer = nil
        }
        // Drained: whatever comes next starts with a seek.
        shownRange = nil
        shown.unref()
        lookaheadPts = nil
        lookahead.unref()
        return answer
    }

    /// The newest decoded frame as the answer to a window, if it is a keyframe on screen in the window.
    private func keyframeOnScreen(lower: Int64, upper: Int64) throws(Failure) -> Picture? {
        guard let pts = lookaheadPts, isKeyframe(lookahead, pts: pts), pts <= upper else { return nil }
        if pts >= lower { return try picture(from: lookahead, pts: pts) }
        // Presented before the window: on screen at its start if the next frame comes after it.
        guard try decodeNext() else {
            return pts.saturatingAdd(frameDuration(lookahead)) > lower ? try picture(from: lookahead, pts: pts) : nil
        }
        try advance()
        if let range = shownRange, range.lowerBound == pts, range.upperBound > lower { return try picture(from: shown, pts: pts) }
        return nil
    }

    /// Moves `lookahead` to `shown` (its interval now ends at the new frame) and `decoded` to `lookahead`.
    private func advance() throws(Failure) {
        // FFmpeg's best effort; else, for the first frame since decoding started at a keyframe packet (the
        // last picture of an MPEG-PS stream can come with a pts and no dts), that packet's time; else one
        // frame after the previous frame.
        let firstSinceStart = lookaheadPts == nil && shownRange == nil
        guard let newPts = decoded.bestEffortTimestamp ?? (firstSinceStart ? startPacketTime : nil) ?? lookaheadPts.map({ $0 + frameDuration(lookahead) }) else {
            // Nothing places the first frame after a seek on the timeline: the seek counts as failed, and
            // the caller starts earlier (from the start of the file, times follow from the frame durations).
            decoded.unref()
            return
        }
        if let pts = lookaheadPts, newPts > pts {
            shown.take(lookahead)
            shownRange = pts..<newPts
            lastFrameDuration = newPts - pts
        } else if let pts = lookaheadPts, newPts <= pts {
            // A frame that does not move time forward replaces the one with the same time.
            decoded.unref()
            return
        }
        lookahead.take(decoded)
        lookaheadPts = newPts
        lookaheadIsFirst = false
        noteKeyframe(lookahead, pts: newPts)
    }

    private func noteKeyframe(_ frame: Frame, pts: Int64) {
        guard frame.isKeyframe else { return }
        if let last = lastKeyframePts, pts > last {
            largestKeyframeGap = max(largestKeyframeGap ?? 0, pts - last)
        }
        lastKeyframePts = pts
    }

    private func frameDuration(_ frame: Frame) -> Int64 {
        frame.duration ?? lastFrameDuration
    }

    /// Whether seeking reaches `target` with less decoding than going forward from `position`:
    /// true when a keyframe lies after the current position and at or before the target.
    private func shouldSeek(from position: Int64, to target: Int64) throws(Failure) -> Bool {
        guard hasTimestamps else { return false }
        if indexIsComplete {
            // Reading the keyframes' packets moves the demuxer: then the decoder must seek in any case.
            if try resolveKeyframes(near: target, count: 1) { return true }
            return keyframeMap.start(for: target).keyframe.map { $0.pts > position } ?? false
        }
        if RequestPlan.keyframe(in: keyframes, delay: keyframeDelay, after: position, atOrBefore: target) { return true }
        // Keyframes missing from the index: the spacing seen so far says whether one surely lies between.
        guard let gap = largestKeyframeGap else { return target.saturatingSubtract(position) > secondsToTicks(10) }
        return target.saturatingSubtract(position) > gap.saturatingAdd(gap)
    }

    private func secondsToTicks(_ seconds: Int64) -> Int64 {
        av_rescale_q(seconds, AVRational(num: 1, den: 1), timeBase)
    }

    // MARK: Seeking

    /// Puts the demuxer before the first packet of the file: where it is when nothing has been read yet,
    /// else by a seek (to the first byte where timestamps are searched for, as in MPEG-TS), else — raw
    /// streams, and when asked because a seek went past the start — by opening the file again.
    private func rewind(reopening: Bool) throws(Failure) {
        if demuxerIsUntouched && !reopening { return }
        if reopening || !hasTimestamps { return try reopen() }
        demuxerIsUntouched = false
        dropQueuedPackets()
        do {
            if format.searchesTimestamps && format.canSeekToBytes {
                try format.seekToFirstByte()
            } else {
                try format.seekToStart(stream: streamIndex, first: startTimestamp)
            }
        } catch {
            try reopen()
        }
    }

    /// Opens the file again, for streams without timestamps: FFmpeg makes their times up as it reads, the
    /// same way each time from a new demuxer, differently after a seek.
    private func reopen() throws(Failure) {
        do {
            format = try asset.takeDemuxer()
        } catch {
            throw .decodeFailed("cannot read the file again (\(error.message))")
        }
        if let cancellation { format.stop(when: cancellation) }
        dropQueuedPackets()
        demuxerIsUntouched = true
    }

    /// Positions the decoder for an exact request: at the keyframe the map names for `target` when it knows
    /// it exactly (the last one presented at or before it), else at a seek point before it found by
    /// seeking and checking.
    private func startDecoding(for target: Int64) throws(Failure) {
        if indexIsComplete { try resolveKeyframes(near: target, count: 1) }
        if let keyframe = keyframeMap.start(for: target).keyframe, keyframe.exact {
            try start(at: keyframe)
            if let pts = lookaheadPts, pts <= target { return }
        }
        try seek(before: target)
    }

    /// Seeks to the last seek point at or before `target` and decodes its first frame into `lookahead`,
    /// stepping further back while that frame is still after `target`.
    private func seek(before target: Int64) throws(Failure) {
        var seekTarget = target
        var backoff = secondsToTicks(1)
        for _ in 0..<24 {
            let fromStart = !hasTimestamps || seekTarget <= (firstPts ?? startTimestamp)
            try seek(exactlyTo: fromStart ? nil : seekTarget)
            guard let pts = lookaheadPts else {
                if fromStart { throw .decodeFailed("no frame could be decoded") }
                seekTarget = seekTarget.saturatingSubtract(backoff)
                backoff = backoff.saturatingAdd(backoff)
                continue
            }
            if pts <= target || lookaheadIsFirst { return }
            seekTarget = min(seekTarget.saturatingSubtract(backoff), (firstDtsAfterSeek ?? seekTarget).saturatingSubtract(1))
            backoff = backoff.saturatingAdd(backoff)
        }
        try seek(exactlyTo: nil)
        if lookaheadPts == nil { throw .decodeFailed("no frame could be decoded") }
    }

    /// Seeks to the seek point at or before `timestamp` (the start of the file for nil) and decodes the
    /// first frame into `lookahead` (left empty at the end of the stream).
    private func seek(exactlyTo timestamp: Int64?) throws(Failure) {
        guard let timestamp else { return try seekToStart() }
        try reposition { () throws(FFmpegError) in
            do { try format.seek(stream: streamIndex, to: timestamp) } catch { try format.seekToStart(stream: streamIndex, first: startTimestamp) }
        }
    }

    /// Goes back to the first frame of the stream. Some demuxers (MPEG-TS) search timestamps and can land
    /// later than asked; then the file is read again from its first byte.
    private func seekToStart(gate: StartGate = .anyKeyframe) throws(Failure) {
        let startedFresh = demuxerIsUntouched
        try rewind(reopening: false)
        try reposition(gate: gate, fromStart: true) { () throws(FFmpegError) in }
        if hasTimestamps, !startedFresh, lookaheadPts.map({ $0 > (firstPts ?? startTimestamp) }) ?? true {
            // Sent to the start, the demuxer went past it (ASF, MPEG-TS), or found no keyframe: open the
            // file again.
            try rewind(reopening: true)
            try reposition(gate: gate, fromStart: true) { () throws(FFmpegError) in }
        }
        if lookaheadPts == nil, !keyFlagsMissing, statistics.packetsRead > 0 {
            // Not one packet flagged as a keyframe from the start to the end: the flags are missing, not the
            // keyframes. Decode from the start without the gate (the decoder's own flags still count).
            keyFlagsMissing = true
            try seekToStart()
            return
        }
        lookaheadIsFirst = lookaheadPts != nil
    }

    /// Moves the demuxer with `move`, resets the decoder and decodes the first frame into `lookahead`:
    /// the first frame of a keyframe packet at or after `keyframe` (any keyframe for nil), leading
    /// pictures skipped.
    private func reposition(gate: StartGate = .anyKeyframe, fromStart: Bool = false, _ move: () throws(FFmpegError) -> Void) throws(Failure) {
        demuxerIsUntouched = false
        do {
            try move()
        } catch {
            throw .decodeFailed("seeking failed (\(error.message))")
        }
        codec.flush()
        inputEnded = false
        decoderEnded = false
        dropQueuedPackets()
        readError = nil
        shownRange = nil
        shown.unref()
        lookahead.unref()
        lookaheadPts = nil
        firstDtsAfterSeek = nil
        awaitingKeyPacket = !keyFlagsMissing
        self.gate = gate
        fedTimes.removeAll(keepingCapacity: true)
        fedKeyFlags.removeAll(keepingCapacity: true)
        startedAtFileStart = fromStart
        startPacketTime = nil
        leadingBefore = nil
        dropsLeadingPictures = !fromStart
        cleanFrameSeen = false
        statistics.seeks += 1
        if try decodeNext() {
            try advance()
        }
        startedAt = lookaheadPts
        lookaheadIsFirst = false
    }

    // MARK: Decoding

    /// Decodes the next frame into `decoded`. Returns false at the end of the stream.
    private func decodeNext() throws(Failure) -> Bool {
        var failures = 0
        while true {
            try checkCancelled()
            if decoderEnded { return false }
            let output: CodecContext.Output
            do {
                output = try codec.receive(into: decoded)
            } catch {
                failures += 1
                if failures > 64 { throw .decodeFailed("the decoder keeps failing (\(error.message))") }
                continue
            }
            switch output {
            case .frame:
                statistics.framesDecoded += 1
                packetsWithoutFrame = 0
                if let first = leadingBefore, let pts = decoded.bestEffortTimestamp, pts < first {
                    decoded.unref()  // a leading picture of the keyframe decoding started at
                    continue
                }
                if decoded.isDamaged && !cleanFrameSeen {
                    decoded.unref()  // built on references from before the seek
                    continue
                }
                cleanFrameSeen = true
                let (width, height) = (Int(decoded.width), Int(decoded.height))
                if width.multipliedReportingOverflow(by: height).overflow || width * height > maximumPixels {
                    decoded.unref()
                    throw .tooLarge(PixelSize(width: width, height: height))
                }
                return true
            case .endOfStream:
                decoderEnded = true
                return false
            case .needsInput:
                if inputEnded {
                    decoderEnded = true
                    return false
                }
                try feed(failures: &failures)
            }
        }
    }

    /// Sends the decoder its next packet of our stream, or the end of the stream.
    private func feed(failures: inout Int) throws(Failure) {
        if pending == nil {
            guard let next = try nextPacket() else {
                _ = try? codec.send(nil)
                inputEnded = true
                return
            }
            if awaitingKeyPacket {
                guard next.isKeyframe, passesGate(next) else {
                    recycle(next)
                    return
                }
                awaitingKeyPacket = false
                startPacketTime = next.pts
                leadingBefore = dropsLeadingPictures ? next.pts : nil
            }
            // Frames nothing refers to, and that are not on screen at the target, need not be decoded.
            codec.skipFrame = try isHiddenBeforeTarget(next) ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
            pending = next
        }
        guard let packet = pending else { return }
        let accepted: Bool
        do {
            accepted = try codec.send(packet)
        } catch {
            // A damaged packet: drop it; the decoder recovers at the next keyframe.
            failures += 1
            if failures > 64 { throw .decodeFailed("the decoder keeps rejecting the data (\(error.message))") }
            accepted = true
        }
        if accepted {
            if let pts = packet.pts {
                fedKeyFlags[pts] = packet.isKeyframe
                if codec.skipFrame == AVDISCARD_DEFAULT, !packet.isDiscarded { fedTimes.append(pts) }
            }
            recycle(packet)
            pending = nil
        }
    }

    /// Whether a keyframe packet is the one decoding is to start at (counting it, for `keyframeAfter`).
    private func passesGate(_ packet: Packet) -> Bool {
        switch gate {
        case .anyKeyframe: return true
        case .keyframeAtOrAfter(let time): return (packet.pts ?? packet.dts).map { $0 >= time } ?? false
        case .keyframeAfter(let count):
            if count == 0 { return true }
            gate = .keyframeAfter(count - 1)
            return false
        }
    }

    /// Whether a later frame, still at or before the target, replaces `packet`'s frame on screen. Such a
    /// frame is decoded only if others depend on it (the decoder's `AVDISCARD_NONREF` tells them apart).
    /// Decode times only grow and presentation never precedes decoding, so reading ahead until a decode
    /// time passes the target finds every frame shown up to it.
    private func isHiddenBeforeTarget(_ packet: Packet) throws(Failure) -> Bool {
        guard let target = skipTarget, let pts = packet.pts, pts < target, !packet.isKeyframe else { return false }
        var index = 0
        while true {
            if index < queued.count {
                if let later = queued[index].pts, later > pts, later <= target { return true }
                index += 1
                continue
            }
            let newest = queued.last ?? packet
            guard queued.count < 64, (newest.dts ?? newest.pts ?? Int64.min) <= target, let next = try readPacket() else {
                return false
            }
            queued.append(next)
        }
    }

    /// The next packet of our stream: read ahead earlier, or from the demuxer. Nil at the end.
    private func nextPacket() throws(Failure) -> Packet? {
        queued.isEmpty ? try readPacket() : queued.removeFirst()
    }

    /// Reads the next packet of our stream from the demuxer. Nil at the end of the file (or at a read
    /// error, which is remembered: everything before it is still used).
    private func readPacket() throws(Failure) -> Packet? {
        demuxerIsUntouched = false
        if demuxerEnded { return nil }
        let packet = spare.popLast() ?? Packet()
        while true {
            try checkCancelled()
            let more: Bool
            do {
                more = try format.read(into: packet)
            } catch {
                if deadline.hasPassed {
                    recycle(packet)
                    throw .timedOut
                }
                readError = error
                more = false
            }
            if !more {
                demuxerEnded = true
                recycle(packet)
                return nil
            }
            guard packet.streamIndex == streamIndex else { continue }
            statistics.packetsRead += 1
            packetsWithoutFrame += 1
            if packetsWithoutFrame > Self.packetsWithoutProgressLimit {
                recycle(packet)
                throw .decodeFailed("no picture came out of \(Self.packetsWithoutProgressLimit) packets in a row (no keyframe, or undecodable data)")
            }
            if firstDtsAfterSeek == nil { firstDtsAfterSeek = packet.dts ?? packet.pts }
            if packet.isKeyframe, let pts = packet.pts, let dts = packet.dts, pts > dts {
                keyframeDelay = max(keyframeDelay, pts - dts)
            }
            return packet
        }
    }

    private func recycle(_ packet: Packet) {
        packet.unref()
        spare.append(packet)
    }

    /// Forgets packets read ahead (after a seek).
    private func dropQueuedPackets() {
        for packet in queued { recycle(packet) }
        queued.removeAll()
        if let pending { recycle(pending) }
        pending = nil
        demuxerEnded = false
    }

    private func checkCancelled() throws(Failure) {
        if isCancelled() { throw .cancelled }
        if deadline.hasPassed { throw .timedOut }
    }

    // MARK: Conversion

    private func picture(from frame: Frame, pts: Int64) throws(Failure) -> Picture {
        if let last = lastPicture, last.pts == pts { return last }
        if frame.isDamaged {
            throw .decodeFailed("the frame at \(time(forTick: pts).decimalSeconds)s is damaged (the decoder reported errors in it)")
        }
        let encoded = PixelSize(width: Int(frame.width), height: Int(frame.height))
        let sar = format.sampleAspectRatio(stream: track.streamIndex, frame: frame)
        let orientation = settings.appliesOrientation ? track.orientation : .identity
        let shown = Geometry.displaySize(encoded: encoded, sampleAspectRatio: sar,
                                         aperture: settings.aperture, orientation: orientation)
        let final = Geometry.fit(shown, inside: settings.maximumSize)
        let scaled = orientation.swapsDimensions ? PixelSize(width: final.height, height: final.width) : final
        let image: FrameImage
        do {
            image = orientation.apply(to: try convert(frame, to: scaled))
        } catch {
            throw .decodeFailed("cannot convert the frame (\(error.message))")
        }
        statistics.imagesConverted += 1
        let picture = Picture(image: image, pts: pts, isKeyframe: isKeyframe(frame, pts: pts))
        lastPicture = picture
        return picture
    }

    /// The frame as RGB(A) at `size`, before orientation: alpha kept when the format has it, deinterlaced
    /// when the frame says it is interlaced (its first field, scaled to full height), HDR tone-mapped or
    /// kept as the policy says.
    private func convert(_ frame: Frame, to size: PixelSize) throws(FFmpegError) -> FrameImage {
        let alpha = Scaler.hasAlpha(frame.pixelFormat)
        let colour = ColourProperties(frame: frame)
        let field: Int? = settings.deinterlaces && frame.isInterlaced ? (frame.pointer.pointee.top_field_first != 0 ? 0 : 1) : nil
        let wide: FrameImage.PixelFormat = alpha ? .rgba16 : .rgb16
        guard let transfer = colour.hdrTransfer else {
            let format = settings.depth == .sixteen ? wide : (alpha ? .rgba8 : .rgb8)
            return try scaler.convert(frame, width: size.width, height: size.height, format: format, field: field)
        }
        let signal = try scaler.convert(frame, width: size.width, height: size.height, format: wide, field: field)
        switch settings.hdr {
        case .keep:
            var kept = signal
            kept.codePoints = CodingIndependentCodePoints(colourPrimaries: UInt8(clamping: frame.pointer.pointee.color_primaries.rawValue),
                                                          transferCharacteristics: transfer.codePoint)
            if kept.codePoints?.colourPrimaries == 2 { kept.codePoints?.colourPrimaries = 9 }  // unspecified: BT.2020
            return kept
        case .toneMap:
            return ToneMapping.apply(to: signal, transfer: transfer, wideGamut: colour.wideGamut,
                                     peak: fg_frame_peak_luminance(frame.pointer), depth: settings.depth)
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
