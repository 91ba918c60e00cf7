import ArgumentParser
internal import CMalloc
import FrameGrabCommand

@main
struct Framegrab: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "framegrab",
        abstract: "Extract still images from videos at the times you ask for, as PNG, JPEG or WebP files.",
        discussion: """
            framegrab returns the frame on screen at each requested time (or, with a tolerance, the nearest \
            keyframe inside the window), with the video's rotation and pixel aspect applied. Grabbing is the \
            default subcommand: `framegrab movie.mp4 -t 12.5` is `framegrab grab movie.mp4 -t 12.5`.
            """,
        version: Framegrab.version,
        subcommands: [Grab.self, Sheet.self, Storyboard.self, Poster.self, Probe.self, Shots.self, Compare.self],
        defaultSubcommand: Grab.self
    )

    /// `framegrab --help` describes grabbing, the default subcommand, rather than only listing
    /// subcommands; everything else goes through argument-parser as usual.
    static func main() async {
        // First thing: the threads made from here block SIGINT and SIGTERM, and one that comes before a run
        // hears signals is kept for it (see Interrupt.blockSignals).
        Interrupt.blockSignals()
        // Images are large, short-lived buffers made on several threads. glibc raises its mmap threshold to
        // the size of the largest block freed, after which such buffers come from per-thread heaps that keep
        // freed space: peak memory then creeps up with the number of images. A fixed threshold keeps every
        // large image in a mapping of its own, returned to the system when freed. Fixing it also fixes the
        // heap's trim threshold at 128 KB, which would hand back and fault in again the decoder's and
        // smaller images' memory for every file of a batch: that one is raised instead.
        mallopt(M_MMAP_THRESHOLD, 1 << 20)
        mallopt(M_TRIM_THRESHOLD, 32 << 20)
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            print(helpMessage(for: Grab.self))
            print("SUBCOMMANDS:")
            print("  grab (default)          \(Grab.configuration.abstract)")
            print("  sheet                   \(Sheet.configuration.abstract)")
            print("  storyboard              \(Storyboard.configuration.abstract)")
            print("  poster                  \(Poster.configuration.abstract)")
            print("  probe                   \(Probe.configuration.abstract)")
            print("  shots                   \(Shots.configuration.abstract)")
            print("  compare                 \(Compare.configuration.abstract)")
            print("\n  See 'framegrab help <subcommand>' for detailed help.")
            print("  Shell completions: framegrab --generate-completion-script bash|zsh|fish")
            return
        }
        do {
            var command = try parseAsRoot(arguments)
            // Only grab, sheet and storyboard hear signals themselves (finishing what is written, answering
            // the rest as cancelled); for the others, Ctrl-C ends the process as usual.
            if !(command is Grab || command is Sheet || command is Storyboard) { Interrupt.unblockSignals() }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
