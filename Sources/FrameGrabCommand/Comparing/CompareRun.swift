import Foundation
import FrameGrab

/// `framegrab compare`: checks every pair of ACTUAL and GOLDEN, reports a verdict per pair and a summary.
package struct CompareRun: Sendable {
    package let actual: String
    package let golden: String
    package let thresholds: ComparisonThresholds
    package let resize: Bool
    package let diffOut: String?
    package let allowMissing: Bool
    package let allowExtra: Bool
    package let update: Bool
    package let json: Bool

    package init(actual: String, golden: String, thresholds: ComparisonThresholds, resize: Bool, diffOut: String?,
                 allowMissing: Bool, allowExtra: Bool, update: Bool, json: Bool) {
        self.actual = actual
        self.golden = golden
        self.thresholds = thresholds
        self.resize = resize
        self.diffOut = diffOut
        self.allowMissing = allowMissing
        self.allowExtra = allowExtra
        self.update = update
        self.json = json
    }

    /// Why a comparison cannot start.
    package enum Refusal: Error {
        /// Exit status 2: an operand does not exist (said on stderr).
        case missingOperand
        /// A usage error: one operand is a file and the other a folder.
        case mixedKinds(String)
    }

    /// Compares every pair and returns the exit status: 0 all pass, 1 some fail, 2 unreadable input.
    @available(*, noasync, message: "reads and compares images on the calling thread")
    package func run() throws(Refusal) -> Int32 {
        let output = Output()
        let reporter = Reporter(output: output, json: json)
        var actualIsFolder: ObjCBool = false, goldenIsFolder: ObjCBool = false
        let actualExists = FileManager.default.fileExists(atPath: actual, isDirectory: &actualIsFolder)
        let goldenExists = FileManager.default.fileExists(atPath: golden, isDirectory: &goldenIsFolder)
        // Approving a first golden set: with --update, a GOLDEN that does not exist yet is created.
        let creatingGolden = update && actualExists && !goldenExists
        if creatingGolden { goldenIsFolder = actualIsFolder }
        if !actualExists || (!goldenExists && !creatingGolden) {
            for (path, exists) in [(actual, actualExists), (golden, goldenExists)] where !exists {
                output.standardError("framegrab: \(path): no such file or folder")
            }
            throw .missingOperand
        }
        if actualIsFolder.boolValue != goldenIsFolder.boolValue {
            throw .mixedKinds("ACTUAL and GOLDEN must both be PNG files or both be folders (\(actual) is a \(actualIsFolder.boolValue ? "folder" : "file"), \(golden) is a \(goldenIsFolder.boolValue ? "folder" : "file")).")
        }
        let pairs = actualIsFolder.boolValue
            ? GoldenComparison.pairs(actualFolder: actual, goldenFolder: golden)
            : [GoldenComparison.Pair(relativePath: (golden as NSString).lastPathComponent, actual: actual,
                                     golden: creatingGolden ? nil : golden)]

        var counts: [PairVerdict.Kind: Int] = [:]
        var failing = 0, unreadable = 0, updatedCount = 0
        for pair in pairs {
            let verdict = GoldenComparison.verdict(for: pair, thresholds: thresholds, resize: resize)
            counts[verdict.kind, default: 0] += 1
            let allowed = (verdict.kind == .missing && allowMissing) || (verdict.kind == .extra && allowExtra)
            var diffPath: String?
            var notes: [String] = []
            if verdict.kind == .fail, let diffOut,
               case .success(let actualImage) = GoldenComparison.readPNG(pair.actual!),
               case .success(let goldenImage) = GoldenComparison.readPNG(pair.golden!),
               resize || (actualImage.width == goldenImage.width && actualImage.height == goldenImage.height) {
                let path = GoldenComparison.join(diffOut, pair.relativePath)
                if let problem = ComparisonReport.writeDifference(actual: actualImage, golden: goldenImage,
                                                                   resized: verdict.resized, to: path) {
                    notes.append(problem)
                } else {
                    diffPath = path
                }
            }
            var updated = false
            if update, verdict.kind == .fail || verdict.kind == .extra, let source = pair.actual {
                let target = pair.golden ?? (actualIsFolder.boolValue ? GoldenComparison.join(golden, pair.relativePath) : golden)
                if let problem = CompareRun.copy(source, over: target) {
                    notes.append(problem)
                } else {
                    updated = true
                    updatedCount += 1
                    if !json { output.standardError("framegrab: replaced \(target) with \(source)") }
                }
            }
            switch verdict.kind {
            case .unreadable: unreadable += 1
            case .fail, .missing, .extra: if !allowed && !updated { failing += 1 }
            case .pass: break
            }
            let shown = PairVerdict(kind: verdict.kind, metrics: verdict.metrics, reasons: verdict.reasons + notes, resized: verdict.resized)
            reporter.emit(VerdictRecord(subject: .pair(relativePath: pair.relativePath, actual: pair.actual, golden: pair.golden),
                                        verdict: shown, updated: updated, allowed: allowed, diff: diffPath))
        }
        let status: Int32 = unreadable > 0 ? 2 : failing > 0 ? 1 : 0
        reporter.emit(CompareSummaryRecord(pairs: pairs.count, counts: counts, updated: updatedCount, status: status))
        return status
    }

    /// Copies `source` over `target` atomically (folders created). Returns an error message on failure.
    static func copy(_ source: String, over target: String) -> String? {
        guard let data = FileManager.default.contents(atPath: source) else { return "cannot read \(source) to update \(target)" }
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: target).deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write([UInt8](data), to: target)
            return nil
        } catch {
            let reason = (error as? AtomicFile.WriteError)?.reason ?? "\(error)"
            return "cannot update \(target): \(reason)"
        }
    }
}
