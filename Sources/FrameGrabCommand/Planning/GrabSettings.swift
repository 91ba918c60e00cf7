import Foundation
import FrameGrab

/// Everything the command line decided, in library types: the one value a grab run is planned and run from.
package struct GrabSettings: Sendable {
    /// Input files and folders, as given.
    package var inputs: [String]
    /// `-r`: walk folders into their subfolders.
    package var recursive = false
    /// The times asked for each input.
    package var selection: TimeSelection
    package var toleranceBefore = MediaTime.zero
    package var toleranceAfter = MediaTime.zero
    /// `--max-size`; zero sides are free.
    package var maximumSize = PixelSize.zero
    package var autorotate = true
    package var aperture = ApertureMode.productionAperture
    package var depth = OutputDepth.eight
    package var hdr = HDRPolicy.toneMap
    package var deinterlaces = true
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
    /// `--threads`: decoder threads for each input; nil shares the cores among the inputs worked on at once.
    package var decoderThreads: Int?
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

    /// The decoder threads of each input (`AssetImageGenerator.decoderThreadCount`): `requested` (`--threads`)
    /// when given; otherwise, when `concurrent` inputs are decoded at once, they share the cores instead of
    /// each asking for all of them, and one input alone gets 0, the library's default (one per core).
    package static func decoderThreads(requested: Int?, concurrent: Int) -> Int {
        if let requested { return max(1, requested) }
        return concurrent > 1 ? max(1, ProcessInfo.processInfo.activeProcessorCount / concurrent) : 0
    }

    /// Settings with the defaults of the command line for everything but the inputs, the times and the template.
    package init(inputs: [String], selection: TimeSelection, template: OutputTemplate) {
        self.inputs = inputs
        self.selection = selection
        self.template = template
    }
}
