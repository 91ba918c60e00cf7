/// Bounds on the work and memory one input may take, so that a hostile or broken file cannot hold the
/// machine: a frame size limit checked before any picture is allocated, and a time limit for everything
/// done with the file (opening, probing and every image generated from it).
///
/// ```swift
/// let asset = try MediaAsset(path: "upload.mp4", limits: AssetLimits(maximumPixelCount: 3840 * 2160, timeLimit: .seconds(60)))
/// ```
public struct AssetLimits: Sendable, Equatable {
    /// Frames of more pixels than this (width × height, as stored) are refused with `tooLarge`:
    /// 16384 × 16384 by default, well above 8K.
    public var maximumPixelCount: Int
    /// How long the file may be worked on, from the moment it is opened; nil (the default) is no limit.
    /// Past it, reads stop and every unanswered request fails with `timedOut`.
    public var timeLimit: Duration?

    /// The default `maximumPixelCount`: 16384 × 16384 pixels.
    public static let defaultMaximumPixelCount = 16384 * 16384

    /// Limits as given; a `maximumPixelCount` below 1 counts as 1. By default, 16384 × 16384 pixels and
    /// no time limit.
    public init(maximumPixelCount: Int = AssetLimits.defaultMaximumPixelCount, timeLimit: Duration? = nil) {
        self.maximumPixelCount = max(1, maximumPixelCount)
        self.timeLimit = timeLimit
    }

    /// The limits files get unless told otherwise: 16384 × 16384 pixels and no time limit.
    public static let `default` = AssetLimits()
}

extension Duration {
    /// Seconds as a decimal number, for messages ("600 s", "0.5 s").
    var secondsDescription: String {
        let (seconds, attoseconds) = components
        if attoseconds == 0 { return "\(seconds) s" }
        return "\(Double(seconds) + Double(attoseconds) / 1e18) s"
    }
}
