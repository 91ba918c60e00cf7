import ArgumentParser
import Foundation
import FrameGrab
import FrameGrabCommand

/// The grab subcommand: its options (each with its help, which is why the file is over 300 lines), their
/// checks, and the settings handed to `GrabRun`.
struct Grab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one PNG per requested time of each input (the default subcommand).",
        usage: "framegrab [grab] <input> ... -t <time> [-t <time> ...] [<options>]",
        discussion: """
            TIME forms: 12.5, 12.5s, 1500ms, 02:03, 01:02:03.250, 50% (of the duration; 100% is the last frame). \
            Time 0 is the start of the file's timeline. By default each image is the frame on screen at the \
            time (exact); a tolerance lets framegrab return the nearest keyframe inside [T - before, T + after] \
            instead, which is faster.

            Inputs may be folders: their files are read in sorted order, and a file found there that is not \
            video (judged by its contents) is reported once as notVideo without failing the run.

            Output: one line per written image on stdout (its path), in the order images complete; errors on \
            stderr, one line each naming the input and the time; a progress bar on stderr when it is a terminal, \
            and a summary line at the end. With --json, one JSON object per line instead, and a final \
            {"summary":...} object. Exit status: 0 all images written, 1 some request or input failed, \
            64 usage error, 130 interrupted.

            -o - writes the PNG itself to stdout, and nothing else goes there: one input file (not a folder) \
            and exactly one time (framegrab movie.mp4 -t 5 -o - | display). Messages and the summary stay on \
            stderr; with --json the JSON lines go to stderr too (in place of the summary line). A file named \
            - is ./-.

            Files with several video streams (motion photos, multi-angle recordings, thumbnail streams): \
            framegrab takes a moving stream over one-frame stills, else FFmpeg's own choice; `framegrab probe` \
            says which and why. --stream N takes the stream of index N instead; an index that is not a video \
            stream FFmpeg can decode fails the input with the code invalidStream.

            With --golden DIR nothing is written (except difference images with --diff-out): each image is \
            compared with DIR/<template> (the default template {name}-{index}.png) and one verdict line per \
            image is printed, as by `framegrab compare`. Exit status: 0 every image matches, 1 a request \
            failed or an image differs or has no golden file, 2 a golden file is unreadable or not a PNG.
            """
    )

    @Argument(help: ArgumentHelp("Video files, or folders of them (video is recognised by its contents).", valueName: "input"))
    var inputs: [String]

    @Flag(name: [.short, .long], help: "Walk folders given as inputs into their subfolders too.")
    var recursive = false

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
            help: ArgumentHelp("Refuse to run when one input would get more than N times (default 20000).", valueName: "n"))
    var maxRequests = GrabSettings.defaultMaximumRequests

    @Option(help: ArgumentHelp("Both tolerances: exact, keyframe (unbounded) or seconds.", valueName: "exact|keyframe|seconds"),
            transform: { try ToleranceSpecification.parse($0) })
    var tolerance: MediaTime?

    @Option(name: .customLong("tolerance-before"), help: ArgumentHelp("How far before the time the image may be: seconds or inf.", valueName: "seconds|inf"),
            transform: { try ToleranceSpecification.parse($0) })
    var toleranceBefore: MediaTime?

    @Option(name: .customLong("tolerance-after"), help: ArgumentHelp("How far after the time the image may be: seconds or inf.", valueName: "seconds|inf"),
            transform: { try ToleranceSpecification.parse($0) })
    var toleranceAfter: MediaTime?

    @Option(name: .customLong("max-size"), help: ArgumentHelp("Fit images inside WxH, keeping their shape and never enlarging; 0 leaves a side free (320x0).", valueName: "WxH"),
            transform: { try PixelSize(parsing: $0) })
    var maxSize: PixelSize?

    @Flag(name: .customLong("no-autorotate"), help: "Keep the stored orientation instead of applying the video's rotation.")
    var noAutorotate = false

    @Option(help: ArgumentHelp("production: square pixels (the sample aspect ratio applied); encoded: stored pixels.", valueName: "production|encoded"))
    var aperture: ApertureMode = .productionAperture

    @Option(help: ArgumentHelp("Bits per channel of the PNGs: 8, or 16 to keep the precision of 10- and 12-bit video.", valueName: "8|16"))
    var depth: OutputDepth = .eight

    @Option(help: ArgumentHelp("HDR (PQ, HLG) video: tonemap to SDR BT.709, or keep the signal as a 16-bit PNG tagged with cICP.", valueName: "tonemap|keep"))
    var hdr: HDRPolicy = .toneMap

    @Flag(name: .customLong("no-deinterlace"), help: "Keep both fields of interlaced frames instead of deinterlacing them.")
    var noDeinterlace = false

    @Option(name: [.short, .long], help: ArgumentHelp("""
        Output path template. Tokens: {name} input file name without extension, {index} request position \
        from 1 (zero-padded), {ms} requested time in milliseconds, {time} requested time as HH-MM-SS.mmm, \
        {dir} the input's folder relative to the folder argument it was found under. A value ending in / is \
        a folder for the default name. - writes the one image to stdout.
        """, valueName: "template"))
    var output: String = OutputTemplate.defaultFileName

    @Option(help: ArgumentHelp("Take images from the video stream of this index (as probe lists it) instead of the one framegrab chooses; an index that is not a decodable video stream fails the input (invalidStream).", valueName: "n"))
    var stream: Int?

    @Flag(help: "Print one JSON object per result instead of plain lines.")
    var json = false

    @Option(name: .customLong("png-compression"), help: ArgumentHelp("PNG compression: fast, default (run-length), best (zlib level 9) or a zlib level 0-9.", valueName: "level"))
    var pngCompression: PNGCompression?

    @Option(name: .customLong("png-filter"), help: ArgumentHelp("PNG row filter: none, sub, up, average, paeth, adaptive (libpng picks per row) or auto (one per image).", valueName: "filter"))
    var pngFilter: PNGOptions.Filter?

    @Option(name: [.short, .long], help: ArgumentHelp("How many input files to work on at once (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    @Flag(name: .customLong("skip-existing"), help: "Do not decode requests whose output is already a complete PNG (reported as skipped).")
    var skipExisting = false

    @Option(help: ArgumentHelp("Work only on the K-th of N slices of the sorted input files (1/4, 2/4, ...).", valueName: "K/N"))
    var shard: Shard?

    @Flag(name: [.short, .long], help: "No progress bar and no summary line on stderr.")
    var quiet = false

    @Flag(help: "Show FFmpeg's own log messages.")
    var verbose = false

    @Flag(help: "Add PNG text chunks: source file name, stream, requested and actual time.")
    var metadata = false

    @Option(help: ArgumentHelp("Compare each image with the file -o DIR/<template> would write, instead of writing it; the options below set the thresholds (as for compare).", valueName: "dir"))
    var golden: String?

    @OptionGroup
    var comparison: ComparisonOptions

    /// The preset of `--png-compression`, with `--png-filter` (if given) in place of its filter.
    private var pngOptions: PNGOptions {
        var options = pngCompression?.options ?? .default
        if let pngFilter { options.filter = pngFilter }
        return options
    }

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func validate() throws {
        if times.isEmpty && timesFile == nil && every == nil && count == nil {
            throw ValidationError("Give at least one time with -t/--time, --times-file, --every or --count.")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if tolerance != nil && (toleranceBefore != nil || toleranceAfter != nil) {
            throw ValidationError("--tolerance sets both sides; use it or --tolerance-before/--tolerance-after, not both.")
        }
        if golden == nil && comparison.isSet {
            throw ValidationError("--max-diff, --max-differing-pixels, --min-psnr, --min-ssim, --resize and --diff-out need --golden DIR (or use framegrab compare).")
        }
        if golden != nil && skipExisting {
            throw ValidationError("--skip-existing cannot be used with --golden (the golden files exist).")
        }
        if let stream, stream < 0 { throw ValidationError("--stream wants a stream index, 0 or more.") }
        if maxRequests < 1 { throw ValidationError("--max-requests must be at least 1.") }
        let fixed = times.reduce(0) { $0 + $1.count } + (count ?? 0)
        if fixed > maxRequests {
            throw ValidationError("\(fixed) times are asked for each input, more than --max-requests \(maxRequests); ask for fewer, or raise --max-requests.")
        }
        if writesToStandardOutput { try validateStandardOutput() }
        if golden != nil && output.hasPrefix("/") {
            throw ValidationError("with --golden, --output is a template inside the golden folder and cannot be an absolute path.")
        }
        do {
            _ = try OutputTemplate(output)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// `-o -`: the image goes to stdout.
    var writesToStandardOutput: Bool { output == Grab.standardOutputPath }

    static let standardOutputPath = "-"

    /// `-o -` writes exactly one image to stdout: one input file and one time, nothing that writes elsewhere
    /// or looks for files. (`--every` and `--times-file` are counted once the times are known.)
    private func validateStandardOutput() throws {
        let why = "-o - writes one image to standard output"
        if golden != nil { throw ValidationError("\(why); --golden compares images instead of writing them, so it cannot be used with -o -.") }
        if skipExisting { throw ValidationError("\(why); --skip-existing looks for image files, which -o - does not write.") }
        if inputs.count != 1 { throw ValidationError("\(why), so it takes one input file, not \(inputs.count).") }
        var info = stat()
        if stat(inputs[0], &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw ValidationError("\(why); \(inputs[0]) is a folder, which can hold many videos. Name one file, or write to a folder with -o DIR/.")
        }
        let requests = times.reduce(0) { $0 + $1.count } + (count ?? 0)
        if requests > 1 { throw ValidationError("\(why), but \(requests) times are asked for; ask for one, or write files with -o DIR/.") }
        if isatty(STDOUT_FILENO) == 1 {
            throw ValidationError("\(why), which is a terminal here; pipe it to a program (| display) or redirect it (> still.png).")
        }
    }

    func run() async throws {
        FFmpegLog.setVerbose(verbose)
        let goldenCheck = golden.map {
            GoldenCheck(folder: $0, thresholds: comparison.thresholds, resize: comparison.resize, diffOut: comparison.diffOut)
        }
        var selection = TimeSelection(specifications: times.flatMap { $0 }, every: every, count: count)
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
        var settings = GrabSettings(inputs: inputs, selection: selection,
                                    template: try goldenCheck?.template(output) ?? OutputTemplate(output))
        settings.recursive = recursive
        settings.toleranceBefore = toleranceBefore ?? tolerance ?? .zero
        settings.toleranceAfter = toleranceAfter ?? tolerance ?? .zero
        settings.maximumSize = maxSize ?? .zero
        settings.autorotate = !noAutorotate
        settings.aperture = aperture
        settings.depth = depth
        settings.hdr = hdr
        settings.deinterlaces = !noDeinterlace
        settings.png = pngOptions
        settings.json = json
        if let jobs { settings.jobs = jobs }
        settings.skipExisting = skipExisting
        settings.shard = shard
        settings.quiet = quiet
        settings.metadata = metadata
        settings.golden = goldenCheck
        settings.limits = limits.assetLimits
        settings.videoStream = stream
        settings.toStandardOutput = writesToStandardOutput
        settings.maximumRequests = maxRequests
        let status = await GrabRun(settings: settings).run()
        if status != 0 { throw ExitCode(status) }
    }
}
