/// Planning from the container's index, in plain Swift: which requests share decoding.
enum RequestPlan {
    /// Whether one of `keyframes` (sorted index timestamps, each presented `delay` ticks later) is presented
    /// after `position` and at or before `target`: then decoding for `target` starts at that keyframe, and
    /// nothing decoded up to `position` helps.
    static func keyframe(in keyframes: [Int64], delay: Int64, after position: Int64, atOrBefore target: Int64) -> Bool {
        // The last keyframe presented at or before the target.
        var low = 0, high = keyframes.count
        while low < high {
            let mid = (low + high) / 2
            if keyframes[mid].saturatingAdd(delay) <= target { low = mid + 1 } else { high = mid }
        }
        return low > 0 && keyframes[low - 1].saturatingAdd(delay) > position
    }

    /// Splits requests, given as target ticks in timeline order (nil for a request that needs no decoding),
    /// into groups that share no decoding: a group starts wherever an indexed keyframe lies after the previous
    /// target and at or before the next. Each group decodes from its own keyframe, so separate decoders can
    /// take separate groups at once with nothing decoded twice.
    static func groups(targets: [Int64?], keyframes: [Int64], delay: Int64) -> [Range<Int>] {
        guard !targets.isEmpty else { return [] }
        // Targets before the first keyframe are answered by the first frame, like the first keyframe's.
        let first = keyframes.first.map { $0.saturatingAdd(delay) } ?? Int64.min
        var groups: [Range<Int>] = []
        var start = 0
        var previous: Int64?
        for (position, target) in targets.enumerated() {
            guard let target = target.map({ max($0, first) }) else { continue }
            if let previous, keyframe(in: keyframes, delay: delay, after: previous, atOrBefore: target) {
                groups.append(start..<position)
                start = position
            }
            previous = target
        }
        groups.append(start..<targets.count)
        return groups
    }

    /// Memory decode lanes may use together, beyond the first.
    static let laneMemoryBudget = 1 << 30

    /// How many decode lanes to run: one per thread and group, but no more than fit in
    /// `laneMemoryBudget`, counting for each lane a decoder's worth of reference frames (up to 16, at up
    /// to 3 bytes a pixel for 10-bit 4:2:0) and two 16-bit RGB images.
    static func laneCount(threads: Int, groups: Int, pixelsPerFrame: Int) -> Int {
        let perLane = max(1, pixelsPerFrame) * (16 * 3 + 2 * 6)
        return max(1, min(threads, groups, laneMemoryBudget / perLane))
    }
}
