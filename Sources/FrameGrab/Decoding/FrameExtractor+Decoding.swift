/// The decode loop itself: packets read ahead and gated, frames taken from the decoder and placed on
/// the timeline, the drain of the last request before a seek.
extension FrameExtractor {
    /// For the last request before a seek: feeds the decoder only the packets that the frames shown up to
    /// `target` need, then drains it, rather than decoding on until the frame after the target comes out
    /// (which, behind the decoder's reordering delay, costs a few more frames). Returns nil, having changed
    /// nothing, when the packets cannot tell (timestamps missing or out of order, the end of the file, too
    /// far to read ahead): the caller then decodes as usual. After a drain the decoder needs a seek, which
    /// is also what the caller does when no frame at the target came out of it.
    func drain(through target: Int64) throws(Failure) -> Picture? {
        // (Packet times say which frames are shown by the target only where they are presentation times.)
        guard !inputEnded, timing == .presentationTimestamps else { return nil }
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

    /// Moves `lookahead` to `shown` (its interval now ends at the new frame) and `decoded` to `lookahead`.
    func advance() throws(Failure) {
        // FFmpeg's best effort; else, for the first frame since decoding started at a keyframe packet (the
        // last picture of an MPEG-PS stream can come with a pts and no dts), that packet's time; else one
        // frame after the previous frame.
        let firstSinceStart = lookaheadPts == nil && shownRange == nil
        let next = lookaheadPts.map { $0 + frameDuration(lookahead) }
        let placed: Int64?
        switch timing {
        case .presentationTimestamps: placed = decoded.bestEffortTimestamp ?? (firstSinceStart ? startPacketTime : nil) ?? next
        case .decodeOrder: placed = decodeOrderSlots.isEmpty ? next : decodeOrderSlots.removeFirst()
        case .counted: placed = firstSinceStart ? (startedAtFileStart ? firstPts ?? origin : nil) : next
        }
        guard let newPts = placed else {
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

    func noteKeyframe(_ frame: Frame, pts: Int64) {
        guard frame.isKeyframe else { return }
        if let last = lastKeyframePts, pts > last {
            largestKeyframeGap = max(largestKeyframeGap ?? 0, pts - last)
        }
        lastKeyframePts = pts
    }

    func frameDuration(_ frame: Frame) -> Int64 {
        if timing == .counted { return nominalFrameDuration * (2 + frame.repeatedHalfPeriods) / 2 }
        return frame.duration ?? lastFrameDuration
    }

    /// Decodes the next frame into `decoded`. Returns false at the end of the stream.
    func decodeNext() throws(Failure) -> Bool {
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
    func feed(failures: inout Int) throws(Failure) {
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
            // (Only where frames carry their own times: elsewhere a frame's time is its place in the order.)
            codec.skipsUnreferencedFrames = timing == .presentationTimestamps ? try isHiddenBeforeTarget(next) : false
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
            if let pts = packet.pts, !packet.isDiscarded {
                switch timing {
                case .presentationTimestamps:
                    fedKeyFlags[pts] = packet.isKeyframe
                    if !codec.skipsUnreferencedFrames, codec.showsPicture(packet) { fedTimes.append(pts) }
                case .decodeOrder:
                    fedKeyFlags[pts] = packet.isKeyframe
                    decodeOrderSlots.append(pts)
                case .counted:
                    break  // (made-up times)
                }
            }
            recycle(packet)
            pending = nil
        }
    }

    /// Whether a keyframe packet is the one decoding is to start at (counting it, for `keyframeAfter`).
    func passesGate(_ packet: Packet) -> Bool {
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
    /// frame is decoded only if others depend on it (the decoder tells them apart: `skipsUnreferencedFrames`).
    /// Decode times only grow and presentation never precedes decoding, so reading ahead until a decode
    /// time passes the target finds every frame shown up to it.
    func isHiddenBeforeTarget(_ packet: Packet) throws(Failure) -> Bool {
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
    func nextPacket() throws(Failure) -> Packet? {
        queued.isEmpty ? try readPacket() : queued.removeFirst()
    }

    /// Reads the next packet of our stream from the demuxer. Nil at the end of the file (or at a read
    /// error, which is remembered: everything before it is still used).
    func readPacket() throws(Failure) -> Packet? {
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

    func recycle(_ packet: Packet) {
        packet.unref()
        spare.append(packet)
    }

    /// Forgets packets read ahead (after a seek).
    func dropQueuedPackets() {
        for packet in queued { recycle(packet) }
        queued.removeAll()
        if let pending { recycle(pending) }
        pending = nil
        demuxerEnded = false
    }

    func checkCancelled() throws(Failure) {
        if isCancelled() { throw .cancelled }
        if deadline.hasPassed { throw .timedOut }
    }
}
