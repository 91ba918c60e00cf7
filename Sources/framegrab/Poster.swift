import ArgumentParser
import FrameGrab
import FrameGrabCommand

/// `framegrab poster`: one image per input, the frame that stands for the video.
struct Poster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one image per input: the frame a person would pick to stand for the video.",
        usage: "framegrab poster <input> ... [-o <template>] [--format <f>] [--max-size <WxH>] [--json]",
        discussion: """
            The poster is not blank, sharp and representative: 16 keyframes spread over the video are looked \
            at (a blank one replaced by the nearest frame of its slice that is not), each scored on its \
            sharpness (the mean absolute Laplacian of its luma, against the sharpest) and its typicality (how \
            close its colour histogram is to the candidates' mean, as ffmpeg's thumbnail filter judges); then \
            the frames a fifth of a second apart for a second after the best; the best of all by the mean of \
            the two is written, exactly that frame. It costs about as much as 16 keyframe stills. With --json: \
            {"input","path","actual","width","height","score":{"sharpness","typicality","total","candidates"}}. \
            Exit status: 0 every input got its poster, 1 some input failed.
            """
    )

    @Argument(help: ArgumentHelp("Video files, or folders of them (video is recognised by its contents).", valueName: "input"))
    var inputs: [String]

    @Option(name: [.short, .long], help: ArgumentHelp("Output path template: {name}, {dir}, {ms}, {time}. A value ending in / is a folder for {name}-poster.<ext> (the default).", valueName: "template"))
    var output: String?

    @OptionGroup var formatOptions: FormatOptions

    @Option(name: .customLong("max-size"), help: ArgumentHelp("Fit the image inside WxH, keeping its shape and never enlarging; 0 leaves a side free (320x0).", valueName: "WxH"),
            transform: { try PixelSize(parsing: $0) })
    var maxSize: PixelSize?

    @Flag(name: [.short, .long], help: "Walk folders given as inputs into their subfolders too.")
    var recursive = false

    @Option(help: ArgumentHelp("Take the poster from the video stream of this index (as probe lists it).", valueName: "n"))
    var stream: Int?

    @Flag(help: "Print one JSON object per poster instead of its path.")
    var json = false

    @Flag(help: "Show FFmpeg's own log messages.")
    var verbose = false

    func validate() throws {
        if let stream, stream < 0 { throw ValidationError("--stream wants a stream index, 0 or more.") }
    }

    func run() async throws {
        FFmpegLog.setVerbose(verbose)
        let format = try formatOptions.resolve(for: output ?? "")
        let template: OutputTemplate
        do {
            template = try OutputTemplate(output ?? PosterSettings.defaultName(format), defaultName: PosterSettings.defaultName(format))
        } catch {
            throw ValidationError("\(error)")
        }
        if template.pattern.contains("{index}") { throw ValidationError("a poster is one file per input: its --output takes {name}, {dir}, {ms} and {time}, not {index}.") }
        var settings = PosterSettings(inputs: inputs, template: template)
        settings.format = format
        settings.quality = formatOptions.quality ?? ImageFormat.defaultQuality
        settings.maximumSize = maxSize ?? .zero
        settings.recursive = recursive
        settings.json = json
        settings.videoStream = stream
        if !(await PosterRun.run(settings)) { throw ExitCode(1) }
    }
}
