import ArgumentParser
import Foundation
import FrameGrab
import FrameGrabCommand

/// Which times of each input: shared by grab, sheet and storyboard.
struct TimeOptions: ParsableArguments {
    @Option(name: [.short, .customLong("time")], parsing: .singleValue,
            help: ArgumentHelp("A time to grab; repeat it or give a comma list.", valueName: "time"),
            transform: { try TimeSpecification.parseList($0) })
    var times: [[TimeSpecification]] = []

    @Option(name: .customLong("times-file"), help: ArgumentHelp("Read times from a file, one per line (# starts a comment): any readable file, a pipe or <(...) too; - reads stdin.", valueName: "file"))
    var timesFile: String?

    @Option(help: ArgumentHelp("A time every DURATION from 0 up to the end (10, 2.5s, 500ms, 01:00).", valueName: "duration"),
            transform: { try TimeSelection.parseInterval($0) })
    var every: MediaTime?

    @Option(help: ArgumentHelp("N times evenly spaced: time i (from 1) is duration x (2i-1)/(2N).", valueName: "n"),
            transform: { try TimeSelection.parseCount($0) })
    var count: Int?

    @Option(name: .customLong("max-requests"),
            help: ArgumentHelp("Refuse to run when one input would get more than N times.", valueName: "n"))
    var maxRequests = GrabSettings.defaultMaximumRequests

    /// Whether no time was asked for in any way.
    var isEmpty: Bool { times.isEmpty && timesFile == nil && every == nil && count == nil }

    /// The times known before any file is read: the -t values and --count.
    var fixedCount: Int { times.reduce(0) { $0 + $1.count } + (count ?? 0) }

    func validate() throws {
        if maxRequests < 1 { throw ValidationError("--max-requests must be at least 1.") }
        if fixedCount > maxRequests {
            throw ValidationError("\(fixedCount) times are asked for each input, more than --max-requests \(maxRequests); ask for fewer, or raise --max-requests.")
        }
    }

    /// The selection, with the times file read; `defaultSelection` when nothing was asked for (`shots`:
    /// `--shots`, a time source of its own).
    func selection(default defaultSelection: TimeSelection? = nil, shots: Bool = false) throws -> TimeSelection {
        if isEmpty, shots { return TimeSelection(shots: true) }
        if isEmpty, let defaultSelection { return defaultSelection }
        var selection = TimeSelection(specifications: times.flatMap { $0 }, every: every, count: count, shots: shots)
        if let timesFile {
            do {
                selection.specifications += try TimesFile.read(timesFile)
            } catch {
                throw ValidationError(error.message)
            }
        }
        if selection.isEmpty { throw ValidationError("The times file \(timesFile ?? "") lists no times.") }
        if selection.fixedCount + (count ?? 0) > maxRequests {
            throw ValidationError("\(selection.fixedCount + (count ?? 0)) times are asked for each input, more than --max-requests \(maxRequests); ask for fewer, or raise --max-requests.")
        }
        return selection
    }
}

/// How far from each time the image may be: shared by grab, sheet and storyboard.
struct ToleranceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Both tolerances: exact, keyframe (unbounded) or seconds.", valueName: "exact|keyframe|seconds"),
            transform: { try ToleranceSpecification.parse($0) })
    var tolerance: MediaTime?

    @Option(name: .customLong("tolerance-before"), help: ArgumentHelp("How far before the time the image may be: seconds or inf.", valueName: "seconds|inf"),
            transform: { try ToleranceSpecification.parse($0) })
    var toleranceBefore: MediaTime?

    @Option(name: .customLong("tolerance-after"), help: ArgumentHelp("How far after the time the image may be: seconds or inf.", valueName: "seconds|inf"),
            transform: { try ToleranceSpecification.parse($0) })
    var toleranceAfter: MediaTime?

    var before: MediaTime { toleranceBefore ?? tolerance ?? .zero }
    var after: MediaTime { toleranceAfter ?? tolerance ?? .zero }

    /// Sets the window of `settings`.
    func apply(to settings: inout GenerationSettings) {
        settings.toleranceBefore = before
        settings.toleranceAfter = after
    }

    func validate() throws {
        if tolerance != nil && (toleranceBefore != nil || toleranceAfter != nil) {
            throw ValidationError("--tolerance sets both sides; use it or --tolerance-before/--tolerance-after, not both.")
        }
    }
}

