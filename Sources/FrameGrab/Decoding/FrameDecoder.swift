/// The decoder of one stream and the two frames it keeps: `shown`, whose display interval `shownRange` is
/// known because the frame after it has been decoded, and `lookahead`, the newest frame. It takes packets
/// from its `PacketReader`, lets through only what makes trustworthy pictures after a move (the start
/// gate), places each frame on the timeline (`FrameClock`), and skips frames a target does not need.
///
/// Its position is that of the latest `position(...)`: after any other move of the reader (a keyframe
/// scan), it has none until positioned again.
final class FrameDecoder {
    let reader: PacketReader
    private let codec: CodecContext
    private let decoded = Frame()
    private let newest = Frame()
    private let previous = Frame()
    private var newestPts: Int64?
    private var previousRange: Range<Int64>?
    private var clock: FrameClock
    /// What holds since the decoder was last positioned.
    private var since = Positioning(gate: .anyKeyframe, awaitsKeyPacket: false, fromStart: true)
    /// The reader's move count when the decoder was positioned.
    private var positionedAt = -1
    /// Set when the stream's packets turn out to carry no keyframe flags at all: the gate stays open.
    private var keyFlagsMissing = false
    /// While approaching an exact target: frames hidden before it may be skipped.
    var skipTarget: Int64?
    private(set) var framesDecoded = 0
    private(set) var positionings = 0
    /// The keyframes decoded so far, as far as their spacing goes.
    private(set) var keyframeSpacing = KeyframeSpacing()
    private let maximumPixels: Int

    /// Packets read in a row without the decoder giving out a frame, before a request gives up: a file whose
    /// frames never decode (no keyframe, broken data) is not read forever.
    static let packetsWithoutProgressLimit = 20_000

    init(reader: PacketReader, codec: CodecContext, clock: FrameClock, maximumPixels: Int) {
        self.reader = reader
        self.codec = codec
        self.clock = clock
        self.maximumPixels = maximumPixels
    }

    /// Where decoding starts after a move: the keyframe packet it must begin with.
    enum StartGate {
        case anyKeyframe
        /// The first keyframe packet whose time (pts, else dts) is at least this.
        case keyframeAtOrAfter(Int64)
        /// The keyframe packet after this many others.
        case keyframeAfter(Int)
    }

    /// What holds since the decoder was positioned, replaced as a whole at each positioning.
    private struct Positioning {
        var gate: StartGate
        /// Packets are not fed until a keyframe packet arrives (the one `gate` names): decoding from
        /// anything else gives pictures built on references the decoder never saw.
        var awaitsKeyPacket: Bool
        /// Decoding started at the start of the file.
        let fromStart: Bool
        var inputEnded = false
        var outputEnded = false
        /// Time of the keyframe packet decoding started at.
        var startPacketTime: Int64?
        /// After a move, the presentation time of that keyframe: frames presented before it are its
        /// leading pictures (open GOP: MPEG-2 B-frames, HEVC RASL), which may need the GOP before, and are
        /// never the answer to a request that starts there. (At the start of the file there is no GOP
        /// before: FFmpeg shows the leading pictures it can decode, and so does framegrab.)
        var leadingBefore: Int64?
        /// Whether a frame without error flags came out: until then, frames the decoder flags (references
        /// missing, as after a seek) are dropped; afterwards they are damage.
        var cleanFrameSeen = false
        /// Presentation times of the packets given to the decoder (to be decoded and shown, not skipped).
        var fedTimes: [Int64] = []
        /// The keyframe flags of the packets given to the decoder, by presentation time.
        var fedKeyFlags: [Int64: Bool] = [:]
        /// Only the keyframe packet of the gate is decoded: the decoder is drained right after it, so that
        /// it gives the keyframe out at once instead of after the frames its reordering holds back.
        var keyframeAlone = false
        /// The first frame placed since.
        var firstPts: Int64?
        /// Where each keyframe decoded since stops being shown (the next frame's time), by its time.
        var keyframeEnds: [Int64: Int64] = [:]
        var packetsWithoutFrame = 0
    }

    private var isPositioned: Bool { positionedAt == reader.moves }

    // MARK: The two frames

