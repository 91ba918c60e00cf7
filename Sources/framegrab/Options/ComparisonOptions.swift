import ArgumentParser
import Foundation
import FrameGrab
import FrameGrabCommand

/// The thresholds and comparison settings shared by `framegrab compare` and `framegrab --golden`.
struct ComparisonOptions: ParsableArguments {
    @Option(name: .customLong("max-diff"), help: ArgumentHelp("Largest allowed difference of any channel of any pixel (0-255, at the 8-bit scale).", valueName: "n"))
    var maxDiff: Int?

    @Option(name: .customLong("max-differing-pixels"), help: ArgumentHelp("Largest allowed number of differing pixels, or share of the image (0.5%).", valueName: "n|p%"),
            transform: { try ComparisonThresholds.PixelLimit(parsing: $0) })
    var maxDifferingPixels: ComparisonThresholds.PixelLimit?

    @Option(name: .customLong("min-psnr"), help: ArgumentHelp("Smallest allowed PSNR over R, G, B, in decibels.", valueName: "db"))
    var minPSNR: Double?

    @Option(name: .customLong("min-ssim"), help: ArgumentHelp("Smallest allowed SSIM (mean of R, G, B; 1 = identical).", valueName: "x"))
    var minSSIM: Double?

    @Flag(help: "Compare images of another size at the golden's size (ACTUAL scaled bilinearly) instead of failing.")
    var resize = false

    @Option(name: .customLong("diff-out"), help: ArgumentHelp("Write a difference image for each failing pair into this folder.", valueName: "dir"))
    var diffOut: String?

    var thresholds: ComparisonThresholds {
        ComparisonThresholds(maxDifference: maxDiff, maxDifferingPixels: maxDifferingPixels, minPSNR: minPSNR, minSSIM: minSSIM)
    }

    /// Whether any comparison option was given (they only mean something when comparing).
    var isSet: Bool { !thresholds.isExact || resize || diffOut != nil }

    func validate() throws {
        if let maxDiff, !(0...255).contains(maxDiff) { throw ValidationError("--max-diff must be from 0 to 255.") }
        if let minPSNR, !minPSNR.isFinite || minPSNR < 0 { throw ValidationError("--min-psnr must be a number of decibels, 0 or more.") }
        if let minSSIM, !minSSIM.isFinite || minSSIM < -1 || minSSIM > 1 { throw ValidationError("--min-ssim must be from -1 to 1.") }
    }
}
