import Foundation
import FrameGrab

/// What `framegrab sheet`, `framegrab storyboard` and `framegrab poster` were asked for: one value the run
/// is planned from.
package struct MosaicSettings: Sendable {
    /// The pictures that stand for a whole video.
    package enum Kind: Sendable {
        /// One contact sheet per input: a header (unless `header` is false), then the tiles with their
        /// times under them (unless `timestamps` is false).
        case sheet(header: Bool, timestamps: Bool)
        /// Sprites of at most `columns` × `rows` cells, and a WebVTT file pointing into them.
        case storyboard(rows: Int)
        /// The one frame `MediaAsset.posterFrame()` chooses, at most the generation's maximum size.
        case poster
    }

    package var kind: Kind
    package var inputs: [String]
    package var recursive = false
    /// `--name`: what `{name}` is for standard input (`-`); nil for `stdin`.
    package var standardInputName: String?
    package var selection: TimeSelection
    /// Which frame each tile or cell gets and its size, as the generator takes them: `--tolerance`,
    /// `--threads`, and the tile width as the maximum size (its height follows the display aspect).
    package var generation = GenerationSettings()
    /// `--skip-blank` (sheets only): each tile avoids blank frames within its own slice of the video.
    package var skipBlank: BlankSkip?
    /// The width of a tile or cell.
    package var tileWidth: Int { generation.maximumSize.width }
    package var columns: Int
    /// Sheets and posters: where each picture goes (`{name}`, `{dir}`). Storyboards: the folder, as a template whose
    /// `{dir}/{name}` names the VTT (`.vtt`) and the sprites (`-storyboard-N.<ext>`).
    package var output: OutputTemplate
    package var format: ImageFormat
    package var quality = ImageFormat.defaultQuality
    package var json = false
    package var jobs = ProcessInfo.processInfo.activeProcessorCount
    package var skipExisting = false
    package var shard: Shard?
    package var quiet = false
    package var limits = AssetLimits.default
    package var videoStream: Int?
    package var maximumRequests = GrabSettings.defaultMaximumRequests

    package init(kind: Kind, inputs: [String], selection: TimeSelection, tileWidth: Int, columns: Int,
                 output: OutputTemplate, format: ImageFormat) {
        self.kind = kind
        self.inputs = inputs
        self.selection = selection
        generation.maximumSize = PixelSize(width: tileWidth, height: 0)
        self.columns = columns
        self.output = output
        self.format = format
    }

    /// The most pixels one sheet or sprite may have (100 megapixels, 400 MB while it is filled): a sheet
    /// of ten thousand tiles is refused rather than made.
    package static let maximumPictureSize = 100_000_000

    /// Posters: `{name}-poster.<ext>`.
    package static func defaultPosterName(_ format: ImageFormat) -> String { "{name}-poster.\(format.fileExtension)" }

    /// Sheets: `{name}-sheet.<ext>`.
    package static func defaultSheetName(_ format: ImageFormat) -> String { "{name}-sheet.\(format.fileExtension)" }

    /// Storyboards: the VTT and the sprites of an input go to `<folder>/{dir}/{name}…`.
    package static func storyboardTemplate(folder: String) throws(ParseError) -> OutputTemplate {
        if folder.isEmpty || folder == "." { return try OutputTemplate("{dir}/{name}") }
        return try OutputTemplate(folder.hasSuffix("/") ? folder + "{dir}/{name}" : folder + "/{dir}/{name}")
    }
}