    /// The newest decoded frame's presentation time; nil without a position.
    var lookaheadPts: Int64? { isPositioned ? newestPts : nil }
    /// The display interval of the frame before it; nil without a position.
    var shownRange: Range<Int64>? { isPositioned ? previousRange : nil }
    var lookahead: Frame { newest }
    var shown: Frame { previous }

    /// Whether the newest frame is the first of the file (decoding started there, nothing after it yet).
    var lookaheadIsFirst: Bool {
        isPositioned && since.fromStart && previousRange == nil && newestPts != nil && newestPts == since.firstPts
    }

    /// Whether decoding started at the start of the file.
    var startedAtFileStart: Bool { since.fromStart }

    /// The first frame decoded since the decoder was positioned.
    var startedAt: Int64? { since.firstPts }

    /// Whether every packet is read and every frame out.
    var isAtEnd: Bool { since.outputEnded }

    /// How long `frame` is shown, when nothing after it says.
    func duration(of frame: Frame) -> Int64 { clock.duration(of: frame) }

    /// Where the keyframe presented at `pts` stops being shown, when it was decoded since the decoder was
    /// positioned and the frame after it too.
    func displayEnd(ofKeyframeAt pts: Int64) -> Int64? { since.keyframeEnds[pts] }

    /// Whether the packet of the frame presented at `pts` was flagged as a keyframe, when known.
    func packetWasKeyframe(at pts: Int64) -> Bool? { since.fedKeyFlags[pts] }

    /// The newest frame was the last of the stream: it becomes the shown one, for its own duration.
    func showLast() {
        guard let pts = newestPts else { return }
        previous.take(newest)
        previousRange = pts..<pts.saturatingAdd(clock.duration(of: previous))
        newestPts = nil
    }

    /// Forgets both frames (after a drain, and at every positioning): whatever comes next positions the
    /// decoder again.
    func forgetFrames() {
        previousRange = nil
        previous.unref()
        newestPts = nil
        newest.unref()
        positionedAt = -1
    }

    // MARK: Positioning

    /// Where `position(at:gate:)` moves the reader.
    enum Move {
        /// The start of the file (`PacketReader.toStart`), opening the file again when asked.
        case start(reopening: Bool = false)
        /// The seek point at or before a timestamp.
        case seek(Int64)
        /// A packet's byte position.
        case byte(Int64)
    }

    /// Moves the reader, resets the decoder and decodes the first frame into `lookahead`: the first frame
    /// of the keyframe packet `gate` names, its leading pictures dropped unless decoding starts at the
    /// start of the file. `keyframeAlone`: that keyframe is all that is wanted (a window's answer): the
    /// decoder gets its packet and is drained, and has no position once it has given it out.
    func position(at move: Move, gate: StartGate = .anyKeyframe, keyframeAlone: Bool = false) throws(DecodeFailure) {
        let fromStart: Bool
        switch move {
        case .start(let reopening):
            try reader.toStart(reopening: reopening)
            fromStart = true
        case .seek(let timestamp):
            try reader.seek(to: timestamp)
            fromStart = false
        case .byte(let position):
            try reader.seek(toByte: position)
            fromStart = false
        }
        codec.flush()
        clock.reset()
        forgetFrames()
        since = Positioning(gate: gate, awaitsKeyPacket: !keyFlagsMissing, fromStart: fromStart)
        since.keyframeAlone = keyframeAlone && !keyFlagsMissing
        positionedAt = reader.moves
        positionings += 1
        if try decodeNext() { try advance() }
        since.firstPts = newestPts
        if fromStart, newestPts == nil, !keyFlagsMissing, reader.packetsRead > 0 {
            // Not one packet flagged as a keyframe from the start to the end: the flags are missing, not
            // the keyframes. Decode from the start without the gate (the decoder's own flags still count).
            keyFlagsMissing = true
            try position(at: .start(), gate: gate, keyframeAlone: keyframeAlone)
        }
    }

    // MARK: Decoding

