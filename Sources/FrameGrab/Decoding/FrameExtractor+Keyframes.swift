/// Window requests: which keyframe is nearest the target, from the keyframe map (read from the index, or
/// from the packets around the target), and decoding started exactly at it.
extension FrameExtractor {
    /// A keyframe shown inside the window, if there is one; nil means "go exact".
    ///
    /// A keyframe counts when it is on screen at some instant of the window: presented inside it, or
    /// presented before it and still shown at its start. The keyframe map says which are nearest
    /// (`KeyframeMap.candidates`), reading packets around the target first where the container's index
    /// does not list them all; decoding then starts exactly at the chosen one.
    func keyframe(near target: Int64, lower: Int64, upper: Int64) throws(Failure) -> Picture? {
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
    func isKeyframe(_ frame: Frame, pts: Int64) -> Bool {
        if keyframeMap.isKeyframe(at: pts) { return true }
        // The demuxer's flag on the frame's packet, when known, wins: decoders of delta-coded animations
        // (FLIC, APNG) flag every frame.
        return fedKeyFlags[pts] ?? frame.isKeyframe
    }

    /// Reads packets of the stream (decoding nothing) from a keyframe presented at or before `start` up to
    /// the first keyframe presented after it, or past `limit`, or the end, and records in the map every
    /// keyframe met on the way. Leaves the decoder without a position: what follows seeks.
    func scanKeyframes(around target: Int64, from start: Int64, through limit: Int64) throws(Failure) {
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
    func resolveKeyframes(near target: Int64, count: Int = 3) throws(Failure) -> Bool {
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
    func start(at keyframe: KeyframeMap.Keyframe) throws(Failure) {
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

    /// The newest decoded frame as the answer to a window, if it is a keyframe on screen in the window.
    func keyframeOnScreen(lower: Int64, upper: Int64) throws(Failure) -> Picture? {
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
}

/// Window requests where frame times are counted (raw streams, `FrameTiming.counted`): packets carry no
/// times to find keyframes by, so frames are decoded in order, from the start of the file when the
/// decoder is already past the window, and the keyframe on screen in the window nearest to the target is
/// kept as it goes by.
extension FrameExtractor {
    func countedKeyframe(near target: Int64, lower: Int64, upper: Int64) throws(Failure) -> Picture? {
        let position = shownRange?.lowerBound ?? lookaheadPts
        if position.map({ $0 > lower }) ?? true { try seekToStart() }
        var best: (picture: Picture, distance: UInt64)?
        func consider(_ frame: Frame, shown range: Range<Int64>) throws(Failure) {
            guard frame.isKeyframe, range.upperBound > lower, range.lowerBound <= upper else { return }
            let distance = max(range.lowerBound, lower).saturatingSubtract(target).magnitude
            if best.map({ distance < $0.distance }) ?? true { best = (try picture(from: frame, pts: range.lowerBound), distance) }
        }
        if let range = shownRange { try consider(shown, shown: range) }
        while let pts = lookaheadPts, pts <= upper {
            // Frames from here on are presented later and later: none can be nearer than the best so far.
            if let best, pts > target, pts.saturatingSubtract(target).magnitude >= best.distance { break }
            try checkCancelled()
            guard try decodeNext() else {
                try consider(lookahead, shown: pts..<pts.saturatingAdd(frameDuration(lookahead)))
                break
            }
            try advance()
            if let range = shownRange { try consider(shown, shown: range) }
        }
        return best?.picture
    }
}
