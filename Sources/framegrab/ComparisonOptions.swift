import ArgumentParser
import Foundation
import FrameGrab

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

/// Plain lines and JSON objects describing comparison verdicts, shared by `compare` and `--golden`.
enum ComparisonReport {
    /// `pass`, `FAIL`, `missing`, `extra`, `unreadable`, or `updated` (after --update replaced the golden).
    static func word(_ verdict: PairVerdict, updated: Bool, allowed: Bool) -> String {
        if updated { return "updated" }
        switch verdict.kind {
        case .pass: return "pass"
        case .fail: return "FAIL"
        case .missing: return allowed ? "missing (allowed)" : "missing"
        case .extra: return allowed ? "extra (allowed)" : "extra"
        case .unreadable: return "unreadable"
        }
    }

    /// `max-diff=3 differing=12/76800 psnr=48.13 ssim=0.998702` (nothing when there are no metrics).
    static func metricsText(_ metrics: ImageMetrics?) -> String {
        guard let metrics else { return "" }
        let psnr = metrics.psnr.isInfinite ? "inf" : String(format: "%.2f", metrics.psnr)
        return "max-diff=\(metrics.maxDifference) differing=\(metrics.differingPixels)/\(metrics.pixelCount) psnr=\(psnr) ssim=\(String(format: "%.6f", metrics.ssim))"
    }

    /// One plain line: the verdict, the path, the metrics and the reasons.
    static func line(_ verdict: PairVerdict, path: String, updated: Bool, allowed: Bool, diff: String?) -> String {
        var text = "\(word(verdict, updated: updated, allowed: allowed)) \(path)"
        let metrics = metricsText(verdict.metrics)
        if !metrics.isEmpty { text += ": " + metrics }
        if verdict.resized { text += " (resized)" }
        if !verdict.reasons.isEmpty { text += (metrics.isEmpty ? ": " : " — ") + verdict.reasons.joined(separator: "; ") }
        if let diff { text += " [diff: \(diff)]" }
        return text
    }

    /// Adds `verdict`, the metrics (`psnr` null when infinite), `resized` and `reasons` to a JSON line.
    static func add(_ verdict: PairVerdict, to line: inout JSONLine, updated: Bool, allowed: Bool) {
        line.add("verdict", verdict.kind.rawValue)
        line.add("allowed", allowed)
        if let metrics = verdict.metrics {
            line.add("maxDiff", metrics.maxDifference)
            line.add("differingPixels", metrics.differingPixels)
            line.add("pixels", metrics.pixelCount)
            line.add("psnr", seconds: metrics.psnr)
            line.addRaw("ssim", String(format: "%.6f", metrics.ssim))
            line.add("peak", metrics.peak)
            line.add("resized", verdict.resized)
        }
        line.addRaw("reasons", "[" + verdict.reasons.map(JSONLine.quote).joined(separator: ",") + "]")
        line.add("updated", updated)
    }

    /// Writes the difference image of a compared pair to `path` (folders created). Returns an error message
    /// on failure.
    static func writeDifference(actual: FrameImage, golden: FrameImage, resized: Bool, to path: String) -> String? {
        let actual = resized ? ImageComparison.resized(actual, to: PixelSize(width: golden.width, height: golden.height)) : actual
        do {
            let image = try ImageComparison.differenceImage(actual: actual, golden: golden)
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            try image.writePNG(to: URL(fileURLWithPath: path))
            return nil
        } catch {
            let reason = (error as? AtomicFile.WriteError)?.reason ?? "\(error)"
            return "cannot write the difference image \(path): \(reason)"
        }
    }
}
