import ArgumentParser
import Foundation
import FrameGrab
import FrameGrabCommand

/// `framegrab probe`: what framegrab sees in each input, without decoding any picture.
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe each input: container, duration, the video stream images come from, other streams.",
        usage: "framegrab probe <input> ... [--json] [--keyframes] [--stream <n>]",
        discussion: """
            Times are seconds on framegrab's timeline (time 0 is the start of the file). With --keyframes, \
            the keyframe times are read from the packets (nothing is decoded, except where packets do not say \
            when keyframes are shown: a raw stream, AVI with B-frames). The video stream images come \
            from is said with why it was chosen: a moving stream over one-frame stills, else FFmpeg's own \
            choice, or --stream. Exit status: 0 every input described, 1 some input could not be read \
            (or --stream names no decodable video stream in it: code invalidStream).
            """
    )

    @Argument(help: ArgumentHelp("Video files or http(s) URLs to describe, or - (a video on standard input); --inputs-from lists more.", valueName: "input"))
    var inputs: [String] = []

    @OptionGroup var list: InputListOptions

    @Flag(help: "Print one JSON object per input instead of text.")
    var json = false

    @Flag(help: "Also list the times of the video's keyframes (reads every packet).")
    var keyframes = false

    @Option(help: ArgumentHelp("Describe the video stream of this index (as probe lists it) as the one images come from.", valueName: "n"))
    var stream: Int?

    @Flag(help: "Show FFmpeg's own log messages.")
    var verbose = false

    func validate() throws {
        try list.validate(arguments: inputs)
        if let stream, stream < 0 { throw ValidationError("--stream wants a stream index, 0 or more.") }
    }

    func run() async throws {
        FFmpegLog.setVerbose(verbose)
        let described = await ProbeRun.run(inputs: try list.inputs(inputs), keyframes: keyframes, videoStream: stream, json: json)
        if !described { throw ExitCode(1) }
    }
}
