import Foundation
import FrameGrab

extension ComparisonThresholds.PixelLimit {
    /// `120` or `0.5%`, as `--max-differing-pixels` takes it.
    package init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let value = Double(trimmed.dropLast()), value.isFinite, value >= 0, value <= 100 else {
                throw ParseError(text: text, reason: "a percentage of pixels must be a number from 0 to 100 followed by %")
            }
            self = .percent(value)
        } else {
            guard let value = Int(trimmed), value >= 0 else {
                throw ParseError(text: text, reason: "expected a number of pixels (0 or more) or a percentage such as 0.5%")
            }
            self = .count(value)
        }
    }
}
