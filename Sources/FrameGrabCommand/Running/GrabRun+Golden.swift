import Foundation
import FrameGrab
import Locking

/// `framegrab IN -t … --golden DIR`: each image is compared with the file the same request would write with
/// `-o DIR/<template>` instead of being written.
package final class GoldenCheck: Sendable {
    /// The golden folder.
    let folder: String
    let thresholds: ComparisonThresholds
    let resize: Bool
    /// Where difference images of failing requests go (the request's path relative to `folder`), if anywhere.
    let diffOut: String?
    private let unreadableCount = Lock(0)

    package init(folder: String, thresholds: ComparisonThresholds, resize: Bool, diffOut: String?) {
        self.folder = folder
        self.thresholds = thresholds
        self.resize = resize
        self.diffOut = diffOut
    }

    /// The output template applied inside the golden folder.
    package func template(_ output: String) throws(ParseError) -> OutputTemplate {
        try OutputTemplate(GoldenComparison.join(folder, output))
    }

    func noteUnreadable() { unreadableCount.withLock { $0 += 1 } }

    /// 2 when a golden file could not be read, else 1 when some request failed or differed, else 0.
    func exitStatus(failures: Int) -> Int32 {
        unreadableCount.withLock { $0 } > 0 ? 2 : failures > 0 ? 1 : 0
    }

    /// A golden path relative to the golden folder.
    func relative(_ path: String) -> String {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : (path as NSString).lastPathComponent
    }
}

extension GrabRun {
    /// The PNG options of one image: `--metadata` adds text chunks that depend only on the input's name,
    /// the request and the frame, never on the date, the host or the run.
    func pngOptions(input: String, stream: Int, requestedTime: MediaTime, actualTime: MediaTime) -> PNGOptions {
        var options = settings.png
        if settings.metadata {
            options.textChunks = [
                ("Source", (input as NSString).lastPathComponent),
                ("Stream", String(stream)),
                ("Requested time", requestedTime.decimalSeconds),
                ("Actual time", actualTime.decimalSeconds),
            ]
        }
        return options
    }

    /// Compares a generated image with its golden file and reports the verdict (instead of writing it).
    func check(_ generated: GeneratedImage, against golden: GoldenCheck, for request: Request, of input: String) {
        let verdict: PairVerdict
        var goldenImage: FrameImage?
        if !FileManager.default.fileExists(atPath: request.path) {
            verdict = PairVerdict(kind: .missing, reasons: ["no golden file \(request.path)"])
        } else {
            switch GoldenComparison.readPNG(request.path) {
            case .failure(let error):
                golden.noteUnreadable()
                verdict = PairVerdict(kind: .unreadable, reasons: [error.message])
            case .success(let image):
                goldenImage = image
                verdict = GoldenComparison.verdict(actual: generated.image, golden: image, thresholds: golden.thresholds, resize: golden.resize)
            }
        }
        var reasons = verdict.reasons
        var diffPath: String?
        if verdict.kind == .fail, let diffOut = golden.diffOut, let goldenImage,
           golden.resize || (generated.image.width == goldenImage.width && generated.image.height == goldenImage.height) {
            let path = GoldenComparison.join(diffOut, golden.relative(request.path))
            if let problem = ComparisonReport.writeDifference(actual: generated.image, golden: goldenImage, resized: verdict.resized, to: path) {
                reasons.append(problem)
            } else {
                diffPath = path
            }
        }
        // The progress bar and the summary line count a matching image as written, anything else as failed.
        counts.update { counts in
            if verdict.kind == .pass { counts.written += 1 } else { counts.failed += 1 }
            counts.requestsDone += 1
        }
        let shown = PairVerdict(kind: verdict.kind, metrics: verdict.metrics, reasons: reasons, resized: verdict.resized)
        let image = ImageFacts(input: input, index: request.index, requested: request.time, generated: generated,
                               shot: request.specification.shot)
        reporter.emit(VerdictRecord(subject: .image(image, golden: request.path), verdict: shown, diff: diffPath))
    }
}
