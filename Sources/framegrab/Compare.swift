import ArgumentParser
import Foundation
import FrameGrab

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare PNG images (or folders of them) with golden references.",
        usage: "framegrab compare <actual> <golden> [<options>]",
        discussion: """
            ACTUAL and GOLDEN are both PNG files or both folders; folders are matched by the relative paths of \
            their *.png files, recursively (hidden files and other files are ignored). A golden file with no \
            actual file is 'missing', an actual file with no golden file is 'extra'; both fail unless \
            --allow-missing / --allow-extra.

            By default a pair passes when the decoded pixels are equal (not the file bytes). With thresholds, \
            it passes when every threshold given holds. Metrics: max-diff, the largest channel difference \
            (alpha included); differing, the pixels where any channel differs; psnr over R, G, B \
            (10 log10(peak^2/MSE), peak 255, or 65535 when either image is 16-bit); ssim, the mean over R, G, B \
            of the mean SSIM of 8x8 windows placed every 4 pixels (C1=(0.01 peak)^2, C2=(0.03 peak)^2).

            Output: one line per pair (verdict, path, metrics, reasons) and a summary line; with --json, one \
            object per pair and a summary object. Exit status: 0 every pair passes, 1 some pair fails, \
            2 unreadable or non-PNG input, 64 usage error.
            """
    )

    @Argument(help: ArgumentHelp("The images to check: a PNG file or a folder.", valueName: "actual"))
    var actual: String

    @Argument(help: ArgumentHelp("The approved images: a PNG file or a folder.", valueName: "golden"))
    var golden: String

    @OptionGroup var comparison: ComparisonOptions

    @Flag(name: .customLong("allow-missing"), help: "A golden file with no actual file does not fail.")
    var allowMissing = false

    @Flag(name: .customLong("allow-extra"), help: "An actual file with no golden file does not fail.")
    var allowExtra = false

    @Flag(help: "Copy ACTUAL over GOLDEN for failing pairs and extra files (approve them), printing what was replaced; creates GOLDEN if it does not exist.")
    var update = false

    @Flag(help: "Print one JSON object per pair and a summary object instead of plain lines.")
    var json = false

    func run() throws {
        let output = Output()
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
            throw ExitCode(2)
        }
        if actualIsFolder.boolValue != goldenIsFolder.boolValue {
            throw ValidationError("ACTUAL and GOLDEN must both be PNG files or both be folders (\(actual) is a \(actualIsFolder.boolValue ? "folder" : "file"), \(golden) is a \(goldenIsFolder.boolValue ? "folder" : "file")).")
        }
        let pairs = actualIsFolder.boolValue
            ? GoldenComparison.pairs(actualFolder: actual, goldenFolder: golden)
            : [GoldenComparison.Pair(relativePath: (golden as NSString).lastPathComponent, actual: actual,
                                     golden: creatingGolden ? nil : golden)]

        var counts: [PairVerdict.Kind: Int] = [:]
        var failing = 0, unreadable = 0, updatedCount = 0
        for pair in pairs {
            let verdict = GoldenComparison.verdict(for: pair, thresholds: comparison.thresholds, resize: comparison.resize)
            counts[verdict.kind, default: 0] += 1
            let allowed = (verdict.kind == .missing && allowMissing) || (verdict.kind == .extra && allowExtra)
            var diffPath: String?
            var notes: [String] = []
            if verdict.kind == .fail, let diffOut = comparison.diffOut,
               case .success(let actualImage) = GoldenComparison.readPNG(pair.actual!),
               case .success(let goldenImage) = GoldenComparison.readPNG(pair.golden!),
               comparison.resize || (actualImage.width == goldenImage.width && actualImage.height == goldenImage.height) {
                let path = diffOut.hasSuffix("/") ? diffOut + pair.relativePath : diffOut + "/" + pair.relativePath
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
                if let problem = Compare.copy(source, over: target) {
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
            if json {
                var line = JSONLine()
                line.add("path", pair.relativePath)
                if let path = pair.actual { line.add("actual", path) } else { line.addRaw("actual", "null") }
                if let path = pair.golden { line.add("golden", path) } else { line.addRaw("golden", "null") }
                ComparisonReport.add(shown, to: &line, updated: updated, allowed: allowed)
                if let diffPath { line.add("diff", diffPath) }
                output.standardOutput(line.text)
            } else {
                output.standardOutput(ComparisonReport.line(shown, path: pair.relativePath, updated: updated, allowed: allowed, diff: diffPath))
            }
        }
        let status: Int32 = unreadable > 0 ? 2 : failing > 0 ? 1 : 0
        let summary: [(String, Int)] = [("pairs", pairs.count), ("passed", counts[.pass] ?? 0), ("failed", counts[.fail] ?? 0),
                                        ("missing", counts[.missing] ?? 0), ("extra", counts[.extra] ?? 0),
                                        ("unreadable", counts[.unreadable] ?? 0), ("updated", updatedCount)]
        if json {
            var line = JSONLine()
            for (key, value) in summary { line.add(key, value) }
            line.add("status", Int(status))
            output.standardOutput("{\"summary\":" + line.text + "}")
        } else {
            output.standardOutput("framegrab compare: " + summary.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
                                  + (status == 0 ? " — ok" : status == 1 ? " — FAILED" : " — unreadable input"))
        }
        if status != 0 { throw ExitCode(status) }
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