/// Stills worth looking at, shared by grab and sheet: one per shot (`--shots`), none blank (`--skip-blank`).
struct StillChoiceOptions: ParsableArguments {
    @Flag(help: ArgumentHelp("One time per shot of each input, at a frame inside the shot that is not blank (every frame is decoded first to find the shots; see framegrab shots)."))
    var shots = false

    @Flag(help: ArgumentHelp("Answer a request whose frame is blank (black, white, one flat colour) with the nearest frame that is not: after the time first, within the request's own slice of the video for --count times and sheet tiles, else within --skip-blank-window."))
    var skipBlank = false

    @Option(help: ArgumentHelp("How far from each time --skip-blank may look (default 5s; 2.5, 500ms, 01:00).", valueName: "seconds"),
            transform: { try TimeSelection.parseInterval($0) })
    var skipBlankWindow: MediaTime?

    /// The setting these options make (nil without --skip-blank).
    var blankSkip: BlankSkip? {
        skipBlank ? BlankSkip(window: skipBlankWindow ?? BlankSkip.defaultWindow) : nil
    }

    func validate() throws {
        if skipBlankWindow != nil && !skipBlank { throw ValidationError("--skip-blank-window needs --skip-blank.") }
    }
}

/// `--inputs-from`: inputs listed in a file, besides those named on the command line. Shared by every
/// command over inputs.
struct InputListOptions: ParsableArguments {
    /// The help of the inputs argument of every command that walks inputs.
    static let inputsHelp = ArgumentHelp("Video files, http(s) URLs, - (a video on standard input, read in one pass), or folders of videos (recognised by their contents); --inputs-from lists more.", valueName: "input")

    @Option(name: .customLong("inputs-from"), help: ArgumentHelp("Also work on the inputs listed in a file, one path or URL per line (# starts a comment): a pipe or <(...) too; - reads stdin. A listed file that is missing fails alone.", valueName: "file"))
    var inputsFrom: String?

    /// Refuses a command with no input at all (an empty list is a run over nothing, as `xargs -r` does), and
    /// standard input asked for twice (see `checkStandardInput`), as far as the command line tells.
    func validate(arguments: [String], timesFile: String? = nil, name: String? = nil) throws {
        if arguments.isEmpty && inputsFrom == nil {
            throw ValidationError("No input: name video files or folders, or list them with --inputs-from FILE.")
        }
        if inputsFrom == "-" && timesFile == "-" {
            throw ValidationError("--inputs-from - and --times-file - cannot both read standard input; give one of them a file.")
        }
        // A list may name - too: --name is checked when it has been read.
        try checkStandardInput(arguments, timesFile: timesFile, name: inputsFrom == nil ? name : nil)
    }

    /// The inputs named on the command line, then those the list names, in its order; checked as `validate`
    /// checks the command line's, now with the list's `-` lines.
    func inputs(_ arguments: [String], timesFile: String? = nil, name: String? = nil) throws -> [String] {
        guard let inputsFrom else { return arguments }
        let inputs: [String]
        do {
            inputs = arguments + (try InputList.read(inputsFrom))
        } catch {
            throw ValidationError(error.message)
        }
        try checkStandardInput(inputs, timesFile: timesFile, name: name)
        return inputs
    }

