/// Where decoding starts: whether to seek, verified seeks to a keyframe at or before a target, the
/// rewind to the start of the file, and the reset that follows every move.
extension FrameExtractor {
    /// Whether seeking reaches `target` with less decoding than going forward from `position`:
    /// true when a keyframe lies after the current position and at or before the target.
    func shouldSeek(from position: Int64, to target: Int64) throws(Failure) -> Bool {
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

    func secondsToTicks(_ seconds: Int64) -> Int64 {
        MediaTime(value: seconds, timescale: 1).ticks(in: timeBase)
    }

    /// Puts the demuxer before the first packet of the file: where it is when nothing has been read yet,
    /// else by a seek (to the first byte where timestamps are searched for, as in MPEG-TS), else — raw
    /// streams, and when asked because a seek went past the start — by opening the file again.
    func rewind(reopening: Bool) throws(Failure) {
        if demuxerIsUntouched && !reopening { return }
        if reopening || !hasTimestamps { return try reopen() }
        demuxerIsUntouched = false
        dropQueuedPackets()
        do {
            try format.rewind(stream: streamIndex, first: startTimestamp)
        } catch {
            try reopen()
        }
    }

    /// Opens the file again, for streams without timestamps: FFmpeg makes their times up as it reads, the
    /// same way each time from a new demuxer, differently after a seek.
    func reopen() throws(Failure) {
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
    func startDecoding(for target: Int64) throws(Failure) {
        if indexIsComplete { try resolveKeyframes(near: target, count: 1) }
        if let keyframe = keyframeMap.start(for: target).keyframe, keyframe.exact {
            try start(at: keyframe)
            if let pts = lookaheadPts, pts <= target { return }
        }
        try seek(before: target)
    }

    /// Seeks to the last seek point at or before `target` and decodes its first frame into `lookahead`,
    /// stepping further back while that frame is still after `target`.
    func seek(before target: Int64) throws(Failure) {
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
    func seek(exactlyTo timestamp: Int64?) throws(Failure) {
        guard let timestamp else { return try seekToStart() }
        try reposition { () throws(FFmpegError) in
            do { try format.seek(stream: streamIndex, to: timestamp) } catch { try format.seekToStart(stream: streamIndex, first: startTimestamp) }
        }
    }

    /// Goes back to the first frame of the stream. Some demuxers (MPEG-TS) search timestamps and can land
    /// later than asked; then the file is read again from its first byte.
    func seekToStart(gate: StartGate = .anyKeyframe) throws(Failure) {
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
    /// the first frame of the keyframe packet `gate` names, leading pictures skipped unless `fromStart`.
    func reposition(gate: StartGate = .anyKeyframe, fromStart: Bool = false, _ move: () throws(FFmpegError) -> Void) throws(Failure) {
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
        decodeOrderSlots.removeAll(keepingCapacity: true)
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
}
