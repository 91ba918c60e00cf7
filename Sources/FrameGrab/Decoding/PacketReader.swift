/// The packets of one stream, in decode order, from the demuxer it owns: read ahead on demand, handed
/// out once, recycled. Every move of the demuxer goes through it (a seek to a time or a byte, the start
/// of the file, opening the file again), and after a move it holds nothing read before.
final class PacketReader {
    /// Where the stream starts, as every part of the decoder counts it.
    let start: StreamStart
    private var format: FormatContext
    private let asset: MediaAsset
    private let stream: Int32
    private let cancellation: CancellationFlag?
    private let stop: StopCheck
    /// Packets read ahead of the decoder, in decode order, and empty ones to reuse.
    private var ahead: [Packet] = []
    private var spare: [Packet] = []
    /// No packet is left to hand out: the end of the file, a read error, or `endHere(keeping:)`.
    private(set) var ended = false
    /// Whether the demuxer has not moved or been read since it was opened: it is at the first packet.
    private(set) var isAtStart = true
    /// The read error that ended the packets, if one did (everything before it is still used).
    private(set) var readError: FFmpegError?
    /// Time (dts, else pts) of the first packet read since the last move.
    private(set) var firstTimeSinceMove: Int64?
    /// Largest pts − dts seen on keyframe packets: how far decode times run ahead of presentation.
    private(set) var keyframeDelay: Int64
    private(set) var packetsRead = 0
    /// Counts the moves of the demuxer: decoding positioned before the latest move has no position now.
    private(set) var moves = 0

    /// `format`: a demuxer opened on `asset`, reading only the video stream, before its first packet.
    init(asset: MediaAsset, format: FormatContext, start: StreamStart, keyframeDelay: Int64,
         cancellation: CancellationFlag?, stop: StopCheck) {
        self.asset = asset
        self.format = format
        self.start = start
        self.keyframeDelay = keyframeDelay
        stream = Int32(asset.videoTrack.streamIndex)
        self.cancellation = cancellation
        self.stop = stop
        if let cancellation { format.stop(when: cancellation) }
    }

    /// Facts of the demuxer that do not change when it is opened again.
    var demuxer: FormatContext { format }

    /// Throws when the work must stop (cancelled, or past the time limit).
    func checkStop() throws(DecodeFailure) { try stop.check() }

    // MARK: Handing out packets

    /// The next packet: one read ahead, else the demuxer's next. Nil at the end.
    func next() throws(DecodeFailure) -> Packet? {
        ahead.isEmpty ? try read() : ahead.removeFirst()
    }

    /// The packet `index` places after the next one (0: the next), reading ahead as needed; nil at the end.
    func peek(_ index: Int) throws(DecodeFailure) -> Packet? {
        while ahead.count <= index {
            guard let packet = try read() else { return nil }
            ahead.append(packet)
        }
        return ahead[index]
    }

    /// How many packets are read ahead.
    var aheadCount: Int { ahead.count }

    /// Gives a packet back: it is handed out next again.
    func unread(_ packet: Packet) {
        ahead.insert(packet, at: 0)
    }

    /// Returns a packet once done with it.
    func recycle(_ packet: Packet) {
        packet.unref()
        spare.append(packet)
    }

    /// Ends the packets after the first `count` read ahead: those are still handed out, nothing after.
    func endHere(keeping count: Int) {
        while ahead.count > count { recycle(ahead.removeLast()) }
        ended = true
    }

    /// Reads the next packet of the stream from the demuxer. Nil at the end of the file, or at a read
    /// error (remembered in `readError`).
    private func read() throws(DecodeFailure) -> Packet? {
        isAtStart = false
        if ended { return nil }
        let packet = spare.popLast() ?? Packet()
        while true {
            try stop.check()
            let more: Bool
            do {
                more = try format.read(into: packet)
            } catch {
                if stop.deadline.hasPassed {
                    recycle(packet)
                    throw .timedOut
                }
                readError = error
                more = false
            }
            if !more {
                ended = true
                recycle(packet)
                return nil
            }
            guard packet.streamIndex == stream else { continue }
            packetsRead += 1
            if firstTimeSinceMove == nil { firstTimeSinceMove = packet.dts ?? packet.pts }
            if packet.isKeyframe, let pts = packet.pts, let dts = packet.dts, pts > dts {
                keyframeDelay = max(keyframeDelay, pts - dts)
            }
            return packet
        }
    }

