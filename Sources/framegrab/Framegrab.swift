import ArgumentParser

@main
struct Framegrab: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "framegrab",
        abstract: "Extract still images from videos at the times you ask for, as PNG files.",
        discussion: """
            framegrab returns the frame on screen at each requested time (or, with a tolerance, the nearest \
            keyframe inside the window), with the video's rotation and pixel aspect applied. Grabbing is the \
            default subcommand: `framegrab movie.mp4 -t 12.5` is `framegrab grab movie.mp4 -t 12.5`.
            """,
        version: Framegrab.version,
        subcommands: [Grab.self],
        defaultSubcommand: Grab.self
    )
}
