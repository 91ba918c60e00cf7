import Foundation
import FrameGrab

/// A requested time as a person writes it: seconds (`12.5`, `12.5s`, `1500ms`), a clock time (`02:03`,
/// `01:02:03.250`) or a share of the duration (`50%`).
package enum TimeSpecification: Sendable, Hashable, CustomStringConvertible {
    /// An exact time from the start of the video.
    case time(MediaTime)
    /// Percent of the duration, 0 to 100.
    case percent(Double)
    /// Time `index` (from 1) of `count` evenly spaced ones (`--count`; see `TimeSelection.evenlySpaced`).
    case evenlySpaced(index: Int, count: Int)
    /// One shot of the video (`--shots`): its middle, moved off a blank frame inside the shot.
    case shot(Shot)

    /// Parses one value, or a comma-separated list of them.
    package static func parseList(_ text: String) throws(ParseError) -> [TimeSpecification] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        var specifications: [TimeSpecification] = []
        for part in parts {
            specifications.append(try TimeSpecification(parsing: String(part)))
        }
        return specifications
    }

    /// Parses one value.
    package init(parsing raw: String) throws(ParseError) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("%") {
            guard let value = Double(text.dropLast()), value.isFinite, value >= 0, value <= 100,
                  text.dropLast().allSatisfy({ $0.isNumber || $0 == "." }) else {
                throw ParseError(text: raw, reason: "a percentage must be between 0% and 100%")
            }
            self = .percent(value)
        } else {
            self = .time(try TimeSpecification.parseDuration(text, original: raw))
        }
    }

    /// Parses a non-negative duration or clock time exactly: `12.5`, `12.5s`, `1500ms`, `02:03`, `01:02:03.250`.
    package static func parseDuration(_ raw: String) throws(ParseError) -> MediaTime {
        try parseDuration(raw.trimmingCharacters(in: .whitespaces), original: raw)
    }

    /// The largest time accepted: about 317 years, far past any video, and small enough that every
    /// conversion (to microseconds, to a stream's ticks) stays exact.
    package static let largestTime = MediaTime(value: 10_000_000_000, timescale: 1)

    private static func parseDuration(_ text: String, original: String) throws(ParseError) -> MediaTime {
        let time = try parseUnboundedDuration(text, original: original)
        if time > largestTime {
            throw ParseError(text: original, reason: "too large: times go up to \(largestTime.decimalSeconds) seconds")
        }
        return time
    }

    private static func parseUnboundedDuration(_ text: String, original: String) throws(ParseError) -> MediaTime {
        let invalid = ParseError(text: original, reason: "expected seconds (12.5, 12.5s, 1500ms), a clock time (02:03, 01:02:03.250) or a percentage (50%)")
        if text.contains(":") {
            let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 2 || fields.count == 3 else { throw invalid }
            var total = MediaTime.zero
            for (position, field) in fields.enumerated() {
                let isLast = position == fields.count - 1
                guard let value = isLast ? decimal(field) : decimal(field).flatMap({ $0.timescale == 1 ? $0 : nil }) else { throw invalid }
                if position > 0 && value >= MediaTime(value: 60, timescale: 1) {
                    throw ParseError(text: original, reason: "minutes and seconds must be below 60")
                }
                total = total * 60 + value
            }
            return total
        }
        if text.hasSuffix("ms"), let value = decimal(String(text.dropLast(2))) {
            return MediaTime(value: value.value, timescale: value.timescale).scaledDown(by: 1000)
        }
        if text.hasSuffix("s"), let value = decimal(String(text.dropLast())) { return value }
        if let value = decimal(text) { return value }
        throw invalid
    }

    /// An unsigned decimal number with up to 9 fractional digits, exactly.
    private static func decimal(_ text: String) -> MediaTime? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !(whole.isEmpty && (parts.count == 1 || parts[1].isEmpty)) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard whole.allSatisfy(\.isASCII) && whole.allSatisfy(\.isNumber), fraction.allSatisfy(\.isASCII) && fraction.allSatisfy(\.isNumber),
              fraction.count <= 9, whole.count <= 12 else { return nil }
        var timescale: Int64 = 1
        for _ in 0..<fraction.count { timescale *= 10 }
        let digits = (whole.isEmpty ? "0" : String(whole)) + fraction
        guard let value = Int64(digits) else { return nil }
        return MediaTime(value: value, timescale: Int32(timescale))
    }

    /// `12.5s` for a time, `50.0%` for a percentage.
    package var description: String {
        switch self {
        case .time(let time): return time.description
        case .percent(let value): return "\(value)%"
        case .evenlySpaced(let index, let count): return "\(index)/\(count) of the duration"
        case .shot(let shot): return "shot \(shot.number)"
        }
    }

    /// The time this specification names in a video of the given duration. A percentage of a known
    /// duration stays just inside the video, so `100%` is the last frame.
    package func resolve(duration: MediaTime) -> MediaTime {
        switch self {
        case .time(let time): return time
        case .percent(let value):
            guard duration.isNumeric else { return .invalid }
            let micros = duration.convertScale(1_000_000, rounding: .down).value
            let at = Int64((Double(micros) * value / 100).rounded(.down))
            return MediaTime(value: min(at, max(0, micros - 1)), timescale: 1_000_000)
        case .evenlySpaced(let index, let count):
            return TimeSelection.evenlySpaced(index: index, count: count, duration: duration)
        case .shot(let shot):
            // The middle, in whole microseconds rounded down.
            let start = shot.start.convertScale(1_000_000, rounding: .down).value
            let end = shot.end.convertScale(1_000_000, rounding: .down).value
            return MediaTime(value: start + max(0, end - start) / 2, timescale: 1_000_000)
        }
    }

    /// Whether the time is known only once the video's duration is.
    package var needsDuration: Bool {
        switch self {
        case .time, .shot: false
        case .percent, .evenlySpaced: true
        }
    }

    /// The shot a `--shots` time stands for.
    package var shot: Shot? {
        if case .shot(let shot) = self { shot } else { nil }
    }
}

/// A time, tolerance, size or template that could not be parsed, with what was expected.
package struct ParseError: Error, Sendable, CustomStringConvertible {
    /// The text that was refused, as given.
    package let text: String
    /// What is wrong with it, or what was expected instead.
    package let reason: String

    /// An error about `text`, explained by `reason`.
    package init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    /// `invalid value 'TEXT': REASON`.
    package var description: String { "invalid value '\(text)': \(reason)" }
}

extension MediaTime {
    /// This time divided by an integer, exactly when the timescale allows it, else rounded down to microseconds.
    func scaledDown(by divisor: Int64) -> MediaTime {
        let scale = Int64(timescale) * divisor
        if scale <= Int64(Int32.max) { return MediaTime(value: value, timescale: Int32(scale)) }
        let micros = (Int128(value) * 1_000_000) / (Int128(timescale) * Int128(divisor))
        return MediaTime(value: Int64(clamping: micros), timescale: 1_000_000)
    }
}