    // MARK: Moving

    /// Seeks to the seek point at or before `timestamp`; at a failure, to the start of the file.
    func seek(to timestamp: Int64) throws(DecodeFailure) {
        try move { () throws(FFmpegError) in
            do {
                try format.seek(stream: stream, to: timestamp)
            } catch {
                try format.seekToStart(stream: stream, first: start.earliest)
            }
        }
    }

    /// Seeks to a packet's byte position, where the demuxer can (`canSeekToBytes`): it lands exactly.
    func seek(toByte position: Int64) throws(DecodeFailure) {
        try move { () throws(FFmpegError) in try format.seek(toByte: position) }
    }

    /// Puts the demuxer before the first packet of the file: where it is when nothing has been read yet;
    /// else by a seek (to the first byte where the demuxer searches timestamps, as in MPEG-TS) checked by
    /// the first packet there, which must not be later than the stream's first; else — streams without
    /// timestamps, which FFmpeg times differently after a seek, a demuxer sent to the start that went past
    /// it (ASF, MPEG-TS) or found nothing there, `reopening` — by opening the file again. The one way to
    /// the start of the file.
    func toStart(reopening: Bool = false) throws(DecodeFailure) {
        if isAtStart && !reopening { return }
        if format.readsOnce { throw .needsSeeking("standard input is read once, forward, and this needs it read again from the start") }
        if reopening || !start.hasTimestamps { return try reopen() }
        do {
            try move { () throws(FFmpegError) in try format.rewind(stream: stream, first: start.earliest) }
        } catch {
            return try reopen()
        }
        // Nothing there, or a first packet later than the stream's first: the demuxer went past the start.
        guard let first = try peek(0) else { return try reopen() }
        if let time = first.dts ?? first.pts, start.isPast(time) { try reopen() }
    }

    /// Opens the file again (a new demuxer, before its first packet).
    private func reopen() throws(DecodeFailure) {
        let fresh: FormatContext
        do {
            fresh = try asset.takeDemuxer()
        } catch {
            throw .decodeFailed("cannot read the file again (\(error.message))")
        }
        if let cancellation { fresh.stop(when: cancellation) }
        format = fresh
        forgetAhead()
        isAtStart = true
    }

    private func move(_ body: () throws(FFmpegError) -> Void) throws(DecodeFailure) {
        if format.readsOnce { throw .needsSeeking("standard input is read once, forward, and cannot seek") }
        isAtStart = false
        forgetAhead()
        do {
            try body()
        } catch {
            throw .decodeFailed("seeking failed (\(error.message))")
        }
    }

    private func forgetAhead() {
        moves += 1
        for packet in ahead { recycle(packet) }
        ahead.removeAll()
        ended = false
        readError = nil
        firstTimeSinceMove = nil
    }
}

/// Where a stream starts, in its ticks: the one definition of "the start of the file" for every part of
/// the decoder.
struct StreamStart {
    /// The earliest timestamp known for the stream in any domain (its index, its first frame, the
    /// container's start).
    let earliest: Int64
    /// Presentation time of the stream's first frame, when the demuxer knows it.
    let firstPts: Int64?
    /// False for streams without timestamps (raw elementary streams): every move goes to the start.
    let hasTimestamps: Bool

    /// The start: the first frame's presentation time, else the earliest timestamp known.
    var tick: Int64 { firstPts ?? earliest }

    /// Whether decoding for `target` (or seeking to it) starts at the start of the file.
    func contains(_ target: Int64) -> Bool {
        !hasTimestamps || target <= tick
    }

    /// Whether the first packet read after a move to the start, at `time`, shows that the demuxer went
    /// past the start.
    func isPast(_ time: Int64) -> Bool {
        hasTimestamps && time > tick
    }
}

/// Checks, between blocking reads, whether the work must stop: the run cancelled, or the time limit past.
struct StopCheck {
    let isCancelled: () -> Bool
    let deadline: Deadline

    func check() throws(DecodeFailure) {
        if isCancelled() { throw .cancelled }
        if deadline.hasPassed { throw .timedOut }
    }
}
