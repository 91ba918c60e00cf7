import Foundation
import FrameGrab

/// Plain lines describing comparison verdicts, and the difference images, shared by `compare` and `--golden`.
package enum ComparisonReport {
    /// `pass`, `FAIL`, `missing`, `extra`, `unreadable`, or `updated` (after --update replaced the golden).
    package static func word(_ verdict: PairVerdict, updated: Bool, allowed: Bool) -> String {
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
    package static func metricsText(_ metrics: ImageMetrics?) -> String {
        guard let metrics else { return "" }
        let psnr = metrics.psnr.isInfinite ? "inf" : String(format: "%.2f", metrics.psnr)
        return "max-diff=\(metrics.maxDifference) differing=\(metrics.differingPixels)/\(metrics.pixelCount) psnr=\(psnr) ssim=\(String(format: "%.6f", metrics.ssim))"
    }

    /// One plain line: the verdict, the path, the metrics and the reasons.
    package static func line(_ verdict: PairVerdict, path: String, updated: Bool, allowed: Bool, diff: String?) -> String {
        var text = "\(word(verdict, updated: updated, allowed: allowed)) \(path)"
        let metrics = metricsText(verdict.metrics)
        if !metrics.isEmpty { text += ": " + metrics }
        if verdict.resized { text += " (resized)" }
        if !verdict.reasons.isEmpty { text += (metrics.isEmpty ? ": " : " — ") + verdict.reasons.joined(separator: "; ") }
        if let diff { text += " [diff: \(diff)]" }
        return text
    }

    /// Writes the difference image of a compared pair to `path` (folders created). Returns an error message
    /// on failure.
    package static func writeDifference(actual: FrameImage, golden: FrameImage, resized: Bool, to path: String) -> String? {
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
