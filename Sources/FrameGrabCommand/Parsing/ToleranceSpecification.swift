import Foundation
import FrameGrab

/// A tolerance as a person writes it: `exact` (zero), `keyframe` or `inf` (unbounded), or a duration.
package enum ToleranceSpecification {
    /// Parses a tolerance, in any case: `exact` or `0` is zero; `keyframe`, `inf`, `infinite` or `infinity` is
    /// `.positiveInfinity`; anything else must be a duration as `TimeSpecification.parseDuration` reads it.
    package static func parse(_ raw: String) throws(ParseError) -> MediaTime {
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "exact", "0": return .zero
        case "keyframe", "inf", "infinite", "infinity": return .positiveInfinity
        default:
            do {
                return try TimeSpecification.parseDuration(raw)
            } catch {
                throw ParseError(text: raw, reason: "expected exact, keyframe, inf or a duration in seconds (0.5, 500ms)")
            }
        }
    }
}

extension PixelSize {
    /// Parses `WIDTHxHEIGHT`, where a zero dimension is unconstrained (`320x0`).
    package init(parsing raw: String) throws(ParseError) {
        let parts = raw.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width >= 0, height >= 0,
              width <= 65536, height <= 65536 else {
            throw ParseError(text: raw, reason: "expected WIDTHxHEIGHT, for example 640x360 or 320x0")
        }
        self.init(width: width, height: height)
    }
}
