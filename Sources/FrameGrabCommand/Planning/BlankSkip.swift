import FrameGrab

/// `--skip-blank`: where each request may find a frame that is not blank (`FrameRequest(time:nonBlankIn:)`).
package struct BlankSkip: Sendable, Equatable {
    /// `--skip-blank-window`: the distance on each side of times given as such (`-t`, `%`, `--every`, a
    /// times file).
    package var window: MediaTime
    package static let defaultWindow = MediaTime(value: 5, timescale: 1)

    package init(window: MediaTime = BlankSkip.defaultWindow) { self.window = window }

    /// The request of a grab: a `--count` time keeps to its own slice of the video, any other time gets
    /// `window` on each side.
    package func request(_ time: MediaTime, specification: TimeSpecification, length: MediaTime) -> FrameRequest {
        guard time.isNumeric, case .evenlySpaced(let index, let count) = specification, length.isNumeric, count > 0 else {
            return FrameRequest(time: time, nonBlankWithin: window)
        }
        let slice = length.seconds / Double(count)
        return FrameRequest(time: time, nonBlankIn: Self.range(from: slice * Double(index - 1), to: slice * Double(index)))
    }

    /// The requests of a sheet's tiles, times in order: each tile keeps to its own slice of the video, from
    /// half-way to the tile before (the start for the first) to half-way to the tile after (the end for the
    /// last): for `--count` tiles, the slices of `request`.
    package static func tileRequests(_ times: [MediaTime], length: MediaTime) -> [FrameRequest] {
        times.indices.map { index in
            let time = times[index]
            guard time.isNumeric else { return FrameRequest(time: time) }
            let start = index > 0 && times[index - 1].isNumeric ? (times[index - 1].seconds + time.seconds) / 2 : 0
            let end = index + 1 < times.count && times[index + 1].isNumeric ? (time.seconds + times[index + 1].seconds) / 2
                : (length.isNumeric ? max(length.seconds, time.seconds) : time.seconds)
            return FrameRequest(time: time, nonBlankIn: range(from: start, to: end))
        }
    }

    /// Where a `--shots` time looks for a frame that is not blank: its own shot (with or without
    /// `--skip-blank`: a shot's picture is never a blank frame when the shot has another).
    package static func range(of shot: Shot) -> ClosedRange<MediaTime> {
        range(from: shot.start.seconds, to: shot.end.seconds)
    }

    /// [start, end) in seconds as a closed range of microseconds: the slice's end belongs to the next one.
    private static func range(from start: Double, to end: Double) -> ClosedRange<MediaTime> {
        let first = Int64((start * 1_000_000).rounded(.up))
        let last = max(first, Int64((end * 1_000_000).rounded(.up)) - 1)
        return MediaTime(value: first, timescale: 1_000_000)...MediaTime(value: last, timescale: 1_000_000)
    }
}
