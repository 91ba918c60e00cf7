import ArgumentParser
import Foundation
import FrameGrab
import FrameGrabCommand

/// `framegrab sheet`: one contact sheet per input.
struct Sheet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a contact sheet of each input: a grid of stills with their times.",
        usage: "framegrab sheet <input> ... [times] [--columns <n>] [--tile-width <px>] [-o <template>] [<options>]",
        discussion: """
            One image per input: a header (file name, duration, display size, codec, file size) unless \
            --no-header, then the tiles in time order, left to right and top to bottom, each with its time \
            under it unless --no-timestamps. Without times, --count 16. Every tile is the frame grab writes \
            at that time with --max-size <tile width>x0 (exact by default; a tolerance allows the nearest \
            keyframe, and the tile is captioned with that frame's own time). Text is drawn with FreeType in \
            DejaVu Sans. With --json, one object per sheet: {"input","path","width","height","tiles":[{"index",\
            "requested","actual","x","y","width","height"}]}, each rectangle the picture alone. A tile whose \
            request fails is drawn dark red, said on stderr, and the exit status is 1.
            """
    )

    @Argument(help: InputListOptions.inputsHelp)
    var inputs: [String] = []

    @OptionGroup var timeOptions: TimeOptions

    @OptionGroup var tolerances: ToleranceOptions

    @OptionGroup var choice: StillChoiceOptions

    @Option(help: ArgumentHelp("Tiles per row.", valueName: "n"))
    var columns = 4

    @Option(name: .customLong("tile-width"), help: ArgumentHelp("Width of a tile in pixels; its height follows the display aspect.", valueName: "px"))
    var tileWidth = 320

    @Flag(name: .customLong("no-header"), help: "No header line (file name, duration, size, codec, file size).")
    var noHeader = false

    @Flag(name: .customLong("no-timestamps"), help: "No time under each tile.")
    var noTimestamps = false

    @Option(name: [.short, .long], help: ArgumentHelp("Output path template: {name} input file name without extension, {dir} its folder relative to the folder argument. A value ending in / is a folder for {name}-sheet.<ext> (the default).", valueName: "template"))
    var output: String?

    @OptionGroup var formatOptions: FormatOptions

    @Option(help: ArgumentHelp("Take stills from the video stream of this index (as probe lists it).", valueName: "n"))
    var stream: Int?

    @Flag(help: "Print one JSON object per sheet instead of its path.")
    var json = false

    @OptionGroup var batch: BatchOptions

    @OptionGroup(title: "Limits") var limits: LimitOptions

    func validate() throws {
        try batch.walk.list.validate(arguments: inputs, timesFile: timeOptions.timesFile, name: batch.name)
        if columns < 1 { throw ValidationError("--columns must be at least 1.") }
        if !(16...4096).contains(tileWidth) { throw ValidationError("--tile-width must be from 16 to 4096 pixels.") }
        if let stream, stream < 0 { throw ValidationError("--stream wants a stream index, 0 or more.") }
    }

    /// The output template and the format it implies (parsed once, by run(); its errors are usage errors).
    func template() throws -> (OutputTemplate, ImageFormat) {
        try MosaicOutput.template(output, kind: "sheet", formatOptions: formatOptions, fallback: .png) { format in
            MosaicSettings.defaultSheetName(format)
        }
    }

    func run() async throws {
        FFmpegLog.setVerbose(batch.walk.verbose)
        let (template, format) = try template()
        var settings = MosaicSettings(kind: .sheet(header: !noHeader, timestamps: !noTimestamps), inputs: try batch.walk.list.inputs(inputs, timesFile: timeOptions.timesFile, name: batch.name),
                                      selection: try timeOptions.selection(default: TimeSelection(count: 16), shots: choice.shots),
                                      tileWidth: tileWidth, columns: columns, output: template, format: format)
        MosaicOutput.apply(batch: batch, tolerances: tolerances, limits: limits, timeOptions: timeOptions, to: &settings)
        settings.skipBlank = choice.blankSkip
        settings.quality = formatOptions.quality ?? ImageFormat.defaultQuality
        settings.json = json
        settings.videoStream = stream
        let status = await MosaicRun(settings: settings).run()
        if status != 0 { throw ExitCode(status) }
    }
}