    /// Decodes the next frame into `decoded`. Returns false at the end of the stream.
    func decodeNext() throws(DecodeFailure) -> Bool {
        var failures = 0
        while true {
            try reader.checkStop()
            if since.outputEnded { return false }
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
                framesDecoded += 1
                since.packetsWithoutFrame = 0
                if clock.packetTimesArePresentationTimes, let first = since.leadingBefore, let pts = decoded.bestEffortTimestamp, pts < first {
                    decoded.unref()  // a leading picture of the keyframe decoding started at
                    continue
                }
                if decoded.isDamaged && !since.cleanFrameSeen {
                    decoded.unref()  // built on references from before the move
                    continue
                }
                since.cleanFrameSeen = true
                let (width, height) = (Int(decoded.width), Int(decoded.height))
                if width.multipliedReportingOverflow(by: height).overflow || width * height > maximumPixels {
                    decoded.unref()
                    throw .tooLarge(PixelSize(width: width, height: height))
                }
                return true
            case .endOfStream:
                return endOfOutput()
            case .needsInput:
                if since.inputEnded { return endOfOutput() }
                try feed(failures: &failures)
            }
        }
    }

    /// Nothing more comes out. After a decode of one keyframe alone that is not the end of the stream: the
    /// decoder has no position any more, and whatever comes next positions it again.
    private func endOfOutput() -> Bool {
        since.outputEnded = true
        if since.keyframeAlone { positionedAt = -1 }
        return false
    }

    /// Moves `lookahead` to `shown` (its interval now ends at the new frame) and `decoded` to `lookahead`.
    func advance() throws(DecodeFailure) {
        let before = newestPts.map { (frame: newest, pts: $0) }
        guard let pts = clock.time(of: decoded, after: before, startPacketTime: since.startPacketTime, fromStart: since.fromStart) else {
            // Nothing places the first frame after a move on the timeline: the move counts as failed, and
            // the caller starts earlier (from the start of the file, times follow from the frame durations).
            decoded.unref()
            return
        }
        if let last = newestPts {
            // A frame that does not move time forward is dropped: the one with that time stays.
            guard pts > last else {
                decoded.unref()
                return
            }
            if newest.isKeyframe { since.keyframeEnds[last] = pts }
            previous.take(newest)
            previousRange = last..<pts
            clock.observe(interval: pts - last)
        }
        newest.take(decoded)
        newestPts = pts
        if newest.isKeyframe { keyframeSpacing.note(pts) }
    }

    /// Sends the decoder its next packet, or the end of the stream.
    private func feed(failures: inout Int) throws(DecodeFailure) {
        guard let packet = try reader.next() else {
            _ = try? codec.send(nil)
            since.inputEnded = true
            return
        }
        since.packetsWithoutFrame += 1
        if since.packetsWithoutFrame > Self.packetsWithoutProgressLimit {
            reader.recycle(packet)
            throw .decodeFailed("no picture came out of \(Self.packetsWithoutProgressLimit) packets in a row (no keyframe, or undecodable data)")
        }
        if since.awaitsKeyPacket {
            guard packet.isKeyframe, passesGate(packet) else {
                reader.recycle(packet)
                return
            }
            since.awaitsKeyPacket = false
            since.startPacketTime = packet.pts
            since.leadingBefore = since.fromStart ? nil : packet.pts
        }
        // Frames nothing refers to, and that are not on screen at the target, need not be decoded (only
        // where frames carry their own times: elsewhere a frame's time is its place in the order).
        codec.skipsUnreferencedFrames = clock.packetTimesArePresentationTimes ? try isHiddenBeforeTarget(packet) : false
        let accepted: Bool
        do {
            accepted = try codec.send(packet)
        } catch {
            // A damaged packet: dropped; the decoder recovers at the next keyframe.
            failures += 1
            if failures > 64 { throw .decodeFailed("the decoder keeps rejecting the data (\(error.message))") }
            accepted = true
        }
        guard accepted else {
            // The decoder must give out frames first: the packet goes again next time.
            since.packetsWithoutFrame -= 1
            reader.unread(packet)
            return
        }
        if since.keyframeAlone, !since.inputEnded {
            // The keyframe is in: the end of the stream makes the decoder give it out now.
            _ = try? codec.send(nil)
            since.inputEnded = true
        }
        if let pts = packet.pts, !packet.isDiscarded {
            clock.fed(time: pts)
            if clock.timing != .counted { since.fedKeyFlags[pts] = packet.isKeyframe }
            if clock.packetTimesArePresentationTimes, !codec.skipsUnreferencedFrames, codec.showsPicture(packet) {
                since.fedTimes.append(pts)
            }
        }
        reader.recycle(packet)
    }

    /// Whether a keyframe packet is the one decoding is to start at (counting it, for `keyframeAfter`).
    private func passesGate(_ packet: Packet) -> Bool {
        switch since.gate {
        case .anyKeyframe: return true
        case .keyframeAtOrAfter(let time): return (packet.pts ?? packet.dts).map { $0 >= time } ?? false
        case .keyframeAfter(let count):
            if count == 0 { return true }
            since.gate = .keyframeAfter(count - 1)
            return false
        }
    }

    /// Whether a later frame, still at or before the target, replaces `packet`'s frame on screen. Such a
    /// frame is decoded only if others depend on it (the decoder tells them apart: `skipsUnreferencedFrames`).
    /// Decode times only grow and presentation never precedes decoding, so reading ahead until a decode
    /// time passes the target finds every frame shown up to it.
    private func isHiddenBeforeTarget(_ packet: Packet) throws(DecodeFailure) -> Bool {
        guard let target = skipTarget, let pts = packet.pts, pts < target, !packet.isKeyframe else { return false }
        var index = 0
        while true {
            if index < reader.aheadCount, let later = try reader.peek(index) {
                if let time = later.pts, time > pts, time <= target { return true }
                index += 1
                continue
            }
            let last = index == 0 ? packet : try reader.peek(index - 1) ?? packet
            guard index < 64, (last.dts ?? last.pts ?? Int64.min) <= target, try reader.peek(index) != nil else { return false }
        }
    }

    /// Throws `framesMissing` when a packet given to the decoder since it was positioned, presented after
    /// `shown` and at or before `target`, gave no frame.
    func checkNothingMissing(after shown: Int64, through target: Int64) throws(DecodeFailure) {
        if let missing = since.fedTimes.first(where: { $0 > shown && $0 <= target }) { throw .framesMissing(missing) }
    }

    // MARK: Draining

    /// What `drain(through:)` did.
    enum Drain {
        /// Nothing: the packets cannot tell (timestamps missing or out of order, not presentation times,
        /// the end of the file, too far to read ahead); decode as usual.
        case notPossible
        /// Drained: the frame on screen at the target and its time, if one came out. Once the caller is
        /// done with the frame, it calls `forgetFrames()`: the decoder has no position afterwards.
        case drained((frame: Frame, pts: Int64)?)
    }

    /// For the last request before a move: feeds the decoder only the packets that the frames shown up to
    /// `target` need, then drains it, rather than decoding on until the frame after the target comes out
    /// (which, behind the decoder's reordering delay, costs a few more frames).
    func drain(through target: Int64) throws(DecodeFailure) -> Drain {
        guard !since.inputEnded, clock.packetTimesArePresentationTimes else { return .notPossible }
        // Decode times only grow and presentation never precedes decoding: once a packet decoded after the
        // target is read, every frame shown up to the target has been read.
        var count = 0
        while true {
            guard let packet = try reader.peek(count) else { return .notPossible }
            count += 1
            guard let dts = packet.dts else { return .notPossible }
            if dts > target { break }
            if count >= 64 { return .notPossible }
        }
        var previousDts = Int64.min
        var needed = 0
        for index in 0..<count {
            guard let packet = try reader.peek(index), let dts = packet.dts, let pts = packet.pts, pts >= dts, dts >= previousDts else {
                return .notPossible
            }
            previousDts = dts
            if pts <= target { needed = index + 1 }
        }
        // Packets after the last one shown by the target are left out; the decoder is drained after the rest.
        reader.endHere(keeping: needed)
        // Frames come out in presentation order: stop at the one on screen at the target.
        while !(previousRange?.contains(target) ?? false), try decodeNext() { try advance() }
        if let range = previousRange, range.contains(target) { return .drained((previous, range.lowerBound)) }
        if let pts = newestPts, pts <= target { return .drained((newest, pts)) }
        forgetFrames()
        return .drained(nil)
    }
}

/// How far apart the keyframes decoded so far are: where the container's index does not list them all,
/// the spacing says whether a keyframe surely lies between two times.
struct KeyframeSpacing {
    private(set) var largestGap: Int64?
    private var last: Int64?

    mutating func note(_ pts: Int64) {
        if let last, pts > last { largestGap = max(largestGap ?? 0, pts - last) }
        last = pts
    }
}
