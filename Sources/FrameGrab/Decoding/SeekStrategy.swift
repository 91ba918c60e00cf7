/// The one seek strategy of the decoding core, used by exact starts, starts at a chosen keyframe and the
/// keyframe scan alike: seek to a point at or before the target and see where that landed (each caller
/// judges: a first frame, a keyframe packet, the keyframes a window needs); while it landed too late,
/// seek again further back, by amounts that double, never later than what was seen there; a point at or
/// before the start of the stream (`StreamStart.contains`) is the start of the file, reached the one way
/// the reader has (`PacketReader.toStart`), and ends the search.
enum SeekStrategy {
    enum Landing {
        /// Where it landed will do.
        case reached
        /// It landed after what was needed; `seen`: the earliest time seen there, if any.
        case tooLate(seen: Int64?)
    }

    /// `attempt` is given the timestamp to seek to, or nil for the start of the file. After `tries` late
    /// landings the start of the file is tried last.
    static func seek(before target: Int64, start: StreamStart, step: Int64, tries: Int,
                     attempt: (_ timestamp: Int64?) throws(DecodeFailure) -> Landing) throws(DecodeFailure) {
        var point = target
        var backoff = max(step, 1)
        for _ in 0..<tries {
            let fromStart = start.contains(point)
            guard case .tooLate(let seen) = try attempt(fromStart ? nil : point), !fromStart else { return }
            point = min(point.saturatingSubtract(backoff), (seen ?? point).saturatingSubtract(1))
            backoff = backoff.saturatingAdd(backoff)
        }
        _ = try attempt(nil)
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
