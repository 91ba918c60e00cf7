@testable import FrameGrab
import Testing

/// The one seek strategy, without FFmpeg: where it seeks for demuxers that land where asked, too late,
/// or nowhere, and that the start of the file ends the search.
@Suite struct SeekStrategyTests {
    static let start = StreamStart(earliest: 0, firstPts: 10, hasTimestamps: true)

    /// Runs the strategy for `target` against a demuxer that lands per `landing` and returns the points asked
    /// for (nil: the start of the file).
    static func points(for target: Int64, tries: Int = 24, start: StreamStart = start,
                       landing: (Int64?) -> SeekStrategy.Landing) throws -> [Int64?] {
        var asked: [Int64?] = []
        try SeekStrategy.seek(before: target, start: start, step: 100, tries: tries) { timestamp in
            asked.append(timestamp)
            return landing(timestamp)
        }
        return asked
    }

    @Test func aGoodLandingEndsAtOnce() throws {
        #expect(try Self.points(for: 5000) { _ in .reached } == [5000])
    }

    @Test func lateLandingsStepBackByDoublingAmounts() throws {
        // Lands late until the point is at or before 4000.
        let asked = try Self.points(for: 5000) { point in point.map { $0 > 4000 } == true ? .tooLate(seen: nil) : .reached }
        #expect(asked == [5000, 4900, 4700, 4300, 3500])
    }

    @Test func neverLaterThanWhatWasSeen() throws {
        // The demuxer says where it landed: the next point is before that, however small the step.
        let asked = try Self.points(for: 5000) { point in
            guard let point else { return .reached }
            return point > 2000 ? .tooLate(seen: 2500) : .reached
        }
        #expect(asked == [5000, 2499, 2299, 1899])
    }

    @Test func aPointAtOrBeforeTheStartIsTheStartOfTheFile() throws {
        // The first frame is at 10: a target there, or before, is read from the start, and that ends it
        // whatever the landing.
        #expect(try Self.points(for: 10) { _ in .tooLate(seen: nil) } == [nil])
        #expect(try Self.points(for: 250) { _ in .tooLate(seen: nil) } == [250, 150, nil])
    }

    @Test func aStreamWithoutTimestampsAlwaysStartsAtTheStart() throws {
        let raw = StreamStart(earliest: 0, firstPts: nil, hasTimestamps: false)
        #expect(try Self.points(for: 99_999, start: raw) { _ in .reached } == [nil])
    }

    @Test func afterEveryTryTheStartOfTheFileIsTriedLast() throws {
        let asked = try Self.points(for: 1_000_000, tries: 3) { point in point == nil ? .reached : .tooLate(seen: nil) }
        #expect(asked == [1_000_000, 999_900, 999_700, nil])
    }
}