/// `framegrab storyboard`: sprites and a WebVTT file per input, for web players' scrubbing previews.
struct Storyboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write storyboard sprites and a WebVTT file of each input, for web players' scrubbing previews.",
        usage: "framegrab storyboard <input> ... [--every <duration> | --count <n>] [--tile-width <px>] [--columns <c>] [--rows <r>] [-o <folder>] [<options>]",
        discussion: """
            For each input, sprite sheets <name>-storyboard-1.jpg, -2.jpg, ... of at most COLUMNS x ROWS cells \
            (left to right, top to bottom, no space between them), and <name>.vtt, whose cues point into them \
            with #xywh=x,y,w,h as video.js, Plyr, Vidstack and JW Player read them. Without times, a cell every \
            5 s. Cue i runs from its time to the next cell's time, the first from 0 and the last to the end of \
            the video, with no gaps; times are sorted, and a second time in the same millisecond or one past \
            the end is left out. Each cell is the frame grab writes at its time with --max-size <tile width>x0. \
            Sprites are written as they fill. Files found in folders go to FOLDER/<their folder>/. With --json, \
            one object per input: {"input","vtt","sprites","cues","cellWidth","cellHeight"}.
            """
    )

    @Argument(help: InputListOptions.inputsHelp)
    var inputs: [String] = []

    @OptionGroup var timeOptions: TimeOptions

    @OptionGroup var tolerances: ToleranceOptions

    @Option(name: .customLong("tile-width"), help: ArgumentHelp("Width of a cell in pixels; its height follows the display aspect.", valueName: "px"))
    var tileWidth = 160

    @Option(help: ArgumentHelp("Cells per sprite row.", valueName: "c"))
    var columns = 10

    @Option(help: ArgumentHelp("Rows per sprite.", valueName: "r"))
    var rows = 10

    @Option(name: [.short, .long], help: ArgumentHelp("The folder the VTT files and sprites go to.", valueName: "folder"))
    var output = "."

    @OptionGroup var formatOptions: FormatOptions

    @Option(help: ArgumentHelp("Take stills from the video stream of this index (as probe lists it).", valueName: "n"))
    var stream: Int?

    @Flag(help: "Print one JSON object per storyboard instead of its VTT's path.")
    var json = false

    @OptionGroup var batch: BatchOptions

    @OptionGroup(title: "Limits") var limits: LimitOptions

    func validate() throws {
        try batch.walk.list.validate(arguments: inputs, timesFile: timeOptions.timesFile, name: batch.name)
        if columns < 1 || rows < 1 { throw ValidationError("--columns and --rows must be at least 1.") }
        if !(16...4096).contains(tileWidth) { throw ValidationError("--tile-width must be from 16 to 4096 pixels.") }
        if let stream, stream < 0 { throw ValidationError("--stream wants a stream index, 0 or more.") }
        if output.contains("{") { throw ValidationError("--output is a folder for storyboards; their files are named after the input.") }
        _ = try formatOptions.resolve(for: "", fallback: .jpeg)
    }

    func run() async throws {
        FFmpegLog.setVerbose(batch.walk.verbose)
        let format = try formatOptions.resolve(for: "", fallback: .jpeg)
        var settings = MosaicSettings(kind: .storyboard(rows: rows), inputs: try batch.walk.list.inputs(inputs, timesFile: timeOptions.timesFile, name: batch.name),
                                      selection: try timeOptions.selection(default: TimeSelection(every: MediaTime(value: 5, timescale: 1))),
                                      tileWidth: tileWidth, columns: columns,
                                      output: try MosaicSettings.storyboardTemplate(folder: output), format: format)
        MosaicOutput.apply(batch: batch, tolerances: tolerances, limits: limits, timeOptions: timeOptions, to: &settings)
        settings.quality = formatOptions.quality ?? ImageFormat.defaultQuality
        settings.json = json
        settings.videoStream = stream
        let status = await MosaicRun(settings: settings).run()
        if status != 0 { throw ExitCode(status) }
    }
}

/// What `sheet`, `storyboard` and `poster` share in turning options into settings.
enum MosaicOutput {
    /// The output template (`defaultName(format)` in a folder, or when not given) and its format.
    static func template(_ output: String?, kind: String, formatOptions: FormatOptions, fallback: ImageFormat,
                         defaultName: (ImageFormat) -> String) throws -> (OutputTemplate, ImageFormat) {
        var isFolder: ObjCBool = false
        let folder = output.map { $0.hasSuffix("/") || (FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && isFolder.boolValue) } ?? true
        let format = try formatOptions.resolve(for: folder ? "" : output!, fallback: fallback)
        let template: OutputTemplate
        do {
            template = try OutputTemplate(output ?? defaultName(format), defaultName: defaultName(format))
        } catch {
            throw ValidationError("\(error)")
        }
        for token in ["{index}", "{ms}", "{time}"] where template.pattern.contains(token) {
            throw ValidationError("a \(kind) is one file per input: its --output takes {name} and {dir}, not \(token).")
        }
        return (template, format)
    }

    static func apply(batch: BatchOptions, tolerances: ToleranceOptions, limits: LimitOptions, timeOptions: TimeOptions,
                      to settings: inout MosaicSettings) {
        apply(batch: batch, limits: limits, to: &settings)
        tolerances.apply(to: &settings.generation)
        settings.maximumRequests = timeOptions.maxRequests
    }

    /// What every picture of a whole video takes from the batch and limit options.
    static func apply(batch: BatchOptions, limits: LimitOptions, to settings: inout MosaicSettings) {
        settings.recursive = batch.walk.recursive
        settings.standardInputName = batch.name
        settings.generation.decoderThreadCount = batch.threads ?? 0
        if let jobs = batch.walk.jobs { settings.jobs = jobs }
        settings.skipExisting = batch.skipExisting
        settings.shard = batch.walk.shard
        settings.quiet = batch.walk.quiet
        settings.limits = limits.assetLimits
    }
}
