/// The keyframes of one stream as far as they are known, in plain Swift: where decoding can start, and
/// which keyframe a window request gets. Tested without FFmpeg (`KeyframeMapTests`).
///
/// A container whose index lists every frame (MP4, AVI) gives the whole map at once. Others (MPEG-TS and
/// MPEG-PS, raw streams, WebM without cues, ASF) list a few seek points or none: there the map is filled
/// by reading packets (nothing decoded) around the times asked for, and remembers which stretches of the
/// timeline it has read in full, so that it only answers where it knows every keyframe.
struct KeyframeMap {
    struct Keyframe: Equatable {
        /// Presentation time, in stream ticks: exact when read from a packet, an estimate when derived from an
        /// index of decode times (`exact` false).
        var pts: Int64
        /// Where a seek lands on it: the index timestamp, or the packet's own time.
        var seekTimestamp: Int64
        /// Byte position of its packet or, when the demuxer gives none (a frame split out of a larger PES
        /// packet in MPEG-PS), of the packet of the stream read last before it with one; and how many
        /// keyframe packets come between there and it. A byte seek there, skipping that many keyframes,
        /// lands on it exactly, whatever times the demuxer gives packets after the seek.
        var position: Int64?
        var keyframesAfterPosition = 0
        var exact: Bool
        /// The time its packet carries (pts, else dts), when read from the packet: how it is recognised
        /// when the demuxer reads it again.
        var packetTime: Int64?
    }

    /// Known keyframes, sorted by `pts`.
    private(set) var keyframes: [Keyframe] = []
    /// Stretches of presentation time (ticks) in which every keyframe is known, sorted and disjoint.
    private(set) var covered: [ClosedRange<Int64>] = []

    /// Where the stream's first frame is presented: keyframes read before it (hidden by an edit list) are
    /// never on screen, and never chosen.
    var shownFrom = Int64.min

    /// A map that knows nothing yet.
    init() {}

    /// A complete map, from an index that lists every frame.
    init(complete keyframes: [Keyframe]) {
        self.keyframes = keyframes.sorted { $0.pts < $1.pts }
        covered = [Int64.min...Int64.max]
    }

    var isComplete: Bool { covered == [Int64.min...Int64.max] }

