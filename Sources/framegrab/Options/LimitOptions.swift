import ArgumentParser
import FrameGrab
import FrameGrabCommand

/// The options that bound the work and memory one input may take.
struct LimitOptions: ParsableArguments {
    @Option(name: .customLong("max-pixels"),
            help: ArgumentHelp("Refuse videos whose frames have more pixels than this: a count or WxH (default 16384x16384).",
                               valueName: "count|WxH"),
            transform: { try LimitOptions.parsePixels($0) })
    var maxPixels: Int = AssetLimits.defaultMaximumPixelCount

    @Option(help: ArgumentHelp("Give up on an input after this many seconds of work; 0 means no limit (default 600).",
                               valueName: "seconds"),
            transform: { try LimitOptions.parseSeconds($0) })
    var timeout: Double = LimitOptions.defaultTimeout

    static let defaultTimeout: Double = 600

    var assetLimits: AssetLimits {
        AssetLimits(maximumPixelCount: maxPixels, timeLimit: timeout > 0 ? .milliseconds(Int64(timeout * 1000)) : nil)
    }

    static func parsePixels(_ text: String) throws -> Int {
        if let count = Int(text), count > 0 { return count }
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        if parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0,
           !width.multipliedReportingOverflow(by: height).overflow {
            return width * height
        }
        throw ValidationError("--max-pixels wants a positive pixel count or WxH, not '\(text)'")
    }

    static func parseSeconds(_ text: String) throws -> Double {
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds < 1e9 else {
            throw ValidationError("--timeout wants a number of seconds (0 for no limit), not '\(text)'")
        }
        return seconds
    }
}
