import Foundation
import FrameGrab

/// Everything the command line decided, in library types: the one value a grab run is planned and run from.
package struct GrabSettings: Sendable {
    /// Input files and folders, as given.
    package var inputs: [String]
    /// `-r`: walk folders into their subfolders.
    package var recursive = false
    /// `--name`: what `{name}` is for standard input (`-`); nil for `stdin`.
    package var standardInputName: String?
    /// The times asked for each input.
    package var selection: TimeSelection
    /// Which frame each request gets and what its image looks like, as the generator takes them (`--tolerance`,
    /// `--max-size`, `--no-autorotate`, `--aperture`, `--depth`, `--hdr`, `--no-deinterlace`, `--threads`).
    package var generation = GenerationSettings()
    /// `--skip-blank`: requests whose frame is blank get the nearest frame that is not.
    package var skipBlank: BlankSkip?
    /// Where each image goes (`-o`).
    package var template: OutputTemplate
    /// The image files' format (`--format`, or the template's extension).
    package var format = ImageFormat.png
    /// JPEG and WebP quality, 1–100.
    package var quality = ImageFormat.defaultQuality
    package var png = PNGOptions.default
    package var json = false
    /// How many inputs are worked on at once.
    package var jobs = ProcessInfo.processInfo.activeProcessorCount
    package var skipExisting = false
    package var shard: Shard?
    /// No progress bar and no summary line.
    package var quiet = false
    /// `--metadata`: PNG text chunks describing each image's source.
    package var metadata = false
    /// `--golden`: compare with golden files instead of writing.
    package var golden: GoldenCheck?
    /// Frame size and time bounds for each input.
    package var limits = AssetLimits.default
    /// `--stream`: the index of the video stream images come from, instead of the one the asset chooses.
    package var videoStream: Int?
    /// `-o -`: the one image goes to stdout, and the lines that would go there (`--json`) go to stderr.
    package var toStandardOutput = false
    /// `--max-requests`: the most times one input may get; more is a usage error before anything is decoded.
    package var maximumRequests = GrabSettings.defaultMaximumRequests

    package static let defaultMaximumRequests = 20_000

    /// Settings with the defaults of the command line for everything but the inputs, the times and the template.
    package init(inputs: [String], selection: TimeSelection, template: OutputTemplate) {
        self.inputs = inputs
        self.selection = selection
        self.template = template
    }
}

extension GenerationSettings {
    /// These settings for one of `concurrent` inputs decoded at once: without `--threads` (a thread count of
    /// 0) the inputs share the cores instead of each asking for all of them; one input alone keeps 0, the
    /// library's default (one per core).
    package func sharing(cores concurrent: Int) -> GenerationSettings {
        guard decoderThreadCount == 0, concurrent > 1 else { return self }
        var shared = self
        shared.decoderThreadCount = max(1, ProcessInfo.processInfo.activeProcessorCount / concurrent)
        return shared
    }
}
