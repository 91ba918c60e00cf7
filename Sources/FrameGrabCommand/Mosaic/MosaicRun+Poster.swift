import Foundation
import FrameGrab

/// A poster written: where, which frame, its size, and the measures that chose it.
package struct PosterRecord: ReportRecord {
    package let input: String
    package let path: String
    package let actual: MediaTime
    package let width: Int
    package let height: Int
    package let score: PosterScore

    package var json: JSONValue {
        .object([.init("input", .string(input)), .init("path", .string(path)), .init("actual", seconds(actual)),
                 .init("width", .int(width)), .init("height", .int(height)),
                 .init("score", .object([.init("sharpness", .decimal(String(format: "%.3f", score.sharpness))),
                                         .init("typicality", .decimal(String(format: "%.3f", score.typicality))),
                                         .init("total", .decimal(String(format: "%.3f", score.total))),
                                         .init("candidates", .int(score.candidates))]))])
    }
    package var plain: PlainLine { .result(path) }
}

extension MosaicRun {
    /// A poster: the frame `MediaAsset.posterFrame()` chooses, exactly that frame at the settings' size (in one
    /// pass, for standard input: `MediaAsset.posterImage`).
    func makePoster(_ job: Job, asset: MediaAsset, cores: Int) async throws(FrameGrabError) {
        let (choice, image, actualTime) = try await asset.posterImage(settings: settings.generation.sharing(cores: cores))
        counts.update { $0.requestsDone += 1 }
        try await write(image: { image }, to: job.path)
        counts.update { $0.written += 1 }
        reporter.emit(PosterRecord(input: job.input.path, path: job.path, actual: actualTime, width: image.width,
                                   height: image.height, score: choice.score))
    }
}
