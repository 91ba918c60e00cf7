/// Learns where the keyframes of a stream are, reading packets and decoding nothing: it keeps the
/// `KeyframeMap`, reads the presentation times of index entries that hold decode times, and scans the
/// packets around a time where the index does not list every keyframe. Each read moves the reader, so
/// the decoder has no position afterwards.
final class KeyframeFinder {
    private let reader: PacketReader
    private(set) var map: KeyframeMap
    /// Whether the container's index lists every keyframe (MP4, AVI).
    let indexIsComplete: Bool
    /// The index's keyframe timestamps, sorted (decode times for MP4, presentation times elsewhere).
    let indexTimestamps: [Int64]
    /// One second, in ticks: the first step back of a scan that landed too late.
    private let second: Int64

    init(reader: PacketReader, index: StreamIndex, second: Int64) {
        self.reader = reader
        self.second = second
        indexIsComplete = index.listsEveryFrame
        indexTimestamps = index.sortedTimestamps
        if index.listsEveryFrame {
            // Index timestamps may be decode times, `delay` ahead of presentation: estimates until a packet
            // is read. Demuxers seek by presentation time (MP4 shifts its decode-time index itself).
            let delay = index.delay, exact = delay == 0 && !index.reorders
            map = KeyframeMap(complete: index.keyframes.map {
                let estimate = $0.timestamp.saturatingAdd(delay)
                // (Sample tables are sought by time: the demuxer keeps its own place in them.)
                return .init(pts: estimate, seekTimestamp: estimate, position: nil, exact: exact, packetTime: exact ? estimate : nil)
            })
        } else {
            map = KeyframeMap()
        }
        map.shownFrom = reader.start.firstPts ?? Int64.min
    }

    /// Records the presentation time a keyframe's decoded frame has (packets of raw streams and MPEG-PS may
    /// carry a decode time only, or a made-up time).
    func correct(_ keyframe: KeyframeMap.Keyframe, pts: Int64) {
        map.correct(keyframe, pts: pts)
    }

    /// Reads the presentation times of the index's keyframes nearest `target` where the index gives decode
    /// times (MP4): one seek and one packet each, nothing decoded. Returns whether it read any (and so moved
    /// the reader).
    @discardableResult
    func resolve(near target: Int64, count: Int = 3) throws(DecodeFailure) -> Bool {
        let pending = map.estimates(near: target, count: count)
        guard !pending.isEmpty else { return false }
        var resolved: [(index: Int, pts: Int64)] = []
        for index in pending {
            try reader.checkStop()
            do {
                try reader.seek(to: map.keyframes[index].seekTimestamp)
                if let packet = try reader.next() {
                    if packet.isKeyframe, let pts = packet.pts { resolved.append((index, pts)) }
                    reader.recycle(packet)
                }
            } catch .decodeFailed {
                continue  // (a seek that fails leaves the estimate)
            }
        }
        map.resolve(resolved)
        return true
    }

    /// The keyframes a window request may get (see `KeyframeMap.candidates`), reading the packets around
    /// `target` first when the map does not know them: from a keyframe at or before it to the first
    /// keyframe presented after it (or past `upper`, or the end), every keyframe met recorded; further back
    /// while what it read does not tell (the keyframe before the target turned out, decoded, to be
    /// presented after it). Nil when nothing tells.
    func candidates(near target: Int64, lower: Int64, upper: Int64) throws(DecodeFailure) -> [KeyframeMap.Keyframe]? {
        if let known = map.candidates(near: target, lower: lower, upper: upper) { return known }
        var found: [KeyframeMap.Keyframe]?
        try SeekStrategy.seek(before: target, start: reader.start, step: second, tries: 32) { timestamp throws(DecodeFailure) in
            let read = try scan(from: timestamp, target: target, through: upper)
            found = map.candidates(near: target, lower: lower, upper: upper)
            return found == nil && timestamp != nil ? .tooLate(seen: read) : .reached
        }
        return found
    }

    /// One read of the packets from `timestamp` (nil: the start of the file); records what it finds when it
    /// starts at a keyframe at or before `target`. Returns the time of the first keyframe read.
    private func scan(from timestamp: Int64?, target: Int64, through limit: Int64) throws(DecodeFailure) -> Int64? {
        if let timestamp { try reader.seek(to: timestamp) } else { try reader.toStart() }
        let fromStart = timestamp == nil, hasTimestamps = reader.start.hasTimestamps
        var found: [KeyframeMap.Keyframe] = []
        var newest = Int64.min
        var reachedEnd = false
        var position: Int64?, keyframesSincePosition = 0
        // Byte positions name a packet only in a demuxer that reads one file (HLS counts them from the start
        // of each segment: two keyframes there can share one).
        let positionsNamePackets = reader.demuxer.canSeekToBytes
        while true {
            guard let packet = try reader.next() else {
                reachedEnd = true
                break
            }
            defer { reader.recycle(packet) }
            guard let pts = packet.pts ?? packet.dts else { continue }
            newest = max(newest, pts)
            // (Packets split out of one larger packet share its position: ASF, MPEG-PS.)
            if positionsNamePackets, let own = packet.position, own != position { (position, keyframesSincePosition) = (own, 0) }
            if packet.isKeyframe {
                if found.isEmpty, pts > target, !fromStart { return pts }  // landed too late
                // A packet without a pts of its own (MPEG-PS), or with one made up (raw streams), gives an
                // estimate: the decoded frame tells the truth when it is a candidate.
                found.append(.init(pts: pts, seekTimestamp: pts, position: position, keyframesAfterPosition: keyframesSincePosition,
                                   exact: hasTimestamps && packet.pts != nil, packetTime: pts))
                keyframesSincePosition += 1
                if pts > target { break }
            }
            if let dts = packet.dts ?? packet.pts, dts > limit, !found.isEmpty { break }
        }
        guard fromStart || found.first.map({ $0.pts <= target }) == true else { return found.first?.pts }
        let spanStart = fromStart ? Int64.min : found[0].pts
        let through = reachedEnd ? Int64.max : (found.last.map { $0.pts > target ? $0.pts : newest } ?? newest)
        if through >= spanStart { map.record(found, span: spanStart...through) }
        return found.first?.pts
    }
}
