import Foundation
import FrameGrab

/// What `framegrab poster` was asked for.
package struct PosterSettings: Sendable {
    package var inputs: [String]
    package var recursive = false
    /// Where each poster goes (`-o`; by default `{name}-poster.<ext>` beside the working folder).
    package var template: OutputTemplate
    package var format = ImageFormat.png
    package var quality = ImageFormat.defaultQuality
    /// `--max-size`.
    package var maximumSize = PixelSize.zero
    package var json = false
    package var videoStream: Int?
    package var limits = AssetLimits.default

    package init(inputs: [String], template: OutputTemplate) {
        self.inputs = inputs
        self.template = template
    }

    package static func defaultName(_ format: ImageFormat) -> String { "{name}-poster.\(format.fileExtension)" }
}

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

/// `framegrab poster`: one image per input, the frame `MediaAsset.posterFrame()` chooses, each input in
/// turn. Returns whether every input got its poster.
package enum PosterRun {
    package static func run(_ settings: PosterSettings) async -> Bool {
        let reporter = Reporter(output: Output(), json: settings.json)
        return await InputDiscovery.eachVideo(settings.inputs, recursive: settings.recursive, limits: settings.limits,
                                              videoStream: settings.videoStream, reporter: reporter) { asset, input throws(FrameGrabError) in
            reporter.emit(try await poster(of: asset, input: input, settings))
        }
    }

    private static func poster(of asset: MediaAsset, input: InputDiscovery.Input,
                               _ settings: PosterSettings) async throws(FrameGrabError) -> PosterRecord {
        try asset.requireDecoder()
        let choice = try await asset.posterFrame()
        var generation = GenerationSettings()
        generation.maximumSize = settings.maximumSize
        let image = try await AssetImageGenerator(asset: asset, settings: generation).image(at: choice.time)
        let path = settings.template.path(for: OutputTemplate.Values(inputPath: input.path, index: 1, count: 1,
                                                                     requestedTime: choice.time, directory: input.directory))
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FrameGrabError(.writeFailed, "\(path): cannot create the folder (\(error.localizedDescription))", path: path)
        }
        try await image.image.write(to: URL(fileURLWithPath: path), format: settings.format, quality: settings.quality)
        return PosterRecord(input: input.path, path: path, actual: image.actualTime, width: image.image.width,
                            height: image.image.height, score: choice.score)
    }
}
