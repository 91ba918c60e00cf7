import Foundation
import FrameGrab

/// Every time requested of one video: explicit times (`-t`, a times file), times every interval from
/// the start (`--every`), a number of evenly spaced times (`--count`), and one time per shot (`--shots`),
/// in that order.
///
/// ```swift
/// let selection = TimeSelection(specifications: try TimeSpecification.parseList("5,50%"),
///                               every: try TimeSelection.parseInterval("10s"), count: 3)
/// selection.resolve(duration: asset.videoDuration)   // 5 s, 50 %, 0 s, 10 s, 20 s, …, then 3 spaced times
/// ```
package struct TimeSelection: Sendable, Equatable {
    /// Explicit times, in the order given; they come first among the requests.
    package var specifications: [TimeSpecification]
    /// A time every `every` from 0 up to (not including) the end.
    package var every: MediaTime?
    /// `count` times evenly spaced; see `evenlySpaced(count:duration:)`.
    package var count: Int?
    /// `--shots`: one time per shot of the video, found when the input is opened (`MediaAsset.shots()`).
    package var shots: Bool

    /// A selection; by default nothing is requested.
    package init(specifications: [TimeSpecification] = [], every: MediaTime? = nil, count: Int? = nil, shots: Bool = false) {
        self.specifications = specifications
        self.every = every
        self.count = count
        self.shots = shots
    }

    /// Whether nothing is requested: no specifications, no `every`, no `count` (or a count of 0), no `shots`.
    package var isEmpty: Bool { specifications.isEmpty && every == nil && (count ?? 0) == 0 && !shots }

    /// Whether the times can only be known once the video has been opened (its duration, or its shots).
    package var needsDuration: Bool {
        every != nil || count != nil || shots || specifications.contains(where: \.needsDuration)
    }

    /// The requests in order when they can be named without opening the video (no `--every`, no
    /// `--shots`): the specifications, then the `count` times as shares of the duration, resolved once it
    /// is known.
    package var withoutDuration: [TimeSpecification]? {
        guard every == nil, !shots else { return nil }
        let count = self.count ?? 0
        return specifications + (0..<count).map { .evenlySpaced(index: $0 + 1, count: count) }
    }

    /// Whether the number of times depends on the video (`--every`, `--shots`).
    package var countDependsOnDuration: Bool { every != nil || shots }

    /// The requests in order: the specifications, then the `every` times, then the `count` times (which
    /// stay shares of the duration: each knows its slice of the video, which `--skip-blank` keeps to), then
    /// one per shot of `shots` (the video's, when `--shots` is asked for).
    /// `--every` and `--count` of a video whose duration is unknown give nothing (check `duration.isNumeric`).
    package func resolve(duration: MediaTime, shots found: [Shot] = []) -> [TimeSpecification] {
        var all = specifications
        if let every, duration.isNumeric {
            all += TimeSelection.every(every, duration: duration).map { .time($0) }
        }
        if let count, duration.isNumeric, duration > .zero {
            all += (0..<count).map { .evenlySpaced(index: $0 + 1, count: count) }
        }
        if shots { all += found.map { .shot($0) } }
        return all
    }

    /// How many requests a video of unknown length gets before `--every`/`--count` are applied.
    package var fixedCount: Int { specifications.count }

    /// How many requests `resolve(duration:)` gives, counted without making them.
    package func count(duration: MediaTime) -> Int {
        var total = specifications.count
        if let count, duration.isNumeric { total += count }
        if let every { total += TimeSelection.everyCount(every, duration: duration) }
        return total
    }

    /// How many times `every(_:duration:)` gives: the multiples of `interval` before `duration`, counted
    /// exactly (times are exact fractions), without making them.
    package static func everyCount(_ interval: MediaTime, duration: MediaTime) -> Int {
        guard interval.isNumeric, interval > .zero, duration.isNumeric, duration > .zero else { return 0 }
        // ceil(duration / interval), in Int128 so that no product overflows.
        let numerator = Int128(duration.value) * Int128(interval.timescale)
        let denominator = Int128(duration.timescale) * Int128(interval.value)
        let steps = (numerator + denominator - 1) / denominator
        return Int(clamping: steps)
    }

    // MARK: Formulas

    /// 0, `interval`, 2 × `interval`, … while the time is before `duration`. An unknown or empty duration gives none.
    package static func every(_ interval: MediaTime, duration: MediaTime) -> [MediaTime] {
        guard interval.isNumeric, interval > .zero, duration.isNumeric, duration > .zero else { return [] }
        var times: [MediaTime] = []
        var time = MediaTime.zero
        while time < duration {
            times.append(time)
            time = interval * Int64(times.count)
        }
        return times
    }

    /// `count` times evenly spaced, each in the middle of one of `count` equal slices of the video:
    /// time *i* (from 1) is `duration × (2i − 1) / (2 × count)`, in whole microseconds rounded down. So one
    /// time is the middle, and the first and last are half a slice away from the very start and end (a black
    /// opening or closing frame is not chosen). An unknown or empty duration gives none.
    package static func evenlySpaced(count: Int, duration: MediaTime) -> [MediaTime] {
        guard count > 0, duration.isNumeric, duration > .zero else { return [] }
        return (1...count).map { evenlySpaced(index: $0, count: count, duration: duration) }
    }

    /// Time `index` (from 1) of `evenlySpaced(count:duration:)`, alone.
    package static func evenlySpaced(index: Int, count: Int, duration: MediaTime) -> MediaTime {
        guard count > 0, (1...count).contains(index), duration.isNumeric, duration > .zero else { return .invalid }
        let micros = Int128(duration.convertScale(1_000_000, rounding: .down).value)
        return MediaTime(value: Int64(micros * Int128(2 * index - 1) / Int128(2 * count)), timescale: 1_000_000)
    }

    // MARK: Parsing

    /// Parses the interval of `--every`: a positive duration (`10`, `2.5s`, `500ms`, `01:00`).
    package static func parseInterval(_ raw: String) throws(ParseError) -> MediaTime {
        let time: MediaTime
        do {
            time = try TimeSpecification.parseDuration(raw)
        } catch {
            throw ParseError(text: raw, reason: "expected a duration (10, 2.5s, 500ms, 01:00)")
        }
        guard time > .zero else { throw ParseError(text: raw, reason: "the interval must be longer than zero") }
        return time
    }

    /// Parses the number of `--count`: a whole number from 1.
    package static func parseCount(_ raw: String) throws(ParseError) -> Int {
        guard let count = Int(raw.trimmingCharacters(in: .whitespaces)), count >= 1, count <= 1_000_000 else {
            throw ParseError(text: raw, reason: "expected a whole number of images from 1 to 1000000")
        }
        return count
    }

    /// Parses the text of a times file: one time (or comma list) per line, any time syntax; `#` starts a
    /// comment to the end of the line; blank lines are ignored. An error names the line (`name:3`).
    package static func parseTimesFile(_ text: String, name: String) throws(ParseError) -> [TimeSpecification] {
        var specifications: [TimeSpecification] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                specifications += try TimeSpecification.parseList(trimmed)
            } catch {
                throw ParseError(text: trimmed, reason: "\(name):\(lineNumber): \(error.reason)")
            }
        }
        return specifications
    }
}
