import ArgumentParser
import FrameGrab
import FrameGrabCommand

/// `framegrab poster`: one image per input, the frame that stands for the video.
struct Poster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one image per input: the frame a person would pick to stand for the video.",
        usage: "framegrab poster <input> ... [-o <template>] [--format <f>] [--max-size <WxH>] [--json] [<options>]",
        discussion: """
            The poster is not blank, sharp and representative: 16 keyframes spread over the video are looked \
            at (a blank one replaced by the nearest frame of its slice that is not), each scored on its \
            sharpness (the mean absolute Laplacian of its luma, against the sharpest) and its typicality (how \
            close its colour histogram is to the candidates' mean, as ffmpeg's thumbnail filter judges); then \
            the frames a fifth of a second apart for a second after the best; the best of all by the mean of \
            the two is written, exactly that frame. It costs about as much as 16 keyframe stills. With --json: \
            {"input","path","actual","width","height","score":{"sharpness","typicality","total","candidates"}}, \
            then a summary object. Exit status: 0 every input got its poster, 1 some input failed, 64 two \
            inputs would write the same file.
            """
    )

    @Argument(help: InputListOptions.inputsHelp)
    var inputs: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Output path template: {name} input file name without extension, {dir} its folder relative to the folder argument. A value ending in / is a folder for {name}-poster.<ext> (the default).", valueName: "template"))
    var output: String?

    @OptionGroup var formatOptions: FormatOptions

    @Option(name: .customLong("max-size"), help: ArgumentHelp("Fit the image inside WxH, keeping its shape and never enlarging; 0 leaves a side free (320x0).", valueName: "WxH"),
            transform: { try PixelSize(parsing: $0) })
    var maxSize: PixelSize?

    @Option(help: ArgumentHelp("Take the poster from the video stream of this index (as probe lists it).", valueName: "n"))
    var stream: Int?

    @Flag(help: "Print one JSON object per poster instead of its path.")
    var json = false

    @OptionGroup var batch: BatchOptions

    @OptionGroup(title: "Limits") var limits: LimitOptions

    func validate() throws {
        try batch.walk.list.validate(arguments: inputs, name: batch.name)
        if let stream, stream < 0 { throw ValidationError("--stream wants a stream index, 0 or more.") }
    }

    func run() async throws {
        FFmpegLog.setVerbose(batch.walk.verbose)
        let (template, format) = try MosaicOutput.template(output, kind: "poster", formatOptions: formatOptions, fallback: .png) { format in
            MosaicSettings.defaultPosterName(format)
        }
        var settings = MosaicSettings(kind: .poster, inputs: try batch.walk.list.inputs(inputs, name: batch.name), selection: TimeSelection(), tileWidth: 0, columns: 1,
                                      output: template, format: format)
        MosaicOutput.apply(batch: batch, limits: limits, to: &settings)
        settings.generation.maximumSize = maxSize ?? .zero
        settings.quality = formatOptions.quality ?? ImageFormat.defaultQuality
        settings.json = json
        settings.videoStream = stream
        let status = await MosaicRun(settings: settings).run()
        if status != 0 { throw ExitCode(status) }
    }
}
