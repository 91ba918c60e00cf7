import ArgumentParser
import FrameGrab
import FrameGrabCommand

/// `framegrab shots`: the shots of each input, found by looking at every frame.
struct Shots: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the shots of each input: where each hard cut or cut through black starts a new one.",
        usage: "framegrab shots <input> ... [--json] [<options>]",
        discussion: """
            Every frame is decoded and looked at on a 64x36 grid (nothing is converted to RGB). A shot starts \
            at the video's first frame, at each hard cut, and where new content first shows after black \
            frames (a fade to black and back); a dissolve, a pan, a flash or a dip to black inside a shot \
            starts none. One line per shot, as soon as its end is known: its number, the time of its first \
            frame (asking framegrab for that time gives that frame) and its end (the next shot's start; the \
            end of the video's last frame for the last shot). With --json: {"input","shot","start","end"}, \
            then a summary object. Several inputs are read at once (--jobs): each input's lines are in order, \
            and name their input. Nothing is written to files, so there is nothing to skip. Exit status: 0 \
            every input read to its end, 1 some input could not be read or decoded.
            """
    )

    @Argument(help: InputListOptions.inputsHelp)
    var inputs: [String] = []

    @Flag(help: "Print one JSON object per shot instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Look at the video stream of this index (as probe lists it).", valueName: "n"))
    var stream: Int?

    @OptionGroup var walk: InputWalkOptions

    @OptionGroup(title: "Limits") var limits: LimitOptions

    func validate() throws {
        try walk.list.validate(arguments: inputs)
        if let stream, stream < 0 { throw ValidationError("--stream wants a stream index, 0 or more.") }
    }

    func run() async throws {
        FFmpegLog.setVerbose(walk.verbose)
        var settings = ShotsSettings(inputs: try walk.list.inputs(inputs))
        settings.recursive = walk.recursive
        settings.json = json
        if let jobs = walk.jobs { settings.jobs = jobs }
        settings.shard = walk.shard
        settings.quiet = walk.quiet
        settings.videoStream = stream
        settings.limits = limits.assetLimits
        let status = await ShotsRun(settings: settings).run()
        if status != 0 { throw ExitCode(status) }
    }
}
