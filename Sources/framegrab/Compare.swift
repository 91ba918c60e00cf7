import ArgumentParser
import Foundation
import FrameGrab
import FrameGrabCommand

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
        let run = CompareRun(actual: actual, golden: golden, thresholds: comparison.thresholds, resize: comparison.resize,
                             diffOut: comparison.diffOut, allowMissing: allowMissing, allowExtra: allowExtra, update: update, json: json)
        let status: Int32
        do {
            status = try run.run()
        } catch .missingOperand {
            throw ExitCode(2)
        } catch .mixedKinds(let message) {
            throw ValidationError(message)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
