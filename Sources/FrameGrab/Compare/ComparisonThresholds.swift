import Foundation

/// When a pair passes. Every threshold that is set must hold; with none set (`exact`), the decoded pixels must
/// be equal.
public struct ComparisonThresholds: Sendable, Equatable {
    /// A limit on the number of differing pixels: a count, or a percentage of the image's pixels.
    public enum PixelLimit: Sendable, Equatable, CustomStringConvertible {
        /// At most this many pixels.
        case count(Int)
        /// At most this percentage (0 to 100) of the image's pixels, rounded down to a whole pixel.
        case percent(Double)

        /// The largest allowed number of differing pixels in an image of `pixelCount` pixels.
        public func allowed(of pixelCount: Int) -> Int {
            switch self {
            case .count(let count): return count
            case .percent(let percent): return Int((Double(pixelCount) * percent / 100).rounded(.down))
            }
        }

        /// A count as a number (`120`); a percentage with `%`, whole ones without decimals (`5%`), others with
        /// two (`0.50%`).
        public var description: String {
            switch self {
            case .count(let count): return String(count)
            case .percent(let percent): return "\(ComparisonThresholds.format(percent))%"
            }
        }
    }

    /// The largest allowed channel difference, at the 8-bit scale (0–255) even for 16-bit images.
    public var maxDifference: Int?
    /// The largest allowed number of differing pixels (`ImageMetrics.differingPixels`), as a count or a
    /// share of the image's pixels.
    public var maxDifferingPixels: PixelLimit?
    /// The smallest allowed PSNR in decibels.
    public var minPSNR: Double?
    /// The smallest allowed SSIM.
    public var minSSIM: Double?

    /// Thresholds to meet; a threshold left nil is not checked. With none set, the thresholds are `exact`.
    public init(maxDifference: Int? = nil, maxDifferingPixels: PixelLimit? = nil, minPSNR: Double? = nil, minSSIM: Double? = nil) {
        self.maxDifference = maxDifference
        self.maxDifferingPixels = maxDifferingPixels
        self.minPSNR = minPSNR
        self.minSSIM = minSSIM
    }

    /// No threshold: the pixels must be equal.
    public static let exact = ComparisonThresholds()

    /// Whether no threshold is set, so that only exactly equal pixels pass.
    public var isExact: Bool { self == .exact }

    /// Why `metrics` fail these thresholds; empty when they pass.
    public func failures(of metrics: ImageMetrics) -> [String] {
        if isExact {
            return metrics.isIdentical ? [] : ["pixels differ (\(metrics.differingPixels) of \(metrics.pixelCount))"]
        }
        var reasons: [String] = []
        if let maxDifference {
            // A 16-bit difference d is within an 8-bit limit m when d ≤ m·257.
            let limit = metrics.peak == 255 ? maxDifference : maxDifference * 257
            if metrics.maxDifference > limit {
                reasons.append("max-diff \(metrics.maxDifference) > \(limit)")
            }
        }
        if let maxDifferingPixels {
            let allowed = maxDifferingPixels.allowed(of: metrics.pixelCount)
            if metrics.differingPixels > allowed {
                reasons.append("differing pixels \(metrics.differingPixels) > \(allowed)")
            }
        }
        if let minPSNR, metrics.psnr < minPSNR {
            reasons.append("psnr \(ComparisonThresholds.format(metrics.psnr)) < \(ComparisonThresholds.format(minPSNR))")
        }
        if let minSSIM, metrics.ssim < minSSIM {
            reasons.append("ssim \(String(format: "%.6f", metrics.ssim)) < \(ComparisonThresholds.format(minSSIM))")
        }
        return reasons
    }

    static func format(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.2f", value)
    }
}