    /// Records what a read of the packets found: every keyframe presented in `span`.
    mutating func record(_ found: [Keyframe], span: ClosedRange<Int64>) {
        // Presentation times already learned by decoding a keyframe stay with it when it is read again.
        let learned = found.map { keyframe in
            keyframes.first { $0.exact && $0.position != nil && $0.position == keyframe.position
                && $0.keyframesAfterPosition == keyframe.keyframesAfterPosition } ?? keyframe
        }
        var merged = keyframes.filter { !span.contains($0.pts) && !learned.contains($0) }
        merged.append(contentsOf: learned)
        merged.sort { $0.pts < $1.pts }
        keyframes = merged
        var spans = covered + [span]
        spans.sort { $0.lowerBound < $1.lowerBound }
        covered = spans.reduce(into: []) { result, next in
            if let last = result.last, next.lowerBound <= last.upperBound.saturatingAdd(1) {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, next.upperBound)
            } else {
                result.append(next)
            }
        }
    }

    /// Whether `pts` is a keyframe's presentation time, read from its packet (estimates do not count).
    func isKeyframe(at pts: Int64) -> Bool {
        var index = firstIndex(after: pts.saturatingSubtract(1))
        while index < keyframes.count, keyframes[index].pts == pts {
            if keyframes[index].exact { return true }
            index += 1
        }
        return false
    }

    /// The keyframe to start decoding at for the frame shown at `target`: the last one presented at or
    /// before it (frames presented from it on never need an earlier GOP). Nil when none is, or when the
    /// map does not know that stretch (`known` false).
    func start(for target: Int64) -> (keyframe: Keyframe?, known: Bool) {
        guard let span = covered.first(where: { $0.contains(target) }) else { return (nil, false) }
        let index = firstIndex(after: target) - 1
        guard index >= 0, keyframes[index].pts >= span.lowerBound else { return (nil, span.lowerBound == Int64.min) }
        if keyframes[index].exact && keyframes[index].pts < shownFrom { return (nil, true) }
        return (keyframes[index], true)
    }

    /// The keyframes a window request may get, nearest to `target` first, or nil when the map does not know
    /// enough to say. Two can be: the last keyframe presented at or before `target` (when it is presented
    /// before `lower`, it counts only if still on screen there, which the caller checks by decoding), and
    /// the first presented after `target`, up to `upper`. The distance is measured from where the keyframe
    /// starts to be shown inside the window; of two at the same distance the earlier comes first.
    func candidates(near target: Int64, lower: Int64, upper: Int64) -> [Keyframe]? {
        let (before, known) = start(for: target)
        guard known else { return nil }
        func distance(_ keyframe: Keyframe) -> UInt64 { max(keyframe.pts, lower).saturatingSubtract(target).magnitude }
        var found = before.map { [$0] } ?? []
        // A later keyframe must be strictly nearer than an earlier one inside the window to win. (One before
        // the window may turn out not to be on screen in it: then the later one is needed all the same.)
        let reach = before.flatMap { $0.pts >= lower ? target.saturatingAdd(Int64(clamping: distance($0))).saturatingSubtract(1) : nil } ?? upper
        let limit = min(upper, reach)
        let next = firstIndex(after: target)
        if next < keyframes.count, keyframes[next].pts <= limit {
            guard isCovered(target...keyframes[next].pts) else { return nil }
            found.append(keyframes[next])
        } else if limit > target, !isCovered(target...limit) {
            return nil
        }
        return found.sorted { a, b in distance(a) != distance(b) ? distance(a) < distance(b) : a.pts < b.pts }
    }

    /// Whether every keyframe presented in `range` is known.
    func isCovered(_ range: ClosedRange<Int64>) -> Bool {
        covered.contains { $0.lowerBound <= range.lowerBound && $0.upperBound >= range.upperBound }
    }

    /// Positions in `keyframes` of the index's estimates (not `exact`, no packet read yet) among the `count`
    /// nearest to `target` on each side: those whose presentation time must be read from their packet before
    /// the map can rank them. (A keyframe read from a packet without a time of its own is not one: its packet
    /// tells no more when read again, and a seek to its estimated time may land on the keyframe before it;
    /// decoding it tells its time, `FrameExtractor.keyframe(near:lower:upper:)`.)
    func estimates(near target: Int64, count: Int) -> [Int] {
        let next = firstIndex(after: target)
        return (max(0, next - count)..<min(keyframes.count, next + count)).filter { !keyframes[$0].exact && keyframes[$0].packetTime == nil }
    }

    /// Replaces estimated presentation times (at positions given by `estimates`) with those read from the
    /// keyframes' packets.
    mutating func resolve(_ updates: [(index: Int, pts: Int64)]) {
        for (index, pts) in updates {
            keyframes[index].pts = pts
            keyframes[index].seekTimestamp = pts
            keyframes[index].packetTime = pts
            keyframes[index].exact = true
        }
        keyframes.sort { $0.pts < $1.pts }
    }

    /// Replaces an entry's presentation time with the one its decoded frame has (packets of raw streams and
    /// MPEG-PS may carry a decode time only, or a made-up time).
    mutating func correct(_ keyframe: Keyframe, pts: Int64) {
        guard let index = keyframes.firstIndex(of: keyframe) else { return }
        keyframes[index].pts = pts
        keyframes[index].exact = true
        keyframes.sort { $0.pts < $1.pts }
        // The stretch read around it was measured in packet times: it reaches the keyframe's frame too.
        for (position, span) in covered.enumerated() where span.contains(keyframe.pts) {
            covered[position] = min(span.lowerBound, pts)...max(span.upperBound, pts)
        }
    }

    /// Index of the first keyframe presented after `pts`.
    private func firstIndex(after pts: Int64) -> Int {
        var low = 0, high = keyframes.count
        while low < high {
            let mid = (low + high) / 2
            if keyframes[mid].pts <= pts { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