    /// Refuses standard input asked for twice: `-` as an input (a video; on the command line or a list's
    /// line) more than once, or beside a list or times read from it. `name`: `--name`, which names standard
    /// input, so needs `-`.
    private func checkStandardInput(_ inputs: [String], timesFile: String?, name: String?) throws {
        let videoFromStandardInput = inputs.filter(MediaLocation.isStandardInput).count
        if videoFromStandardInput > 1 { throw ValidationError("- (standard input) can be an input once.") }
        if videoFromStandardInput == 1 {
            if inputsFrom == "-" { throw ValidationError("- reads a video from standard input, so --inputs-from - cannot read a list from it; give the list as a file.") }
            if timesFile == "-" { throw ValidationError("- reads a video from standard input, so --times-file - cannot read times from it; give the times as a file.") }
        } else if name != nil {
            throw ValidationError("--name names standard input, which is not an input here; give - as the input (cat clip.mkv | framegrab - --name clip ...).")
        }
    }
}

/// How the inputs are found and worked through: shared by every command over inputs.
struct InputWalkOptions: ParsableArguments {
    @OptionGroup var list: InputListOptions

    @Flag(name: [.short, .long], help: "Walk folders given as inputs into their subfolders too.")
    var recursive = false

    @Option(name: [.short, .long], help: ArgumentHelp("How many input files to work on at once (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    @Option(help: ArgumentHelp("Work only on the K-th of N slices of the sorted input files (1/4, 2/4, ...).", valueName: "K/N"))
    var shard: Shard?

    @Flag(name: [.short, .long], help: "No progress bar and no summary line on stderr.")
    var quiet = false

    @Flag(help: "Show FFmpeg's own log messages.")
    var verbose = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
    }
}

/// How a batch of inputs is worked through when it writes images: shared by grab, sheet, storyboard and poster.
struct BatchOptions: ParsableArguments {
    @OptionGroup var walk: InputWalkOptions

    @Option(help: ArgumentHelp("Decoder threads for each input (default: one per core, shared by the inputs worked on at once).", valueName: "n"))
    var threads: Int?

    @Flag(name: .customLong("skip-existing"), help: "Do not decode what is already written, complete (reported as skipped).")
    var skipExisting = false

    @Option(help: ArgumentHelp("What {name} is for a video read from standard input (-), as if it were a file of that name (default: stdin).", valueName: "name"))
    var name: String?

    func validate() throws {
        if let threads, !BatchOptions.threadRange.contains(threads) {
            throw ValidationError("--threads must be from \(BatchOptions.threadRange.lowerBound) to \(BatchOptions.threadRange.upperBound).")
        }
    }

    /// What `--threads` accepts (FFmpeg takes more, but more decoder threads than this only costs memory).
    static let threadRange = 1...64
}

/// The image files' format: shared by grab, sheet and storyboard.
struct FormatOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Image format: png, jpeg or webp (default: the output's extension, else PNG; storyboards: JPEG).", valueName: "png|jpeg|webp"))
    var format: ImageFormat?

    @Option(help: ArgumentHelp("JPEG and WebP quality, 1-100 (default 85).", valueName: "q"))
    var quality: Int?

    func validate() throws {
        if let quality, !ImageFormat.qualityRange.contains(quality) { throw ValidationError("--quality must be from 1 to 100.") }
    }

    /// The format: `--format`, else the extension of `path` (.png, .jpg, .jpeg, .webp), else `fallback`.
    /// A --format that contradicts the extension, or --quality for PNG, is a usage error.
    func resolve(for path: String, fallback: ImageFormat = .png) throws -> ImageFormat {
        let fromName = ImageFormat(fileExtension: (path as NSString).pathExtension)
        if let format, let fromName, format != fromName {
            throw ValidationError("--format \(format.rawValue) writes \(format.rawValue.uppercased()) files, but the output \(path) ends in .\((path as NSString).pathExtension); change one of them.")
        }
        let resolved = format ?? fromName ?? fallback
        if quality != nil && resolved == .png { throw ValidationError("--quality applies to jpeg and webp; PNG is lossless.") }
        return resolved
    }
}
